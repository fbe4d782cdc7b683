/** A uPlot line chart over ticks for a few named series, optionally with a second y axis. */
import { useMemo } from 'react';
import type uPlot from 'uplot';
import { AXIS, UPlotChart } from './UPlotChart.js';

export interface SeriesDef {
  label: string;
  color: string;
  /** 'y' (left) or 'y2' (right). */
  scale?: 'y' | 'y2';
  digits?: number;
  dash?: number[];
}

export function SeriesChart({ x, ys, defs, height = 220, label, testId, revision }: { x: ArrayLike<number>; ys: ArrayLike<number>[]; defs: SeriesDef[]; height?: number; label: string; testId?: string; revision: number }) {
  const data = useMemo(() => [x, ...ys] as unknown as uPlot.AlignedData,
    // eslint-disable-next-line react-hooks/exhaustive-deps -- new arrays per revision
    [revision]);
  const twoAxes = defs.some((d) => d.scale === 'y2');
  const makeOptions = (width: number, h: number): uPlot.Options => ({
    width,
    height: h,
    scales: { x: { time: false } },
    cursor: { drag: { x: true, y: false } },
    axes: [
      { ...AXIS, label: 'tick' },
      { ...AXIS, scale: 'y', size: 60, stroke: defs[0]?.color ?? AXIS.stroke },
      ...(twoAxes ? [{ ...AXIS, scale: 'y2', side: 1, size: 60, grid: { show: false }, stroke: defs.find((d) => d.scale === 'y2')?.color ?? AXIS.stroke } as uPlot.Axis] : []),
    ],
    series: [
      { label: 'tick' },
      ...defs.map((d) => ({
        label: d.label,
        stroke: d.color,
        width: 1.5,
        scale: d.scale ?? 'y',
        ...(d.dash ? { dash: d.dash } : {}),
        value: (_u: uPlot, v: number | null) => (v == null ? '—' : v.toFixed(d.digits ?? 2)),
      })),
    ],
  });
  return <UPlotChart makeOptions={makeOptions} data={data} height={height} label={label} testId={testId} />;
}
