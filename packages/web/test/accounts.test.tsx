// @vitest-environment jsdom
/**
 * Accounts in the dashboard under jsdom: signing in on the Mine page (a key the server does not
 * recognise is not kept; one it does is kept for the tab and names who it is), the owned lists,
 * a keyless server that asks nothing, the Admin page's keys (created key shown once, never in the
 * list; a user key told it may not), and what 401 and 403 say. A local HTTP server answers GET /me,
 * /me/owned and /admin/keys in the shapes of packages/server's plugins/me.ts and keys.ts (the
 * real server is driven by test/e2e/accounts.test.ts).
 */
import './dom-stubs.js';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { useLocalApi } from './local-api.js';
import { clearCredential, getCredential, setCredential } from '../src/api/credential.js';
import { ApiError, describeError } from '../src/api/http.js';
import type { ApiKeySummaryWire, MeResponse, OwnedResponse } from '../src/api/types.js';
import { AccountIndicator } from '../src/components/Account.js';
import { AdminPage } from '../src/pages/AdminPage.js';
import { MinePage } from '../src/pages/MinePage.js';
import { AccountProvider } from '../src/state/account.js';

const ADMIN = 'ca_admin_key_0123456789';
const ANN = 'ca_ann_key_0123456789';

let keyless = false;
let keys: Array<ApiKeySummaryWire & { secret: string }> = [];
let seen: Array<{ method: string; url: string; authorization: string | undefined }> = [];

function reset(): void {
  keyless = false;
  seen = [];
  keys = [
    { id: 'key_admin', name: 'teacher', role: 'admin', created_at: '2026-11-27T20:00:00.000Z', revoked_at: null, rotated_at: null, secret: ADMIN },
    { id: 'key_ann', name: 'ann', role: 'user', created_at: '2026-11-27T20:01:00.000Z', revoked_at: null, rotated_at: null, secret: ANN },
  ];
}
reset();

const OWNED: OwnedResponse = {
  key_id: 'key_ann',
  agents: [{ agent_id: 'ann_mom_1', strategy_type: 'momentum', kind: 'deployed', strategy_version: null, status: 'active', status_reason: null, live: true, net_pnl: -12.5, created_tick: 40, stopped_at: null }],
  strategies: [
    {
      name: 'ann_mm',
      version: 2,
      created_at: '2026-11-27T20:02:00.000Z',
      versions: [
        { version: 1, created_at: '2026-11-27T20:02:00.000Z', params: ['size'] },
        { version: 2, created_at: '2026-11-27T20:03:00.000Z', params: [] },
      ],
    },
  ],
  submissions: [],
};

useLocalApi((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString('utf8')));
  req.on('end', () => {
    const auth = req.headers.authorization;
    seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: auth });
    res.setHeader('content-type', 'application/json');
    const key = keys.find((k) => !k.revoked_at && auth === `Bearer ${k.secret}`) ?? null;
    const send = (status: number, payload: unknown) => {
      res.statusCode = status;
      res.end(JSON.stringify(payload));
    };
    if (req.url === '/me') {
      const me: MeResponse = {
        kind: key ? 'key' : 'anonymous',
        role: key ? (key.role as 'admin' | 'user') : null,
        key_id: key?.id ?? null,
        name: key?.name ?? null,
        credential_refused: auth && !key && !keyless ? 'the key sent is not a valid API key (revoked, rotated or mistyped) nor the operator token' : null,
        keyless,
        operator_token: false,
        public_reads: true,
        can_deploy: keyless || key !== null,
        can_admin: keyless || key?.role === 'admin',
      };
      return send(200, me);
    }
    if (req.url === '/me/owned') return key ? send(200, key.id === 'key_ann' ? OWNED : { key_id: key.id, agents: [], strategies: [], submissions: [] }) : send(401, { error: { code: 'CA_ERR_UNAUTHORIZED', message: 'GET /me/owned needs a key' } });
    if (req.url?.startsWith('/admin/keys') || req.url?.startsWith('/strategies/submissions')) {
      if (!key) return send(401, { error: { code: 'CA_ERR_UNAUTHORIZED', message: 'an admin route' } });
      if (key.role !== 'admin') return send(403, { error: { code: 'CA_ERR_FORBIDDEN', message: `${req.method} /admin/keys is for admins; the key sent (${key.id}, ${key.name}) has the role user` } });
      if (req.url.startsWith('/strategies/submissions')) return send(200, { items: [] });
      const list = () => keys.map(({ secret: _s, ...k }) => k);
      if (req.method === 'GET') return send(200, { keys: list() });
      if (req.url === '/admin/keys' && req.method === 'POST') {
        const b = JSON.parse(body) as { name: string; role: string };
        const made = { id: `key_${keys.length}`, name: b.name, role: b.role, created_at: '2026-11-27T21:00:00.000Z', revoked_at: null, rotated_at: null, secret: `ca_new_secret_${keys.length}_xyz` };
        keys = [made, ...keys];
        const { secret, ...summary } = made;
        return send(201, { key: secret, summary });
      }
    }
    send(404, { error: { code: 'CA_ERR_ROUTE_NOT_FOUND', message: 'no route' } });
  });
});

