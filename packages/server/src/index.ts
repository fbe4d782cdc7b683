/**
 * @crowdalpha/server — the live REST + WebSocket API over the engine, with persistence. Public
 * surface, what the CLI (and anyone embedding the server) builds on:
 * - running it: `startServer()` (in-process, returns the app and `close()`), `runServerProcess()`
 *   (what `crowdalpha serve` runs: signals, graceful shutdown), options (`defaultServerOptions`,
 *   `resolveServerOptions`, `ENV_MAP`);
 * - the error catalogue every route answers with (`ERRORS`, `ApiError`);
 * - the store (`Store`; also alone as `@crowdalpha/server/store`), its experiment rows, API keys,
 *   and the `ExperimentService` a host supplies to run experiments;
 * - database helpers the CLI's tests use (`openDatabase`, `parseDatabaseUrl`, `dropPostgresSchema`).
 * The market hub and its parts (driver, recorder, deployer, WebSocket hub, store writer, access
 * control) are in `@crowdalpha/server/internal`, for this repository's tests, with no stability
 * promise. The OpenAPI-to-README renderer is `@crowdalpha/server/api-reference`.
 */
export { startServer, type RunningServer, type StartOptions } from './server.js';
export { runServerProcess } from './run.js';
export { resolveServerOptions, defaultServerOptions, ENV_MAP, ServerConfigError, type ServerOptions } from './config.js';
export { ERRORS, ApiError, apiError, type ErrorCode, type ErrorBody } from './errors.js';
export { Store, StoreError } from './store/store.js';
export { ExperimentStore, type ExperimentRow, type ExperimentRunRow, type ExperimentFailureRow, type ExperimentStatus, type ExperimentProgress } from './store/experiment-store.js';
export { type ExperimentService, type ExperimentServiceFactory } from './plugins/experiments.js';
export { openDatabase, parseDatabaseUrl, dropPostgresSchema, DatabaseUrlError } from './store/database.js';
export { ApiKeyStore, API_KEY_ROLES, hashApiKey, type ApiKeyRole, type ApiKeySummary } from './store/api-key-store.js';
