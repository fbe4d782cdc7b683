/**
 * `@crowdalpha/server/store` — the store alone (SQLite/PostgreSQL, migrations, experiments),
 * without the HTTP server: what a `crowdalpha worker` thread loads to write experiment runs, so it
 * does not pay for importing Fastify and the hub.
 */
export { Store, StoreError } from './store.js';
/** The default DATABASE_URL and other server defaults (config.ts imports nothing heavy). */
export { defaultServerOptions } from '../config.js';
export { ExperimentStore, type ExperimentRow, type ExperimentRunRow, type ExperimentFailureRow, type ExperimentStatus, type ExperimentProgress } from './experiment-store.js';
