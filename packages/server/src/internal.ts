/**
 * @crowdalpha/server/internal — the server's parts behind `startServer()`, exported for this
 * repository's own tests, with no stability promise: the Fastify app builder, the market hub and
 * what it is split into (read/command interfaces, deployer, tick recorder), the WebSocket hub,
 * the store writer and migrations, access control and the logger. Users of the server need only
 * `@crowdalpha/server`.
 */
export { buildApp } from './app.js';
export { MarketHub, type MarketHubOptions, type TickListener } from './hub/market-hub.js';
export type { MarketControl, HubStatus, SandboxTotals } from './hub/market-control.js';
export type { MarketReads } from './hub/market-reads.js';
export { AgentDeployer, type StoppedBy, type StrategyTypeInfo } from './hub/agent-deployer.js';
export { TickRecorder } from './hub/tick-recorder.js';
export { WsHub, type WsHubOptions, type WsHubStats, type HubSocket } from './hub/ws-hub.js';
export { StoreWriter } from './store/store-writer.js';
export { MIGRATIONS } from './store/migrations.js';
export { createLogger } from './logger.js';
export { AccessControl, accessRuleOf, type AccessRule, type Identity } from './http/access.js';
