/**
 * The JavaScript evaluated first in every strategy isolate, before any user code. Its completion
 * value is the driver `{ boot, tick }`; the runner keeps References to those two functions, so
 * user code can neither replace nor reach them.
 *
 * Why the driver looks the way it does:
 * - Only strings leave the isolate. Everything a strategy returns (orders, factor vector, error
 *   text) is read, copied field by field and JSON-stringified *here*, under the call's deadline.
 *   A looping `message` getter, a throwing Proxy or a looping `Error.prepareStackTrace` therefore
 *   burns the strategy's own deadline instead of hanging the runner while isolated-vm copies an
 *   exception out. The driver never throws and never reads `.stack`.
 * - Builtins the driver needs are captured before user code runs; if a strategy pollutes its own
 *   prototypes it can at worst garble its own output, which the host re-validates anyway.
 * - Ambient capabilities are removed (SharedArrayBuffer, Atomics, WebAssembly, Intl, the native
 *   console) and time/randomness are replaced: `Date.now()`/`new Date()` give the simulation clock
 *   of the current tick and `Math.random()` is a seeded generator, so runs are reproducible and
 *   there is no wall-clock timing channel.
 */
export const SANDBOX_PRELUDE = String.raw`(function () {
'use strict';
const G = globalThis;
const stringify = JSON.stringify;
const parse = JSON.parse;
const isArray = Array.isArray;
const ReflectApply = Reflect.apply;
const ReflectConstruct = Reflect.construct;
const defineProperty = Object.defineProperty;
const freeze = Object.freeze;
const strSlice = String.prototype.slice;
const StringCtor = String;
const mathFloor = Math.floor;
const mathMin = Math.min;
const RealDate = Date;
const MAX_ERROR_CHARS = 400;
const ownDescriptor = Object.getOwnPropertyDescriptor;

// Stacks are formatted by V8's default: a strategy's Error.prepareStackTrace is accepted and
// ignored, so reading an error's stack (to report the author's line:column) runs no user code.
defineProperty(Error, 'prepareStackTrace', { get() { return undefined; }, set(v) { /* ignored */ }, configurable: false });

function slice(s, n) { return ReflectApply(strSlice, s, [0, n]); }

// V8 before 12 (Node 20) gives errors a data property \`stack\`; later V8 (Node 22, 24) an own
// accessor whose getter is one native function shared by all errors. Keep that getter, taken
// before any strategy code runs, so stackOf can call it and still refuse a strategy's own getter.
const NATIVE_STACK_GET = (() => {
  try {
    const d = ownDescriptor(new Error('probe'), 'stack');
    return d && typeof d.get === 'function' ? d.get : null;
  } catch (e) { return null; }
})();

for (const k of ['SharedArrayBuffer', 'Atomics', 'WebAssembly', 'Intl', 'console']) {
  try { delete G[k]; } catch (e) { /* non-configurable: leave it */ }
}

// Simulation clock, ms, set from MarketState.timestamp (ns) at the start of every call.
let simNowMs = 0;
function SimDate(...args) {
  if (new.target === undefined) return ReflectApply(RealDate.prototype.toString, new RealDate(simNowMs), []);
  return ReflectConstruct(RealDate, args.length === 0 ? [simNowMs] : args, new.target);
}
SimDate.prototype = RealDate.prototype;
SimDate.now = function now() { return simNowMs; };
SimDate.parse = RealDate.parse;
SimDate.UTC = RealDate.UTC;
defineProperty(RealDate.prototype, 'constructor', { value: SimDate, writable: true, configurable: true });
defineProperty(G, 'Date', { value: SimDate, writable: true, configurable: true });

// Seeded generator (sfc32), state fixed at boot from the strategy's seed.
let ra = 0x9e3779b9, rb = 0x243f6a88, rc = 0xb7e15162, rd = 1;
function nextUint32() {
  const t = (((ra + rb) | 0) + rd) | 0;
  rd = (rd + 1) | 0;
  ra = rb ^ (rb >>> 9);
  rb = (rc + (rc << 3)) | 0;
  rc = (rc << 21) | (rc >>> 11);
  rc = (rc + t) | 0;
  return t >>> 0;
}
function random() { return nextUint32() / 4294967296; }
function seedRandom(seed) {
  ra = 0x9e3779b9; rb = 0x243f6a88; rc = 0xb7e15162 ^ (seed | 0); rd = (seed / 4294967296) | 0 || 1;
  for (let i = 0; i < 16; i++) nextUint32();
}
defineProperty(Math, 'random', { value: random, writable: true, configurable: true });

// ---- SDK globals (see sdk/ambient.ts for their types) ----
const Side = freeze({ BID: 'BID', ASK: 'ASK' });
const OrderType = freeze({ LIMIT: 'LIMIT', MARKET: 'MARKET', CANCEL: 'CANCEL' });
function limit(side, price, qty) { return { side: side, type: 'LIMIT', price: price, qty: qty }; }
function market(side, qty) { return { side: side, type: 'MARKET', qty: qty, price: null }; }
function cancel(orderId, side) { return { side: side === undefined ? 'BID' : side, type: 'CANCEL', qty: 0, price: null, cancelTarget: orderId }; }
const Orders = freeze({ limit: limit, market: market, cancel: cancel });
const rngApi = freeze({
  next: random,
  uniform(lo, hi) { return lo + (hi - lo) * random(); },
  int(lo, hi) { return lo + mathFloor(random() * (hi - lo + 1)); },
  normal(mean, std) {
    let u = 0; while (u === 0) u = random();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
    return (mean === undefined ? 0 : mean) + (std === undefined ? 1 : std) * z;
  },
});
class BaseAgent {
  constructor(options) {
    this.options = options === undefined || options === null ? {} : options;
    this.params = this.options;
  }
  /** Seeded random stream of this strategy. */
  get random() { return rngApi; }
  /** Simulation time of the current tick, ms. */
  get now() { return simNowMs; }
  factorVector() { return []; }
}
const sdk = { BaseAgent, Side, OrderType, Orders, limit, market, cancel };
for (const k of Object.keys(sdk)) defineProperty(G, k, { value: sdk[k], writable: true, configurable: true });
// console.* is captured: lines go out with the next answer (capped per call and per line), the
// host keeps a tail. Formatting user objects runs user getters: that is under the call's deadline.
let logLines = [];
let logDropped = 0;
let logMaxLines = 20;
let logMaxChars = 300;
function fmt(v) {
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null) { try { const j = stringify(v); if (typeof j === 'string') return j; } catch (e) { /* fall through */ } }
  try { return StringCtor(v); } catch (e) { return '[unprintable]'; }
}
function logger(level) {
  return function log(...args) {
    if (logLines.length >= logMaxLines) { logDropped++; return; }
    let line = level === 'log' || level === 'info' || level === 'debug' ? '' : level + ': ';
    for (let i = 0; i < args.length; i++) line += (i ? ' ' : '') + fmt(args[i]);
    logLines[logLines.length] = slice(line, logMaxChars);
  };
}
defineProperty(G, 'console', { value: freeze({ log: logger('log'), info: logger('info'), warn: logger('warn'), error: logger('error'), debug: logger('debug') }), writable: true, configurable: true });
/** Hands the captured lines to an answer and starts a new buffer. */
function takeLog() {
  if (logLines.length === 0 && logDropped === 0) return null;
  const out = { lines: logLines, dropped: logDropped };
  logLines = [];
  logDropped = 0;
  return out;
}

// ---- driver ----
let instance = null;
let tickFn = null;
let factorFn = null;
let maxOrders = 12;
let maxOutput = 65536;
const BASE_FACTOR = BaseAgent.prototype.factorVector;

function describe(e) {
  try {
    if ((typeof e === 'object' && e !== null) || typeof e === 'function') {
      const name = e.name;
      const msg = e.message;
      return (typeof name === 'string' ? slice(name, 64) + ': ' : '') +
        (typeof msg === 'string' ? slice(msg, MAX_ERROR_CHARS) : 'error without a string message');
    }
    if (typeof e === 'symbol') return 'threw a symbol';
    return 'threw ' + slice(StringCtor(e), MAX_ERROR_CHARS);
  } catch (e2) {
    return 'threw an error that could not be read';
  }
}
/** The first frames of an error's stack (the host maps strategy.js positions to the author's). */
function stackOf(e) {
  try {
    if ((typeof e === 'object' && e !== null) || typeof e === 'function') {
      // A data property or V8's own accessor: a user-defined \`stack\` getter is not run.
      const d = ownDescriptor(e, 'stack');
      if (d && typeof d.value === 'string') return slice(d.value, 1200);
      if (d && NATIVE_STACK_GET !== null && d.get === NATIVE_STACK_GET) {
        const v = ReflectApply(NATIVE_STACK_GET, e, []);
        if (typeof v === 'string') return slice(v, 1200);
      }
    }
  } catch (e2) { /* unreadable stack: none */ }
  return null;
}
function fail(kind, message, stack) {
  const log = takeLog();
  return '{"ok":false,"kind":' + stringify(kind) + ',"error":' + stringify(message) +
    (typeof stack === 'string' ? ',"stack":' + stringify(stack) : '') +
    (log ? ',"log":' + stringify(log) : '') + '}';
}
function str(v) { return typeof v === 'string' ? slice(v, 16) : null; }
function num(v) { return typeof v === 'number' ? v : null; }

function boot(factory, paramsJson, seed, maxOrdersArg, maxOutputArg, logLinesArg, logCharsArg) {
  try {
    maxOrders = maxOrdersArg;
    maxOutput = maxOutputArg;
    if (typeof logLinesArg === 'number') logMaxLines = logLinesArg;
    if (typeof logCharsArg === 'number') logMaxChars = logCharsArg;
    seedRandom(seed);
    const params = parse(paramsJson);
    let Cls;
    const ex = {};
    try { Cls = factory(ex, { exports: ex }); } catch (e) { return fail('load', 'top-level code threw: ' + describe(e), stackOf(e)); }
    if (typeof Cls !== 'function' || !(Cls.prototype instanceof BaseAgent)) {
      return fail('load', 'no class extending BaseAgent was found');
    }
    try { instance = new Cls(params); } catch (e) { return fail('load', 'constructor threw: ' + describe(e), stackOf(e)); }
    const t = instance.onTick;
    tickFn = typeof t === 'function' ? t : instance.on_tick;
    if (typeof tickFn !== 'function') return fail('load', 'the class has no onTick(state) (or on_tick) method');
    const f = instance.factorVector;
    factorFn = f === BASE_FACTOR && typeof instance.factor_vector === 'function' ? instance.factor_vector : f;
    return '{"ok":true}';
  } catch (e) {
    try { return fail('load', describe(e)); } catch (e2) { return '{"ok":false,"kind":"load","error":"boot failed"}'; }
  }
}

// The market part of the state (depth, recentTrades, priceHistory: most of its bytes) comes as
// its own JSON text, the same bytes for every strategy of the tick. It is parsed the first time
// the strategy reads one of those fields; each field then becomes a plain data property, so
// reading, writing, spreading or stringifying the state behaves as if it had been parsed upfront.
const MARKET_KEYS = ['depth', 'recentTrades', 'priceHistory'];
function attachMarket(state, marketJson) {
  let market = null;
  function settle(key, value) {
    // Descriptors without a prototype: a strategy that gave Object.prototype a \`get\` or \`value\`
    // (its own realm) must not turn them into invalid descriptors.
    try { defineProperty(state, key, { __proto__: null, value: value, writable: true, enumerable: true, configurable: true }); } catch (e) { /* frozen by the strategy: keep the accessor */ }
    return value;
  }
  for (let i = 0; i < MARKET_KEYS.length; i++) {
    const key = MARKET_KEYS[i];
    defineProperty(state, key, {
      __proto__: null,
      get: function () {
        if (market === null) market = parse('{' + marketJson + '}');
        return settle(key, market[key]);
      },
      set: function (value) { settle(key, value); },
      enumerable: true,
      configurable: true,
    });
  }
}

function tick(stateJson, marketJson) {
  try {
    const state = parse(stateJson);
    if (typeof marketJson === 'string' && marketJson !== '') attachMarket(state, marketJson);
    simNowMs = mathFloor(state.timestamp / 1e6);
    let out;
    try { out = ReflectApply(tickFn, instance, [state]); } catch (e) { return fail('error', 'onTick threw: ' + describe(e), stackOf(e)); }
    if (out !== null && (typeof out === 'object' || typeof out === 'function') && typeof out.then === 'function') {
      // Mark it handled: an unhandled rejection would otherwise be copied out by isolated-vm
      // after this call returns, reading whatever getters its reason has.
      try { ReflectApply(out.then, out, [undefined, function () {}]); } catch (e) { /* still refused below */ }
      return fail('output', 'onTick returned a Promise; it must return an array of orders synchronously');
    }
    if (!isArray(out)) return fail('output', 'onTick must return an array of orders, got ' + (out === null ? 'null' : typeof out));
    const n = out.length;
    const take = mathMin(n, maxOrders);
    const orders = [];
    for (let i = 0; i < take; i++) {
      const o = out[i];
      if (o === null || typeof o !== 'object') { orders[i] = null; continue; }
      const type = o.type;
      const ct = o.cancelTarget;
      orders[i] = {
        side: str(o.side),
        type: str(type === undefined ? o.order_type : type),
        qty: num(o.qty),
        price: num(o.price),
        cancelTarget: num(ct === undefined ? o.cancel_target : ct),
      };
    }
    let fv = null;
    if (typeof factorFn === 'function') {
      try {
        const v = ReflectApply(factorFn, instance, []);
        if (isArray(v)) {
          fv = [];
          const m = mathMin(v.length, 16);
          for (let i = 0; i < m; i++) fv[i] = num(v[i]);
        }
      } catch (e) { fv = null; }
    }
    const log = takeLog();
    const payload = stringify(log ? { ok: true, orders: orders, extra: n - take, fv: fv, log: log } : { ok: true, orders: orders, extra: n - take, fv: fv });
    if (typeof payload !== 'string') return fail('output', 'orders could not be serialised');
    if (payload.length > maxOutput) return fail('output', 'output exceeds ' + maxOutput + ' characters');
    return payload;
  } catch (e) {
    try { return fail('error', describe(e)); } catch (e2) { return '{"ok":false,"kind":"error","error":"tick failed"}'; }
  }
}

return { boot: boot, tick: tick };
})()`;
