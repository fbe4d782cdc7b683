// Matching engine throughput: our OrderBook + MatchingEngine against nodejs-order-book (v10) on
// the identical seeded stream, in one process, so the ratio holds on a noisy shared machine.
//
// Stream (1,000,000 ops after an untimed prefill): 70% LIMIT on the integer tick grid (mostly
// resting 0–49 ticks behind the touch, some stepping inside the spread, 10% priced through the
// touch), 20% CANCEL of a random live order, 10% MARKET. Market size follows the book size so the
// book stays near its target (~2,000 and ~20,000 resting orders). Both books must end identical
// (every level's price and qty), else the run fails.
//
// Run: `npm run bench matching`. Env: MATCHING_OPS (default 1e6), MATCHING_ROUNDS (default 5),
// MATCHING_THEIR_ROUNDS (nodejs-order-book rounds; default all on the ~2,000 book, 1 on the
// ~20,000 one), MATCHING_BOOK_DIST (path of an alternative build's engine/dist/internal.js, or of an older build's engine/dist/book/index.js).
// Figures are medians over rounds; the load average is printed because the machine is shared.
import { createRequire } from 'node:module';
import v8 from 'node:v8';
import vm from 'node:vm';
import { fileURLToPath, pathToFileURL } from 'node:url';
import os from 'node:os';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

const OPS = Number(process.env.MATCHING_OPS ?? 1_000_000);
const ROUNDS = Number(process.env.MATCHING_ROUNDS ?? 5);
const TARGET_OPS = 5_000_000;
const TARGET_RATIO = 10;
const BOOK_SIZES = [2_000, 20_000];
const SEED = 0x5eed;
const TICK_SIZE = 0.01;
const START_TICKS = 10_000; // price 100.00
const OWNERS = 64;
const LIMIT = 0;
const MARKET = 1;
const CANCEL = 2;
const FILL_READ_EVERY = 1024; // the simulation reads and clears fills once per tick

/** mulberry32: small, fast, deterministic. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Builds the stream by driving our own book (to know the touch and which orders are live), then
 * freezes it into typed arrays; both engines later replay it from empty books.
 */
export function makeStream(lib, target, ops) {
  const total = target + ops;
  const rnd = prng(SEED ^ target);
  const s = {
    target,
    prefill: target,
    total,
    type: new Uint8Array(total),
    side: new Uint8Array(total),
    price: new Float64Array(total),
    qty: new Int32Array(total),
    id: new Float64Array(total), // order id, or the cancel target
    owner: new Int32Array(total),
    idStr: new Array(total + 1),
  };
  const book = new lib.OrderBook({ tickSize: TICK_SIZE, initialCapacity: target * 2 });
  const eng = new lib.MatchingEngine(book);
  const live = new Float64Array(total + 1);
  const pos = new Int32Array(total + 2).fill(-1);
  let nLive = 0;
  const addLive = (id) => {
    pos[id] = nLive;
    live[nLive++] = id;
  };
  const dropLive = (id) => {
    const p = pos[id];
    if (p < 0) return;
    const last = live[--nLive];
    live[p] = last;
    pos[last] = p;
    pos[id] = -1;
  };
  let nextId = 1;
  for (let i = 0; i < total; i++) {
    const r = rnd();
    const side = rnd() < 0.5 ? 0 : 1;
    const bb = book.bestBidTicks();
    const ba = book.bestAskTicks();
    let type;
    if (i < s.prefill) type = LIMIT;
    else if (r < 0.7) type = LIMIT;
    else if (r < 0.9) type = CANCEL;
    else type = MARKET;
    s.type[i] = type;
    s.side[i] = side;
    s.owner[i] = Math.floor(rnd() * OWNERS);
    if (type === CANCEL) {
      // A random live order (an unknown id when the book is empty: a no-op for both engines).
      const target = nLive > 0 ? live[Math.floor(rnd() * nLive)] : total + 1;
      s.id[i] = target;
      eng.processCancel(target);
      dropLive(target);
      continue;
    }
    const id = nextId++;
    s.id[i] = id;
    let px = 0;
    let qty;
    if (type === LIMIT) {
      qty = 1 + Math.floor(rnd() * 100);
      const k = Math.floor(50 * rnd() * rnd()); // 0–49 ticks behind, mostly near the touch
      const own = side === 0 ? bb : ba;
      const other = side === 0 ? ba : bb;
      const u = rnd();
      if (i >= s.prefill && u < 0.1 && other !== null) {
        px = side === 0 ? other + Math.floor(rnd() * 5) : other - Math.floor(rnd() * 5); // through
      } else if (own !== null && other !== null && Math.abs(other - own) > 1 && u < 0.35) {
        px = side === 0 ? own + 1 : own - 1; // step inside the spread
      } else if (own !== null) {
        px = side === 0 ? own - k : own + k;
      } else {
        const anchor = other !== null ? other : START_TICKS;
        px = side === 0 ? anchor - 1 - k : anchor + 1 + k;
      }
      if (px < 1) px = 1;
    } else {
      // Market size grows with the book's excess over its target, which holds the size steady.
      const excess = Math.max(0.25, book.size / target);
      qty = 1 + Math.floor(rnd() * 430 * excess ** 3);
    }
    s.qty[i] = qty;
    s.price[i] = type === LIMIT ? book.ticksToPrice(px) : 0;
    const code = eng.processOrder(id, s.owner[i], side === 0 ? 'BID' : 'ASK', type === LIMIT ? 'LIMIT' : 'MARKET', s.price[i], qty, i);
    if (code !== 0) throw new Error(`stream generator produced a rejected order: ${lib.rejectReason(code)}`);
    const f = eng.fills;
    for (let j = 0; j < f.count; j++) {
      const m = f.makerOrderId[j];
      if (book.slotOf(m) === -1) dropLive(m);
    }
    f.clear();
    if (eng.lastRested > 0) addLive(id);
  }
  for (let i = 0; i <= total; i++) s.idStr[i] = String(i);
  s.endSize = book.size;
  return s;
}

