/**
 * Server options: every knob of the live server as a named value with a documented default and an
 * environment variable. `resolveServerOptions(overrides, env)` layers defaults < env < overrides and
 * rejects bad values with a message naming the variable and what would be valid.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DeepPartial, SimulationConfig } from '@crowdalpha/engine';

export interface ServerOptions {
  /** TCP port (PORT). 0 picks an ephemeral port. */
  port: number;
  /** Bind address (HOST). Loopback by default; set 0.0.0.0 to expose the market. */
  host: string;
  /** sqlite:<path> | sqlite::memory: | postgres://user@host:port/db[?schema=name] (DATABASE_URL). */
  databaseUrl: string;
  /** Milliseconds between the end of one tick and the start of the next (CROWDALPHA_TICK_DELAY_MS). */
  tickDelayMs: number;
  /** Seed of a fresh market (CROWDALPHA_SEED). */
  seed: number;
  /** Engine overrides for a fresh market, JSON (CROWDALPHA_MARKET_CONFIG). */
  marketConfig: DeepPartial<SimulationConfig>;
  /** Start ticking as soon as the server listens (CROWDALPHA_AUTOSTART). */
  autostart: boolean;
  /** `*` or a comma-separated list of allowed origins (CROWDALPHA_CORS_ORIGINS). */
  corsOrigins: string;
  /** Engine checkpoint every N ticks, used to resume after a restart (CROWDALPHA_CHECKPOINT_EVERY). */
  checkpointEvery: number;
  /** Tick and crowding snapshots are stored every N ticks (CROWDALPHA_SNAPSHOT_EVERY). */
  snapshotEvery: number;
  /** Batched store writes are flushed at least this often (CROWDALPHA_FLUSH_INTERVAL_MS). */
  flushIntervalMs: number;
  /** ...or as soon as this many rows are pending (CROWDALPHA_FLUSH_MAX_BATCH). */
  flushMaxBatch: number;
  /** Rows kept pending while the database is down before the oldest fills are dropped (CROWDALPHA_MAX_PENDING_ROWS). */
  maxPendingRows: number;
  /** Requests per window per client IP; 0 disables the limiter (CROWDALPHA_RATE_LIMIT_MAX). */
  rateLimitMax: number;
  /** Rate-limit window (CROWDALPHA_RATE_LIMIT_WINDOW_MS). */
  rateLimitWindowMs: number;
  /** Client IPs never rate-limited, comma-separated (CROWDALPHA_RATE_LIMIT_ALLOWLIST). */
  rateLimitAllowList: string[];
  /** Largest accepted request body, bytes (CROWDALPHA_BODY_LIMIT). */
  bodyLimit: number;
  /** Events queued per WebSocket client before it is told to RESYNC (CROWDALPHA_WS_QUEUE_MAX). */
  wsQueueMax: number;
  /** Bytes handed to one socket and not yet flushed before further events wait in the queue (CROWDALPHA_WS_SEND_HIGH_WATER). */
  wsSendHighWater: number;
  /** A client whose socket has not drained for this long after a RESYNC is disconnected (CROWDALPHA_WS_STUCK_TIMEOUT_MS). */
  wsStuckTimeoutMs: number;
  /** HEARTBEAT after this much silence (CROWDALPHA_WS_HEARTBEAT_MS). */
  wsHeartbeatMs: number;
  /** Concurrent WebSocket clients (CROWDALPHA_WS_MAX_CLIENTS). */
  wsMaxClients: number;
  /** Largest client → server WebSocket message, bytes (CROWDALPHA_WS_MAX_PAYLOAD). */
  wsMaxPayload: number;
  /** Outer deadline for one tick's sandbox collection (CROWDALPHA_SANDBOX_DEADLINE_MS). */
  sandboxDeadlineMs: number;
  /** Run user strategies (needs @crowdalpha/sandbox); false answers POST /strategies/user with 501 (CROWDALPHA_SANDBOX). */
  sandbox: boolean;
  /** Sandbox worker processes; 0 = one per core (CROWDALPHA_SANDBOX_WORKERS). */
  sandboxWorkers: number;
  /**
   * Interpreter of Python strategies (CROWDALPHA_PYTHON): Debian's python3 with python3-numpy, run
   * inside bubblewrap, which mounts only /usr, so it must live under /usr.
   */
  pythonPath: string;
  /**
   * Strategy faults (throw, timeout, memory, bad answer) before a user strategy is silenced; below it
   * a fault costs the tick (a timeout also restarts the strategy). 1 = silenced at the first fault
   * (CROWDALPHA_SANDBOX_MAX_ERRORS).
   */
  sandboxMaxErrors: number;
  /** A stop with position "flatten" closes the position with market orders of at most this qty a tick (CROWDALPHA_STOP_FLATTEN_QTY). */
  stopFlattenQty: number;
  /** Built dashboard served at `/` when present (CROWDALPHA_WEB_DIST). Empty string disables. */
  webDist: string;
  /** pino level (LOG_LEVEL). */
  logLevel: string;
  /** 'auto' (pretty on a TTY), 'pretty' or 'json' (CROWDALPHA_LOG_FORMAT). */
  logFormat: 'auto' | 'pretty' | 'json';
  /** Log every request (CROWDALPHA_LOG_REQUESTS); off by default because it halves throughput. */
  logRequests: boolean;
  /**
   * Let V8 allocate objects of long-lived-looking allocation sites straight into the old generation
   * (CROWDALPHA_V8_PRETENURING). Off by default in the server process: long-lived WebSocket
   * requests made the allocation sites of every HTTP request look long-lived, and later requests
   * paid for it in GC (v8-tuning.ts). Applied by the process entry only, never to an embedding host.
   */
  v8Pretenuring: boolean;
  /** Time to wait for in-flight work on shutdown (CROWDALPHA_SHUTDOWN_TIMEOUT_MS). */
  shutdownTimeoutMs: number;
  /**
   * Operator token (CROWDALPHA_ADMIN_TOKEN). When set, market control, submission review and
   * /metrics require `Authorization: Bearer <token>`; null leaves them open (the default).
   */
  adminToken: string | null;
  /** Serve Prometheus metrics at GET /metrics (CROWDALPHA_METRICS). */
  metrics: boolean;
  /** Requests per window on deploys, registrations, submissions and uploads, per key or IP (CROWDALPHA_DEPLOY_RATE_LIMIT_MAX); 0 = only the general limit. */
  deployRateLimitMax: number;
  /** Live (active) agents in the market, all owners together (CROWDALPHA_MAX_AGENTS). */
  maxAgents: number;
  /** Live agents one API key may own (CROWDALPHA_MAX_AGENTS_PER_USER). */
  maxAgentsPerUser: number;
  /** Stored submissions one API key may have (CROWDALPHA_MAX_SUBMISSIONS_PER_USER). */
  maxSubmissionsPerUser: number;
  /** Concurrent WebSocket clients from one IP address (CROWDALPHA_WS_MAX_PER_IP). */
  wsMaxPerIp: number;
  /** How long a WebSocket that must authenticate (reads need a key) may wait before its auth message (CROWDALPHA_WS_AUTH_TIMEOUT_MS). */
  wsAuthTimeoutMs: number;
  /** Open /ws/agent connections (private environments or live agents) at once (CROWDALPHA_AGENT_WS_MAX_SESSIONS). */
  agentWsMaxSessions: number;
  /** Open /ws/agent connections from one IP address (CROWDALPHA_AGENT_WS_MAX_PER_IP; allowlisted addresses are exempt). */
  agentWsMaxPerIp: number;
  /** Market data and analytics readable without a key once keys exist (CROWDALPHA_PUBLIC_READS). */
  publicReads: boolean;
  /**
   * Serve on a non-loopback address although no API key exists, i.e. with deploys open to anyone
   * who can reach it (CROWDALPHA_ALLOW_OPEN). Without it such a start is refused.
   */
  allowOpen: boolean;
}

