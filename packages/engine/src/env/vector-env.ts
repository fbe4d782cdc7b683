/**
 * K independent `MarketEnv`s stepped together, for batch collection. Episodes that end are reset
 * at once (gym's auto-reset): the returned observation is then the new episode's first, and the
 * finished episode's last observation is in `finalObs`. Env i's n-th episode is seeded
 * `baseSeed + i + n·K`, so K envs never share a market and a run is reproducible from `baseSeed`.
 */
import { MarketEnv, type MarketEnvOptions, type StepInfo } from './market-env.js';

export interface VectorStepResult {
  obs: Float64Array[];
  rewards: Float64Array;
  terminated: boolean[];
  truncated: boolean[];
  /** Last observation of an episode that just ended (null where none ended). */
  finalObs: (Float64Array | null)[];
  /** Net PnL of episodes that just ended (null where none ended). */
  finalNetPnl: (number | null)[];
  infos: StepInfo[];
}

export class VectorMarketEnv {
  readonly envs: MarketEnv[];
  private baseSeed = 0;
  private readonly episodes: number[];

  constructor(
    readonly count: number,
    opts: MarketEnvOptions = {},
  ) {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`a vector env needs a positive whole number of envs, got ${count}`);
    this.envs = Array.from({ length: count }, () => new MarketEnv(opts));
    this.episodes = new Array<number>(count).fill(0);
  }

  get observationSize(): number {
    return (this.envs[0] as MarketEnv).observationSize;
  }

  get actions(): number {
    return (this.envs[0] as MarketEnv).actions;
  }

  /** Resets every env (env i with seed baseSeed + i). */
  reset(baseSeed: number): Float64Array[] {
    this.baseSeed = baseSeed;
    this.episodes.fill(0);
    return this.envs.map((e, i) => e.reset(baseSeed + i));
  }

  step(actions: ArrayLike<number>): VectorStepResult {
    const K = this.count;
    if (actions.length !== K) throw new RangeError(`expected ${K} actions (one per env), got ${actions.length}`);
    const out: VectorStepResult = {
      obs: [],
      rewards: new Float64Array(K),
      terminated: [],
      truncated: [],
      finalObs: [],
      finalNetPnl: [],
      infos: [],
    };
    for (let i = 0; i < K; i++) {
      const env = this.envs[i] as MarketEnv;
      const r = env.step(actions[i] as number);
      out.rewards[i] = r.reward;
      out.terminated.push(r.terminated);
      out.truncated.push(r.truncated);
      out.infos.push(r.info);
      if (r.terminated || r.truncated) {
        out.finalObs.push(r.obs);
        out.finalNetPnl.push(r.info.netPnl);
        this.episodes[i] = (this.episodes[i] as number) + 1;
        out.obs.push(env.reset(this.baseSeed + i + (this.episodes[i] as number) * K));
      } else {
        out.finalObs.push(null);
        out.finalNetPnl.push(null);
        out.obs.push(r.obs);
      }
    }
    return out;
  }
}