const SIDE_NAMES = ['BID', 'ASK'];
const TYPE_NAMES = ['LIMIT', 'MARKET'];

export function runOurs(lib, s, from, to, eng) {
  const { type, side, price, qty, id, owner } = s;
  const fills = eng.fills;
  let traded = 0;
  for (let i = from; i < to; i++) {
    const t = type[i];
    if (t === CANCEL) eng.processCancel(id[i]);
    else eng.processOrder(id[i], owner[i], SIDE_NAMES[side[i]], TYPE_NAMES[t], price[i], qty[i], i);
    if ((i & (FILL_READ_EVERY - 1)) === 0) {
      for (let j = 0; j < fills.count; j++) traded += fills.qty[j];
      fills.clear();
    }
  }
  for (let j = 0; j < fills.count; j++) traded += fills.qty[j];
  fills.clear();
  return traded;
}

const THEIR_SIDES = ['buy', 'sell'];

function runTheirs(s, from, to, ob) {
  const { type, side, price, qty, id, idStr } = s;
  for (let i = from; i < to; i++) {
    const t = type[i];
    if (t === LIMIT) ob.limit({ id: idStr[id[i]], side: THEIR_SIDES[side[i]], size: qty[i], price: price[i] });
    else if (t === MARKET) ob.market({ side: THEIR_SIDES[side[i]], size: qty[i] });
    else ob.cancel(idStr[id[i]]);
  }
}

/** Every level of both books must match: price and total qty, bids high→low, asks low→high. */
function compareBooks(book, ob) {
  const ours = book.depth(1e9);
  const [asks, bids] = ob.depth();
  const same = (a, b) => a.length === b.length && a.every((l, i) => l.price === b[i][0] && l.qty === b[i][1]);
  if (!same(ours.bids, bids) || !same(ours.asks, asks)) {
    throw new Error(
      `books differ: ours ${ours.bids.length} bid / ${ours.asks.length} ask levels (best ${ours.bestBid}/${ours.bestAsk}, ` +
        `qty ${book.totalQty('BID')}/${book.totalQty('ASK')}); nodejs-order-book ${bids.length}/${asks.length} ` +
        `(best ${bids[0]?.[0]}/${asks[0]?.[0]})`,
    );
  }
  return { levels: ours.bids.length + ours.asks.length, bidQty: book.totalQty('BID'), askQty: book.totalQty('ASK') };
}

/** A full GC before each timed section, so one engine's garbage is not collected on the other's clock. */
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc');

