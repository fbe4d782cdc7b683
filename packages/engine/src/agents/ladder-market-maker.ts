/**
 * Ladder market maker (ABIDES's adaptive market makers, simplified): `levels` price levels a side,
 * `levelSpacingTicks` apart, around a quote centre:
 *
 *   fair  += fairValueAlpha × (mid − fair)
 *            + fundamentalWeight × (its noisy view of the fundamental + impactWeight × impact.cumulativeShift − fair)
 *            − flowImpactTicks × (units it bought since last tick)      (its own fills as information)
 *   centre = fair + quote noise (AR(1), persistent) − inventory skew
 *
 * `impact` is the engine's permanent impact (MarketState.impact): aggressive flow moves the
 * reference value the maker leans toward, persistently (cumulativeShift). The one-tick shift
 * (lastShift) is not added to the fair value: a maker that re-centres on the mid every tick
 * (fairValueAlpha 1) would undo it the next tick, a measured lag-2 return autocorrelation of −0.19.
 *
 * Quotes stay in the queue: each tick it cancels only the levels that are no longer wanted and tops
 * up levels that trading has thinned, so a 1-tick move of the centre costs a couple of orders and
 * resting size keeps its time priority (queues exist). The persistent quote noise matters: noise
 * re-drawn every tick shows up in the mid as jitter that reverts the next tick (a lag-1 return
 * autocorrelation near −0.4), noise that persists moves the price and stays.
 *
 * Adverse selection, two ways (docs/MODEL.md §3):
 * - this tick: facing crowded one-sided flow (`crowding.sidePressure`: > 0 the crowd buys), the side
 *   being hit is quoted wider (× 1 + adverseWiden × |sp|) and thinner (÷ 1 + adverseThin × |sp|);
 * - learned: the flow toxicity (agents/flow-toxicity.ts), the permanent impact per tick of the
 *   aggressive flow, amplified by 1 + kappa Phi: the side it picks off is × w(toxicityWiden) wider
 *   and ÷ w(toxicityThin) thinner, w = 1 at toxicityReference. This is how kappa reaches the depth.
 * The half spread also widens with volatility. New quotes never cross the pre-trade opposite touch.
 */
import type { FundamentalConfig, LadderMakerConfig } from '../config.js';
import type { MarketState, OrderIntent } from '../types.js';
import { BaseAgent } from './base-agent.js';
import { FlowToxicity, withdrawal, type FlowToxicityState } from './flow-toxicity.js';
import { FundamentalProcess, type FundamentalState } from './fundamental-process.js';

interface LadderState {
  fair: number | null;
  lastPosition: number;
  noise: number;
  observation: number;
  fundamental: FundamentalState;
  toxicity?: FlowToxicityState;
}

export class LadderMarketMakerAgent extends BaseAgent {
  private fair: number | null = null;
  private lastPosition = 0;
  /** Quote noise, ticks. */
  private noise = 0;
  /** Log observation error of the fundamental: persistent too (re-drawn slowly, same AR as the noise). */
  private observation = 0;
  private readonly fundamental: FundamentalProcess;
  private readonly halfSpreadTicks: number;
  private readonly toxicity: FlowToxicity;

  constructor(
    id: string,
    private readonly cfg: LadderMakerConfig,
    fundamental: FundamentalConfig,
    initialPrice: number,
    seed: number,
    index = 0,
  ) {
    super(id, 'ladder_maker');
    this.fundamental = new FundamentalProcess(fundamental, initialPrice, seed);
    this.halfSpreadTicks = cfg.halfSpreadTicks + cfg.halfSpreadStepTicks * index;
    this.toxicity = new FlowToxicity(cfg.toxicitySpan, cfg.toxicityReference);
  }

