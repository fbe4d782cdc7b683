/**
 * Mine: signing in with a key, and what that key owns — its agents in the current market (live or
 * stopped), the strategies it registered with every version, and its submissions (private ones
 * too). Ownership is the key's id on the server (GET /me/owned), not a name typed in a form. On a
 * keyless server nothing is owned by a key: the page says so, and agents deployed from this
 * browser stay stoppable through the manage keys it kept.
 */
import type { OwnedResponse } from '../api/types.js';
import { SignInForm } from '../components/Account.js';
import { Panel } from '../components/Panel.js';
import { usePoll } from '../components/use-poll.js';
import { fmtSigned } from '../lib/format.js';
import { strategyHref } from '../lib/router.js';
import { signedIn, useAccount, whoLabel } from '../state/account.js';

/** How often the owned lists are read again (agents' status and PnL move). */
export const OWNED_POLL_MS = 5_000;

export function MinePage() {
  const account = useAccount();
  const { me } = account;
  const isIn = signedIn(account);

  return (
    <div className="page">
      <Panel title="Account" error={account.error}>
        {me && isIn ? (
          <p data-testid="whoami">
            Signed in as <strong>{whoLabel(me)}</strong>
            {me.key_id ? (
              <>
                {' '}
                with key <code>{me.key_id}</code>
              </>
            ) : null}
            . {me.role === 'admin' ? 'You may control the market, review submissions and manage keys (Admin).' : 'You may deploy strategies, submit configurations and stop your own agents.'}
          </p>
        ) : me?.keyless && !account.credential ? (
          <p className="help" data-testid="whoami">
            This server has no API keys: anyone who reaches it may deploy and submit, and nothing needs signing in. Agents
            deployed from this browser can be stopped with the manage keys it kept. Once an admin creates the first key,
            deploying needs one.
          </p>
        ) : (
          <p className="help" data-testid="whoami">
            Not signed in. {account.needsKey ? 'This server needs a key even to read the market.' : 'Deploying, submitting and stopping your agents need your key on this server.'}
          </p>
        )}
        {me?.credential_refused && account.credential !== null && (
          <p className="error" role="alert">
            The server does not accept this tab&apos;s key any more ({me.credential_refused}). Sign in again with a current key.
          </p>
        )}
        {isIn ? (
          <details className="switch-key">
            <summary>Sign in with another key</summary>
            <SignInForm />
          </details>
        ) : (
          <SignInForm />
        )}
      </Panel>
      {isIn && me?.kind === 'operator' && <p className="help">The operator token is not a key: nothing is owned by it. Agents deployed with it are listed on the leaderboard.</p>}
      {/* keyed on the key's id: signing in as someone else reads the lists afresh, never shows the last one's */}
      {isIn && me?.kind === 'key' && <Owned key={me.key_id} />}
    </div>
  );
}

function Owned() {
  const polled = usePoll('/me/owned', OWNED_POLL_MS, (raw) => raw as OwnedResponse);
  const owned = polled.data;
  const error = polled.error;
  return (
    <>
      <Panel title="My agents" error={error}>
        {owned && owned.agents.length === 0 && <p className="empty">No agents deployed with this key in the current market. Deploy one on the Deploy page.</p>}
        {owned && owned.agents.length > 0 && (
          <div className="table-scroll short">
            <table className="tape" data-testid="my-agents">
              <thead>
                <tr><th>Agent</th><th>Strategy</th><th>Version</th><th>Status</th><th className="num">Net PnL</th><th>Since tick</th></tr>
              </thead>
              <tbody>
                {owned.agents.map((a) => (
                  <tr key={a.agent_id} data-agent={a.agent_id}>
                    <td className="mono"><a href={strategyHref(a.agent_id)}>{a.agent_id}</a></td>
                    <td>{a.strategy_type}</td>
                    <td>{a.strategy_version ?? '—'}</td>
                    <td>{a.status}{a.status_reason ? ` (${a.status_reason})` : ''}</td>
                    <td className="num">{a.net_pnl === null ? '—' : fmtSigned(a.net_pnl)}</td>
                    <td>{a.created_tick}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Panel>
      <Panel title="My strategies">
        {owned && owned.strategies.length === 0 && <p className="empty">No strategies registered with this key. Write one on the Deploy page.</p>}
        {owned && owned.strategies.length > 0 && (
          <div className="table-scroll short">
            <table className="tape" data-testid="my-strategies">
              <thead>
                <tr><th>Name</th><th>Latest</th><th>Versions</th></tr>
              </thead>
              <tbody>
                {owned.strategies.map((s) => (
                  <tr key={s.name}>
                    <td className="mono">{s.name}</td>
                    <td>v{s.version}</td>
                    <td>
                      {s.versions.map((v) => (
                        <div key={v.version}>
                          v{v.version} · {v.created_at.slice(0, 19).replace('T', ' ')}
                          {v.params.length > 0 ? ` · reads ${v.params.join(', ')}` : ''}
                        </div>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Panel>
      <Panel title="My submissions">
        {owned && owned.submissions.length === 0 && <p className="empty">No configurations submitted with this key.</p>}
        {owned && owned.submissions.length > 0 && (
          <div className="table-scroll short">
            <table className="tape" data-testid="my-submissions">
              <thead>
                <tr><th>Id</th><th>Template</th><th>Mode</th><th>Visibility</th><th>Status</th><th>Agent</th></tr>
              </thead>
              <tbody>
                {owned.submissions.map((s) => (
                  <tr key={s.submission_id}>
                    <td className="mono">{s.submission_id}</td>
                    <td>{s.template_strategy}</td>
                    <td>{s.mode}</td>
                    <td>{s.visibility}</td>
                    <td>{s.status}</td>
                    <td>{s.deployed_agent_id ? <a href={strategyHref(s.deployed_agent_id)}>{s.deployed_agent_id}</a> : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Panel>
    </>
  );
}
