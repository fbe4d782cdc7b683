// @vitest-environment jsdom
/**
 * Stopping an agent from the dashboard: manage keys kept per agent in localStorage, how a status
 * reads (active / stopped / silenced), and the Stop button's flow against a local HTTP server that
 * answers like POST /strategies/{id}/stop and GET /status (the real server is exercised by
 * test/e2e/stop-agent.test.ts): when it shows, the confirm step with a reason, the X-Manage-Key
 * read off the wire, a refused key forgotten, a key pasted from another browser.
 */
import './dom-stubs.js';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useLocalApi } from './local-api.js';
import { clearCredential, setCredential } from '../src/api/credential.js';
import { forgetManageKey, getManageKey, MANAGE_KEY_PREFIX, manageKeyHeaders, rememberDeploy, saveManageKey, subscribeManageKeys } from '../src/api/manage-keys.js';
import { StopAgent } from '../src/components/StopAgent.js';
import { agentStatus } from '../src/lib/agent-status.js';

const KEY = 'k'.repeat(43);

interface Seen {
  url: string;
  manageKey: string | undefined;
  authorization: string | undefined;
  body: string;
}

let seen: Seen[] = [];
let serverHasToken = true;

useLocalApi((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString('utf8')));
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/status') {
      res.end(JSON.stringify({ running: true, operator_token: serverHasToken }));
      return;
    }
    const key = req.headers['x-manage-key'] as string | undefined;
    seen.push({ url: req.url ?? '', manageKey: key, authorization: req.headers.authorization, body });
    const m = /^\/strategies\/([^/]+)\/stop$/.exec(req.url ?? '');
    if (!m) {
      res.statusCode = 404;
      res.end(JSON.stringify({ error: { code: 'CA_ERR_ROUTE_NOT_FOUND', message: 'no route' } }));
      return;
    }
    if (serverHasToken && key !== KEY && req.headers.authorization !== 'Bearer op-token-0123456789') {
      res.statusCode = key ? 403 : 401;
      res.end(JSON.stringify({ error: { code: key ? 'CA_ERR_FORBIDDEN' : 'CA_ERR_UNAUTHORIZED', message: key ? 'the X-Manage-Key sent is not the manage key' : 'needs X-Manage-Key or Authorization' } }));
      return;
    }
    const reason = (JSON.parse(body || '{}') as { reason?: string }).reason;
    res.end(JSON.stringify({ agent_id: m[1], stopped: true, stopped_by: key ? 'owner' : 'anyone', stats: { agent_id: m[1], status: 'silenced', status_reason: `stopped by its owner${reason ? `: ${reason}` : ''}`, extra: { stopped_at_tick: 9 } } }));
  });
});

afterEach(() => {
  cleanup();
  clearCredential();
  localStorage.clear();
  sessionStorage.clear();
  seen = [];
  serverHasToken = true;
});

describe('manage-keys module', () => {
  it('keeps one key per agent id in localStorage, trimmed, and forgets it', () => {
    expect(getManageKey('mom_9')).toBeNull();
    expect(manageKeyHeaders('mom_9')).toEqual({});
    saveManageKey('mom_9', `  ${KEY}\n`);
    expect(localStorage.getItem(`${MANAGE_KEY_PREFIX}mom_9`)).toBe(KEY);
    expect(sessionStorage.length).toBe(0);
    expect(getManageKey('mom_9')).toBe(KEY);
    expect(getManageKey('mom_10')).toBeNull();
    expect(manageKeyHeaders('mom_9')).toEqual({ 'x-manage-key': KEY });
    forgetManageKey('mom_9');
    expect(getManageKey('mom_9')).toBeNull();
  });

  it('refuses empty or spaced keys, and remembers only deploy answers that carry a key', () => {
    expect(() => saveManageKey('a', '  ')).toThrow(/empty/);
    expect(() => saveManageKey('a', 'two words')).toThrow(/whitespace/);
    expect(rememberDeploy({ agent_id: 'mom_x', strategy_type: 'momentum' })).toBeNull();
    expect(rememberDeploy(null)).toBeNull();
    expect(rememberDeploy({ agent_id: 'mom_x', manage_key: KEY })).toEqual({ agentId: 'mom_x', manageKey: KEY });
    expect(getManageKey('mom_x')).toBe(KEY);
  });

  it('tells subscribers about changes', () => {
    let calls = 0;
    const off = subscribeManageKeys(() => calls++);
    saveManageKey('a', KEY);
    forgetManageKey('a');
    off();
    saveManageKey('a', KEY);
    expect(calls).toBe(2);
  });
});

