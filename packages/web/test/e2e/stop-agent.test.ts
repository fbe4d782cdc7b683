/**
 * Stopping an agent from the dashboard against a real server with CROWDALPHA_ADMIN_TOKEN (a small
 * market, so it starts quickly), where the Stop button shows only because this browser holds the
 * agent's manage key: deploy a built-in agent from the Deploy page (its key is shown once and kept
 * in localStorage), open its Strategy page, stop it with a reason (the request carries the key),
 * and see it stopped there, in the API and on the leaderboard.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserSession, chromiumAvailable, SCREENSHOTS, type RunningServer } from './harness.js';

const enabled = chromiumAvailable();
const TOKEN = 'e2e-stop-operator-token-0123456789';

describe.skipIf(!enabled)('stopping an agent in Chromium (real server with an operator token)', () => {
  let server: RunningServer;
  let context: BrowserContext;
  let page: Page;

  const session = browserSession({ adminToken: TOKEN, population: { momentum: 2, meanReversion: 2, marketMakers: 2, rl: 0 } });
  beforeAll(() => {
    ({ server, context, page } = session);
  });

  it('deploys a built-in agent, keeps its manage key, stops it from its Strategy page and shows it stopped', async () => {
    await page.goto(`${server.url}/#/deploy`);
    const form = page.getByTestId('builtin-deploy');
    await form.getByTestId('builtin-type').locator('option[value="market_maker"]').waitFor({ state: 'attached', timeout: 20_000 });
    await form.getByTestId('builtin-type').selectOption('market_maker');
    await form.getByTestId('builtin-agent-id').fill('mm_e2e');
    await form.getByTestId('builtin-deploy-button').click();

    const notice = page.getByTestId('manage-key-notice');
    await notice.waitFor({ timeout: 10_000 });
    const key = (await notice.getByTestId('manage-key').textContent())?.trim() ?? '';
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await notice.textContent()).toContain('needed to stop mm_e2e from another browser');
    expect(await page.evaluate(() => localStorage.getItem('crowdalpha.manageKey.mm_e2e'))).toBe(key);

    await page.getByTestId('builtin-result').getByRole('link', { name: 'Open mm_e2e' }).click();
    await page.getByTestId('agent-status').filter({ hasText: 'active' }).waitFor({ timeout: 20_000 });
    await page.getByTestId('stop-agent-button').click();
    await page.getByTestId('stop-reason').fill('e2e says stop');
    const request = page.waitForRequest((r) => r.url().endsWith('/strategies/mm_e2e/stop') && r.method() === 'POST');
    await page.getByTestId('stop-agent-confirm-button').click();
    expect((await request).headers()['x-manage-key']).toBe(key);

    await page.getByTestId('agent-status').filter({ hasText: 'stopped by its owner: e2e says stop' }).waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('stop-agent-button').count()).toBe(0);
    const stats = (await (await fetch(`${server.url}/strategies/mm_e2e/stats`)).json()) as { status: string; status_reason: string };
    expect(stats).toMatchObject({ status: 'silenced', status_reason: 'stopped by its owner: e2e says stop' });

    await page.goto(`${server.url}/#/leaderboard`);
    await page.locator('tr[data-agent="mm_e2e"]').getByTestId('leaderboard-status').filter({ hasText: 'stopped by its owner' }).waitFor({ timeout: 10_000 });
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'stop-agent-leaderboard.png') });
  }, 90_000);
});
