// @vitest-environment jsdom
/**
 * The operator token: where it is kept (sessionStorage, never localStorage), the Authorization
 * header the HTTP helpers send with it (read off the wire by a local HTTP server), and the inline
 * form's flow against a server that answers 401 the way packages/server/src/http/auth.ts does
 * (the real server is exercised by test/e2e/operator.test.ts).
 */
import './dom-stubs.js';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { useLocalApi } from './local-api.js';
import { ApiError, getJson, isUnauthorized, postJson } from '../src/api/http.js';
import {
  clearOperatorToken,
  getOperatorToken,
  OPERATOR_TOKEN_KEY,
  operatorAuthHeaders,
  setOperatorToken,
  subscribeOperatorToken,
} from '../src/api/operator-token.js';
import { OperatorIndicator, OperatorTokenForm, useOperatorGate } from '../src/components/OperatorToken.js';

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
  clearOperatorToken();
  sessionStorage.clear();
  localStorage.clear();
  seen = [];
});

describe('operator-token module', () => {
  it('keeps the token in sessionStorage only, trimmed, and clears it', () => {
    expect(getOperatorToken()).toBeNull();
    expect(operatorAuthHeaders()).toEqual({});
    setOperatorToken(`  ${RIGHT}\n`);
    expect(getOperatorToken()).toBe(RIGHT);
    expect(sessionStorage.getItem(OPERATOR_TOKEN_KEY)).toBe(RIGHT);
    expect(localStorage.length).toBe(0);
    expect(location.href).not.toContain(RIGHT);
    expect(operatorAuthHeaders()).toEqual({ authorization: `Bearer ${RIGHT}` });
    clearOperatorToken();
    expect(getOperatorToken()).toBeNull();
    expect(sessionStorage.getItem(OPERATOR_TOKEN_KEY)).toBeNull();
  });

  it('refuses an empty token or one with inner whitespace, keeping what was stored', () => {
    setOperatorToken(RIGHT);
    expect(() => setOperatorToken('   ')).toThrow(/empty/);
    expect(() => setOperatorToken('two words')).toThrow(/whitespace/);
    expect(getOperatorToken()).toBe(RIGHT);
  });

  it('tells subscribers about every change, and not about clearing nothing', () => {
    const calls: Array<string | null> = [];
    const off = subscribeOperatorToken(() => calls.push(getOperatorToken()));
    setOperatorToken('first-token-0123456789');
    setOperatorToken(RIGHT);
    clearOperatorToken();
    clearOperatorToken();
    off();
    setOperatorToken('after-unsubscribe');
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
    setOperatorToken(RIGHT);
    await getJson('/strategies/submissions');
    await postJson('/guarded', { action: 'pause' });
    expect(seen.map((s) => s.authorization)).toEqual([`Bearer ${RIGHT}`, `Bearer ${RIGHT}`]);
    clearOperatorToken();
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
  const [done, setDone] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const gate = useOperatorGate((err) => setError(String(err)));
  return (
    <>
      <OperatorIndicator />
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
    expect(screen.queryByRole('form', { name: 'Operator token required' })).toBeNull();
    expect(screen.queryByTestId('operator-indicator')).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    await until(() => screen.queryByRole('form', { name: 'Operator token required' }) !== null);
    const input = screen.getByLabelText('Operator token') as HTMLInputElement;
    expect(input.type).toBe('password');
    expect(document.activeElement).toBe(input);
    expect(screen.queryByRole('alert')).toBeNull();
    const save = screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);

    fireEvent.change(input, { target: { value: 'wrong-token-0123456789' } });
    fireEvent.click(save);
    await until(() => screen.queryByTestId('operator-refused') !== null);
    expect(screen.getByRole('alert').textContent).toMatch(/refused that operator token/);
    expect(getOperatorToken()).toBeNull();
    expect(input.value).toBe('');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(screen.queryByTestId('operator-indicator')).toBeNull();
    expect(screen.getByTestId('done').textContent).toBe('0');

    fireEvent.change(input, { target: { value: RIGHT } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await until(() => screen.getByTestId('done').textContent === '1');
    expect(screen.queryByRole('form', { name: 'Operator token required' })).toBeNull();
    expect(getOperatorToken()).toBe(RIGHT);
    // one try without a token, one with the wrong one, one retry with the right one
    expect(seen.filter((s) => s.url === '/guarded').map((s) => s.authorization)).toEqual([undefined, 'Bearer wrong-token-0123456789', `Bearer ${RIGHT}`]);
    expect(screen.getByTestId('operator-indicator').textContent).toMatch(/Operator: signed in/);

    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    await until(() => screen.getByTestId('done').textContent === '2');
    expect(screen.queryByRole('form', { name: 'Operator token required' })).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Forget the operator token' }));
    expect(getOperatorToken()).toBeNull();
    expect(sessionStorage.length).toBe(0);
    await until(() => screen.queryByTestId('operator-indicator') === null);
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    await until(() => screen.queryByRole('form', { name: 'Operator token required' }) !== null);
    expect(screen.queryByTestId('operator-refused')).toBeNull();
  });

  it('forgets a stored token the server refuses and says so', async () => {
    setOperatorToken('stale-token-0123456789');
    render(<OperatorButton />);
    expect(screen.getByTestId('operator-indicator')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    await until(() => screen.queryByTestId('operator-refused') !== null);
    expect(getOperatorToken()).toBeNull();
    expect(screen.queryByTestId('operator-indicator')).toBeNull();
  });

  it('Cancel closes the form without storing anything', async () => {
    render(<OperatorButton />);
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    await until(() => screen.queryByRole('form', { name: 'Operator token required' }) !== null);
    fireEvent.change(screen.getByLabelText('Operator token'), { target: { value: RIGHT } });
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await until(() => screen.queryByRole('form', { name: 'Operator token required' }) === null);
    expect(getOperatorToken()).toBeNull();
  });
});