describe('agentStatus', () => {
  it('reads active, stopped (by reason or stopped_at_tick) and silenced', () => {
    expect(agentStatus({ status: 'active', status_reason: null })).toEqual({ kind: 'active', text: 'active' });
    expect(agentStatus({ status: 'silenced', status_reason: 'stopped by the operator: class over' })).toEqual({ kind: 'stopped', text: 'stopped by the operator: class over' });
    expect(agentStatus({ status: 'silenced', status_reason: 'odd', extra: { stopped_at_tick: 3 } })).toEqual({ kind: 'stopped', text: 'stopped: odd' });
    expect(agentStatus({ status: 'silenced', status_reason: 'timeout: 120 ms' })).toEqual({ kind: 'silenced', text: 'silenced: timeout: 120 ms' });
  });
});

describe('StopAgent', () => {
  it('renders nothing for an agent that is not active', async () => {
    saveManageKey('mom_1', KEY);
    const { container } = render(<StopAgent agentId="mom_1" active={false} onStopped={() => {}} />);
    await act(async () => {});
    expect(container.innerHTML).toBe('');
  });

  it('with the manage key: confirm step, reason, X-Manage-Key on the wire, then reports the stop', async () => {
    saveManageKey('mom_1', KEY);
    const onStopped = vi.fn();
    render(<StopAgent agentId="mom_1" active onStopped={onStopped} />);
    fireEvent.click(await screen.findByTestId('stop-agent-button'));
    expect(seen).toEqual([]);
    fireEvent.change(screen.getByTestId('stop-reason'), { target: { value: 'too noisy' } });
    // The position choice: flatten is preselected; choose freeze.
    expect((screen.getByDisplayValue('flatten') as HTMLInputElement).checked).toBe(true);
    fireEvent.click(screen.getByDisplayValue('freeze'));
    await act(async () => {
      fireEvent.click(screen.getByTestId('stop-agent-confirm-button'));
    });
    await waitFor(() => expect(onStopped).toHaveBeenCalledTimes(1));
    expect(seen).toEqual([{ url: '/strategies/mom_1/stop', manageKey: KEY, authorization: undefined, body: JSON.stringify({ reason: 'too noisy', position: 'freeze' }) }]);
    expect((onStopped.mock.calls[0]?.[0] as { stats: { status_reason: string } }).stats.status_reason).toBe('stopped by its owner: too noisy');
  });

  it('cancelling the confirm step sends nothing', async () => {
    saveManageKey('mom_1', KEY);
    render(<StopAgent agentId="mom_1" active onStopped={() => {}} />);
    fireEvent.click(await screen.findByTestId('stop-agent-button'));
    fireEvent.click(screen.getByText('Cancel'));
    expect(screen.queryByTestId('stop-agent-confirm')).toBeNull();
    expect(seen).toEqual([]);
  });

  it('on a server with a token and no key here: no button, but a key can be pasted in', async () => {
    render(<StopAgent agentId="mom_2" active onStopped={() => {}} />);
    const details = await screen.findByTestId('stop-agent-key');
    expect(screen.queryByTestId('stop-agent-button')).toBeNull();
    fireEvent.change(details.querySelector('input') as HTMLInputElement, { target: { value: KEY } });
    fireEvent.click(screen.getByText('Save key'));
    expect(getManageKey('mom_2')).toBe(KEY);
    expect(await screen.findByTestId('stop-agent-button')).toBeTruthy();
  });

  it('shows the button with an operator token stored, sending the Bearer header', async () => {
    setCredential('op-token-0123456789');
    const onStopped = vi.fn();
    render(<StopAgent agentId="mom_3" active onStopped={onStopped} />);
    fireEvent.click(await screen.findByTestId('stop-agent-button'));
    await act(async () => {
      fireEvent.click(screen.getByTestId('stop-agent-confirm-button'));
    });
    await waitFor(() => expect(onStopped).toHaveBeenCalled());
    expect(seen[0]).toMatchObject({ manageKey: undefined, authorization: 'Bearer op-token-0123456789', body: '{"position":"flatten"}' });
  });

  it('shows the button to everyone when the server has no operator token', async () => {
    serverHasToken = false;
    const onStopped = vi.fn();
    render(<StopAgent agentId="mom_4" active onStopped={onStopped} />);
    fireEvent.click(await screen.findByTestId('stop-agent-button'));
    await act(async () => {
      fireEvent.click(screen.getByTestId('stop-agent-confirm-button'));
    });
    await waitFor(() => expect(onStopped).toHaveBeenCalled());
    expect(seen[0]?.manageKey).toBeUndefined();
  });

  it('forgets a manage key the server refuses, and says so', async () => {
    saveManageKey('mom_5', 'not-the-right-key');
    render(<StopAgent agentId="mom_5" active onStopped={() => {}} />);
    fireEvent.click(await screen.findByTestId('stop-agent-button'));
    await act(async () => {
      fireEvent.click(screen.getByTestId('stop-agent-confirm-button'));
    });
    expect((await screen.findByRole('alert')).textContent).toMatch(/refused this browser's manage key for mom_5.*forgotten/);
    expect(getManageKey('mom_5')).toBeNull();
  });
});
