/**
 * Vega-Lite spec → SVG (vega's own SVG renderer, no browser) → PNG (@napi-rs/canvas draws the
 * SVG; its prebuilt binary comes from the npm registry, no system libraries needed).
 */
import { compile } from 'vega-lite';
import { parse, View } from 'vega';
import { createCanvas, Image } from '@napi-rs/canvas';

export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const vg = compile(spec as unknown as Parameters<typeof compile>[0]).spec;
  const view = new View(parse(vg), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The SVG rasterised at `scale` × its size, white background. */
export function svgToPng(svg: string, scale = 2): Buffer {
  const w = Number(/width="([\d.]+)"/.exec(svg)?.[1] ?? 600);
  const h = Number(/height="([\d.]+)"/.exec(svg)?.[1] ?? 400);
  const img = new Image();
  img.src = Buffer.from(svg);
  const canvas = createCanvas(Math.ceil(w * scale), Math.ceil(h * scale));
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = 'white';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(img, 0, 0, w * scale, h * scale);
  return canvas.toBuffer('image/png');
}
