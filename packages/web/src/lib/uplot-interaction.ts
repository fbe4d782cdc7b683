/**
 * uPlot plugin for exploring a live series: wheel zooms the x axis around the cursor, shift+drag
 * pans, and both report "the user is looking at a window" so the chart stops following the live
 * edge until the Live button (or a double-click) resets it. Drag-select zoom is uPlot's own.
 */
import type uPlot from 'uplot';

export interface InteractionHandle {
  plugin: uPlot.Plugin;
}

export function interactionPlugin(onUserZoom: () => void): uPlot.Plugin {
  return {
    hooks: {
      ready: (u: uPlot) => {
        const over = u.over;
        over.addEventListener(
          'wheel',
          (e: WheelEvent) => {
            e.preventDefault();
            const { min, max } = u.scales.x ?? {};
            if (min === undefined || max === undefined || min === null || max === null) return;
            const rect = over.getBoundingClientRect();
            const frac = Math.min(1, Math.max(0, (e.clientX - rect.left) / Math.max(1, rect.width)));
            const at = min + (max - min) * frac;
            const factor = e.deltaY < 0 ? 0.8 : 1.25;
            const span = Math.max(5, (max - min) * factor);
            onUserZoom();
            u.setScale('x', { min: at - span * frac, max: at + span * (1 - frac) });
          },
          { passive: false },
        );
        let panFrom: { x: number; min: number; max: number } | null = null;
        over.addEventListener('mousedown', (e: MouseEvent) => {
          if (!e.shiftKey) return;
          const { min, max } = u.scales.x ?? {};
          if (min === undefined || max === undefined || min === null || max === null) return;
          e.stopPropagation();
          panFrom = { x: e.clientX, min, max };
          const move = (ev: MouseEvent) => {
            if (!panFrom) return;
            const dx = ((ev.clientX - panFrom.x) / Math.max(1, over.clientWidth)) * (panFrom.max - panFrom.min);
            onUserZoom();
            u.setScale('x', { min: panFrom.min - dx, max: panFrom.max - dx });
          };
          const up = () => {
            panFrom = null;
            window.removeEventListener('mousemove', move);
            window.removeEventListener('mouseup', up);
          };
          window.addEventListener('mousemove', move);
          window.addEventListener('mouseup', up);
        }, true);
      },
      setSelect: (u: uPlot) => {
        if (u.select.width > 4) onUserZoom();
      },
    },
  };
}
