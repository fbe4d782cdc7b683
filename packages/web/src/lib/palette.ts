/**
 * Colour-blind-safe colours: viridis for the similarity heatmap (perceptually uniform, readable in
 * greyscale) and the Okabe–Ito set for categories (regimes, alert levels, strategy types).
 */

const VIRIDIS_STOPS: ReadonlyArray<readonly [number, number, number]> = [
  [68, 1, 84], [72, 40, 120], [62, 73, 137], [49, 104, 142], [38, 130, 142],
  [31, 158, 137], [53, 183, 121], [110, 206, 88], [181, 222, 43], [253, 231, 37],
];

/** 256-entry RGB lookup table, built once (viridis by linear interpolation of 10 stops). */
export const VIRIDIS_LUT: Uint8ClampedArray = (() => {
  const lut = new Uint8ClampedArray(256 * 3);
  const n = VIRIDIS_STOPS.length - 1;
  for (let i = 0; i < 256; i++) {
    const t = (i / 255) * n;
    const k = Math.min(n - 1, Math.floor(t));
    const f = t - k;
    const a = VIRIDIS_STOPS[k] as readonly number[];
    const b = VIRIDIS_STOPS[k + 1] as readonly number[];
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = Math.round((a[c] as number) + ((b[c] as number) - (a[c] as number)) * f);
  }
  return lut;
})();

/** Viridis colour for t in [0,1] as a CSS string. */
export function viridis(t: number): string {
  const i = Math.max(0, Math.min(255, Math.round((Number.isFinite(t) ? t : 0) * 255)));
  return `rgb(${VIRIDIS_LUT[i * 3]},${VIRIDIS_LUT[i * 3 + 1]},${VIRIDIS_LUT[i * 3 + 2]})`;
}

/** Okabe–Ito. */
export const OKABE_ITO = {
  black: '#000000',
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  green: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  purple: '#CC79A7',
} as const;

export const REGIME_COLORS: Record<string, string> = {
  CALM: OKABE_ITO.blue,
  TRENDING: OKABE_ITO.green,
  UNSTABLE: OKABE_ITO.orange,
  CRASH_PRONE: OKABE_ITO.vermillion,
};

export const ALERT_COLORS: Record<string, string> = {
  NORMAL: OKABE_ITO.blue,
  WARNING: OKABE_ITO.yellow,
  DANGER: OKABE_ITO.orange,
  CRITICAL: OKABE_ITO.vermillion,
};

const STRATEGY_COLORS: Record<string, string> = {
  momentum: OKABE_ITO.orange,
  mean_reversion: OKABE_ITO.skyBlue,
  market_maker: OKABE_ITO.green,
  rl_ppo: OKABE_ITO.purple,
};
const EXTRA_COLORS = [OKABE_ITO.yellow, OKABE_ITO.vermillion, OKABE_ITO.blue, '#999999'];

/** Stable colour per strategy type (user strategies share the remaining Okabe–Ito hues by hash). */
export function strategyColor(strategy: string): string {
  const c = STRATEGY_COLORS[strategy];
  if (c) return c;
  let h = 0;
  for (let i = 0; i < strategy.length; i++) h = (h * 31 + strategy.charCodeAt(i)) >>> 0;
  return EXTRA_COLORS[h % EXTRA_COLORS.length] as string;
}

export function regimeColor(regime: string): string {
  return REGIME_COLORS[regime] ?? '#888888';
}

export function alertColor(alert: string): string {
  return ALERT_COLORS[alert] ?? '#888888';
}