afterEach(() => {
  cleanup();
  clearCredential();
  sessionStorage.clear();
  localStorage.clear();
  reset();
});

const settle = () => act(async () => { await new Promise((r) => setTimeout(r, 40)); });
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 150 && !check(); i++) await settle();
  expect(check()).toBe(true);
}
const text = (id: string) => screen.queryByTestId(id)?.textContent ?? '';

function Mine() {
  return (
    <AccountProvider>
      <AccountIndicator />
      <MinePage />
    </AccountProvider>
  );
}

describe('signing in on the Mine page', () => {
  it('keeps nothing the server does not recognise, keeps a key it does, and lists what that key owns', async () => {
    render(<Mine />);
    await until(() => /Sign in/.test(text('account-indicator')));
    expect(text('whoami')).toMatch(/Not signed in/);

    const input = screen.getByLabelText('API key') as HTMLInputElement;
    expect(input.type).toBe('password');
    fireEvent.change(input, { target: { value: 'ca_not_a_key_at_all' } });
    fireEvent.click(screen.getByTestId('sign-in-submit'));
    await until(() => text('sign-in-problem') !== '');
    expect(text('sign-in-problem')).toMatch(/did not recognise that key: .*revoked, rotated or mistyped.* Nothing was kept/);
    expect(getCredential()).toBeNull();
    expect(sessionStorage.length).toBe(0);

    fireEvent.change(input, { target: { value: `  ${ANN}\n` } });
    fireEvent.click(screen.getByTestId('sign-in-submit'));
    await until(() => /Signed in as ann \(user\)/.test(text('account-indicator')));
    expect(getCredential()).toBe(ANN);
    expect(localStorage.length).toBe(0);
    expect(text('whoami')).toMatch(/Signed in as ann \(user\) with key key_ann/);

    await until(() => screen.queryByTestId('my-agents') !== null);
    const row = screen.getByTestId('my-agents').querySelector('tr[data-agent="ann_mom_1"]') as HTMLElement;
    expect([...row.querySelectorAll('td')].map((td) => td.textContent)).toEqual(['ann_mom_1', 'momentum', '—', 'active', '-12.50', '40']);
    expect(row.querySelector('a')?.getAttribute('href')).toBe('#/strategy/ann_mom_1');
    const versions = screen.getByTestId('my-strategies').textContent ?? '';
    expect(versions).toContain('ann_mm');
    expect(versions).toMatch(/v1 · 2026-11-27 20:02:00 · reads size/);
    expect(versions).toMatch(/v2 · 2026-11-27 20:03:00/);
    expect(screen.getByText('No configurations submitted with this key.')).toBeTruthy();
    // every request after signing in carried the key
    const after = seen.filter((s) => s.url === '/me/owned');
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((s) => s.authorization === `Bearer ${ANN}`)).toBe(true);

    fireEvent.click(screen.getByTestId('sign-out'));
    expect(getCredential()).toBeNull();
    await until(() => /Sign in/.test(text('account-indicator')));
    expect(screen.queryByTestId('my-agents')).toBeNull();
  });

  it('says a revoked key is refused, in the header and on the page', async () => {
    setCredential(ANN);
    keys = keys.map((k) => (k.id === 'key_ann' ? { ...k, revoked_at: '2026-11-27T21:30:00.000Z' } : k));
    render(<Mine />);
    await until(() => /Key refused/.test(text('account-indicator')));
    expect(screen.getByRole('alert').textContent).toMatch(/does not accept this tab's key any more/);
  });

  it('on a keyless server asks nothing: no indicator, a page that says so, and a sign-in that explains there are no keys', async () => {
    keyless = true;
    render(<Mine />);
    await until(() => /no API keys/.test(text('whoami')));
    expect(screen.queryByTestId('account-indicator')).toBeNull();
    fireEvent.change(screen.getByLabelText('API key'), { target: { value: 'ca_anything' } });
    fireEvent.click(screen.getByTestId('sign-in-submit'));
    await until(() => text('sign-in-problem') !== '');
    expect(text('sign-in-problem')).toMatch(/no keys yet/);
    expect(getCredential()).toBeNull();
    expect(seen.every((s) => s.url !== '/me/owned')).toBe(true);
  });
});

