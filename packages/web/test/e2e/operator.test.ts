/**
 * The dashboard against a real server started with CROWDALPHA_ADMIN_TOKEN (a small market, so it
 * starts quickly): no token UI until the server asks; pausing without a token opens the inline
 * token form; a wrong token is refused and forgotten; the right one pauses the market (checked
 * through the API) and also carries the submission review; "forget" in the header drops it and
 * the form comes back on the next operator action.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserSession, chromiumAvailable, SCREENSHOTS, type RunningServer } from './harness.js';

const enabled = chromiumAvailable();
const TOKEN = 'e2e-operator-token-0123456789abcdef';
const TOKEN_KEY = 'crowdalpha.credential';

describe.skipIf(!enabled)('operator token in Chromium (real server with CROWDALPHA_ADMIN_TOKEN)', () => {
  let server: RunningServer;
  let context: BrowserContext;
  let page: Page;

  const status = async () => (await (await fetch(`${server.url}/status`)).json()) as { running: boolean };
  const stored = () => page.evaluate((k) => ({ session: sessionStorage.getItem(k), local: localStorage.length }), TOKEN_KEY);
  const tokenForm = () => page.getByRole('form', { name: 'Sign in required' });

  const session = browserSession({ adminToken: TOKEN, population: { momentum: 2, meanReversion: 2, marketMakers: 2, rl: 0 } });
  beforeAll(() => {
    ({ server, context, page } = session);
  });

  it('asks for the token on pause, refuses a wrong one, pauses with the right one and forgets it', async () => {
    await page.goto(`${server.url}/`);
    await page.getByTestId('connection').and(page.locator('[data-state="live"]')).waitFor({ timeout: 20_000 });
    // nothing about tokens until the server asks for one
    expect(await page.getByTestId('account-indicator').count()).toBe(0);
    expect(await page.getByTestId('operator-form').count()).toBe(0);

    await page.getByTestId('btn-pause').click();
    await tokenForm().waitFor({ timeout: 10_000 });
    const input = tokenForm().getByLabel('API key or operator token', { exact: true });
    expect(await input.getAttribute('type')).toBe('password');
    // the form takes the focus, so a keyboard user types straight into it
    await expect.poll(() => input.evaluate((el) => el === document.activeElement)).toBe(true);
    expect((await status()).running).toBe(true);

    await input.fill('not-the-operator-token-at-all');
    await tokenForm().getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('operator-refused').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('operator-refused').getAttribute('role')).toBe('alert');
    expect(await page.getByTestId('operator-refused').textContent()).toMatch(/refused that key/);
    expect(await stored()).toEqual({ session: null, local: 0 });
    expect(await page.getByTestId('account-indicator').count()).toBe(0);
    expect((await status()).running).toBe(true);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'operator-token-refused.png') });

    await input.fill(TOKEN);
    await tokenForm().getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('btn-resume').waitFor({ timeout: 10_000 });
    await expect.poll(async () => (await status()).running, { timeout: 10_000 }).toBe(false);
    expect(await tokenForm().count()).toBe(0);
    // GET /me says who the token makes this tab
    await expect.poll(() => page.getByTestId('account-indicator').textContent(), { timeout: 10_000 }).toMatch(/Signed in as operator \(admin\)/);
    expect(await stored()).toEqual({ session: TOKEN, local: 0 });
    expect(page.url()).not.toContain(TOKEN);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'operator-signed-in.png') });

    await page.getByTestId('sign-out').click();
    await page.getByTestId('account-indicator').waitFor({ state: 'detached', timeout: 5_000 });
    expect(await stored()).toEqual({ session: null, local: 0 });
    await page.getByTestId('btn-resume').click();
    await tokenForm().waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('operator-refused').count()).toBe(0);
    expect((await status()).running).toBe(false);
  }, 90_000);

  it('reviews a submission: the token form opens beside the list and saving it approves', async () => {
    const res = await fetch(`${server.url}/strategies/submit-config`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ submitter_name: 'E2E Student', contact: 'student@example.org', template_strategy: 'momentum', parameters: {} }),
    });
    expect(res.status).toBe(201);
    const id = ((await res.json()) as { submission_id: string }).submission_id;

    await page.goto(`${server.url}/#/deploy`);
    const row = page.getByTestId('submissions').locator('tbody tr', { hasText: id });
    await row.getByRole('button', { name: 'Approve', exact: true }).click();
    await tokenForm().waitFor({ timeout: 10_000 });
    await tokenForm().getByLabel('API key or operator token', { exact: true }).fill(TOKEN);
    await tokenForm().getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => row.locator('td').nth(4).textContent(), { timeout: 15_000 }).toBe('approved');
    expect(await tokenForm().count()).toBe(0);
    await expect.poll(() => page.getByTestId('account-indicator').count(), { timeout: 10_000 }).toBe(1);
  }, 60_000);
});
