/** Number and time formatting for the dashboard: fixed widths where columns align, '—' for missing. */

export const DASH = '—';

function missing(v: number | null | undefined): v is null | undefined {
  return v === null || v === undefined || !Number.isFinite(v);
}

/** A price with `decimals` places (default 4: the default tick size is 0.0001-ish). */
export function fmtPrice(v: number | null | undefined, decimals = 4): string {
  return missing(v) ? DASH : v.toFixed(decimals);
}

// toLocaleString builds a formatter per call (it showed up at the top of the dashboard profile)
const INT_FORMAT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** General number: `digits` significant decimals, thousands separated, compact above 1e6. */
export function fmtNum(v: number | null | undefined, digits = 2): string {
  if (missing(v)) return DASH;
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toFixed(digits)}B`;
  if (a >= 1e6) return `${(v / 1e6).toFixed(digits)}M`;
  if (a >= 1e4) return INT_FORMAT.format(v);
  return v.toFixed(digits);
}

/** Signed number with an explicit +, for PnL. */
export function fmtSigned(v: number | null | undefined, digits = 2): string {
  if (missing(v)) return DASH;
  const s = fmtNum(v, digits);
  return v > 0 ? `+${s}` : s;
}

export function fmtInt(v: number | null | undefined): string {
  return missing(v) ? DASH : INT_FORMAT.format(Math.round(v));
}

/** Fraction as a percentage. */
export function fmtPct(v: number | null | undefined, digits = 1): string {
  return missing(v) ? DASH : `${(v * 100).toFixed(digits)}%`;
}

/** Milliseconds → "850 ms", "12 s", "3 min", "2 h". */
export function fmtDuration(ms: number | null | undefined): string {
  if (missing(ms)) return DASH;
  const a = Math.max(0, ms);
  if (a < 1000) return `${Math.round(a)} ms`;
  if (a < 60_000) return `${Math.round(a / 1000)} s`;
  if (a < 3_600_000) return `${Math.round(a / 60_000)} min`;
  return `${(a / 3_600_000).toFixed(1)} h`;
}

/** Key → "Title case words" for labels of server-provided fields. */
export function humanize(key: string): string {
  const s = key.replace(/[_-]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').trim().toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Rows → CSV text (RFC 4180 quoting). */
export function toCsv(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cell = (v: unknown): string => {
    const s = v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v)) ? '' : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns.map(cell).join(','), ...rows.map((r) => r.map(cell).join(','))].join('\n') + '\n';
}
