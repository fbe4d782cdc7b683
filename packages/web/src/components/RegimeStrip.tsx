/**
 * Regime / LFI history: a colour band of the regime per tick over the LFI line, with the alert
 * thresholds (0.45 / 0.65 / 0.85) and crowding as a faint second line.
 */
import { useEffect, useRef } from 'react';
import { REGIMES, HIST } from '../state/market-store.js';
import { regimeColor, ALERT_COLORS } from '../lib/palette.js';
import type { RingSeries } from '../state/ring-series.js';
import { prepareCanvas, useWidth } from './use-canvas-size.js';

export const LFI_THRESHOLDS = [
  { level: 0.45, alert: 'WARNING' },
  { level: 0.65, alert: 'DANGER' },
  { level: 0.85, alert: 'CRITICAL' },
] as const;

export function RegimeStrip({ history, revision, height = 110 }: { history: RingSeries; revision: number; height?: number }) {
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const width = useWidth(wrap, 600);
  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const ctx = prepareCanvas(el, width, height);
    if (!ctx) return;
    const n = history.length;
    const band = 16;
    const top = band + 6;
    const h = height - top - 4;
    ctx.fillStyle = 'rgba(255,255,255,0.03)';
    ctx.fillRect(0, top, width, h);
    if (n === 0) return;
    const cols = history.columns();
    const ticks = cols[HIST.tick] as Float64Array;
    const t0 = ticks[0] as number;
    const t1 = Math.max(t0 + 1, ticks[n - 1] as number);
    const X = (t: number) => ((t - t0) / (t1 - t0)) * (width - 1);
    // regime band: one rect per run of equal regime
    const reg = cols[HIST.regime] as Float64Array;
    let start = 0;
    for (let i = 1; i <= n; i++) {
      if (i === n || reg[i] !== reg[start]) {
        ctx.fillStyle = regimeColor(REGIMES[reg[start] as number] ?? 'CALM');
        const x0 = X(ticks[start] as number);
        const x1 = i === n ? width : X(ticks[i] as number);
        ctx.fillRect(x0, 0, Math.max(1, x1 - x0), band);
        start = i;
      }
    }
    const Y = (v: number) => top + h - Math.max(0, Math.min(1, v)) * h;
    for (const th of LFI_THRESHOLDS) {
      ctx.strokeStyle = (ALERT_COLORS[th.alert] ?? '#888') + '88';
      ctx.setLineDash([4, 4]);
      ctx.beginPath();
      ctx.moveTo(0, Y(th.level));
      ctx.lineTo(width, Y(th.level));
      ctx.stroke();
    }
    ctx.setLineDash([]);
    const series = (col: Float64Array, color: string, lw: number) => {
      ctx.strokeStyle = color;
      ctx.lineWidth = lw;
      ctx.beginPath();
      // decimate to ~1 point per pixel column
      const step = Math.max(1, Math.floor(n / width));
      for (let i = 0; i < n; i += step) {
        const x = X(ticks[i] as number);
        const y = Y(col[i] as number);
        if (i === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
      }
      ctx.stroke();
    };
    series(cols[HIST.crowding] as Float64Array, 'rgba(204,121,167,0.7)', 1);
    series(cols[HIST.lfi] as Float64Array, '#f0f0f0', 1.5);
    ctx.fillStyle = '#9aa4b2';
    ctx.font = '10px system-ui, sans-serif';
    ctx.fillText(`tick ${t0}`, 2, height - 6);
    const last = `tick ${t1}`;
    ctx.fillText(last, width - ctx.measureText(last).width - 2, height - 6);
  }, [history, revision, width, height]);
  return (
    <div ref={wrap} className="regime-strip">
      <canvas ref={canvas} data-testid="regime-strip" role="img" aria-label="Regime band and LFI history" />
      <div className="legend">
        {REGIMES.map((r) => (
          <span key={r}>
            <span className="dot" style={{ background: regimeColor(r) }} /> {r}
          </span>
        ))}
        <span><span className="dot" style={{ background: '#f0f0f0' }} /> LFI</span>
        <span><span className="dot" style={{ background: 'rgba(204,121,167,0.9)' }} /> crowding</span>
        <span className="muted">dashed: LFI alert thresholds 0.45 / 0.65 / 0.85</span>
      </div>
    </div>
  );
}
