// @vitest-environment jsdom
/**
 * The Research page's experiments against the real server with the CLI's experiment runner (as
 * `crowdalpha serve` starts it): an experiment posted to the API shows in the list with its
 * progress, and selecting it shows its status, the figures with intervals over seeds, the
 * stylized-facts panel, the runs with "Re-run this row", and downloads pointing at the server.
 */
import './dom-stubs.js';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startServer, type RunningServer } from '@crowdalpha/server';
import { CliExperimentService } from '../../cli/dist/experiment/experiment-service.js';
import { silentLogger, tempSqlite, testOptions } from '../../server/test/helpers.js';
import { ExperimentsSection, intervalSeries } from '../src/pages/ExperimentsSection.js';

const db = tempSqlite();
let server: RunningServer;

beforeAll(async () => {
  server = await startServer(testOptions(db.url), { logger: silentLogger(), env: { CROWDALPHA_LOG_LEVEL: 'error' }, listen: true, experiments: (store) => new CliExperimentService(store, { workers: 2 }) });
  vi.stubEnv('VITE_API_URL', server.url);
});
afterAll(async () => {
  cleanup();
  vi.unstubAllEnvs();
  await server.close();
  db.cleanup();
});

describe('intervalSeries', () => {
  it('puts the first axis on x and splits series by the second', () => {
    const f = (mean: number) => ({ impact: { n: 2, mean, sd: 0.1, ci_lo: mean - 1, ci_hi: mean + 1 } });
    const { series, xLabels } = intervalSeries(
      [
        { params: { k: 0, m: 1 }, seeds: 2, figures: f(1) },
        { params: { k: 18, m: 1 }, seeds: 2, figures: f(2) },
        { params: { k: 0, m: 3 }, seeds: 2, figures: f(3) },
      ],
      ['k', 'm'],
      'impact',
    );
    expect(xLabels).toEqual([]);
    expect(series.map((s) => [s.name, s.points.map((p) => [p.x, p.mean, p.lo, p.hi])])).toEqual([
      ['m=1', [[0, 1, 0, 2], [18, 2, 1, 3]]],
      ['m=3', [[0, 3, 2, 4]]],
    ]);
  });
});

describe('Research page: experiments', () => {
  it('lists a posted experiment with progress and shows its figures and runs', async () => {
    const res = await fetch(`${server.url}/experiments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'page-check', grid: { 'crowding.kappa': [0, 18] }, seeds: [1, 2], ticks: 120 }) });
    expect(res.status, await res.clone().text()).toBe(201);
    const { id } = (await res.json()) as { id: string };
    render(<ExperimentsSection />);
    const list = await screen.findByTestId('experiments', {}, { timeout: 10_000 });
    await waitFor(() => expect(within(list).getByText('done')).toBeTruthy(), { timeout: 60_000 });
    expect(within(list).getByText(id)).toBeTruthy();
    expect(within(list).getByLabelText('4 of 4 runs')).toBeTruthy();
    fireEvent.click(within(list).getByText('page-check'));
    const detail = await screen.findByTestId('experiment-detail', {}, { timeout: 10_000 });
    expect(within(detail).getByText(id)).toBeTruthy();
    expect(screen.getByRole('img', { name: 'Impact cost per unit vs crowding.kappa' })).toBeTruthy();
    const runs = await screen.findByTestId('experiment-runs');
    expect(within(runs).getAllByRole('button', { name: 'Re-run this row' })).toHaveLength(4);
    expect(within(screen.getByTestId('facts')).getAllByRole('row')).toHaveLength(3);
    const csv = screen.getByRole('link', { name: 'CSV' }) as HTMLAnchorElement;
    expect(csv.href).toBe(`${server.url}/experiments/${id}/runs.csv`);
    const text = await (await fetch(csv.href)).text();
    expect(text.trim().split('\n')).toHaveLength(5);

    // Re-run the last row: a one-run experiment with that row's values and seed, selected.
    fireEvent.click(within(runs).getAllByRole('button', { name: 'Re-run this row' })[3]!);
    // The new experiment is selected: its description names the row it re-runs.
    await waitFor(() => expect(screen.getByText(`re-run of ${id} run 3`)).toBeTruthy(), { timeout: 20_000 });
    const rerunId = within(screen.getByTestId('experiment-detail')).getByText(/^exp_/).textContent!;
    expect(rerunId).not.toBe(id);
    const rerun = await waitFor(
      async () => {
        const d = (await (await fetch(`${server.url}/experiments/${rerunId}`)).json()) as { status: string; runs: { seed: number; params: Record<string, number>; figures: Record<string, unknown> }[] };
        if (d.status !== 'done') throw new Error('not yet');
        return d;
      },
      { timeout: 60_000 },
    );
    const original = (await (await fetch(`${server.url}/experiments/${id}`)).json()) as { runs: { figures: Record<string, unknown> }[] };
    expect(rerun.runs).toHaveLength(1);
    expect(rerun.runs[0]!.seed).toBe(2);
    expect(rerun.runs[0]!.params).toEqual({ 'crowding.kappa': 18 });
    expect(rerun.runs[0]!.figures).toEqual(original.runs[3]!.figures);
  }, 180_000);
});
