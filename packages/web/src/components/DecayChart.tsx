/**
 * Alpha decay: fitted Sharpe ≈ α·exp(−λX) over cumulative crowding exposure X with its confidence
 * band, and every agent's current (X, Sharpe) point coloured by strategy. The engine fits one
 * pooled curve over all agents' samples; per-agent fits are drawn too when a server provides them.
 * `highlight` rings one agent's point (strategy page).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { DecayFit, DecayView } from '../api/views.js';
import { fmtNum } from '../lib/format.js';
import { strategyColor } from '../lib/palette.js';
import { prepareCanvas, useWidth } from './use-canvas-size.js';

function fitColor(f: DecayFit): string {
  return f.strategy === 'pooled' ? '#f0f0f0' : strategyColor(f.strategy);
}

export function DecayChart({ view, height = 260, highlight }: { view: DecayView | null; height?: number; highlight?: string }) {
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const width = useWidth(wrap, 360);
  const fits = useMemo(() => (view?.fits ?? []).filter((f) => f.curveX.length > 1), [view]);
  const points = useMemo(() => view?.points ?? [], [view]);
  const [picked, setPicked] = useState('');
  const sel = fits.find((f) => f.agentId === picked) ?? fits.find((f) => f.agentId === highlight) ?? fits[0] ?? null;
  const hp = highlight ? points.find((p) => p.agentId === highlight) : undefined;

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const ctx = prepareCanvas(el, width, height);
    if (!ctx) return;
    const pad = { l: 44, r: 10, t: 10, b: 26 };
    let xMax = 0, yMin = 0, yMax = 0;
    for (const f of fits) {
      for (const x of f.curveX) xMax = Math.max(xMax, x);
      for (const y of f.curveY) { yMax = Math.max(yMax, y); yMin = Math.min(yMin, y); }
    }
    for (const p of points) { xMax = Math.max(xMax, p.x); yMax = Math.max(yMax, p.y); yMin = Math.min(yMin, p.y); }
    if (xMax <= 0) xMax = 1;
    if (yMax <= yMin) yMax = yMin + 1;
    const X = (x: number) => pad.l + (x / xMax) * (width - pad.l - pad.r);
    const Y = (y: number) => height - pad.b - ((Math.max(yMin, Math.min(yMax, y)) - yMin) / (yMax - yMin)) * (height - pad.t - pad.b);
    ctx.strokeStyle = 'rgba(255,255,255,0.15)';
    ctx.strokeRect(pad.l, pad.t, width - pad.l - pad.r, height - pad.t - pad.b);
    ctx.fillStyle = '#9aa4b2';
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillText(`cumulative crowding exposure X (0 … ${fmtNum(xMax, 1)}) →`, pad.l + 4, height - 8);
    ctx.fillText(fmtNum(yMax, 2), 4, pad.t + 10);
    ctx.fillText(fmtNum(yMin, 2), 4, height - pad.b);
    ctx.fillText('Sharpe', 4, height / 2);
    if (yMin < 0 && yMax > 0) {
      ctx.strokeStyle = 'rgba(255,255,255,0.2)';
      ctx.beginPath();
      ctx.moveTo(pad.l, Y(0));
      ctx.lineTo(width - pad.r, Y(0));
      ctx.stroke();
    }
    for (const p of points) {
      ctx.fillStyle = strategyColor(p.strategy) + 'aa';
      ctx.beginPath();
      ctx.arc(X(p.x), Y(p.y), 2.5, 0, Math.PI * 2);
      ctx.fill();
    }
    const line = (xs: number[], ys: number[]) => {
      ctx.beginPath();
      xs.forEach((x, i) => (i === 0 ? ctx.moveTo(X(x), Y(ys[i] ?? 0)) : ctx.lineTo(X(x), Y(ys[i] ?? 0))));
      ctx.stroke();
    };
    ctx.globalAlpha = 0.35;
    ctx.lineWidth = 1;
    for (const f of fits) {
      if (f === sel) continue;
      ctx.strokeStyle = fitColor(f);
      line(f.curveX, f.curveY);
    }
    ctx.globalAlpha = 1;
    if (sel) {
      const c = fitColor(sel);
      if (sel.lo && sel.hi) {
        ctx.fillStyle = c + '2e';
        ctx.beginPath();
        sel.curveX.forEach((x, i) => (i === 0 ? ctx.moveTo(X(x), Y(sel.hi?.[i] ?? 0)) : ctx.lineTo(X(x), Y(sel.hi?.[i] ?? 0))));
        for (let i = sel.curveX.length - 1; i >= 0; i--) ctx.lineTo(X(sel.curveX[i] ?? 0), Y(sel.lo[i] ?? 0));
        ctx.closePath();
        ctx.fill();
      }
      ctx.strokeStyle = c;
      ctx.lineWidth = 2.5;
      line(sel.curveX, sel.curveY);
      if (sel.halfLife !== null && sel.halfLife <= xMax && sel.alphaMax !== null) {
        ctx.setLineDash([3, 3]);
        ctx.strokeStyle = '#ffffff88';
        ctx.lineWidth = 1;
        ctx.beginPath();
        ctx.moveTo(X(sel.halfLife), Y(yMin));
        ctx.lineTo(X(sel.halfLife), Y(sel.alphaMax / 2));
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = '#ddd';
        ctx.fillText('t½', X(sel.halfLife) + 3, Y(sel.alphaMax / 2) - 3);
      }
    }
    if (hp) {
      ctx.strokeStyle = '#ffffff';
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.arc(X(hp.x), Y(hp.y), 6, 0, Math.PI * 2);
      ctx.stroke();
    }
  }, [fits, points, sel, hp, width, height]);

  const hasAnything = fits.length > 0 || points.length > 0;
  return (
    <div ref={wrap} className="decay">
      {fits.length > 1 && (
        <label className="inline">
          Fit
          <select value={sel?.agentId ?? ''} onChange={(e) => setPicked(e.target.value)}>
            {fits.map((f) => (
              <option key={f.agentId} value={f.agentId}>
                {f.agentId}
              </option>
            ))}
          </select>
        </label>
      )}
      {hasAnything ? (
        <canvas ref={canvas} data-testid="decay-chart" role="img" aria-label="Alpha decay: fitted Sharpe against cumulative crowding exposure" />
      ) : (
        <p className="empty">No decay data yet: agents need Sharpe samples and crowding exposure.</p>
      )}
      {sel ? (
        <p className="readout" aria-live="polite">
          <strong>{sel.agentId}</strong>: α<sub>max</sub> {fmtNum(sel.alphaMax, 3)} · λ {fmtNum(sel.lambda, 4)} · half-life{' '}
          <strong>{sel.halfLife === null ? '∞ (no decay)' : fmtNum(sel.halfLife, 1)}</strong>
          {sel.halfLifeCi ? ` [${fmtNum(sel.halfLifeCi[0], 1)}, ${sel.halfLifeCi[1] === null ? '∞' : fmtNum(sel.halfLifeCi[1], 1)}]` : ''} · R² {fmtNum(sel.r2, 2)} · n = {sel.samples}
          {sel.lo ? ' · band: half-life CI' : ' · no CI from the server'}
        </p>
      ) : (
        hasAnything && <p className="readout muted">Not enough samples for a fit yet (points show each agent's exposure and Sharpe proxy).</p>
      )}
      {hp && (
        <p className="readout">
          {hp.agentId}: exposure X = {fmtNum(hp.x, 2)}, Sharpe proxy {fmtNum(hp.y, 3)}
        </p>
      )}
    </div>
  );
}
