// @vitest-environment jsdom
/**
 * The tab's key (an API key or the operator token): where it is kept (sessionStorage, never
 * localStorage), the Authorization header the HTTP helpers send with it (read off the wire by a
 * local HTTP server), and the inline sign-in form's flow against a server that answers 401 and
 * GET /me the way packages/server does for an operator token (the real server is exercised by
 * test/e2e/operator.test.ts and test/e2e/accounts.test.ts).
 */
import './dom-stubs.js';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { useLocalApi } from './local-api.js';
import { ApiError, getJson, isUnauthorized, postJson } from '../src/api/http.js';
import {
  clearCredential,
  getCredential,
  CREDENTIAL_KEY,
  credentialHeaders,
  setCredential,
  subscribeCredential,
} from '../src/api/credential.js';
import { AccountIndicator } from '../src/components/Account.js';
import { OperatorTokenForm, useOperatorGate } from '../src/components/OperatorToken.js';
import { AccountProvider } from '../src/state/account.js';

const RIGHT = 'right-token-0123456789';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
}

/** Records each request's Authorization header; /guarded answers like an operator route. */
let seen: Seen[] = [];

useLocalApi((req, res) => {
  seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
  req.resume();
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/me') {
      // GET /me of a keyless server with an operator token (plugins/me.ts)
      const sent = req.headers.authorization;
      const op = sent === `Bearer ${RIGHT}`;
      res.end(
        JSON.stringify({
          kind: op ? 'operator' : 'anonymous',
          role: op ? 'admin' : null,
          key_id: null,
          name: op ? 'operator' : null,
          credential_refused: sent && !op ? 'the key sent is not a valid API key (revoked, rotated or mistyped) nor the operator token' : null,
          keyless: true,
          operator_token: true,
          public_reads: true,
          can_deploy: true,
          can_admin: op,
        }),
      );
      return;
    }
    if (req.url === '/guarded' && req.headers.authorization !== `Bearer ${RIGHT}`) {
      res.statusCode = 401;
      res.setHeader('www-authenticate', 'Bearer realm="CrowdAlpha operator"');
      res.end(JSON.stringify({ error: { code: 'CA_ERR_UNAUTHORIZED', message: "this is an operator endpoint: send the header 'Authorization: Bearer <token>'" } }));
      return;
    }
    res.end(JSON.stringify({ ok: true }));
  });
});

afterEach(() => {
  cleanup();
  clearCredential();
  sessionStorage.clear();
  localStorage.clear();
  seen = [];
});

describe('operator-token module', () => {
  it('keeps the token in sessionStorage only, trimmed, and clears it', () => {
    expect(getCredential()).toBeNull();
    expect(credentialHeaders()).toEqual({});
    setCredential(`  ${RIGHT}\n`);
    expect(getCredential()).toBe(RIGHT);
    expect(sessionStorage.getItem(CREDENTIAL_KEY)).toBe(RIGHT);
    expect(localStorage.length).toBe(0);
    expect(location.href).not.toContain(RIGHT);
    expect(credentialHeaders()).toEqual({ authorization: `Bearer ${RIGHT}` });
    clearCredential();
    expect(getCredential()).toBeNull();
    expect(sessionStorage.getItem(CREDENTIAL_KEY)).toBeNull();
  });

  it('refuses an empty token or one with inner whitespace, keeping what was stored', () => {
    setCredential(RIGHT);
    expect(() => setCredential('   ')).toThrow(/empty/);
    expect(() => setCredential('two words')).toThrow(/whitespace/);
    expect(getCredential()).toBe(RIGHT);
  });

  it('tells subscribers about every change, and not about clearing nothing', () => {
    const calls: Array<string | null> = [];
    const off = subscribeCredential(() => calls.push(getCredential()));
    setCredential('first-token-0123456789');
    setCredential(RIGHT);
    clearCredential();
    clearCredential();
    off();
    setCredential('after-unsubscribe');
    expect(calls).toEqual(['first-token-0123456789', RIGHT, null]);
  });
});

