/**
 * The dashboard in headless Chromium against the real server (100 agents, ~10 ticks/s): ticks
 * advance, canvases draw, pause/resume works, leaderboard → strategy page, config submission,
 * typing in the CodeMirror editor, a server validation error pinned to its line, a typed strategy
 * deployed, Parquet downloads read back. Screenshots of every page
 * go to artifacts/screenshots/; long-task and heap figures to artifacts/web-perf.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserSession, chromiumAvailable, REPO, SCREENSHOTS, type RunningServer } from './harness.js';

const enabled = chromiumAvailable();

/** Installed before any page script: collects every long task (> 50 ms) the browser reports. */
const LONGTASK_OBSERVER = `
  window.__longtasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longtasks.push({ start: e.startTime, duration: e.duration, name: e.name });
    }).observe({ type: 'longtask', buffered: true });
  } catch (err) { window.__longtaskError = String(err); }
`;

interface LongTask { start: number; duration: number; name: string }

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

async function tickOf(page: Page): Promise<number> {
  const t = await page.getByTestId('badge-tick').locator('.badge-value').textContent();
  return Number(t?.trim());
}

/** Focus the code editor and put the cursor at the end of `line` (1-based) with the keyboard. */
async function gotoLineEnd(page: Page, line: number): Promise<void> {
  const editor = page.getByTestId('code-editor');
  await editor.waitFor({ timeout: 15_000 });
  await editor.click();
  await page.keyboard.press('Control+Home');
  for (let i = 1; i < line; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
}

/** The text of one editor line as rendered (the template is short enough to be drawn whole). */
async function lineText(page: Page, line: number): Promise<string | null> {
  return page.locator('.cm-content > .cm-line').nth(line - 1).textContent();
}

/** Non-background pixels of a canvas (2D or uPlot's), read in the page. */
async function paintedPixels(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel) => {
    const c = document.querySelector(sel);
    if (!(c instanceof HTMLCanvasElement) || c.width === 0 || c.height === 0) return -1;
    const ctx = c.getContext('2d');
    if (!ctx) return -1;
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if ((d[i] as number) > 0) n++;
    return n;
  }, selector);
}

/** Long tasks and JS heap on the current page over `seconds`, with the tick rate it saw. */
async function measureLongTasks(page: Page, name: string, seconds: number) {
  type W = { __longtasks: LongTask[]; __longtaskError?: string; crowdalpha: { store: { tick: number; agents: Map<string, unknown> } } };
  type P = { memory?: { usedJSHeapSize: number } };
  await page.evaluate(() => {
    (window as unknown as W).__longtasks = [];
  });
  const before = await page.evaluate(() => ({ tick: (window as unknown as W).crowdalpha.store.tick, heap: (performance as unknown as P).memory?.usedJSHeapSize ?? null, t: performance.now(), load: 0 }));
  const heapSamples: number[] = [];
  const step = Math.min(5, seconds);
  for (let s = 0; s < seconds; s += step) {
    await page.waitForTimeout(step * 1000);
    heapSamples.push(await page.evaluate(() => (performance as unknown as P).memory?.usedJSHeapSize ?? 0));
  }
  const after = await page.evaluate(() => {
    const w = window as unknown as W;
    return { tick: w.crowdalpha.store.tick, agents: w.crowdalpha.store.agents.size, t: performance.now(), tasks: w.__longtasks, observerError: w.__longtaskError ?? null };
  });
  const durations = after.tasks.map((t) => t.duration).sort((a, b) => a - b);
  const secs = (after.t - before.t) / 1000;
  const mb = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;
  return {
    page: name,
    seconds: Math.round(secs * 10) / 10,
    agents: after.agents,
    ticks: after.tick - before.tick,
    ticks_per_second: Math.round(((after.tick - before.tick) / secs) * 100) / 100,
    longtasks: durations.length,
    longtasks_per_minute: Math.round((durations.length / secs) * 60 * 10) / 10,
    longtask_max_ms: durations.at(-1) ?? 0,
    longtask_p50_ms: durations[Math.floor(durations.length / 2)] ?? 0,
    longtask_busy_pct: Math.round((durations.reduce((a, b) => a + b, 0) / (secs * 1000)) * 1000) / 10,
    observer_error: after.observerError,
    heap_start_mb: before.heap === null ? null : mb(before.heap),
    heap_samples_mb: heapSamples.map(mb),
  };
}

