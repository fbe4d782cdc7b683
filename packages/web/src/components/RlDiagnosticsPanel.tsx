/**
 * A learning agent's PPO diagnostics at a glance: mode, updates done, the last update's mean
 * reward, policy entropy, value loss, approx KL, clip fraction and explained variance, the
 * current exploration, and the policy's action probabilities as bars. Reads the `rl_*` figures
 * the engine puts in the agent's stats `extra` (GET /strategies/{id}/stats and the TICK stream).
 */
import { fmtInt, fmtNum, fmtPct } from '../lib/format.js';
import { Panel } from './Panel.js';

const FIGURES: readonly [key: string, label: string, fmt: (v: number) => string][] = [
  ['rl_updates', 'Updates', (v) => fmtInt(v)],
  ['rl_mean_reward', 'Mean rollout reward', (v) => fmtNum(v, 4)],
  ['rl_entropy', 'Policy entropy', (v) => fmtNum(v, 3)],
  ['rl_value_loss', 'Value loss', (v) => fmtNum(v, 4)],
  ['rl_approx_kl', 'Approx KL', (v) => fmtNum(v, 5)],
  ['rl_clip_fraction', 'Clip fraction', (v) => fmtPct(v)],
  ['rl_explained_variance', 'Explained variance', (v) => fmtNum(v, 3)],
  ['rl_exploration', 'Exploration ε', (v) => fmtNum(v, 3)],
];

const PROB_PREFIX = 'rl_prob_';

export function RlDiagnosticsPanel({ extra }: { extra: Record<string, unknown> | null | undefined }) {
  const x = extra ?? {};
  const probs = Object.entries(x).filter((e): e is [string, number] => e[0].startsWith(PROB_PREFIX) && typeof e[1] === 'number');
  const mode = typeof x.rl_mode === 'string' ? x.rl_mode : null;
  if (mode === null && probs.length === 0) return null;
  return (
    <Panel title="Learner diagnostics">
      <div className="kv-grid" data-testid="rl-diagnostics">
        <div><span>Mode</span><strong>{mode ?? '—'}</strong></div>
        {FIGURES.map(([key, label, fmt]) => {
          const v = x[key];
          return (
            <div key={key}>
              <span>{label}</span>
              <strong data-key={key}>{typeof v === 'number' && Number.isFinite(v) ? fmt(v) : '—'}</strong>
            </div>
          );
        })}
      </div>
      {probs.length > 0 && (
        <table className="rl-probs" data-testid="rl-action-probs">
          <caption className="muted">Action probabilities (policy at the last decision)</caption>
          <tbody>
            {probs.map(([k, p]) => (
              <tr key={k}>
                <td>{k.slice(PROB_PREFIX.length).replace(/_/g, ' ')}</td>
                <td className="num">{fmtPct(p)}</td>
                <td style={{ width: '60%' }}>
                  <div className="bar" style={{ width: `${Math.round(Math.max(0, Math.min(1, p)) * 100)}%` }} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