describe('getJson / postJson', () => {
  it('send no Authorization header while no token is stored', async () => {
    await getJson('/status');
    await postJson('/market/control', { action: 'pause' });
    expect(seen.map((s) => [s.method, s.url, s.authorization])).toEqual([
      ['GET', '/status', undefined],
      ['POST', '/market/control', undefined],
    ]);
  });

  it('send Authorization: Bearer <token> on GET and POST once a token is stored', async () => {
    setCredential(RIGHT);
    await getJson('/strategies/submissions');
    await postJson('/guarded', { action: 'pause' });
    expect(seen.map((s) => s.authorization)).toEqual([`Bearer ${RIGHT}`, `Bearer ${RIGHT}`]);
    clearCredential();
    await getJson('/status');
    expect(seen[2]?.authorization).toBeUndefined();
  });

  it('turn a 401 into an ApiError that isUnauthorized recognises, with the server code', async () => {
    const err = await postJson('/guarded', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(401);
    expect((err as ApiError).code).toBe('CA_ERR_UNAUTHORIZED');
    expect(isUnauthorized(err)).toBe(true);
    expect(isUnauthorized(new ApiError(400, { error: { code: 'CA_ERR_VALIDATION', message: 'x' } }, '/x'))).toBe(false);
    expect(isUnauthorized(new Error('401'))).toBe(false);
  });
});

/** An operator button wired like MarketControls: the gate, the form, the header indicator. */
function OperatorButton() {
  return (
    <AccountProvider>
      <GuardedButton />
    </AccountProvider>
  );
}

function GuardedButton() {
  const [done, setDone] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const gate = useOperatorGate((err) => setError(String(err)));
  return (
    <>
      <AccountIndicator />
      <button type="button" disabled={gate.busy} onClick={() => void gate.run(async () => { await postJson('/guarded', { action: 'pause' }); setDone((n) => n + 1); })}>
        Pause
      </button>
      <output data-testid="done">{done}</output>
      {error && <p role="alert">{error}</p>}
      <OperatorTokenForm gate={gate} purpose="pause the market" />
    </>
  );
}

const settle = () => act(async () => { await new Promise((r) => setTimeout(r, 60)); });

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await settle();
  expect(check()).toBe(true);
}

describe('operator token form', () => {
  it('shows nothing until a 401, then refuses a wrong token, retries with the right one and forgets on request', async () => {
    render(<OperatorButton />);
    expect(screen.queryByRole('form', { name: 'Sign in required' })).toBeNull();
    expect(screen.queryByTestId('account-indicator')).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    await until(() => screen.queryByRole('form', { name: 'Sign in required' }) !== null);
    const input = screen.getByLabelText('API key or operator token') as HTMLInputElement;
    expect(input.type).toBe('password');
    expect(document.activeElement).toBe(input);
    expect(screen.queryByRole('alert')).toBeNull();
    const save = screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);

    fireEvent.change(input, { target: { value: 'wrong-token-0123456789' } });
    fireEvent.click(save);
    await until(() => screen.queryByTestId('operator-refused') !== null);
    expect(screen.getByRole('alert').textContent).toMatch(/refused that key/);
    expect(getCredential()).toBeNull();
    expect(input.value).toBe('');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    await until(() => screen.queryByTestId('account-indicator') === null);
    expect(screen.getByTestId('done').textContent).toBe('0');

    fireEvent.change(input, { target: { value: RIGHT } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await until(() => screen.getByTestId('done').textContent === '1');
    expect(screen.queryByRole('form', { name: 'Sign in required' })).toBeNull();
    expect(getCredential()).toBe(RIGHT);
    // one try without a token, one with the wrong one, one retry with the right one
    expect(seen.filter((s) => s.url === '/guarded').map((s) => s.authorization)).toEqual([undefined, 'Bearer wrong-token-0123456789', `Bearer ${RIGHT}`]);
    await until(() => /Signed in as operator \(admin\)/.test(screen.queryByTestId('account-indicator')?.textContent ?? ''));

    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    await until(() => screen.getByTestId('done').textContent === '2');
    expect(screen.queryByRole('form', { name: 'Sign in required' })).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: "Sign out (forget this tab's key)" }));
    expect(getCredential()).toBeNull();
    expect(sessionStorage.length).toBe(0);
    await until(() => screen.queryByTestId('account-indicator') === null);
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    await until(() => screen.queryByRole('form', { name: 'Sign in required' }) !== null);
    expect(screen.queryByTestId('operator-refused')).toBeNull();
  });

  it('forgets a stored token the server refuses and says so', async () => {
    setCredential('stale-token-0123456789');
    render(<OperatorButton />);
    // GET /me already says the stored key is not recognised
    await until(() => /Key refused/.test(screen.queryByTestId('account-indicator')?.textContent ?? ''));
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    await until(() => screen.queryByTestId('operator-refused') !== null);
    expect(getCredential()).toBeNull();
    await until(() => screen.queryByTestId('account-indicator') === null);
  });

  it('Cancel closes the form without storing anything', async () => {
    render(<OperatorButton />);
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    await until(() => screen.queryByRole('form', { name: 'Sign in required' }) !== null);
    fireEvent.change(screen.getByLabelText('API key or operator token'), { target: { value: RIGHT } });
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await until(() => screen.queryByRole('form', { name: 'Sign in required' }) === null);
    expect(getCredential()).toBeNull();
  });
});
