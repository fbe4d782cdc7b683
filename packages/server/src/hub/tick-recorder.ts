/**
 * TickRecorder: turns the live market's ticks into store rows — fills every tick, a tick snapshot
 * (and the crowding matrix) every `snapshotEvery` ticks, progress every tick, and a checkpoint plus
 * agent figures every `checkpointEvery` ticks — queued on the batched StoreWriter, so nothing on
 * the tick path awaits the database. It subscribes to the hub's ticks like the WebSocket hub and
 * the metrics do.
 */
import type { MarketEvent, Simulation, TickResult } from '@crowdalpha/engine';
import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { StoreWriter } from '../store/store-writer.js';

export interface TickRecorderOptions {
  snapshotEvery: number;
  checkpointEvery: number;
}

/** The market being recorded: the installed simulation and its id. */
export interface RecordedMarket {
  readonly simulation: Simulation;
  readonly simulationId: string;
}

function errMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class TickRecorder {
  /** Tick of the newest checkpoint queued for (or restored from) the store. */
  lastCheckpointTick: number | null = null;

  constructor(
    private readonly market: RecordedMarket,
    private readonly store: Store,
    private readonly writer: StoreWriter,
    private readonly opts: TickRecorderOptions,
    private readonly log: Logger,
  ) {}

  /** Queues this tick's rows for the batched writer; nothing here awaits. */
  record(result: TickResult, simId: string): void {
    const tick = result.tick;
    let seq = 0;
    const fills = [];
    let crowding: MarketEvent | null = null;
    for (const e of result.events) {
      if (e.type === 'ORDER_FILLED') {
        const f = e.payload as MarketEvent<'ORDER_FILLED'>['payload'];
        fills.push({
          simulation_id: simId,
          tick,
          seq: seq++,
          buy_order_id: f.buy_order_id,
          sell_order_id: f.sell_order_id,
          buy_agent_id: f.buy_agent_id,
          sell_agent_id: f.sell_agent_id,
          price: f.price,
          qty: f.qty,
          aggressor: f.aggressor,
        });
      } else if (e.type === 'CROWDING_MATRIX_UPDATED') {
        crowding = e;
      }
    }
    if (fills.length) this.writer.addFills(fills);
    const s = result.state;
    if (tick % this.opts.snapshotEvery === 0) {
      this.writer.addTickSnapshot({
        simulation_id: simId,
        tick,
        mid: s.mid_price,
        spread: s.spread,
        vwap: s.vwap,
        volatility: s.volatility,
        regime: s.regime,
        lfi: s.lfi,
        crowding: s.crowding,
        agents: JSON.stringify(
          s.agent_stats.map((a) => ({ agent_id: a.agent_id, strategy: a.strategy_type, pnl: a.pnl, sharpe: a.sharpe, inventory: a.inventory, status: a.status })),
        ),
        created_at: new Date().toISOString(),
      });
      if (crowding) {
        const p = crowding.payload as MarketEvent<'CROWDING_MATRIX_UPDATED'>['payload'];
        this.writer.addCrowdingSnapshot({ simulation_id: simId, tick, intensity: p.crowding_intensity, payload: JSON.stringify(p) });
      }
    }
    this.writer.setProgress(simId, tick, s.mid_price);
    if (tick % this.opts.checkpointEvery === 0) {
      this.queueCheckpoint();
      void this.persistAgentStats().catch((e: unknown) => this.log.error({ err: errMessage(e) }, 'agent stats write failed'));
    }
  }

  /** Serialises the installed market into the writer's checkpoint slot. */
  queueCheckpoint(): void {
    const sim = this.market.simulation;
    this.writer.setCheckpoint({ simulation_id: this.market.simulationId, tick: sim.tick, state: JSON.stringify(sim.checkpoint()), created_at: new Date().toISOString() });
    this.lastCheckpointTick = sim.tick;
  }

  /** Writes every agent's status and figures to its row (read by history views and after a restart). */
  async persistAgentStats(): Promise<void> {
    const sim = this.market.simulation;
    const simId = this.market.simulationId;
    await this.store.updateAgentStats(
      simId,
      sim.allAgentStats().map((s) => ({ agent_id: s.agent_id, status: s.status, status_reason: s.status_reason, final_stats: JSON.stringify(s) })),
    );
  }

  /** Final progress of a run that is being replaced, flushed. */
  async closeRun(): Promise<void> {
    const sim = this.market.simulation;
    await this.persistAgentStats();
    this.writer.setProgress(this.market.simulationId, sim.tick, sim.latestTick()?.mid_price ?? null);
    await this.writer.flush();
  }

  /** The server is stopping: a final checkpoint, the agents' figures, flushed. */
  async finish(): Promise<void> {
    this.queueCheckpoint();
    await this.persistAgentStats().catch((e: unknown) => this.log.error({ err: errMessage(e) }, 'final agent stats write failed'));
    await this.writer.flush();
  }
}