export const ADMIN_TOKEN_MIN = 16;
export const ADMIN_TOKEN_MAX = 512;

const here = path.dirname(fileURLToPath(import.meta.url));
/** packages/web/dist, seen from packages/server/{src,dist}. */
export const DEFAULT_WEB_DIST = path.resolve(here, '..', '..', 'web', 'dist');

export function defaultServerOptions(): ServerOptions {
  return {
    port: 8000,
    host: '127.0.0.1',
    databaseUrl: 'sqlite:./data/crowdalpha.db',
    tickDelayMs: 100,
    seed: 42,
    marketConfig: {},
    autostart: true,
    corsOrigins: '*',
    checkpointEvery: 100,
    snapshotEvery: 10,
    flushIntervalMs: 250,
    flushMaxBatch: 2000,
    maxPendingRows: 200_000,
    rateLimitMax: 6000,
    rateLimitWindowMs: 60_000,
    rateLimitAllowList: ['127.0.0.1', '::1', '::ffff:127.0.0.1'],
    bodyLimit: 128 * 1024,
    wsQueueMax: 512,
    wsSendHighWater: 1024 * 1024,
    wsStuckTimeoutMs: 10_000,
    wsHeartbeatMs: 30_000,
    wsMaxClients: 5000,
    wsMaxPayload: 16 * 1024,
    sandboxDeadlineMs: 1500,
    sandbox: true,
    sandboxWorkers: 0,
    pythonPath: '/usr/bin/python3',
    sandboxMaxErrors: 3,
    stopFlattenQty: 50,
    webDist: DEFAULT_WEB_DIST,
    logLevel: 'info',
    logFormat: 'auto',
    logRequests: false,
    v8Pretenuring: false,
    shutdownTimeoutMs: 10_000,
    adminToken: null,
    metrics: true,
    publicReads: true,
    allowOpen: false,
    deployRateLimitMax: 30,
    maxAgents: 500,
    maxAgentsPerUser: 20,
    maxSubmissionsPerUser: 100,
    wsMaxPerIp: 50,
    wsAuthTimeoutMs: 10_000,
    agentWsMaxSessions: 8,
    agentWsMaxPerIp: 4,
  };
}

