/**
 * Running figures of a CLI run, updated per tick in O(1) so a million-tick run needs no stored
 * history: start/end mid, return, realized volatility of 1-tick log returns, fills and volume.
 */
import type { TickResult } from '@crowdalpha/engine';

export interface RunSummary {
  ticks: number;
  seed: number;
  start_mid: number | null;
  end_mid: number | null;
  return_pct: number | null;
  realized_vol: number | null;
  fills: number;
  volume: number;
  final_regime: string | null;
  final_lfi: number | null;
  final_crowding: number | null;
  elapsed_ms: number;
  ticks_per_sec: number;
}

export class RunSummaryBuilder {
  private ticks = 0;
  private startMid: number | null = null;
  private lastMid: number | null = null;
  private n = 0;
  private sum = 0;
  private sumSq = 0;
  private fills = 0;
  private volume = 0;
  private last: TickResult['state'] | null = null;

  constructor(private readonly seed: number) {}

  add(result: TickResult): void {
    const s = result.state;
    if (this.startMid === null) this.startMid = s.mid_price;
    if (this.lastMid !== null && this.lastMid > 0 && s.mid_price > 0) {
      const r = Math.log(s.mid_price / this.lastMid);
      this.n++;
      this.sum += r;
      this.sumSq += r * r;
    }
    this.lastMid = s.mid_price;
    for (const e of result.events) {
      if (e.type === 'ORDER_FILLED') {
        this.fills++;
        this.volume += (e.payload as { qty: number }).qty;
      }
    }
    this.ticks++;
    this.last = s;
  }

  build(elapsedMs: number): RunSummary {
    const mean = this.n > 0 ? this.sum / this.n : 0;
    const vol = this.n > 1 ? Math.sqrt(Math.max((this.sumSq - this.n * mean * mean) / (this.n - 1), 0)) : null;
    return {
      ticks: this.ticks,
      seed: this.seed,
      start_mid: this.startMid,
      end_mid: this.lastMid,
      return_pct: this.startMid && this.lastMid ? (this.lastMid / this.startMid - 1) * 100 : null,
      realized_vol: vol,
      fills: this.fills,
      volume: this.volume,
      final_regime: this.last?.regime ?? null,
      final_lfi: this.last?.lfi ?? null,
      final_crowding: this.last?.crowding ?? null,
      elapsed_ms: Math.round(elapsedMs),
      ticks_per_sec: elapsedMs > 0 ? Math.round((this.ticks / elapsedMs) * 1000) : 0,
    };
  }
}

export function formatSummary(s: RunSummary): string {
  const f = (v: number | null, d = 4) => (v === null ? 'n/a' : v.toFixed(d));
  return [
    `ticks          ${s.ticks} (seed ${s.seed})`,
    `mid            ${f(s.start_mid)} -> ${f(s.end_mid)}  (${f(s.return_pct, 3)}%)`,
    `realized vol   ${s.realized_vol === null ? 'n/a' : s.realized_vol.toExponential(3)} per tick`,
    `fills          ${s.fills} (volume ${s.volume})`,
    `final regime   ${s.final_regime ?? 'n/a'}  lfi ${f(s.final_lfi, 3)}  crowding ${f(s.final_crowding, 3)}`,
    `elapsed        ${s.elapsed_ms} ms (${s.ticks_per_sec} ticks/s)`,
  ].join('\n');
}
