/**
 * @crowdalpha/server — the live REST + WebSocket API over the engine, with persistence.
 * `startServer()` runs everything; the pieces are exported for the CLI and for tests.
 */
export { startServer, type RunningServer, type StartOptions } from './server.js';
export { runServerProcess } from './run.js';
export { buildApp } from './app.js';
export { resolveServerOptions, defaultServerOptions, ENV_MAP, ServerConfigError, type ServerOptions } from './config.js';
export { ERRORS, ApiError, apiError, type ErrorCode, type ErrorBody } from './errors.js';
export { MarketHub, type MarketHubOptions, type TickListener } from './hub/market-hub.js';
export type { MarketControl, HubStatus, SandboxTotals } from './hub/market-control.js';
export type { MarketReads } from './hub/market-reads.js';
export { AgentDeployer, type StoppedBy, type StrategyTypeInfo } from './hub/agent-deployer.js';
export { TickRecorder } from './hub/tick-recorder.js';
export { WsHub, type WsHubOptions, type WsHubStats, type HubSocket } from './hub/ws-hub.js';
export { Store, StoreError } from './store/store.js';
export { ExperimentStore, type ExperimentRow, type ExperimentRunRow, type ExperimentFailureRow, type ExperimentStatus, type ExperimentProgress } from './store/experiment-store.js';
export { type ExperimentService, type ExperimentServiceFactory } from './plugins/experiments.js';
export { StoreWriter } from './store/store-writer.js';
export { openDatabase, parseDatabaseUrl, dropPostgresSchema, DatabaseUrlError } from './store/database.js';
export { MIGRATIONS } from './store/migrations.js';
export { createLogger } from './logger.js';
export { ApiKeyStore, API_KEY_ROLES, hashApiKey, type ApiKeyRole, type ApiKeySummary } from './store/api-key-store.js';
export { AccessControl, accessRuleOf, type AccessRule, type Identity } from './http/access.js';
