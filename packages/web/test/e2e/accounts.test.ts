/**
 * Accounts in Chromium against a real server with API keys (issue #16, the dashboard part). The
 * first admin key comes from the CLI (`crowdalpha admin create-key --role admin`, on the server's
 * own store), as the README says. Then, each person in their own browser profile (their own
 * storage, so no manage key is shared): the admin signs in and creates a user key for ann and one
 * for bob (each shown once); ann signs in, deploys a built-in agent and sees it under Mine; bob,
 * signed in with his key, tries to stop ann's agent and is told he may not (403), and the agent
 * keeps running; the admin revokes ann's key, and ann's tab says her key is refused.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSession, chromiumAvailable, launchBrowser, REPO, SCREENSHOTS, type RunningServer } from './harness.js';

const enabled = chromiumAvailable();
const CLI = path.join(REPO, 'packages', 'cli', 'bin', 'crowdalpha.js');

describe.skipIf(!enabled)('accounts in Chromium (real server with API keys)', () => {
  let server: RunningServer;
  let adminPage: Page;
  const others: Array<{ context: BrowserContext; dir: string }> = [];
  let adminKey = '';
  const keys = { ann: '', bob: '' };
  let agentId = '';

  const session = browserSession({ population: { momentum: 2, meanReversion: 2, marketMakers: 2, rl: 0 } });
  beforeAll(() => {
    server = session.server;
    adminPage = session.page;
    // the first admin key, made the documented way: the CLI on the server's store
    const r = spawnSync(process.execPath, [CLI, 'admin', 'create-key', '--role', 'admin', '--name', 'instructor', '--database-url', `sqlite:${path.join(server.dir, 'e2e.db')}`], { cwd: REPO, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    adminKey = r.stdout.trim();
    expect(adminKey).toMatch(/^ca_[A-Za-z0-9_-]{43}$/);
  });
  afterAll(async () => {
    for (const o of others) {
      await o.context.close();
      fs.rmSync(o.dir, { recursive: true, force: true });
    }
  });

  /** Another person: a fresh Chromium profile (its own sessionStorage and localStorage). */
  async function person(): Promise<Page> {
    const { context, userDataDir } = await launchBrowser();
    others.push({ context, dir: userDataDir });
    return context.pages()[0] ?? (await context.newPage());
  }

  async function signIn(page: Page, key: string, who: RegExp): Promise<void> {
    await page.goto(`${server.url}/#/mine`);
    const form = page.getByTestId('sign-in-form');
    await form.getByLabel('API key', { exact: true }).fill(key);
    await form.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByTestId('account-indicator').textContent(), { timeout: 15_000 }).toMatch(who);
  }

  const shot = async (page: Page, name: string) => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true });
  };

  it('the admin signs in with the CLI-made key and creates a key for ann and one for bob, each shown once', async () => {
    // a server with keys: the header offers to sign in, nobody is signed in yet
    await adminPage.goto(`${server.url}/`);
    await expect.poll(() => adminPage.getByTestId('account-indicator').textContent(), { timeout: 20_000 }).toMatch(/Sign in/);
    await signIn(adminPage, adminKey, /Signed in as instructor \(admin\)/);

    await adminPage.getByRole('link', { name: 'Admin', exact: true }).click();
    const table = adminPage.getByTestId('keys');
    await table.locator('tbody tr', { hasText: 'instructor' }).waitFor({ timeout: 15_000 });
    for (const name of ['ann', 'bob'] as const) {
      await adminPage.getByTestId('key-name').fill(name);
      await adminPage.getByTestId('key-role').selectOption('user');
      await adminPage.getByTestId('key-create').click();
      const shown = adminPage.getByTestId('key-shown');
      await expect.poll(() => shown.textContent(), { timeout: 15_000 }).toContain(`for ${name} (user`);
      keys[name] = ((await shown.getByTestId('key-secret').textContent()) ?? '').trim();
      expect(keys[name]).toMatch(/^ca_[A-Za-z0-9_-]{43}$/);
      await table.locator('tbody tr', { hasText: name }).waitFor({ timeout: 15_000 });
    }
    // the list never shows a secret
    const listed = (await table.textContent()) ?? '';
    for (const k of [adminKey, keys.ann, keys.bob]) expect(listed).not.toContain(k);
    await shot(adminPage, 'accounts-admin-keys.png');
  }, 120_000);

  it('ann signs in, deploys a built-in agent and sees it under Mine', async () => {
    const ann = await person();
    await signIn(ann, keys.ann, /Signed in as ann \(user\)/);
    expect(await ann.evaluate(() => sessionStorage.getItem('crowdalpha.credential'))).toBe(keys.ann);
    expect(ann.url()).not.toContain(keys.ann);

    await ann.getByRole('link', { name: 'Deploy', exact: true }).click();
    const form = ann.getByTestId('builtin-deploy');
    await form.getByTestId('builtin-type').locator('option[value="momentum"]').waitFor({ state: 'attached', timeout: 20_000 });
    await form.getByTestId('builtin-type').selectOption('momentum');
    await form.getByTestId('builtin-agent-id').fill('ann_mom_1');
    await form.getByTestId('builtin-deploy-button').click();
    await expect.poll(() => ann.getByTestId('builtin-result').textContent(), { timeout: 15_000 }).toContain('Deployed momentum as ann_mom_1');
    agentId = 'ann_mom_1';

    await ann.getByRole('link', { name: 'Mine', exact: true }).click();
    const row = ann.getByTestId('my-agents').locator(`tbody tr[data-agent="${agentId}"]`);
    await row.waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toContain('momentum');
    expect(await row.locator('td').nth(3).textContent()).toMatch(/^active/);
    await shot(ann, 'accounts-mine.png');
    // the server agrees: the agent is owned by ann's key
    const owned = (await (await fetch(`${server.url}/me/owned`, { headers: { authorization: `Bearer ${keys.ann}` } })).json()) as { agents: Array<{ agent_id: string }> };
    expect(owned.agents.map((a) => a.agent_id)).toEqual([agentId]);
  }, 120_000);

  it("bob, signed in with his own key, cannot stop ann's agent: the 403 is explained and the agent keeps running", async () => {
    const bob = await person();
    await signIn(bob, keys.bob, /Signed in as bob \(user\)/);
    // Mine lists nothing of ann's
    await bob.getByText('No agents deployed with this key in the current market').waitFor({ timeout: 15_000 });

    await bob.goto(`${server.url}/#/strategy/${agentId}`);
    await bob.getByTestId('stop-agent-button').click();
    await bob.getByTestId('stop-agent-confirm-button').click();
    const error = bob.getByTestId('stop-agent-error');
    await error.waitFor({ timeout: 15_000 });
    expect(await error.getAttribute('role')).toBe('alert');
    const text = (await error.textContent()) ?? '';
    expect(text).toMatch(/^Not allowed: your key may not stop ann_mom_1\./);
    expect(text).toContain('belongs to another owner');
    await shot(bob, 'accounts-forbidden-stop.png');
    const agents = (await (await fetch(`${server.url}/strategies`)).json()) as { agents: Array<{ agent_id: string; status: string }> };
    expect(agents.agents.find((a) => a.agent_id === agentId)?.status).toBe('active');
  }, 120_000);

  it("the admin revokes ann's key; ann's tab then says her key is refused", async () => {
    adminPage.once('dialog', (d) => void d.accept());
    const row = adminPage.getByTestId('keys').locator('tbody tr', { has: adminPage.getByRole('cell', { name: 'ann', exact: true }) });
    await row.getByTestId('key-revoke').click();
    await expect.poll(() => row.locator('td').nth(4).textContent(), { timeout: 15_000 }).toMatch(/^revoked/);
    expect(await row.getByTestId('key-revoke').count()).toBe(0);

    const me = (await (await fetch(`${server.url}/me`, { headers: { authorization: `Bearer ${keys.ann}` } })).json()) as { kind: string; credential_refused: string | null };
    expect(me.kind).toBe('anonymous');
    const ann = others[0]!.context.pages()[0]!;
    await ann.reload();
    await expect.poll(() => ann.getByTestId('account-indicator').textContent(), { timeout: 15_000 }).toMatch(/Key refused/);
    await shot(ann, 'accounts-key-refused.png');
  }, 120_000);
});
