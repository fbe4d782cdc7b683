/**
 * GET /ws/schema: the event contract described from the payload schemas themselves, in the
 * original API's form (`base_message`, `event_types`, `payloads` as field lists) plus each
 * payload's JSON Schema (`events.<TYPE>.schema`) and the stream's limits.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { EVENT_TYPES, WIRE_SCHEMA_VERSION, type EventTypeName } from './constants.js';
import { EVENT_PAYLOADS, EVENT_WHEN } from './events.js';
import { Int, JsonObject, Obj, Str } from './kit.js';

const Envelope = Obj({ schema_version: Str(), type: Str(), timestamp: Str(), payload: Str() });

export const WsSchemaResponse = Obj({
  schema_version: Int(),
  base_message: Envelope,
  envelope: Envelope,
  event_types: Type.Array(Str()),
  payloads: Type.Record(Type.String(), Str(), { description: 'event type → its payload fields, comma-separated' }),
  tick_order: Type.Array(Str(), { description: 'order of the events one tick emits' }),
  events: Type.Record(
    Type.String(),
    Obj({ when: Str(), payload: Type.Array(Str(), { description: 'payload field names' }), schema: JsonObject('JSON Schema of the payload') }),
  ),
  client_messages: Type.Record(Type.String(), Str()),
  endpoint: Str(),
  server_messages: Type.Record(Type.String(), Str()),
  query: Type.Record(Type.String(), Str()),
  limits: Type.Record(Type.String(), Type.Number()),
});
export type WsSchemaResponse = Static<typeof WsSchemaResponse>;

/** Top-level field names of an object schema. */
export function fieldsOf(schema: TSchema): string[] {
  return Object.keys((schema as { properties?: Record<string, unknown> }).properties ?? {});
}

/** The ticking events, in emission order. */
export const TICK_EVENT_ORDER: readonly EventTypeName[] = EVENT_TYPES.filter((t) => t !== 'HEARTBEAT' && t !== 'RESYNC');

/** The /ws/schema body; `limits` are the serving stream's. */
export function describeEvents(limits: Record<string, number>): WsSchemaResponse {
  const envelope = { schema_version: 'int', type: 'string', timestamp: 'int(ns)', payload: 'object' };
  const events: WsSchemaResponse['events'] = {};
  const payloads: Record<string, string> = {};
  for (const t of EVENT_TYPES) {
    const schema = EVENT_PAYLOADS[t];
    const fields = fieldsOf(schema);
    payloads[t] = fields.join(', ');
    events[t] = { when: EVENT_WHEN[t], payload: fields, schema: JSON.parse(JSON.stringify(schema)) as Record<string, unknown> };
  }
  return {
    schema_version: WIRE_SCHEMA_VERSION,
    base_message: envelope,
    envelope,
    event_types: [...EVENT_TYPES],
    payloads,
    tick_order: [...TICK_EVENT_ORDER],
    events,
    client_messages: {
      ping: '"ping" (text) or {"type":"ping"} → HEARTBEAT {message:"pong"}',
      subscribe: '{"subscribe": ["TICK", ...]} → only those types are sent (HEARTBEAT and RESYNC always)',
      auth: '{"type":"auth","key":"<API key>"} → AUTHENTICATED {role, name, key_id}: for clients that cannot send Authorization on the upgrade (browsers); needed only when reads need a key',
    },
    endpoint: '/ws/market',
    server_messages: {
      SUBSCRIBED: 'answer to a subscribe message: {types}',
      ERROR: 'answer to a message the server could not understand or refused: {message, code?}',
      AUTH_REQUIRED: 'sent on connect when reads need a key (CROWDALPHA_PUBLIC_READS=false) and the upgrade carried none: {code, message, timeout_ms}; no events until an auth message, closed (1008) after timeout_ms',
      AUTHENTICATED: 'answer to an auth message: {role, name, key_id}',
    },
    query: { types: 'optional comma-separated initial subscription, e.g. /ws/market?types=TICK' },
    limits,
  };
}