  onTick(state: MarketState): OrderIntent[] {
    const cfg = this.cfg;
    const rng = this.random;
    const tick = this.tickSize;
    const mid = state.mid;
    const inv = state.position;
    const rho = cfg.quoteNoisePersistence;
    const shock = Math.sqrt(1 - rho * rho);
    this.noise = rho * this.noise + cfg.quoteNoiseTicks * shock * rng.normal();
    this.observation = rho * this.observation + cfg.observationNoise * shock * rng.normal();
    const value = this.fundamental.valueAt(state.tick) * Math.exp(this.observation);
    const fair = this.fair ?? mid;
    const impact = state.impact;
    const anchor = value + cfg.impactWeight * (impact?.cumulativeShift ?? 0);
    this.fair =
      fair +
      cfg.fairValueAlpha * (mid - fair) + cfg.fundamentalWeight * (anchor - fair) - cfg.flowImpactTicks * tick * (inv - this.lastPosition);
    this.lastPosition = inv;
    const centre =
      this.fair +
      (this.noise - cfg.inventorySkewTicks * Math.max(-1, Math.min(1, inv / cfg.maxInventory))) * tick;

    const volTicks = (state.volatility * mid) / tick;
    const half = this.halfSpreadTicks + cfg.volWiden * volTicks;
    const sp = state.crowding.sidePressure;
    const tox = this.toxicity;
    tox.observe(impact?.lastShift ?? 0, tick);
    const ref = cfg.toxicityReference;
    const bidHalf = half * (1 + cfg.adverseWiden * Math.max(-sp, 0)) * withdrawal(cfg.toxicityWiden, tox.down, ref);
    const askHalf = half * (1 + cfg.adverseWiden * Math.max(sp, 0)) * withdrawal(cfg.toxicityWiden, tox.up, ref);
    const bidThin = (1 + cfg.adverseThin * Math.max(-sp, 0)) * withdrawal(cfg.toxicityThin, tox.down, ref);
    const askThin = (1 + cfg.adverseThin * Math.max(sp, 0)) * withdrawal(cfg.toxicityThin, tox.up, ref);
    const bidQty = Math.max(1, Math.round((cfg.qty / bidThin) * (inv >= cfg.maxInventory ? 0.2 : 1)));
    const askQty = Math.max(1, Math.round((cfg.qty / askThin) * (inv <= -cfg.maxInventory ? 0.2 : 1)));

    // Top levels in ticks, never crossing the pre-trade opposite touch.
    let bidTop = Math.floor(centre / tick - bidHalf + 1e-9);
    let askTop = Math.ceil(centre / tick + askHalf - 1e-9);
    if (state.bestAsk !== null) bidTop = Math.min(bidTop, Math.round(state.bestAsk / tick) - 1);
    if (state.bestBid !== null) askTop = Math.max(askTop, Math.round(state.bestBid / tick) + 1);
    if (askTop <= bidTop) askTop = bidTop + 1;
    const L = cfg.levels;
    const step = cfg.levelSpacingTicks;

    // Reconcile with what rests: keep wanted levels (their queue place), cancel the rest, top up.
    const haveBid = new Float64Array(L);
    const haveAsk = new Float64Array(L);
    const out: OrderIntent[] = [];
    for (const o of state.openOrders) {
      const px = Math.round(o.price / tick);
      const isBid = o.side === 'BID';
      const dist = isBid ? bidTop - px : px - askTop;
      const k = dist / step;
      if (dist >= 0 && Number.isInteger(k) && k < L) {
        const have = isBid ? haveBid : haveAsk;
        if (have[k]! < (isBid ? bidQty : askQty)) {
          have[k] = have[k]! + o.qty;
          continue;
        }
      }
      out.push({ side: o.side, type: 'CANCEL', qty: 0, price: null, cancelTarget: o.orderId });
    }
    const refill = cfg.refillShare;
    for (let k = 0; k < L; k++) {
      const b = haveBid[k]!;
      if (b < refill * bidQty && bidTop - k * step > 0) out.push({ side: 'BID', type: 'LIMIT', price: this.toPrice(bidTop - k * step), qty: bidQty - b });
      const a = haveAsk[k]!;
      if (a < refill * askQty) out.push({ side: 'ASK', type: 'LIMIT', price: this.toPrice(askTop + k * step), qty: askQty - a });
    }
    return out;
  }

  private toPrice(ticks: number): number {
    return this.roundPrice(ticks * this.tickSize);
  }

  override factorVector(): number[] {
    return [this.halfSpreadTicks];
  }

  override saveState(): LadderState {
    return { fair: this.fair, lastPosition: this.lastPosition, noise: this.noise, observation: this.observation, fundamental: this.fundamental.saveState(), toxicity: this.toxicity.saveState() };
  }

  override loadState(state: unknown): void {
    const s = state as LadderState;
    this.fair = s.fair;
    this.lastPosition = s.lastPosition;
    this.noise = s.noise;
    this.observation = s.observation;
    this.fundamental.loadState(s.fundamental);
    this.toxicity.loadState(s.toxicity);
  }
}