/** JIT warm-up of both engines on a short stream, so round 1 is not a compile-time measurement. */
function warmUp(lib, TheirBook) {
  const s = makeStream(lib, 2_000, 100_000);
  const eng = new lib.MatchingEngine(new lib.OrderBook({ tickSize: TICK_SIZE }));
  runOurs(lib, s, 0, s.total, eng);
  runTheirs(s, 0, s.total, new TheirBook());
}

/**
 * Runs `fn` over the OPS main ops and returns { wall, cpu } in ops/s: by wall clock, and per
 * second of this process's CPU time (user + system). On a shared, oversubscribed machine the CPU
 * figure is the single-threaded cost; wall clock also counts time spent waiting for a core.
 */
function timed(fn) {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  fn();
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  return { wall: OPS / wallS, cpu: OPS / ((c.user + c.system) / 1e6) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x) => Math.round(x).toLocaleString('en-US');

export async function run() {
  const dist = process.env.MATCHING_BOOK_DIST ?? path.join(here, '../packages/engine/dist/internal.js');
  const lib = await import(pathToFileURL(path.resolve(dist)).href);
  const { OrderBook: TheirBook } = require('nodejs-order-book');
  const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');
  console.log(`ops ${fmt(OPS)} after prefill, rounds ${ROUNDS} (medians), node ${process.version}, ${os.cpus().length} cpus`);
  console.log(`load average at start: ${load()}`);
  warmUp(lib, TheirBook);
  const summary = [];
  for (const target of BOOK_SIZES) {
    const s = makeStream(lib, target, OPS);
    const from = s.prefill;
    // nodejs-order-book needs ~1 min per round on the deep book (its cancel is O(orders at the
    // level)); one round there is plenty for a ratio of two orders of magnitude.
    const theirRounds = Math.min(ROUNDS, Number(process.env.MATCHING_THEIR_ROUNDS ?? (target >= 20_000 ? 1 : ROUNDS)));
    const ourRates = [];
    const theirRates = [];
    let check;
    for (let r = 0; r < ROUNDS; r++) {
      const book = new lib.OrderBook({ tickSize: TICK_SIZE });
      const eng = new lib.MatchingEngine(book);
      runOurs(lib, s, 0, from, eng);
      collectGarbage();
      ourRates.push(timed(() => runOurs(lib, s, from, s.total, eng)));

      if (r >= theirRounds) continue;
      const ob = new TheirBook();
      runTheirs(s, 0, from, ob);
      collectGarbage();
      theirRates.push(timed(() => runTheirs(s, from, s.total, ob)));
      check = compareBooks(book, ob);
    }
    const ours = { wall: median(ourRates.map((r) => r.wall)), cpu: median(ourRates.map((r) => r.cpu)) };
    const theirs = { wall: median(theirRates.map((r) => r.wall)), cpu: median(theirRates.map((r) => r.cpu)) };
    const counts = [0, 0, 0];
    for (let i = from; i < s.total; i++) counts[s.type[i]]++;
    console.log(
      `book ~${fmt(target)} (ends at ${fmt(s.endSize)} orders, ${check.levels} levels; ` +
        `limit/market/cancel ${fmt(counts[0])}/${fmt(counts[1])}/${fmt(counts[2])}; books identical)`,
    );
    const row = (name, m, rates) =>
      console.log(
        `  ${name.padEnd(18)} ${fmt(m.cpu).padStart(11)} ops/cpu-s ${fmt(m.wall).padStart(11)} ops/wall-s` +
          `  (rounds cpu: ${rates.map((r) => fmt(r.cpu)).join(', ')})`,
      );
    row('crowdalpha', ours, ourRates);
    row('nodejs-order-book', theirs, theirRates);
    const ratio = ours.cpu / theirs.cpu;
    console.log(`  ratio              ${ratio.toFixed(1)}x cpu, ${(ours.wall / theirs.wall).toFixed(1)}x wall`);
    console.log(
      `  targets: >= ${fmt(TARGET_OPS)} ops/cpu-s ${ours.cpu >= TARGET_OPS ? 'met' : 'MISSED'}, ` +
        `>= ${TARGET_RATIO}x nodejs-order-book ${ratio >= TARGET_RATIO ? 'met' : 'MISSED'}`,
    );
    summary.push({ target, ours, theirs });
  }
  console.log(`load average at end: ${load()}`);
  return summary;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await run();