export class ServerConfigError extends Error {
  readonly code = 'CA_ERR_SERVER_CONFIG';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ServerConfigError';
  }
}

type Kind = 'int' | 'string' | 'bool' | 'json' | 'list' | 'format' | 'token';
interface EnvSpec {
  key: keyof ServerOptions;
  kind: Kind;
  min?: number;
  max?: number;
}

/** Environment variable → option, with the rule each value must satisfy. */
export const ENV_MAP: Readonly<Record<string, EnvSpec>> = {
  PORT: { key: 'port', kind: 'int', min: 0, max: 65535 },
  HOST: { key: 'host', kind: 'string' },
  DATABASE_URL: { key: 'databaseUrl', kind: 'string' },
  LOG_LEVEL: { key: 'logLevel', kind: 'string' },
  CROWDALPHA_TICK_DELAY_MS: { key: 'tickDelayMs', kind: 'int', min: 0, max: 60_000 },
  CROWDALPHA_SEED: { key: 'seed', kind: 'int', min: 0, max: 2 ** 31 - 1 },
  CROWDALPHA_MARKET_CONFIG: { key: 'marketConfig', kind: 'json' },
  CROWDALPHA_AUTOSTART: { key: 'autostart', kind: 'bool' },
  CROWDALPHA_CORS_ORIGINS: { key: 'corsOrigins', kind: 'string' },
  CROWDALPHA_CHECKPOINT_EVERY: { key: 'checkpointEvery', kind: 'int', min: 1, max: 1_000_000 },
  CROWDALPHA_SNAPSHOT_EVERY: { key: 'snapshotEvery', kind: 'int', min: 1, max: 1_000_000 },
  CROWDALPHA_FLUSH_INTERVAL_MS: { key: 'flushIntervalMs', kind: 'int', min: 10, max: 60_000 },
  CROWDALPHA_FLUSH_MAX_BATCH: { key: 'flushMaxBatch', kind: 'int', min: 1, max: 1_000_000 },
  CROWDALPHA_MAX_PENDING_ROWS: { key: 'maxPendingRows', kind: 'int', min: 100, max: 100_000_000 },
  CROWDALPHA_RATE_LIMIT_MAX: { key: 'rateLimitMax', kind: 'int', min: 0, max: 100_000_000 },
  CROWDALPHA_RATE_LIMIT_WINDOW_MS: { key: 'rateLimitWindowMs', kind: 'int', min: 100, max: 86_400_000 },
  CROWDALPHA_RATE_LIMIT_ALLOWLIST: { key: 'rateLimitAllowList', kind: 'list' },
  CROWDALPHA_BODY_LIMIT: { key: 'bodyLimit', kind: 'int', min: 1024, max: 64 * 1024 * 1024 },
  CROWDALPHA_WS_QUEUE_MAX: { key: 'wsQueueMax', kind: 'int', min: 1, max: 1_000_000 },
  CROWDALPHA_WS_SEND_HIGH_WATER: { key: 'wsSendHighWater', kind: 'int', min: 1024, max: 1024 * 1024 * 1024 },
  CROWDALPHA_WS_STUCK_TIMEOUT_MS: { key: 'wsStuckTimeoutMs', kind: 'int', min: 10, max: 600_000 },
  CROWDALPHA_WS_HEARTBEAT_MS: { key: 'wsHeartbeatMs', kind: 'int', min: 10, max: 3_600_000 },
  CROWDALPHA_WS_MAX_CLIENTS: { key: 'wsMaxClients', kind: 'int', min: 1, max: 1_000_000 },
  CROWDALPHA_WS_MAX_PAYLOAD: { key: 'wsMaxPayload', kind: 'int', min: 64, max: 16 * 1024 * 1024 },
  CROWDALPHA_SANDBOX_DEADLINE_MS: { key: 'sandboxDeadlineMs', kind: 'int', min: 10, max: 60_000 },
  CROWDALPHA_SANDBOX: { key: 'sandbox', kind: 'bool' },
  CROWDALPHA_SANDBOX_WORKERS: { key: 'sandboxWorkers', kind: 'int', min: 0, max: 256 },
  CROWDALPHA_PYTHON: { key: 'pythonPath', kind: 'string' },
  CROWDALPHA_SANDBOX_MAX_ERRORS: { key: 'sandboxMaxErrors', kind: 'int', min: 1, max: 1_000_000 },
  CROWDALPHA_STOP_FLATTEN_QTY: { key: 'stopFlattenQty', kind: 'int', min: 1, max: 1_000_000 },
  CROWDALPHA_WEB_DIST: { key: 'webDist', kind: 'string' },
  CROWDALPHA_LOG_FORMAT: { key: 'logFormat', kind: 'format' },
  CROWDALPHA_LOG_REQUESTS: { key: 'logRequests', kind: 'bool' },
  CROWDALPHA_V8_PRETENURING: { key: 'v8Pretenuring', kind: 'bool' },
  CROWDALPHA_SHUTDOWN_TIMEOUT_MS: { key: 'shutdownTimeoutMs', kind: 'int', min: 0, max: 600_000 },
  CROWDALPHA_ADMIN_TOKEN: { key: 'adminToken', kind: 'token' },
  CROWDALPHA_METRICS: { key: 'metrics', kind: 'bool' },
  CROWDALPHA_PUBLIC_READS: { key: 'publicReads', kind: 'bool' },
  CROWDALPHA_DEPLOY_RATE_LIMIT_MAX: { key: 'deployRateLimitMax', kind: 'int', min: 0, max: 1_000_000 },
  CROWDALPHA_MAX_AGENTS: { key: 'maxAgents', kind: 'int', min: 1, max: 100_000 },
  CROWDALPHA_MAX_AGENTS_PER_USER: { key: 'maxAgentsPerUser', kind: 'int', min: 1, max: 100_000 },
  CROWDALPHA_MAX_SUBMISSIONS_PER_USER: { key: 'maxSubmissionsPerUser', kind: 'int', min: 1, max: 1_000_000 },
  CROWDALPHA_WS_MAX_PER_IP: { key: 'wsMaxPerIp', kind: 'int', min: 1, max: 1_000_000 },
  CROWDALPHA_WS_AUTH_TIMEOUT_MS: { key: 'wsAuthTimeoutMs', kind: 'int', min: 100, max: 600_000 },
  CROWDALPHA_AGENT_WS_MAX_SESSIONS: { key: 'agentWsMaxSessions', kind: 'int', min: 1, max: 10_000 },
  CROWDALPHA_AGENT_WS_MAX_PER_IP: { key: 'agentWsMaxPerIp', kind: 'int', min: 1, max: 10_000 },
  CROWDALPHA_ALLOW_OPEN: { key: 'allowOpen', kind: 'bool' },
};

