/**
 * Pause / resume / reset / speed via POST /market/control; errors are shown, not swallowed. On a
 * server with an operator token a 401 opens the token form here, and saving it retries the action.
 */
import type { ControlResponse } from '../api/types.js';
import { useState } from 'react';
import { describeError, postJson } from '../api/http.js';
import { useMarketThrottled } from '../state/use-market.js';
import { OperatorTokenForm, useOperatorGate } from './OperatorToken.js';

/** Tick delays offered (ms); the server's knob is the pause between ticks. */
const DELAYS = [0, 25, 50, 100, 200, 500, 1000];

export function MarketControls() {
  // status changes are rare; 4 Hz keeps the buttons responsive without rebuilding them every frame
  const session = useMarketThrottled(250);
  const [error, setError] = useState<string | null>(null);
  const gate = useOperatorGate((err) => setError(describeError(err, 'control the market')));
  const busy = gate.busy;
  const paused = session.status.paused === true;

  const control = (body: Record<string, unknown>) => {
    setError(null);
    return gate.run(async () => {
      const res = (await postJson('/market/control', body)) as ControlResponse;
      session.applyStatus(res);
      await session.refreshStatus();
      if (body.action === 'reset') {
        session.store.reset();
        await session.hydrate();
      }
    });
  };

  return (
    <div className="controls" role="group" aria-label="Market controls">
      {paused ? (
        <button type="button" onClick={() => void control({ action: 'resume' })} disabled={busy} data-testid="btn-resume">
          ▶ Resume
        </button>
      ) : (
        <button type="button" onClick={() => void control({ action: 'pause' })} disabled={busy} data-testid="btn-pause">
          ❚❚ Pause
        </button>
      )}
      <button
        type="button"
        onClick={() => {
          if (confirm('Reset the live market? Every agent restarts from scratch.')) void control({ action: 'reset' });
        }}
        disabled={busy}
        data-testid="btn-reset"
      >
        ↺ Reset
      </button>
      <label className="inline">
        Tick delay
        <select
          value={session.status.tickDelayMs ?? 100}
          onChange={(e) => void control({ action: 'speed', tick_delay_ms: Number(e.target.value) })}
          disabled={busy}
          data-testid="speed"
          title="Pause between ticks; lower is faster"
        >
          {[...new Set([...DELAYS, session.status.tickDelayMs ?? 100])].sort((a, b) => a - b).map((d) => (
            <option key={d} value={d}>
              {d} ms{d > 0 ? ` (≤ ${Math.round(1000 / d)}/s)` : ' (max)'}
            </option>
          ))}
        </select>
      </label>
      {error && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
      <OperatorTokenForm gate={gate} purpose="pause, resume, reset or change the speed of the market" />
    </div>
  );
}
