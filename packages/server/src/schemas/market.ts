/** Query and body schemas of /market/* reads and /market/control (their response bodies are the wire contract's). */
import { Type, type Static } from '@sinclair/typebox';

export const BOOK_LEVELS_MAX = 100;
export const TRADES_LIMIT_MIN = 1;
export const TRADES_LIMIT_MAX = 5000;
export const TRADES_LIMIT_DEFAULT = 100;

export const BookQuery = Type.Object({
  levels: Type.Optional(Type.Integer({ minimum: 1, maximum: BOOK_LEVELS_MAX, description: 'price levels per side (default: the market config, 10)' })),
});
export type BookQuery = Static<typeof BookQuery>;

export const TradesQuery = Type.Object({
  limit: Type.Optional(
    Type.Integer({ description: `number of fills, newest last; clamped to ${TRADES_LIMIT_MIN}..${TRADES_LIMIT_MAX} (default ${TRADES_LIMIT_DEFAULT})` }),
  ),
  since_tick: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'only fills of ticks after this one' })),
});
export type TradesQuery = Static<typeof TradesQuery>;

export const CONTROL_ACTIONS = ['pause', 'resume', 'reset', 'speed', 'step'] as const;
export const TICK_DELAY_MIN = 0;
export const TICK_DELAY_MAX = 60_000;
export const STEP_MAX = 10_000;

export const ControlBody = Type.Object(
  {
    action: Type.Union(
      CONTROL_ACTIONS.map((a) => Type.Literal(a)),
      { description: 'pause | resume | reset {seed?, config?} | speed {tick_delay_ms} | step {ticks?} (only while paused)' },
    ),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1, description: 'reset: seed of the new market (default: the current seed)' })),
    config: Type.Optional(Type.Object({}, { additionalProperties: true, description: 'reset: engine config overrides, nested, as GET /market/config shows them (snake_case; camelCase accepted)' })),
    tick_delay_ms: Type.Optional(Type.Integer({ minimum: TICK_DELAY_MIN, maximum: TICK_DELAY_MAX, description: 'speed: tick period in ms' })),
    ticks: Type.Optional(Type.Integer({ minimum: 1, maximum: STEP_MAX, description: 'step: ticks to run (default 1)' })),
  },
  { additionalProperties: false },
);
export type ControlBody = Static<typeof ControlBody>;