/**
 * Why the token's rules: it travels in an HTTP header (visible ASCII only, no spaces), and a short
 * one could be guessed by anyone allowed to send requests.
 */
export function checkAdminToken(name: string, token: string): string {
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new ServerConfigError(name, 'must be visible ASCII characters without spaces (e.g. the output of `openssl rand -hex 32`)');
  }
  if (token.length < ADMIN_TOKEN_MIN || token.length > ADMIN_TOKEN_MAX) {
    // The length only: the value is a secret and must not reach the logs.
    throw new ServerConfigError(name, `must be ${ADMIN_TOKEN_MIN} to ${ADMIN_TOKEN_MAX} characters long, got ${token.length} (e.g. the output of \`openssl rand -hex 32\`)`);
  }
  return token;
}

function parseEnvValue(name: string, spec: EnvSpec, raw: string): unknown {
  switch (spec.kind) {
    case 'int': {
      const n = Number(raw);
      if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n)) {
        throw new ServerConfigError(name, `must be a whole number, got ${JSON.stringify(raw)}`);
      }
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
        throw new ServerConfigError(name, `must be between ${spec.min} and ${spec.max}, got ${n}`);
      }
      return n;
    }
    case 'bool': {
      const v = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      throw new ServerConfigError(name, `must be true/false (or 1/0), got ${JSON.stringify(raw)}`);
    }
    case 'json': {
      try {
        const v: unknown = JSON.parse(raw);
        if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
        return v;
      } catch (e) {
        throw new ServerConfigError(name, `must be a JSON object of engine config overrides (${(e as Error).message})`);
      }
    }
    case 'list':
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    case 'token':
      return checkAdminToken(name, raw);
    case 'format':
      if (raw !== 'auto' && raw !== 'pretty' && raw !== 'json') {
        throw new ServerConfigError(name, `must be auto, pretty or json, got ${JSON.stringify(raw)}`);
      }
      return raw;
    default:
      return raw;
  }
}

