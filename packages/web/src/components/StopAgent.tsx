/**
 * "Stop agent" on the Strategy page. The server lets an agent be stopped by whoever holds its
 * manage key (kept in this browser by the deploy that created it), by the API key that deployed
 * it, by an admin (an admin key or the operator token), or by anyone on a server without keys or
 * operator token (GET /me says what this tab may do). The button shows when this tab holds a
 * manage key or a key, or the server is open; otherwise a small form takes a manage key from
 * another browser. Stopping asks for confirmation and an optional reason; a 401 opens the sign-in
 * form, a 403 (someone else's agent) says who may stop it.
 */
import { useId, useState, useSyncExternalStore } from 'react';
import { ApiError, describeError, postJson } from '../api/http.js';
import { forgetManageKey, getManageKey, manageKeyHeaders, saveManageKey, subscribeManageKeys } from '../api/manage-keys.js';
import { useAccount, useCredential } from '../state/account.js';
import { OperatorTokenForm, useOperatorGate } from './OperatorToken.js';
import { usePoll } from './use-poll.js';

export const STOP_REASON_MAX = 200;

export function useManageKey(agentId: string): string | null {
  return useSyncExternalStore(subscribeManageKeys, () => getManageKey(agentId), () => null);
}

/** Whether the server has an operator token (null until /status answered). */
function useServerHasOperatorToken(): boolean | null {
  const status = usePoll('/status', 0, (raw) => (raw && typeof raw === 'object' && 'operator_token' in raw ? { token: (raw as { operator_token: unknown }).operator_token === true } : null));
  return status.data ? status.data.token : null;
}

export function StopAgent({ agentId, active, onStopped }: { agentId: string; active: boolean; onStopped: (answer: unknown) => void }) {
  const id = useId();
  const key = useManageKey(agentId);
  const account = useAccount();
  const credential = useCredential();
  const serverToken = useServerHasOperatorToken();
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  /** What the stop does with the open position: close it over the next ticks, or keep it. */
  const [position, setPosition] = useState<'flatten' | 'freeze'>('flatten');
  const [error, setError] = useState<string | null>(null);
  const [pasted, setPasted] = useState('');
  const gate = useOperatorGate((err) => {
    if (err instanceof ApiError && err.status === 403 && key !== null) {
      // the server does not know this key for this agent: keeping it would only fail again
      forgetManageKey(agentId);
      setError(`The server refused this browser's manage key for ${agentId}, so it has been forgotten. Paste the right key, or sign in with its owner's or an admin's key.`);
    } else setError(describeError(err, `stop ${agentId}`));
  });

  if (!active) return null;
  // GET /me knows (keys, roles); before it answered, /status's operator_token is what an older server says
  const open = account.me ? account.me.can_admin : serverToken === false;
  const canStop = key !== null || credential !== null || open;

  if (!canStop) {
    if (account.me === null && serverToken === null) return null;
    return (
      <details className="stop-agent" data-testid="stop-agent-key">
        <summary>Stop this agent…</summary>
        <p className="help">
          Stopping {agentId} needs its manage key (shown once when it was deployed), or signing in (Mine) with the key that deployed it or an admin&apos;s key. Paste the manage key to keep it in this browser.
        </p>
        <form
          className="operator-row"
          onSubmit={(e) => {
            e.preventDefault();
            try {
              saveManageKey(agentId, pasted);
              setPasted('');
              setError(null);
            } catch (err) {
              setError(err instanceof Error ? err.message : String(err));
            }
          }}
        >
          <label htmlFor={`${id}-key`}>Manage key</label>
          <input id={`${id}-key`} type="password" autoComplete="off" spellCheck={false} value={pasted} onChange={(e) => setPasted(e.target.value)} data-testid="manage-key-input" />
          <button type="submit" disabled={pasted.trim() === ''}>Save key</button>
        </form>
        {error && <p className="error" role="alert">{error}</p>}
      </details>
    );
  }

  const stop = () => {
    setError(null);
    return gate.run(async () => {
      const why = reason.trim();
      const answer = await postJson(`/strategies/${encodeURIComponent(agentId)}/stop`, why ? { reason: why, position } : { position }, manageKeyHeaders(agentId));
      setConfirming(false);
      setReason('');
      onStopped(answer);
    });
  };

  return (
    <div className="stop-agent" data-testid="stop-agent">
      {!confirming ? (
        <button type="button" className="danger" onClick={() => setConfirming(true)} data-testid="stop-agent-button">
          Stop agent
        </button>
      ) : (
        <form
          className="form"
          aria-labelledby={`${id}-title`}
          onSubmit={(e) => {
            e.preventDefault();
            void stop();
          }}
          data-testid="stop-agent-confirm"
        >
          <strong id={`${id}-title`}>Stop {agentId}?</strong>
          <p className="help">
            It stops trading at once and its resting orders are cancelled on the next tick. It stays stopped, also after a restart; this cannot be undone.
          </p>
          <label>
            Reason (optional, shown with its status)
            <input value={reason} maxLength={STOP_REASON_MAX} onChange={(e) => setReason(e.target.value)} data-testid="stop-reason" />
          </label>
          <fieldset className="stop-position" data-testid="stop-position">
            <legend>Open position</legend>
            <label>
              <input type="radio" name={`${id}-position`} checked={position === 'flatten'} onChange={() => setPosition('flatten')} value="flatten" /> Flatten: close it with market orders over the next ticks
            </label>
            <label>
              <input type="radio" name={`${id}-position`} checked={position === 'freeze'} onChange={() => setPosition('freeze')} value="freeze" /> Freeze: keep it (its PnL keeps moving with the price)
            </label>
          </fieldset>
          <div className="operator-row">
            <button type="submit" className="danger" disabled={gate.busy} data-testid="stop-agent-confirm-button">
              Stop {agentId}
            </button>
            <button type="button" className="secondary" onClick={() => { setConfirming(false); gate.cancel(); }} disabled={gate.busy}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {error && <p className="error" role="alert" data-testid="stop-agent-error">{error}</p>}
      <OperatorTokenForm gate={gate} purpose={`stop ${agentId}`} />
    </div>
  );
}

/** The manage key of a deploy made in this browser, shown once, with what it is for. */
export function ManageKeyNotice({ agentId, manageKey }: { agentId: string; manageKey: string }) {
  return (
    <div className="manage-key" role="status" data-testid="manage-key-notice">
      <p>
        Manage key for <strong>{agentId}</strong> (saved in this browser):
      </p>
      <code data-testid="manage-key">{manageKey}</code>{' '}
      <button type="button" className="small secondary" onClick={() => void navigator.clipboard?.writeText(manageKey).catch(() => undefined)}>
        Copy
      </button>
      <p className="help">
        The server shows it only this once. Keep it: it is needed to stop {agentId} from another browser.
      </p>
    </div>
  );
}
