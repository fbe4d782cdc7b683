/**
 * jsdom has no matchMedia and uPlot calls it when its module loads (to track devicePixelRatio),
 * so DOM tests import this before anything that imports uPlot.
 */
if (typeof window !== 'undefined' && typeof window.matchMedia !== 'function') {
  window.matchMedia = ((query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: () => {},
    removeListener: () => {},
    addEventListener: () => {},
    removeEventListener: () => {},
    dispatchEvent: () => false,
  })) as unknown as typeof window.matchMedia;
}
export {};

/**
 * jsdom has no 2D canvas either (getContext returns null and logs "not implemented"). Charts only
 * need drawing calls to be accepted here; the real pixels are checked in the Chromium e2e test.
 */
if (typeof HTMLCanvasElement !== 'undefined') {
  const noopContext = (canvas: HTMLCanvasElement) => {
    const store: Record<string | symbol, unknown> = { canvas };
    return new Proxy(store, {
      get(target, key) {
        if (key in target) return target[key];
        if (key === 'measureText') return (s: string) => ({ width: s.length * 6 });
        if (key === 'getImageData' || key === 'createImageData') return (w = 1, h = 1) => ({ width: w, height: h, data: new Uint8ClampedArray(w * h * 4) });
        if (key === 'createLinearGradient' || key === 'createPattern' || key === 'createRadialGradient') return () => ({ addColorStop: () => {} });
        return () => {};
      },
      set(target, key, value) {
        target[key] = value;
        return true;
      },
    });
  };
  HTMLCanvasElement.prototype.getContext = function getContext(this: HTMLCanvasElement) {
    return noopContext(this) as unknown as CanvasRenderingContext2D;
  } as unknown as typeof HTMLCanvasElement.prototype.getContext;
}

/** uPlot builds its series paths as Path2D objects. */
if (typeof window !== 'undefined' && typeof (globalThis as { Path2D?: unknown }).Path2D === 'undefined') {
  (globalThis as { Path2D?: unknown }).Path2D = class Path2D {
    moveTo(): void {}
    lineTo(): void {}
    bezierCurveTo(): void {}
    quadraticCurveTo(): void {}
    arc(): void {}
    rect(): void {}
    closePath(): void {}
    addPath(): void {}
  };
}

/**
 * jsdom does no layout, and its Range has no getClientRects / getBoundingClientRect, which
 * CodeMirror calls when it measures the cursor and selection. Empty rectangles are what an
 * unrendered range would report; positions on screen are checked in the Chromium e2e test.
 */
if (typeof Range !== 'undefined') {
  const emptyRect = () => ({ x: 0, y: 0, top: 0, left: 0, bottom: 0, right: 0, width: 0, height: 0, toJSON: () => ({}) }) as DOMRect;
  if (typeof Range.prototype.getClientRects !== 'function') Range.prototype.getClientRects = () => Object.assign([] as DOMRect[], { item: () => null }) as unknown as DOMRectList;
  if (typeof Range.prototype.getBoundingClientRect !== 'function') Range.prototype.getBoundingClientRect = emptyRect;
}
