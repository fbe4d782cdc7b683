/**
 * Factor space: each agent's 6-factor vector projected on two principal components (server PCA when
 * given, else computed here), coloured by strategy type and sized by volume share.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { FactorSpace } from '../api/views.js';
import { fmtPct } from '../lib/format.js';
import { pca2 } from '../lib/linear-algebra.js';
import { strategyColor } from '../lib/palette.js';
import { prepareCanvas, useWidth } from './use-canvas-size.js';

interface Placed {
  id: string;
  strategy: string;
  x: number;
  y: number;
  share: number;
}

export function FactorScatter({ space, height = 300, highlight, onOpenAgent }: { space: FactorSpace | null; height?: number; highlight?: string; onOpenAgent?: (id: string) => void }) {
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const width = useWidth(wrap, 360);
  const [hover, setHover] = useState<Placed | null>(null);

  const { points, explained, serverPca } = useMemo(() => {
    if (!space) return { points: [] as Placed[], explained: [0, 0] as [number, number], serverPca: false };
    const allPc = space.points.every((p) => p.pc !== null);
    const pcs = allPc ? { coords: space.points.map((p) => p.pc as [number, number]), explained: space.explained ?? ([NaN, NaN] as [number, number]) } : pca2(space.points.map((p) => p.factors));
    return {
      points: space.points.map((p, i) => ({ id: p.agentId, strategy: p.strategy, x: pcs.coords[i]?.[0] ?? 0, y: pcs.coords[i]?.[1] ?? 0, share: p.volumeShare })),
      explained: pcs.explained,
      serverPca: allPc,
    };
  }, [space]);

  const pad = 28;
  const layout = useMemo(() => {
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (const p of points) {
      x0 = Math.min(x0, p.x); x1 = Math.max(x1, p.x); y0 = Math.min(y0, p.y); y1 = Math.max(y1, p.y);
    }
    if (!Number.isFinite(x0)) { x0 = -1; x1 = 1; y0 = -1; y1 = 1; }
    const dx = Math.max(1e-6, x1 - x0) * 0.08, dy = Math.max(1e-6, y1 - y0) * 0.08;
    return { x0: x0 - dx, x1: x1 + dx, y0: y0 - dy, y1: y1 + dy };
  }, [points]);
  const toPx = (p: Placed) => ({
    px: pad + ((p.x - layout.x0) / (layout.x1 - layout.x0)) * (width - 2 * pad),
    py: height - pad - ((p.y - layout.y0) / (layout.y1 - layout.y0)) * (height - 2 * pad),
  });
  const radius = (share: number) => 3 + Math.sqrt(Math.max(0, share)) * 30;

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const ctx = prepareCanvas(el, width, height);
    if (!ctx) return;
    ctx.strokeStyle = 'rgba(255,255,255,0.12)';
    ctx.strokeRect(pad, pad, width - 2 * pad, height - 2 * pad);
    ctx.fillStyle = '#9aa4b2';
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillText(`PC1${Number.isFinite(explained[0]) ? ` (${fmtPct(explained[0], 0)})` : ''}`, width / 2 - 20, height - 8);
    ctx.save();
    ctx.translate(12, height / 2 + 20);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(`PC2${Number.isFinite(explained[1]) ? ` (${fmtPct(explained[1], 0)})` : ''}`, 0, 0);
    ctx.restore();
    // big (high-volume) agents first so small ones stay visible on top
    const sorted = [...points].sort((a, b) => b.share - a.share);
    for (const p of sorted) {
      const { px, py } = toPx(p);
      ctx.beginPath();
      ctx.arc(px, py, radius(p.share), 0, Math.PI * 2);
      ctx.fillStyle = strategyColor(p.strategy) + 'b0';
      ctx.fill();
      if (p.id === highlight || p.id === hover?.id) {
        ctx.lineWidth = 2;
        ctx.strokeStyle = '#ffffff';
        ctx.stroke();
      }
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [points, width, height, highlight, hover, layout, explained]);

  const strategies = [...new Set(points.map((p) => p.strategy))].sort();
  const onMove = (e: React.MouseEvent) => {
    const rect = canvas.current?.getBoundingClientRect();
    if (!rect) return;
    const mx = e.clientX - rect.left, my = e.clientY - rect.top;
    let best: Placed | null = null, bd = Infinity;
    for (const p of points) {
      const { px, py } = toPx(p);
      const d = Math.hypot(px - mx, py - my);
      if (d < bd && d <= radius(p.share) + 4) { bd = d; best = p; }
    }
    setHover(best);
  };

  return (
    <div ref={wrap} className="scatter">
      {points.length === 0 ? (
        <p className="empty">No factor vectors yet.</p>
      ) : (
        <canvas ref={canvas} data-testid="factor-scatter" role="img" aria-label={`Factor-space PCA scatter of ${points.length} agents`} onMouseMove={onMove} onMouseLeave={() => setHover(null)} onClick={() => hover && onOpenAgent?.(hover.id)} />
      )}
      <div className="legend">
        {strategies.map((s) => (
          <span key={s}>
            <span className="dot" style={{ background: strategyColor(s) }} /> {s}
          </span>
        ))}
        <span className="muted">size = volume share{serverPca ? ' · server PCA' : ' · PCA computed in browser'}</span>
      </div>
      <div className="heatmap-readout" aria-live="polite">
        {hover ? (
          <>
            <strong>{hover.id}</strong> ({hover.strategy}) · volume share {fmtPct(hover.share)}
          </>
        ) : (
          <span className="muted">Hover a point to identify it.</span>
        )}
      </div>
    </div>
  );
}
