/** What every route plugin receives: the live parts of one running server. */
import type { InFlightWrites } from './http/in-flight.js';
import type { AgentDeployer } from './hub/agent-deployer.js';
import type { MarketControl } from './hub/market-control.js';
import type { WsHub } from './hub/ws-hub.js';
import type { ServerOptions } from './config.js';
import type { OperatorGuard } from './http/auth.js';
import type { AccessControl } from './http/access.js';
import type { ServerMetrics } from './metrics.js';
import type { Store } from './store/store.js';
import type { ExperimentService } from './plugins/experiments.js';
import type { StoreWriter } from './store/store-writer.js';
import type { PythonStatus } from './python-status.js';

export interface ServerContext {
  /** The live market: reads (`hub.market`), operator commands and status; never the mutable engine. */
  hub: MarketControl;
  /** Deploys and stops agents. */
  deployer: AgentDeployer;
  ws: WsHub;
  store: Store;
  writer: StoreWriter;
  options: ServerOptions;
  /** Absolute path of the dashboard's index.html directory, or null when not built. */
  webRoot: string | null;
  startedAt: number;
  version: string;
  /** The operator-token check that operator routes wrap themselves in. */
  guard: OperatorGuard;
  /** API keys, roles and route access rules (http/access.ts). */
  access: AccessControl;
  /** Prometheus registry and collectors, or null when CROWDALPHA_METRICS=false. */
  metrics: ServerMetrics | null;
  /** Runs experiments (given by `crowdalpha serve`); null: the /experiments routes answer 501. */
  experiments?: ExperimentService | null;
  /** Whether Python strategies run here (checked once at start-up). */
  python: PythonStatus;
  /** Set when shutdown starts: new requests get 503 CA_ERR_UNAVAILABLE. */
  closing: boolean;
  /** Mutating requests being handled; shutdown waits for them before the final checkpoint. */
  writes: InFlightWrites;
}

export interface PluginOptions {
  ctx: ServerContext;
}
