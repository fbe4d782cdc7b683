/**
 * The strategy author's loop in Chromium against a real server: a sandboxed strategy that logs and
 * drops some of its orders is registered and deployed through the API (its manage key kept in this
 * browser, as the Deploy page does), its Strategy page shows the deployed version, Φ on its scale
 * with the most similar agents, the PnL split, the drop reasons and the log tail; a stop with
 * flatten from that page closes the position, and the leaderboard lists the agent apart.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserSession, chromiumAvailable, SCREENSHOTS, type RunningServer } from './harness.js';

const enabled = chromiumAvailable();

const CODE = `class Noisy extends BaseAgent<{ size?: number }> {
  onTick(state: MarketState): OrderIntent[] {
    console.log('tick', state.tick, 'position', state.position);
    const size = Number(this.params.size ?? 2);
    if (state.tick % 2 === 0) return [limit(Side.BID, Number.NaN, size)];
    return state.position < 20 ? [market(Side.BID, size)] : [];
  }
  factorVector(): number[] { return [0.5, 1, 0.2, 0, 0, 0.1]; }
}`;

describe.skipIf(!enabled)('a strategy author in Chromium (real server)', () => {
  let server: RunningServer;
  let page: Page;
  const session = browserSession({ population: { momentum: 2, meanReversion: 2, marketMakers: 2, rl: 0 } });
  beforeAll(() => {
    ({ server, page } = session);
  });

  it('reads the Strategy page of a logging, order-dropping strategy, then stops it with flatten', async () => {
    const res = await fetch(`${server.url}/strategies/user`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ strategy_name: 'noisy_e2e', code: CODE, deploy: true, agent_id: 'user_noisy', config: { params: { size: 3 } } }),
    });
    const out = (await res.json()) as { version: number; manage_key: string };
    expect(res.status, JSON.stringify(out)).toBe(201);
    expect(out.version).toBe(1);
    await page.goto(`${server.url}/#/deploy`);
    await page.evaluate((key) => localStorage.setItem('crowdalpha.manageKey.user_noisy', key), out.manage_key);

    await page.goto(`${server.url}/#/strategy/user_noisy`);
    await page.getByTestId('log-tail').filter({ hasText: /tick \d+ position/ }).waitFor({ timeout: 30_000 });
    await page.getByTestId('drop-reasons').filter({ hasText: 'LIMIT price is missing' }).waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('deployment').textContent()).toMatch(/noisy_e2e version 1 with params \{"size":3\}/);
    expect(await page.getByTestId('pnl-split').count()).toBe(1);
    await page.getByTestId('similar-agents').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('phi-band').textContent()).toMatch(/low|moderate|crowded/);
    expect(Number((await page.getByTestId('orders-dropped').textContent())?.replace(/,/g, ''))).toBeGreaterThan(0);

    await page.getByTestId('stop-agent-button').click();
    const request = page.waitForRequest((r) => r.url().endsWith('/strategies/user_noisy/stop') && r.method() === 'POST');
    await page.getByTestId('stop-agent-confirm-button').click();
    expect(JSON.parse((await request).postData() ?? '{}')).toMatchObject({ position: 'flatten' });
    await page.getByTestId('stop-outcome').filter({ hasText: 'flattened with market orders' }).waitFor({ timeout: 20_000 });

    await page.goto(`${server.url}/#/leaderboard`);
    await page.getByTestId('leaderboard-inactive').locator('tr[data-agent="user_noisy"]').waitFor({ timeout: 20_000 });
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'strategy-author-leaderboard.png') });
  }, 150_000);
});
