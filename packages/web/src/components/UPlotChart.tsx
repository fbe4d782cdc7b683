/**
 * Canvas line charts via uPlot. Options are built once per mount (by `makeOptions`); data updates
 * call setData without re-creating the chart. While the user has zoomed or panned, live updates keep
 * the chosen window; "Live" returns to following the newest data.
 */
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { interactionPlugin } from '../lib/uplot-interaction.js';

export interface UPlotChartProps {
  /** Builds the chart options for a width/height; called once per mount. */
  makeOptions: (width: number, height: number) => uPlot.Options;
  data: uPlot.AlignedData;
  height: number;
  label: string;
  /** Show the zoom/live controls (x-axis exploration). */
  explorable?: boolean;
  testId?: string;
}

export function UPlotChart({ makeOptions, data, height, label, explorable = true, testId }: UPlotChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const zoomedRef = useRef(false);
  const [zoomed, setZoomed] = useState(false);
  const dataRef = useRef(data);
  dataRef.current = data;

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const width = Math.max(200, el.clientWidth);
    const opts = makeOptions(width, height);
    const markZoomed = () => {
      if (!zoomedRef.current) {
        zoomedRef.current = true;
        setZoomed(true);
      }
    };
    opts.plugins = [...(opts.plugins ?? []), ...(explorable ? [interactionPlugin(markZoomed)] : [])];
    const u = new uPlot(opts, dataRef.current, el);
    chart.current = u;
    const ro = typeof ResizeObserver === 'function' ? new ResizeObserver(() => {
      const w = Math.max(200, el.clientWidth);
      if (Math.abs(w - u.width) > 1) u.setSize({ width: w, height });
    }) : null;
    ro?.observe(el);
    const dbl = () => {
      zoomedRef.current = false;
      setZoomed(false);
    };
    u.over.addEventListener('dblclick', dbl);
    return () => {
      ro?.disconnect();
      u.destroy();
      chart.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- options are fixed per mount by design
  }, [height]);

  useEffect(() => {
    chart.current?.setData(data, !zoomedRef.current);
  }, [data]);

  const live = () => {
    zoomedRef.current = false;
    setZoomed(false);
    chart.current?.setData(dataRef.current, true);
  };
  const zoomBy = (f: number) => {
    const u = chart.current;
    if (!u) return;
    const { min, max } = u.scales.x ?? {};
    if (min == null || max == null) return;
    const c = (min + max) / 2;
    const span = Math.max(5, (max - min) * f);
    zoomedRef.current = true;
    setZoomed(true);
    u.setScale('x', { min: c - span / 2, max: c + span / 2 });
  };
  const panBy = (f: number) => {
    const u = chart.current;
    if (!u) return;
    const { min, max } = u.scales.x ?? {};
    if (min == null || max == null) return;
    const d = (max - min) * f;
    zoomedRef.current = true;
    setZoomed(true);
    u.setScale('x', { min: min + d, max: max + d });
  };

  return (
    <figure className="chart" aria-label={label} data-testid={testId}>
      {explorable && (
        <div className="chart-tools" role="toolbar" aria-label={`${label} zoom and pan`}>
          <button type="button" onClick={() => panBy(-0.25)} aria-label="Pan left" title="Pan left (or shift+drag)">◀</button>
          <button type="button" onClick={() => zoomBy(0.7)} aria-label="Zoom in" title="Zoom in (or wheel / drag-select)">+</button>
          <button type="button" onClick={() => zoomBy(1.4)} aria-label="Zoom out" title="Zoom out">−</button>
          <button type="button" onClick={() => panBy(0.25)} aria-label="Pan right" title="Pan right">▶</button>
          <button type="button" onClick={live} aria-pressed={!zoomed} className={zoomed ? '' : 'on'} title="Follow the newest data (double-click the chart)">Live</button>
        </div>
      )}
      <div ref={host} className="chart-host" style={{ minHeight: height }} />
    </figure>
  );
}

/** Shared axis styling for the dark theme. */
export const AXIS: uPlot.Axis = {
  stroke: '#9aa4b2',
  grid: { stroke: 'rgba(255,255,255,0.06)', width: 1 },
  ticks: { stroke: 'rgba(255,255,255,0.12)', width: 1 },
  font: '11px system-ui, sans-serif',
};