/** The variable naming an optional JSON config file (keys are the variable names of ENV_MAP). */
export const CONFIG_FILE_VARIABLE = 'CROWDALPHA_CONFIG_FILE';

/**
 * Reads the optional config file: a JSON object whose keys are the environment variables above
 * (e.g. `{"PORT": 8000, "CROWDALPHA_MAX_AGENTS": 200}`) and whose values are strings, numbers or
 * booleans. An unknown key (a typo) is an error naming the valid ones.
 */
export function readConfigFile(file: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ServerConfigError(CONFIG_FILE_VARIABLE, `cannot read ${file} as JSON: ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ServerConfigError(CONFIG_FILE_VARIABLE, `${file} must hold a JSON object of settings, e.g. {"PORT": 8000}`);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (!(k in ENV_MAP)) {
      throw new ServerConfigError(`${file}: ${k}`, `unknown setting; valid settings are ${Object.keys(ENV_MAP).join(', ')}`);
    }
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else if (v !== null && typeof v === 'object' && ENV_MAP[k]?.kind === 'json') out[k] = JSON.stringify(v);
    else throw new ServerConfigError(`${file}: ${k}`, `must be a string, number or boolean, got ${JSON.stringify(v)}`);
  }
  return out;
}

/** Defaults, then the optional config file, then the environment, then explicit overrides (the CLI's flags). */
export function resolveServerOptions(
  overrides: Partial<ServerOptions> = {},
  env: Record<string, string | undefined> = process.env,
): ServerOptions {
  const opts = defaultServerOptions() as unknown as Record<string, unknown>;
  const file = env[CONFIG_FILE_VARIABLE] ? readConfigFile(env[CONFIG_FILE_VARIABLE] as string) : {};
  for (const [name, spec] of Object.entries(ENV_MAP)) {
    const raw = env[name] ?? file[name];
    // Empty means "unset", except for a list, where it is the empty list (an allowlist of none).
    if (raw === undefined || (raw === '' && spec.kind !== 'list')) continue;
    opts[spec.key] = parseEnvValue(name, spec, raw);
  }
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) continue;
    if (!(k in opts)) {
      throw new ServerConfigError(k, `unknown server option; valid options are ${Object.keys(opts).join(', ')}`);
    }
    opts[k] = v;
  }
  // An explicit token is held to the same rules as the variable; '' means "no token".
  if (opts.adminToken === '') opts.adminToken = null;
  if (opts.adminToken !== null) {
    if (typeof opts.adminToken !== 'string') throw new ServerConfigError('adminToken', 'must be a string or null');
    checkAdminToken(overrides.adminToken !== undefined ? 'adminToken' : 'CROWDALPHA_ADMIN_TOKEN', opts.adminToken);
  }
  return opts as unknown as ServerOptions;
}
