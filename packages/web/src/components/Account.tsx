/**
 * Signing in with a key: the header's indicator (who this tab is, sign out) and the sign-in form
 * of the Mine page. The key is checked by asking GET /me with it: a key the server does not
 * recognise is forgotten at once and said so, never kept. On a keyless server the indicator
 * stays empty unless someone signs in: nobody needs to.
 */
import { useId, useState } from 'react';
import { clearCredential, getCredential, setCredential } from '../api/credential.js';
import { getJson, isUnauthorized, serverMessage } from '../api/http.js';
import type { MeResponse } from '../api/types.js';
import { signedIn, useAccount, whoLabel } from '../state/account.js';

export function AccountIndicator() {
  const account = useAccount();
  const { me, credential, needsKey } = account;
  if (me && signedIn(account)) {
    return (
      <span className="operator-ind" data-testid="account-indicator">
        Signed in as <strong>{whoLabel(me)}</strong> ·
        <button type="button" className="link" onClick={clearCredential} aria-label="Sign out (forget this tab's key)" data-testid="sign-out">
          sign out
        </button>
      </span>
    );
  }
  if (credential !== null && me?.credential_refused) {
    return (
      <span className="operator-ind error" data-testid="account-indicator">
        Key refused · <a href="#/mine">sign in again</a>
      </span>
    );
  }
  if (needsKey || (me && !me.keyless)) {
    return (
      <span className="operator-ind" data-testid="account-indicator">
        <a href="#/mine">Sign in</a>
      </span>
    );
  }
  return null;
}

/** Paste a key, check it against GET /me, keep it for this tab when the server recognises it. */
export function SignInForm() {
  const id = useId();
  const account = useAccount();
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setProblem(null);
    const before = getCredential();
    try {
      setCredential(value);
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
      return;
    }
    setBusy(true);
    try {
      const me = (await getJson('/me')) as MeResponse;
      if (me.kind === 'anonymous') {
        restore(before);
        setProblem(
          me.keyless && !me.operator_token
            ? 'This server has no keys yet, so it recognises none: nothing needs signing in. (An admin creates the first key under Admin → Keys, or with `crowdalpha admin create-key --role admin`.)'
            : `The server did not recognise that key: ${me.credential_refused ?? 'unknown key'}. Nothing was kept.`,
        );
      } else setValue('');
    } catch (err) {
      restore(before);
      setProblem(isUnauthorized(err) ? `The server did not recognise that key: ${serverMessage(err)}. Nothing was kept.` : err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
      account.refresh();
    }
  };

  return (
    <form className="operator-form" aria-labelledby={`${id}-title`} onSubmit={(e) => void submit(e)} data-testid="sign-in-form">
      <strong id={`${id}-title`} className="operator-title">
        Sign in
      </strong>
      <p id={`${id}-help`} className="help">
        Paste your API key (ca_…, given by an admin of this server) or the operator token. It is kept in this tab only
        and forgotten when the tab closes; every request from this tab then carries it.
      </p>
      <div className="operator-row">
        <label htmlFor={`${id}-input`}>API key</label>
        <input
          id={`${id}-input`}
          type="password"
          name="api_key"
          autoComplete="off"
          spellCheck={false}
          required
          value={value}
          onChange={(e) => setValue(e.target.value)}
          aria-describedby={`${id}-help`}
          aria-invalid={problem !== null ? true : undefined}
          data-testid="sign-in-key"
        />
        <button type="submit" disabled={busy || value.trim() === ''} data-testid="sign-in-submit">
          Sign in
        </button>
      </div>
      {problem && (
        <p className="error" role="alert" data-testid="sign-in-problem">
          {problem}
        </p>
      )}
    </form>
  );
}

/** Put back the key the tab had before a sign-in that did not work (or none). */
function restore(before: string | null): void {
  if (before === null) clearCredential();
  else setCredential(before);
}