describe.skipIf(!enabled)('web dashboard in Chromium (real server)', () => {
  let server: RunningServer;
  let context: BrowserContext;
  let page: Page;

  const session = browserSession({}, (context) => context.addInitScript(LONGTASK_OBSERVER));
  beforeAll(() => {
    ({ server, context, page } = session);
  });

  it('shows live ticks, a live connection and drawn charts on the dashboard', async () => {
    await page.goto(`${server.url}/`);
    await page.getByTestId('connection').and(page.locator('[data-state="live"]')).waitFor({ timeout: 20_000 });
    await expect.poll(() => tickOf(page), { timeout: 15_000 }).toBeGreaterThan(0);
    const t0 = await tickOf(page);
    await expect.poll(() => tickOf(page), { timeout: 10_000 }).toBeGreaterThan(t0 + 3);
    // the crowding matrix needs a few ticks of trading; the analytics panels poll every 3–5 s
    await page.getByTestId('heatmap').waitFor({ timeout: 30_000 });
    await page.getByTestId('factor-scatter').waitFor({ timeout: 30_000 });
    await page.getByTestId('decay-chart').waitFor({ timeout: 30_000 });
    await page.waitForTimeout(1500);
    expect(await paintedPixels(page, '[data-testid="heatmap"]')).toBeGreaterThan(1000);
    expect(await paintedPixels(page, '[data-testid="factor-scatter"]')).toBeGreaterThan(200);
    expect(await paintedPixels(page, '[data-testid="decay-chart"]')).toBeGreaterThan(200);
    expect(await paintedPixels(page, '[data-testid="regime-strip"]')).toBeGreaterThan(200);
    expect(await paintedPixels(page, '[data-testid="price-chart"] canvas')).toBeGreaterThan(200);
    const rows = await page.locator('table.ladder tbody tr').count();
    expect(rows).toBeGreaterThan(2);
    // hovering the heatmap reads out a pair and its similarity
    const box = await page.getByTestId('heatmap').boundingBox();
    if (!box) throw new Error('heatmap has no box');
    await page.getByTestId('heatmap').hover({ position: { x: box.width * 0.6, y: box.height * 0.4 } });
    await expect.poll(() => page.getByTestId('heatmap-readout').first().textContent()).toMatch(/× .*similarity -?\d\.\d{3}/);
    await shot(page, 'dashboard');
  }, 120_000);

  it('measures long tasks and heap at 10 ticks/s with 100 agents (recorded, not asserted)', async () => {
    // Dashboard and Leaderboard against Docs (header + stream only) on the same machine, same run:
    // the box is shared, so the baseline shows how much of the figure is load, not the page.
    const seconds = Number(process.env.CROWDALPHA_WEB_PERF_SECONDS ?? 10);
    const runs = [];
    for (const [name, hash, ready] of [
      ['dashboard', '#/', 'heatmap'],
      ['leaderboard', '#/leaderboard', 'leaderboard'],
      ['docs (baseline: stream + header only)', '#/docs', 'event-schema'],
    ] as const) {
      await page.goto(`${server.url}/${hash}`);
      await page.reload();
      await page.getByTestId(ready).waitFor({ timeout: 30_000 });
      await page.waitForTimeout(2000);
      runs.push(await measureLongTasks(page, name, seconds));
    }
    const figures = { measured_at: new Date().toISOString(), cpus: os.cpus().length, loadavg_1m_end: os.loadavg()[0], runs };
    fs.mkdirSync(path.join(REPO, 'artifacts'), { recursive: true });
    fs.writeFileSync(path.join(REPO, 'artifacts', 'web-perf.json'), JSON.stringify(figures, null, 2));
    for (const r of runs) console.log(`[web perf] ${JSON.stringify(r)}`);
    const dash = runs[0];
    expect(dash?.observer_error).toBeNull();
    expect(dash?.agents).toBeGreaterThanOrEqual(100);
    expect(dash?.ticks).toBeGreaterThan(0);
  }, 600_000);

  // Opt-in (CROWDALPHA_WEB_SOAK_SECONDS=600): the dashboard left open, heap read after a forced GC.
  // Registered only when asked for, so a CI run (where nothing may skip) does not list it as skipped.
  if (process.env.CROWDALPHA_WEB_SOAK_SECONDS) it('keeps the retained heap flat over a long dashboard session', async () => {
    const seconds = Number(process.env.CROWDALPHA_WEB_SOAK_SECONDS);
    await page.goto(`${server.url}/#/`);
    await page.reload();
    await page.getByTestId('heatmap').waitFor({ timeout: 30_000 });
    type G = { gc?: () => void; crowdalpha: { store: { tick: number } } };
    const sample = () =>
      page.evaluate(() => {
        (window as unknown as G).gc?.();
        return { tick: (window as unknown as G).crowdalpha.store.tick, heap: (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0, nodes: document.getElementsByTagName('*').length };
      });
    const samples = [await sample()];
    for (let t = 0; t < seconds; t += 30) {
      await page.waitForTimeout(30_000);
      samples.push(await sample());
    }
    const mb = (b: number) => Math.round((b / 2 ** 20) * 100) / 100;
    const third = Math.max(1, Math.floor(samples.length / 3));
    const mean = (xs: { heap: number }[]) => xs.reduce((a, x) => a + x.heap, 0) / xs.length;
    const first = mean(samples.slice(1, 1 + third));
    const last = mean(samples.slice(-third));
    const result = { measured_at: new Date().toISOString(), seconds, ticks: (samples.at(-1)?.tick ?? 0) - (samples[0]?.tick ?? 0), first_third_mb: mb(first), last_third_mb: mb(last), samples: samples.map((x) => ({ tick: x.tick, heap_mb: mb(x.heap), dom_nodes: x.nodes })) };
    fs.mkdirSync(path.join(REPO, 'artifacts'), { recursive: true });
    fs.writeFileSync(path.join(REPO, 'artifacts', 'web-soak.json'), JSON.stringify(result, null, 2));
    console.log(`[web soak] ${JSON.stringify({ ...result, samples: result.samples.length })}`);
    // bounded ring buffers: retained heap must not trend upward (generous 25% band for GC noise)
    expect(last).toBeLessThan(first * 1.25);
  }, 3_600_000);

  it('pauses and resumes the market from the controls', async () => {
    await page.goto(`${server.url}/`);
    await page.getByTestId('btn-pause').click();
    await page.getByTestId('btn-resume').waitFor({ timeout: 10_000 });
    await page.getByTestId('connection').and(page.locator('[data-state="paused"]')).waitFor({ timeout: 10_000 });
    await page.waitForTimeout(500);
    const paused = await tickOf(page);
    await page.waitForTimeout(1500);
    expect(await tickOf(page)).toBe(paused);
    await page.getByTestId('btn-resume').click();
    await expect.poll(() => tickOf(page), { timeout: 10_000 }).toBeGreaterThan(paused);
  }, 60_000);

  it('goes from the leaderboard to a strategy page', async () => {
    await page.goto(`${server.url}/#/leaderboard`);
    await expect.poll(async () => Number(await page.getByTestId('leaderboard-count').textContent()), { timeout: 15_000 }).toBeGreaterThanOrEqual(100);
    // only the visible window of rows is in the DOM (virtualised), and it is not empty
    expect(await page.locator('table.leaderboard tbody tr[data-agent]').count()).toBeGreaterThan(10);
    await shot(page, 'leaderboard');
    // Rows re-rank live, so follow whichever link is clicked rather than a row read beforehand.
    await page.locator('table.leaderboard tbody tr[data-agent] a').first().click();
    await page.waitForURL(/#\/strategy\/[A-Za-z0-9_.-]+$/);
    await page.getByTestId('strategy-summary').waitFor({ timeout: 10_000 });
    await page.getByTestId('pnl-chart').locator('canvas').first().waitFor({ timeout: 10_000 });
    await page.waitForTimeout(2500);
    expect(await paintedPixels(page, '[data-testid="pnl-chart"] canvas')).toBeGreaterThan(100);
    await shot(page, 'strategy');
  }, 60_000);

  it('submits a configuration for review on Deploy', async () => {
    await page.goto(`${server.url}/#/deploy`);
    const form = page.getByTestId('config-form');
    await form.getByLabel('Your name').fill('E2E Tester');
    await form.getByLabel('Contact').fill('e2e@example.org');
    await form.locator('select[name="template_strategy"] option').first().waitFor({ state: 'attached', timeout: 10_000 });
    await page.getByTestId('submit-config').click();
    await expect.poll(() => page.getByTestId('config-result').textContent(), { timeout: 10_000 }).toMatch(/Submitted as sub_\w+/);
    await expect.poll(() => page.getByTestId('submissions').locator('tbody tr').count(), { timeout: 15_000 }).toBeGreaterThan(0);
  }, 60_000);

  it('types into the CodeMirror editor: Tab indents, Escape then Tab leaves it', async () => {
    await page.goto(`${server.url}/#/deploy`);
    await page.getByRole('button', { name: 'Reset to template' }).click();
    const editor = page.getByRole('textbox', { name: 'Strategy source (TypeScript)' });
    await gotoLineEnd(page, 9); // `  private readonly size = 5;`
    await page.keyboard.press('Home');
    await page.keyboard.press('Tab');
    expect(await lineText(page, 9)).toBe('    private readonly size = 5;');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('code-editor');
    await page.keyboard.press('Shift+Tab');
    expect(await lineText(page, 9)).toBe('  private readonly size = 5;');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    // focus moved on to the next control after the editor; the code is untouched
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('submit-strategy');
    expect(await lineText(page, 9)).toBe('  private readonly size = 5;');
    expect(await editor.getAttribute('aria-describedby')).toBeTruthy();
  }, 60_000);

  it('shows a server validation error at the right line of the editor', async () => {
    await page.goto(`${server.url}/#/deploy`);
    await page.getByRole('button', { name: 'Reset to template' }).click();
    const broken = 13; // a new line after line 12 (`if (...) return [];` in onTick) gets the syntax error
    await gotoLineEnd(page, broken - 1);
    await page.keyboard.press('Enter');
    await page.keyboard.type('const broken = (1 + ;');
    // the editor auto-indented the new line and closed the bracket
    expect(await lineText(page, broken)).toBe('    const broken = (1 + ;)');
    await page.getByTestId('deploy-toggle').uncheck();
    await page.getByTestId('strategy-name').fill('e2e_broken');
    await page.getByTestId('submit-strategy').click();
    const problem = page.getByTestId('server-problem').first();
    await problem.waitFor({ timeout: 20_000 });
    expect(await problem.getAttribute('data-line')).toBe(String(broken));
    const message = ((await problem.locator('xpath=..').textContent()) ?? '').replace(/^.*\[server\]\s*/, '').trim();
    expect(message.length).toBeGreaterThan(0);
    // the line is tinted and underlined, and its lint-gutter marker sits beside line number 13
    const tinted = page.locator(`.cm-line.cm-problemLine-server[data-problem-line="${broken}"]`);
    await tinted.waitFor({ timeout: 5_000 });
    expect(await tinted.textContent()).toContain('const broken');
    expect(await tinted.locator('.cm-lintRange-error').count()).toBeGreaterThan(0);
    const marker = page.locator('.cm-gutter-lint .cm-lint-marker-error').first();
    const markerBox = await marker.boundingBox();
    const numberBox = await page.locator('.cm-lineNumbers .cm-gutterElement', { hasText: new RegExp(`^${broken}$`) }).boundingBox();
    if (!markerBox || !numberBox) throw new Error('lint marker or line number not rendered');
    const centre = markerBox.y + markerBox.height / 2;
    expect(centre).toBeGreaterThan(numberBox.y);
    expect(centre).toBeLessThan(numberBox.y + numberBox.height);
    // the jump to the first problem put the cursor on that line
    await expect.poll(() => page.locator('.cm-activeLine').textContent()).toContain('const broken');
    // hovering the marker shows the server's message
    await marker.hover();
    const tooltip = page.locator('.cm-tooltip-lint');
    await tooltip.waitFor({ timeout: 5_000 });
    expect(await tooltip.textContent()).toContain(message.slice(0, 40));
    await shot(page, 'deploy-validation-error');
  }, 60_000);

  it('Python mode: the template switches, CPython\'s error lands on its line, the fixed strategy deploys', async (ctx) => {
    await page.goto(`${server.url}/#/deploy`);
    await page.getByRole('button', { name: 'Reset to template' }).click();
    await page.getByTestId('strategy-language').selectOption('python');
    const editor = page.getByTestId('code-editor');
    await expect.poll(() => editor.getAttribute('data-language'), { timeout: 15_000 }).toBe('python');
    expect(await lineText(page, 5)).toBe('class VwapReversion(BaseAgent):');
    const broken = 6; // `    def __init__(...):` loses its colon
    await gotoLineEnd(page, broken);
    await page.keyboard.press('Backspace');
    expect(((await lineText(page, broken)) ?? '').endsWith('max_inventory=40)')).toBe(true);
    await page.getByTestId('deploy-toggle').uncheck();
    await page.getByTestId('strategy-name').fill('e2e_py_broken');
    const request = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/strategies/user'));
    await page.getByTestId('submit-strategy').click();
    expect((JSON.parse((await request).postData() ?? '{}') as { language?: string }).language).toBe('python');
    const result = page.getByTestId('strategy-result');
    await result.waitFor({ timeout: 30_000 });
    const text = (await result.textContent()) ?? '';
    if (/\(422\)/.test(text) && process.env.CI !== 'true') ctx.skip(`this server cannot run Python: ${text}`);
    const problem = page.getByTestId('server-problem').first();
    await problem.waitFor({ timeout: 20_000 });
    expect(await problem.getAttribute('data-line')).toBe(String(broken));
    expect(await problem.locator('xpath=..').textContent()).toMatch(/SyntaxError/);
    await page.locator(`.cm-line.cm-problemLine-server[data-problem-line="${broken}"]`).waitFor({ timeout: 5_000 });
    // put the colon back and deploy
    await gotoLineEnd(page, broken);
    await page.keyboard.type(':');
    await page.getByTestId('strategy-name').fill('e2e_py_vwap');
    await page.getByTestId('deploy-toggle').check();
    await page.getByTestId('agent-id').fill('user_e2e_py');
    await page.getByTestId('submit-strategy').click();
    await expect.poll(async () => (await result.textContent()) ?? '', { timeout: 30_000 }).toMatch(/deployed as user_e2e_py/);
    await shot(page, 'deploy-python');
    // back to TypeScript for the tests after this one (the page keeps its state across hash routes)
    await page.getByTestId('strategy-language').selectOption('typescript');
    await expect.poll(() => editor.getAttribute('data-language')).toBe('typescript');
  }, 90_000);

  it('deploys a user strategy typed in the editor and finds it on the leaderboard', async (ctx) => {
    await page.goto(`${server.url}/#/deploy`);
    await page.getByRole('button', { name: 'Reset to template' }).click();
    await gotoLineEnd(page, 9); // `  private readonly size = 5;` → 3
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('3;');
    expect(await lineText(page, 9)).toBe('  private readonly size = 3;');
    await page.getByTestId('strategy-name').fill('e2e_vwap');
    await page.getByTestId('deploy-toggle').check();
    await page.getByTestId('agent-id').fill('user_e2e_1');
    const request = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/strategies/user'));
    await page.getByTestId('submit-strategy').click();
    // what was typed is what the server got
    const sent = JSON.parse((await request).postData() ?? '{}') as { code?: string };
    expect(sent.code).toContain('private readonly size = 3;');
    expect(sent.code).not.toContain('size = 5');
    const result = page.getByTestId('strategy-result');
    await result.waitFor({ timeout: 30_000 });
    const text = (await result.textContent()) ?? '';
    if (/501/.test(text) && process.env.CI !== 'true') ctx.skip(`the server has no sandbox yet: ${text}`);
    const problems = (await page.getByTestId('problems').allTextContents().catch(() => [])).join(' | ');
    expect(`${text} ${problems}`).toMatch(/deployed as user_e2e_1/);
    await shot(page, 'deploy');
    await page.goto(`${server.url}/#/leaderboard`);
    await page.getByPlaceholder('agent or strategy').fill('user_e2e_1');
    await expect.poll(() => page.locator('table.leaderboard tbody tr[data-agent="user_e2e_1"]').count(), { timeout: 15_000 }).toBe(1);
  }, 90_000);

  it('lists simulations on Research and renders the event contract on Docs', async () => {
    await page.goto(`${server.url}/#/research`);
    await page.getByTestId('simulations').locator('tbody tr a').first().click();
    await page.locator('.research canvas').first().waitFor({ timeout: 15_000 });
    await shot(page, 'research');
    // the list as Parquet, written in the browser, read back here: same simulations as the table on screen
    const ids = await page.getByTestId('simulations').locator('tbody tr td:first-child').allTextContents();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the simulation list as Parquet' }).click()]);
    expect(download.suggestedFilename()).toBe('simulations.parquet');
    const bytes = fs.readFileSync(await download.path());
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const rows = await parquetReadObjects({ file });
    expect(rows.map((r) => r.id)).toEqual(ids);
    expect(rows.every((r) => typeof r.ticks === 'bigint' || r.ticks === null)).toBe(true);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the simulation list as CSV' }).click()]);
    expect(fs.readFileSync(await csv.path(), 'utf8').split('\n')[0]).toBe('id,name,status,created_at,ticks,seed');
    // a run's first series table: as many rows as the page says, ticks as INT64, series as DOUBLE
    const seriesPanel = page.locator('.research .grid-2 > .panel').first();
    const shown = Number(((await seriesPanel.locator('p.muted').textContent()) ?? '').match(/^([\d,]+) rows/)?.[1]?.replace(/,/g, ''));
    const [series] = await Promise.all([page.waitForEvent('download'), seriesPanel.getByRole('button', { name: /as Parquet$/ }).click()]);
    const sBytes = fs.readFileSync(await series.path());
    const sRows = await parquetReadObjects({ file: sBytes.buffer.slice(sBytes.byteOffset, sBytes.byteOffset + sBytes.byteLength) as ArrayBuffer });
    expect(sRows.length).toBe(shown);
    expect(typeof sRows[0]?.tick).toBe('bigint');
    expect(Object.values(sRows[0] ?? {}).filter((v) => typeof v === 'number').length).toBeGreaterThan(0);
    await page.goto(`${server.url}/#/docs`);
    await expect.poll(() => page.getByTestId('event-schema').locator('tbody tr').count(), { timeout: 10_000 }).toBe(9);
    await shot(page, 'docs');
  }, 60_000);
});
