/** Mid and VWAP lines with trade prints (dots sized by qty, coloured by aggressor) on one canvas. */
import { useMemo, useRef } from 'react';
import type uPlot from 'uplot';
import { OKABE_ITO } from '../lib/palette.js';
import { PRICE, PRINT } from '../state/market-store.js';
import { useMarketThrottled } from '../state/use-market.js';

/** Redraw period (ms). A full uPlot redraw of ~3,000 points + prints is the page's largest paint; 5 Hz reads as live. */
export const PRICE_CHART_REFRESH_MS = 200;
import { AXIS, UPlotChart } from './UPlotChart.js';

export function PriceChart({ height = 300 }: { height?: number }) {
  const session = useMarketThrottled(PRICE_CHART_REFRESH_MS);
  const store = session.store;
  const prints = useRef<Float64Array[]>([]);
  const data = useMemo(() => {
    const cols = store.price.columns();
    prints.current = store.prints.columns();
    return [cols[PRICE.tick], cols[PRICE.mid], cols[PRICE.vwap]] as unknown as uPlot.AlignedData;
  }, [store, session.revision]);

  const makeOptions = (width: number, h: number): uPlot.Options => ({
    width,
    height: h,
    scales: { x: { time: false } },
    legend: { live: true },
    cursor: { drag: { x: true, y: false } },
    axes: [{ ...AXIS, label: 'tick' }, { ...AXIS, size: 64 }],
    series: [
      { label: 'tick' },
      { label: 'mid', stroke: OKABE_ITO.skyBlue, width: 1.5, value: (_u, v) => (v == null ? '—' : v.toFixed(4)) },
      { label: 'VWAP', stroke: OKABE_ITO.orange, width: 1, dash: [4, 3], value: (_u, v) => (v == null ? '—' : v.toFixed(4)) },
    ],
    hooks: {
      draw: [
        (u: uPlot) => {
          const p = prints.current;
          const ticks = p[PRINT.tick];
          const px = p[PRINT.price];
          const qty = p[PRINT.qty];
          const side = p[PRINT.side];
          if (!ticks || !px || !qty || !side || ticks.length === 0) return;
          const { min, max } = u.scales.x ?? {};
          if (min == null || max == null) return;
          const ctx = u.ctx;
          const dpr = devicePixelRatio || 1;
          ctx.save();
          ctx.beginPath();
          ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
          ctx.clip();
          // squares, one path per side: ~3000 prints redraw at 10 Hz, and arcs cost far more to raster
          for (const s of [1, -1]) {
            ctx.fillStyle = s === 1 ? 'rgba(0,158,115,0.75)' : 'rgba(213,94,0,0.75)';
            ctx.beginPath();
            for (let i = 0; i < ticks.length; i++) {
              const t = ticks[i] as number;
              if (side[i] !== s || t < min || t > max) continue;
              const x = u.valToPos(t, 'x', true);
              const y = u.valToPos(px[i] as number, 'y', true);
              const r = Math.min(4, 1 + Math.sqrt(qty[i] as number) * 0.4) * dpr;
              ctx.rect(x - r, y - r, 2 * r, 2 * r);
            }
            ctx.fill();
          }
          ctx.restore();
        },
      ],
    },
  });

  return (
    <div>
      <UPlotChart makeOptions={makeOptions} data={data} height={height} label="Price: mid, VWAP and trade prints" testId="price-chart" />
      <p className="legend-note">
        <span className="dot" style={{ background: OKABE_ITO.green }} /> buyer-initiated print (size ∝ √qty) <span className="dot" style={{ background: OKABE_ITO.vermillion }} /> seller-initiated print · wheel to zoom, shift+drag to pan, drag to select
      </p>
    </div>
  );
}
