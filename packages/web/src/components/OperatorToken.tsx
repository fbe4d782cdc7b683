/**
 * Actions that need a key (an API key, or the operator token CROWDALPHA_ADMIN_TOKEN). Nothing here
 * shows until the server answers an action with 401: then the inline form asks for a key, stores
 * it for this tab (the same sign-in as the Mine page's) and retries that action once. A key the
 * server refuses is forgotten at once, so the tab never keeps sending a wrong one. On a keyless
 * server without an operator token none of this ever renders.
 */
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { isUnauthorized } from '../api/http.js';
import { clearCredential, getCredential, setCredential } from '../api/credential.js';

export interface OperatorPrompt {
  /** The server refused the key this tab had sent (it has been forgotten). */
  refused: boolean;
}

export interface OperatorGate {
  busy: boolean;
  /** Non-null while the server wants a key for the last action. */
  prompt: OperatorPrompt | null;
  /** Runs an operator action; a 401 opens the prompt, any other error goes to `onError`. */
  run: (action: () => Promise<void>) => Promise<void>;
  /** Stores the key and retries the action that was refused (once). */
  save: (token: string) => Promise<void>;
  cancel: () => void;
}

export function useOperatorGate(onError: (err: unknown) => void): OperatorGate {
  const [busy, setBusy] = useState(false);
  const [prompt, setPrompt] = useState<OperatorPrompt | null>(null);
  const pending = useRef<(() => Promise<void>) | null>(null);
  const onErrorRef = useRef(onError);
  onErrorRef.current = onError;
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  const run = useCallback(async (action: () => Promise<void>) => {
    // whether this request carried a key decides between "needs one" and "refused this one"
    const sentToken = getCredential() !== null;
    setBusy(true);
    try {
      await action();
      pending.current = null;
      if (alive.current) setPrompt(null);
    } catch (err) {
      if (isUnauthorized(err)) {
        if (sentToken) clearCredential();
        pending.current = action;
        if (alive.current) setPrompt({ refused: sentToken });
      } else {
        // any other answer means the key (if one was needed) got through: the prompt is done
        pending.current = null;
        if (alive.current) {
          setPrompt(null);
          onErrorRef.current(err);
        }
      }
    } finally {
      if (alive.current) setBusy(false);
    }
  }, []);

  const save = useCallback(
    async (token: string) => {
      setCredential(token);
      const action = pending.current;
      if (action) await run(action);
      else setPrompt(null);
    },
    [run],
  );

  const cancel = useCallback(() => {
    pending.current = null;
    setPrompt(null);
  }, []);

  return { busy, prompt, run, save, cancel };
}

/**
 * The inline sign-in form, rendered where the refused action was. `purpose` completes "This
 * server asks for a key to …".
 */
export function OperatorTokenForm({ gate, purpose }: { gate: OperatorGate; purpose: string }) {
  const id = useId();
  const [value, setValue] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const refused = gate.prompt?.refused === true;
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (!refused) return;
    setValue('');
    inputRef.current?.focus();
  }, [refused, gate.prompt]);
  if (!gate.prompt) return null;

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setInvalid(null);
    try {
      await gate.save(value);
    } catch (err) {
      // only setCredential throws here (empty or whitespace); the action's own errors go to onError
      setInvalid(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <form className="operator-form" aria-labelledby={`${id}-title`} onSubmit={(e) => void submit(e)} data-testid="operator-form">
      <strong id={`${id}-title`} className="operator-title">
        Sign in required
      </strong>
      <p id={`${id}-help`} className="help">
        This server asks for a key to {purpose}: your API key (ca_…, given by an admin) or the operator token
        (CROWDALPHA_ADMIN_TOKEN). It is kept in this tab only and forgotten when the tab closes.
      </p>
      {refused && (
        <p className="error" role="alert" data-testid="operator-refused">
          The server refused that key (revoked, rotated or mistyped?), so this tab has forgotten it. Enter it again,
          or ask an admin for a new one.
        </p>
      )}
      <div className="operator-row">
        <label htmlFor={`${id}-input`}>API key or operator token</label>
        <input
          ref={inputRef}
          id={`${id}-input`}
          type="password"
          name="api_key"
          autoComplete="off"
          spellCheck={false}
          required
          autoFocus
          value={value}
          onChange={(e) => setValue(e.target.value)}
          aria-describedby={`${id}-help`}
          aria-invalid={refused || invalid !== null ? true : undefined}
          data-testid="operator-token-input"
        />
        <button type="submit" disabled={gate.busy || value.trim() === ''} data-testid="operator-token-save">
          Save
        </button>
        <button type="button" className="secondary" onClick={gate.cancel} disabled={gate.busy}>
          Cancel
        </button>
      </div>
      {invalid && (
        <p className="error" role="alert">
          {invalid}
        </p>
      )}
    </form>
  );
}
