/**
 * Admin: API keys (list without secrets, create — the key shown once —, revoke, rotate) and the
 * approvals queue. Every action here is an admin route: a user key gets 403 and is told so, no key
 * gets the sign-in form. On a keyless server this is where the first key is made; the page warns
 * that this ends the keyless mode.
 */
import { useEffect, useId, useState } from 'react';
import { describeError, getJson, postJson } from '../api/http.js';
import { asWire } from '../api/routes.js';
import type { ApiKeyCreatedResponse, ApiKeysResponse, ApiKeySummaryWire } from '../api/types.js';
import { submissionsView } from '../api/views.js';
import { OperatorTokenForm, useOperatorGate } from '../components/OperatorToken.js';
import { Panel } from '../components/Panel.js';
import { SubmissionReview } from '../components/SubmissionReview.js';
import { usePoll } from '../components/use-poll.js';
import { useAccount } from '../state/account.js';

/** How often the approvals queue is read again. */
export const APPROVALS_POLL_MS = 10_000;

export function AdminPage() {
  const account = useAccount();
  const me = account.me;
  return (
    <div className="page">
      {me && !me.can_admin && (
        <p className="error" role="alert" data-testid="admin-not-allowed">
          {me.kind === 'anonymous'
            ? 'These are admin actions: sign in (Mine) with an admin key or the operator token.'
            : `Signed in as ${me.name ?? me.key_id} with the role ${me.role}: these are admin actions, so the server will refuse them (403). Ask an admin.`}
        </p>
      )}
      <KeysPanel />
      <Panel title="Approvals">
        <Approvals />
      </Panel>
    </div>
  );
}

function Approvals() {
  const subs = usePoll('/strategies/submissions?status=pending', APPROVALS_POLL_MS, (raw) => submissionsView(asWire('/strategies/submissions')(raw)));
  if (subs.data && subs.data.length === 0) return <p className="empty">No submissions waiting for review.</p>;
  return <SubmissionReview subs={subs} showVisibility />;
}

/** A secret just made (create or rotate): shown once, with what to do with it. */
interface Shown {
  key: string;
  summary: ApiKeySummaryWire;
  rotated: boolean;
}

function KeysPanel() {
  const id = useId();
  const account = useAccount();
  const [keys, setKeys] = useState<ApiKeySummaryWire[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [role, setRole] = useState<'user' | 'admin'>('user');
  const [shown, setShown] = useState<Shown | null>(null);
  const gate = useOperatorGate((err) => setError(describeError(err, 'manage API keys')));

  const load = () =>
    gate.run(async () => {
      const body = (await getJson('/admin/keys')) as ApiKeysResponse;
      setKeys(body.keys);
    });

  // an admin sees the list at once; anyone else asks for it (and is told why not)
  const canAdmin = account.me?.can_admin === true;
  useEffect(() => {
    if (canAdmin) void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- load once per admin sign-in
  }, [canAdmin, account.credential]);

  const create = (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    void gate.run(async () => {
      const out = (await postJson('/admin/keys', { name: name.trim(), role })) as ApiKeyCreatedResponse;
      setShown({ ...out, rotated: false });
      setName('');
      setKeys((await getJson('/admin/keys') as ApiKeysResponse).keys);
      account.refresh(); // the first key ends the keyless mode
    });
  };
  const act = (k: ApiKeySummaryWire, what: 'revoke' | 'rotate') => {
    const sure = what === 'revoke' ? `Revoke ${k.id} (${k.name})? It stops working at once; this cannot be undone.` : `Rotate ${k.id} (${k.name})? Its current secret stops working at once; a new one is shown once.`;
    if (!window.confirm(sure)) return;
    setError(null);
    void gate.run(async () => {
      const out = await postJson(`/admin/keys/${encodeURIComponent(k.id)}/${what}`, {});
      if (what === 'rotate') setShown({ ...(out as ApiKeyCreatedResponse), rotated: true });
      setKeys((await getJson('/admin/keys') as ApiKeysResponse).keys);
      account.refresh(); // it may have been this tab's own key
    });
  };

  return (
    <Panel
      title="API keys"
      error={error}
      actions={
        <button type="button" className="small secondary" onClick={() => { setError(null); void load(); }} disabled={gate.busy} data-testid="keys-load">
          {keys === null ? 'Show keys' : 'Reload'}
        </button>
      }
    >
      {account.me?.keyless && (
        <p className="help" data-testid="keyless-warning">
          This server has no keys yet, so anyone who reaches it may deploy and submit. Creating the first key ends that for
          good: from then on every deploy, submission and stop needs a key. Make an admin key first and sign in with it.
        </p>
      )}
      <form className="form" onSubmit={create} aria-labelledby={`${id}-new`} data-testid="key-create-form">
        <strong id={`${id}-new`}>New key</strong>
        <div className="form-row">
          <label>
            Holder (a student, a team)
            <input required maxLength={120} value={name} onChange={(e) => setName(e.target.value)} data-testid="key-name" />
          </label>
          <label>
            Role
            <select value={role} onChange={(e) => setRole(e.target.value as 'user' | 'admin')} data-testid="key-role">
              <option value="user">user — deploys, submits, stops own agents</option>
              <option value="admin">admin — everything, including keys</option>
            </select>
          </label>
        </div>
        <button type="submit" disabled={gate.busy || name.trim() === ''} data-testid="key-create">
          Create key
        </button>
      </form>
      {shown && (
        <div className="manage-key" role="status" data-testid="key-shown">
          <p>
            {shown.rotated ? 'New secret' : 'Key'} for <strong>{shown.summary.name}</strong> ({shown.summary.role}, {shown.summary.id}):
          </p>
          <code data-testid="key-secret">{shown.key}</code>{' '}
          <button type="button" className="small secondary" onClick={() => void navigator.clipboard?.writeText(shown.key).catch(() => undefined)}>
            Copy
          </button>
          <p className="help">
            Shown only this once: the server keeps just its SHA-256. Give it to {shown.summary.name}; they sign in with it on
            Mine.{' '}
            <button type="button" className="link" onClick={() => setShown(null)}>
              Done, hide it
            </button>
          </p>
        </div>
      )}
      {keys !== null && (
        <div className="table-scroll short">
          <table className="tape" data-testid="keys">
            <thead>
              <tr><th>Id</th><th>Holder</th><th>Role</th><th>Created</th><th>State</th><th /></tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id} data-key={k.id}>
                  <td className="mono">{k.id}</td>
                  <td>{k.name}</td>
                  <td>{k.role}</td>
                  <td>{k.created_at.slice(0, 19).replace('T', ' ')}</td>
                  <td>{k.revoked_at ? `revoked ${k.revoked_at.slice(0, 19).replace('T', ' ')}` : k.rotated_at ? `valid (rotated ${k.rotated_at.slice(0, 19).replace('T', ' ')})` : 'valid'}</td>
                  <td>
                    {!k.revoked_at && (
                      <>
                        <button type="button" className="small secondary" disabled={gate.busy} onClick={() => act(k, 'rotate')} data-testid="key-rotate">Rotate</button>{' '}
                        <button type="button" className="small danger" disabled={gate.busy} onClick={() => act(k, 'revoke')} data-testid="key-revoke">Revoke</button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {keys.length === 0 && <p className="empty">No keys yet.</p>}
        </div>
      )}
      <OperatorTokenForm gate={gate} purpose="manage API keys" />
    </Panel>
  );
}
