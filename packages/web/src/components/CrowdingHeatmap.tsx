/**
 * N×N similarity heatmap on a canvas (viridis, −1…1). Agents are ordered by spectral seriation so
 * behavioural clusters form blocks (readable at 200 agents); the order is recomputed only when the
 * agent set changes or every `reorderEvery` ticks, so cells don't jump at 10 Hz. Hover or arrow
 * keys show the pair and its similarity; Enter opens the row agent's page.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { CrowdingMatrixPayload } from '../api/types.js';
import { spectralOrder } from '../lib/linear-algebra.js';
import { strategyColor, VIRIDIS_LUT, viridis } from '../lib/palette.js';
import { prepareCanvas, useWidth } from './use-canvas-size.js';

export type HeatmapOrder = 'cluster' | 'strategy' | 'id';

export interface CrowdingHeatmapProps {
  crowding: CrowdingMatrixPayload | null;
  strategyOf: (id: string) => string;
  reorderEvery?: number;
  onOpenAgent?: (id: string) => void;
}

const STRIP = 6;

export function CrowdingHeatmap({ crowding, strategyOf, reorderEvery = 25, onOpenAgent }: CrowdingHeatmapProps) {
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const width = useWidth(wrap, 360);
  const size = Math.max(160, Math.min(width, 520));
  const [mode, setMode] = useState<HeatmapOrder>('cluster');
  const [cursor, setCursor] = useState<{ i: number; j: number } | null>(null);
  const orderCache = useRef<{ key: string; tick: number; order: number[] } | null>(null);
  // reused between draws: a fresh canvas + ImageData per tick was the heatmap's main cost
  const offscreen = useRef<{ canvas: HTMLCanvasElement; img: ImageData } | null>(null);

  const ids = crowding?.agent_ids ?? [];
  const n = ids.length;
  const order = useMemo(() => {
    if (!crowding || n === 0) return [] as number[];
    const key = `${mode}:${ids.join('|')}`;
    const c = orderCache.current;
    if (c && c.key === key && crowding.tick - c.tick < reorderEvery && crowding.tick >= c.tick) return c.order;
    let o: number[];
    if (mode === 'cluster') {
      // cluster within the full matrix, then keep strategy runs together only as a tiebreak
      o = spectralOrder(crowding.matrix);
    } else if (mode === 'strategy') {
      o = ids.map((_, i) => i).sort((a, b) => strategyOf(ids[a] as string).localeCompare(strategyOf(ids[b] as string)) || (ids[a] as string).localeCompare(ids[b] as string));
    } else {
      o = ids.map((_, i) => i).sort((a, b) => (ids[a] as string).localeCompare(ids[b] as string, undefined, { numeric: true }));
    }
    orderCache.current = { key, tick: crowding.tick, order: o };
    return o;
  }, [crowding, mode, n, reorderEvery, strategyOf, ids]);

  const cell = n > 0 ? (size - STRIP - 2) / n : 0;

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const ctx = prepareCanvas(el, size, size);
    if (!ctx || !crowding || n === 0) return;
    // paint N×N pixels once, then scale up without smoothing: O(N²) with no per-cell path calls
    if (!offscreen.current || offscreen.current.img.width !== n) {
      const off = offscreen.current?.canvas ?? document.createElement('canvas');
      off.width = n;
      off.height = n;
      offscreen.current = { canvas: off, img: new ImageData(n, n) };
    }
    const { canvas: off, img } = offscreen.current;
    const px = img.data;
    for (let r = 0; r < n; r++) {
      const row = crowding.matrix[order[r] as number] ?? [];
      for (let c = 0; c < n; c++) {
        const v = row[order[c] as number] ?? 0;
        const li = Math.max(0, Math.min(255, Math.round(((v + 1) / 2) * 255))) * 3;
        const o = (r * n + c) * 4;
        px[o] = VIRIDIS_LUT[li] as number;
        px[o + 1] = VIRIDIS_LUT[li + 1] as number;
        px[o + 2] = VIRIDIS_LUT[li + 2] as number;
        px[o + 3] = 255;
      }
    }
    off.getContext('2d')?.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(off, STRIP + 2, STRIP + 2, n * cell, n * cell);
    // strategy strips on the top and left edges
    for (let k = 0; k < n; k++) {
      ctx.fillStyle = strategyColor(strategyOf(ids[order[k] as number] as string));
      ctx.fillRect(0, STRIP + 2 + k * cell, STRIP, Math.max(1, cell));
      ctx.fillRect(STRIP + 2 + k * cell, 0, Math.max(1, cell), STRIP);
    }
    if (cursor && cursor.i < n && cursor.j < n) {
      ctx.strokeStyle = '#ffffff';
      ctx.lineWidth = 1.5;
      ctx.strokeRect(STRIP + 2 + cursor.j * cell, STRIP + 2 + cursor.i * cell, Math.max(2, cell), Math.max(2, cell));
    }
  }, [crowding, order, size, n, cell, cursor, strategyOf, ids]);

  const cellAt = (clientX: number, clientY: number) => {
    const el = canvas.current;
    if (!el || n === 0) return null;
    const rect = el.getBoundingClientRect();
    const x = clientX - rect.left - STRIP - 2;
    const y = clientY - rect.top - STRIP - 2;
    if (x < 0 || y < 0) return null;
    const j = Math.floor(x / cell);
    const i = Math.floor(y / cell);
    return i < n && j < n ? { i, j } : null;
  };

  const onKey = (e: React.KeyboardEvent) => {
    if (n === 0) return;
    const cur = cursor ?? { i: 0, j: 0 };
    const step = e.shiftKey ? 10 : 1;
    const moves: Record<string, [number, number]> = { ArrowUp: [-step, 0], ArrowDown: [step, 0], ArrowLeft: [0, -step], ArrowRight: [0, step] };
    const m = moves[e.key];
    if (m) {
      e.preventDefault();
      setCursor({ i: Math.max(0, Math.min(n - 1, cur.i + m[0])), j: Math.max(0, Math.min(n - 1, cur.j + m[1])) });
    } else if (e.key === 'Enter' && cursor && onOpenAgent) {
      onOpenAgent(ids[order[cursor.i] as number] as string);
    } else if (e.key === 'Escape') setCursor(null);
  };

  const a = cursor ? ids[order[cursor.i] as number] : undefined;
  const b = cursor ? ids[order[cursor.j] as number] : undefined;
  const sim = cursor && crowding ? crowding.matrix[order[cursor.i] as number]?.[order[cursor.j] as number] : undefined;

  return (
    <div ref={wrap} className="heatmap">
      <div className="heatmap-tools">
        <label className="inline">
          Order
          <select value={mode} onChange={(e) => { orderCache.current = null; setMode(e.target.value as HeatmapOrder); }}>
            <option value="cluster">by cluster (spectral)</option>
            <option value="strategy">by strategy type</option>
            <option value="id">by id</option>
          </select>
        </label>
        <span className="muted">{n} agents{crowding ? ` · tick ${crowding.tick}` : ''}</span>
      </div>
      {n === 0 ? (
        <p className="empty">No crowding matrix yet (it appears once agents have traded for a few ticks).</p>
      ) : (
        <canvas
          ref={canvas}
          data-testid="heatmap"
          tabIndex={0}
          role="img"
          aria-label={`Crowding similarity matrix of ${n} agents. Arrow keys move the cursor; Enter opens the agent.`}
          onMouseMove={(e) => setCursor(cellAt(e.clientX, e.clientY))}
          onMouseLeave={() => setCursor(null)}
          onClick={(e) => {
            const c = cellAt(e.clientX, e.clientY);
            if (c && onOpenAgent) onOpenAgent(ids[order[c.i] as number] as string);
          }}
          onKeyDown={onKey}
        />
      )}
      <div className="heatmap-readout" aria-live="polite" data-testid="heatmap-readout">
        {a && b && sim !== undefined ? (
          <>
            <strong>{a}</strong> × <strong>{b}</strong>: similarity <strong>{sim.toFixed(3)}</strong>
          </>
        ) : (
          <span className="muted">Hover a cell (or focus and use arrow keys) to read a pair.</span>
        )}
      </div>
      <div className="scale" aria-hidden="true">
        <span>−1</span>
        <span className="scale-bar" style={{ background: `linear-gradient(to right, ${[0, 0.25, 0.5, 0.75, 1].map((t) => viridis(t)).join(',')})` }} />
        <span>+1</span>
      </div>
    </div>
  );
}