function Admin() {
  return (
    <AccountProvider>
      <AdminPage />
    </AccountProvider>
  );
}

describe('Admin page: keys', () => {
  it('lists keys without secrets, creates one and shows its secret once', async () => {
    setCredential(ADMIN);
    render(<Admin />);
    await until(() => screen.queryByTestId('keys') !== null);
    expect(screen.getByTestId('keys').textContent).toContain('teacher');
    expect(screen.getByTestId('keys').textContent).not.toContain(ADMIN);

    fireEvent.change(screen.getByTestId('key-name'), { target: { value: 'bob' } });
    fireEvent.change(screen.getByTestId('key-role'), { target: { value: 'user' } });
    fireEvent.click(screen.getByTestId('key-create'));
    await until(() => text('key-secret') !== '');
    expect(text('key-shown')).toMatch(/Key for bob \(user, key_2\)/);
    expect(text('key-secret')).toBe('ca_new_secret_2_xyz');
    expect(text('key-shown')).toMatch(/Shown only this once/);
    await until(() => (screen.getByTestId('keys').textContent ?? '').includes('bob'));
    expect(screen.getByTestId('keys').textContent).not.toContain('ca_new_secret_2_xyz');
    expect(seen.find((s) => s.method === 'POST')?.authorization).toBe(`Bearer ${ADMIN}`);

    fireEvent.click(screen.getByRole('button', { name: 'Done, hide it' }));
    expect(screen.queryByTestId('key-secret')).toBeNull();
  });

  it("tells a user key it may not, before and after it tries (403 explained, nothing created)", async () => {
    setCredential(ANN);
    render(<Admin />);
    await until(() => text('admin-not-allowed') !== '');
    expect(text('admin-not-allowed')).toMatch(/Signed in as ann with the role user: these are admin actions/);
    fireEvent.change(screen.getByTestId('key-name'), { target: { value: 'mallory' } });
    fireEvent.click(screen.getByTestId('key-create'));
    await until(() => screen.queryAllByRole('alert').some((a) => /Not allowed: your key may not manage API keys/.test(a.textContent ?? '')));
    expect(keys.some((k) => k.name === 'mallory')).toBe(false);
    expect(screen.queryByTestId('key-secret')).toBeNull();
  });
});

describe('describeError', () => {
  const unauthorized = new ApiError(401, { error: { code: 'CA_ERR_UNAUTHORIZED', message: 'POST /strategies needs a key' } }, '/strategies');
  const forbidden = new ApiError(403, { error: { code: 'CA_ERR_FORBIDDEN', message: 'agent mom_1 belongs to another owner' } }, '/strategies/mom_1/stop');

  it('says to sign in on a 401 without a key, to sign in again with a refused one, and why not on a 403', () => {
    expect(describeError(unauthorized, 'deploy a strategy')).toBe('Sign in to deploy a strategy: this server needs an API key for it (open Mine to sign in). The server said: POST /strategies needs a key');
    setCredential(ANN);
    expect(describeError(unauthorized, 'deploy a strategy')).toMatch(/^The server did not accept this tab's key to deploy a strategy \(revoked, rotated or mistyped\?\): sign in again on Mine\./);
    expect(describeError(forbidden, 'stop mom_1')).toBe('Not allowed: your key may not stop mom_1. The server said: agent mom_1 belongs to another owner');
    expect(describeError(new Error('network down'))).toBe('network down');
  });
});
