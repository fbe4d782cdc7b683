/** The market at a glance: tick, regime, LFI + alert, crowding, volatility, tick rate. */
import { fmtNum, fmtPct, fmtPrice } from '../lib/format.js';
import { alertColor, regimeColor } from '../lib/palette.js';
import { useMarket } from '../state/use-market.js';

function Badge({ label, value, color, testId, title }: { label: string; value: string; color?: string; testId?: string; title?: string }) {
  return (
    <div className="badge" data-testid={testId} title={title} style={color ? { borderColor: color } : undefined}>
      <span className="badge-label">{label}</span>
      <span className="badge-value">
        {color && <span className="swatch" style={{ background: color }} aria-hidden="true" />}
        {value}
      </span>
    </div>
  );
}

export function MarketBadges() {
  const { store, status } = useMarket();
  const t = store.latest;
  return (
    <section className="badges" aria-label="Market state" aria-live="off">
      <Badge label="Tick" value={t ? String(t.tick) : '—'} testId="badge-tick" title={`${fmtNum(store.tickRate, 1)} ticks/s`} />
      <Badge label="Mid" value={fmtPrice(t?.mid_price)} />
      <Badge label="Regime" value={t?.regime ?? '—'} color={t ? regimeColor(t.regime) : undefined} testId="badge-regime" />
      <Badge label="LFI" value={t ? `${fmtNum(t.lfi, 2)} ${t.lfi_alert}` : '—'} color={t ? alertColor(t.lfi_alert) : undefined} testId="badge-lfi" title="Liquidity Fragility Index and alert level" />
      <Badge label="Crowding" value={fmtNum(t?.crowding, 3)} title="Aggregate crowding intensity (volume-weighted mean pairwise similarity)" />
      <Badge label="Volatility" value={t ? fmtPct(t.volatility, 3) : '—'} />
      <Badge label="Rate" value={status.paused ? 'paused' : `${fmtNum(store.tickRate, 1)}/s`} testId="badge-rate" />
    </section>
  );
}
