# CrowdAlpha Python strategy harness. Runs as `python3 -I -S -B -c <this file> <dist-packages>`
# inside bubblewrap (see bwrap-command.ts), one process per strategy, and speaks length-prefixed
# JSON frames: it reads the host's frames on fd 3 and writes its own on fd 4. Fds 0-2 are /dev/null,
# so output cannot corrupt the protocol; what the strategy prints (print(), logging, writes to
# sys.stdout/stderr) is captured per call, capped, and sent with its answer (like console.log).
#
# This harness is NOT the security boundary (user code runs in the same interpreter and could undo
# anything here); bubblewrap, the rlimits set below before any user code runs, and the host's
# watchdog are. The harness gives the strategy contract of the original (BaseAgent, MarketState,
# Order, OrderType, Side, np), the per-call deadline, an import allowlist and a tidy answer.
import sys
import os
import json
import struct
import signal
import resource
import enum
import gc
import random as _random
import math as _math
# The harness times its own calls (reported to the host); strategies get no clock from the allowlist.
from time import perf_counter as _clock

sys.path.append(sys.argv[1] if len(sys.argv) > 1 else '/usr/lib/python3/dist-packages')
import numpy as np  # noqa: E402  (path set just above)

IN_FD, OUT_FD = 3, 4
MAX_IN_FRAME = 64 * 1024 * 1024
MAX_ERROR_CHARS = 400
MAX_FACTORS = 16
_pack = struct.Struct('>I').pack
_loads = json.loads
# Per call, the harness encodes only values it built itself (dicts, lists, str, numbers, None; no
# cycles) and decodes only JSON the host wrote: it calls json's C encoder and scanner directly,
# without the per-call wrappers of json.dumps/json.loads (a new encoder object and a regex match
# each time), which are a large part of a call's cost in a worker whose caches went cold while the
# other strategies ran.
try:
    _encode = json.encoder.c_make_encoder(None, None, json.encoder.encode_basestring_ascii, None, ':', ',', False, False, True)

    def _dumps(obj):
        return ''.join(_encode(obj, 0))
except TypeError:  # a json without its C accelerator
    _dumps = json.JSONEncoder(separators=(',', ':'), allow_nan=True).encode
_scan = json.decoder.JSONDecoder().scan_once


def _parse(text):
    """One JSON value from the host's text (str or UTF-8 bytes)."""
    return _scan(text.decode('utf-8') if isinstance(text, bytes) else text, 0)[0]
_orig_import = __import__

# C-level writes to fds 1 and 2 go nowhere; Python-level ones are captured (_Capture below).
_null = os.open('/dev/null', os.O_RDWR)
for _fd in (0, 1, 2):
    os.dup2(_null, _fd)
os.close(_null)


class _Capture:
    """sys.stdout and sys.stderr of the strategy: lines kept per call up to a cap, each cut to a
    length; more are counted, not kept. The host keeps a tail (stats, Strategy page, backtest)."""

    encoding = 'utf-8'
    errors = 'replace'

    def __init__(self):
        self.max_lines = 20
        self.max_chars = 300
        self.lines = []
        self.dropped = 0
        self.partial = ''

    def _line(self, text):
        if len(self.lines) < self.max_lines:
            self.lines.append(text[:self.max_chars])
        else:
            self.dropped += 1

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError('write() argument must be str, not %s' % type.__dict__['__name__'].__get__(type(s))[:64])
        start = 0
        while True:
            nl = s.find('\n', start)
            if nl < 0:
                break
            if len(self.lines) >= self.max_lines:
                # Over the cap: count the remaining lines without splitting them.
                self.dropped += s.count('\n', start)
                self.partial = ''
                return len(s)
            self._line(self.partial + s[start:nl])
            self.partial = ''
            start = nl + 1
        if start < len(s) and len(self.partial) < self.max_chars:
            self.partial += s[start:start + self.max_chars]
        return len(s)

    def flush(self):
        pass

    def isatty(self):
        return False

    def writable(self):
        return True

    def take(self):
        """The call's lines (and the unfinished one) for its answer, or None; starts a new buffer."""
        if self.partial:
            self._line(self.partial)
            self.partial = ''
        if not self.lines and not self.dropped:
            return None
        out = {'lines': self.lines, 'dropped': self.dropped}
        self.lines = []
        self.dropped = 0
        return out


_log = _Capture()
sys.stdout = sys.stderr = _log


_inbuf = bytearray()


def _read_exact(n):
    """n bytes from the host. A read asks for at least 64 kB, so a tick's whole frame (length and
    body) usually arrives in one read: one system call per tick, not two."""
    while len(_inbuf) < n:
        b = os.read(IN_FD, min(max(n - len(_inbuf), 1 << 16), 1 << 20))
        if not b:
            os._exit(0)  # host closed the pipe: never outlive it
        _inbuf.extend(b)
    out = bytes(_inbuf[:n])
    del _inbuf[:n]
    return out


def _recv():
    """A JSON message, or for a tick frame (b'T' meta '\\n' shared own...) a dict with the raw texts."""
    (n,) = struct.unpack('>I', _read_exact(4))
    if n > MAX_IN_FRAME:
        os._exit(3)
    body = _read_exact(n)
    if body[:1] != b'T':
        return _loads(body)
    # Tick frames carry the states as raw JSON texts after a small header, so neither side
    # escapes or unescapes them twice (see frame-codec.ts).
    nl = body.index(b'\n')
    meta = _parse(body[1:nl])
    pos = nl + 1
    shared = body[pos:pos + meta['shared']]  # bytes: decoded and parsed only if the strategy reads them
    pos += meta['shared']
    calls = []
    for c in meta['calls']:
        own = body[pos:pos + c['own']]
        pos += c['own']
        calls.append({'sid': c['sid'], 'seq': c['seq'], 'state': own, 'shared': 0})
    return {'t': 'tick', 'calls': calls, 'shared': [shared]}


def _send(obj):
    _write_frame(_dumps(obj).encode('utf-8', 'replace'))


def _send_results(items, answers):
    """A results frame (frame-codec.ts): the header, then the answers' bytes raw (not re-escaped
    inside the header's JSON); each item's `out` is the length of its answer."""
    _write_frame(b'R' + _dumps({'t': 'results', 'items': items}).encode('utf-8', 'replace') + b'\n' + b''.join(answers))


def _write_frame(data):
    view = memoryview(_pack(len(data)) + data)
    while view:
        view = view[os.write(OUT_FD, view):]


# ---- the strategy contract (names as the original had them) ----

class Side(str, enum.Enum):
    BID = 'BID'
    ASK = 'ASK'


class OrderType(str, enum.Enum):
    LIMIT = 'LIMIT'
    MARKET = 'MARKET'
    CANCEL = 'CANCEL'


class Order:
    """One order. `cancel_target` (an order id from state.open_orders) is for OrderType.CANCEL."""

    def __init__(self, agent_id=None, side=Side.BID, order_type=OrderType.LIMIT, price=None, qty=0,
                 cancel_target=None, **_ignored):
        self.agent_id = agent_id
        self.side = side
        self.order_type = order_type
        self.price = price
        self.qty = qty
        self.cancel_target = cancel_target

    def __repr__(self):
        return 'Order(side=%r, order_type=%r, price=%r, qty=%r)' % (self.side, self.order_type, self.price, self.qty)


class MarketState:
    """What a strategy sees each tick (attribute names of the original, plus a few extras).

    The book levels, recent trades and price history are the market part of the state, sent as
    one JSON text; it is parsed on first use, so a strategy that never reads them does not pay.
    """
    __slots__ = ('tick', 'timestamp', 'mid_price', 'best_bid', 'best_ask', 'spread', 'inventory', 'cash', 'pnl',
                 'volatility', 'vwap', 'crowding_intensity', 'crowding_side_pressure', 'impact_buy_mult',
                 'impact_sell_mult', 'tick_size', 'agent_id', 'open_orders', 'phi', '_shared_text', '_shared', '_cache')

    @staticmethod
    def from_wire(s, shared_text=''):
        m = MarketState()
        crowd = s.get('crowding') or {}
        m.tick = s.get('tick')
        m.timestamp = s.get('timestamp')
        m.mid_price = s.get('mid')
        m.best_bid = s.get('bestBid')
        m.best_ask = s.get('bestAsk')
        m.spread = s.get('spread')
        m.inventory = s.get('position')
        m.cash = s.get('cash')
        m.pnl = s.get('pnl')
        m.volatility = s.get('volatility')
        m.vwap = s.get('vwap')
        m.crowding_intensity = crowd.get('intensity', 0.0)
        m.phi = crowd.get('phi', 0.0)
        m.crowding_side_pressure = crowd.get('sidePressure', 0.0)
        m.impact_buy_mult = crowd.get('buyImpactMultiplier', 1.0)
        m.impact_sell_mult = crowd.get('sellImpactMultiplier', 1.0)
        m.tick_size = s.get('tickSize')
        m.agent_id = s.get('agentId')
        m.open_orders = [
            {'order_id': o.get('orderId'), 'side': o.get('side'), 'price': o.get('price'), 'qty': o.get('qty'), 'tick': o.get('tick')}
            for o in s.get('openOrders') or ()
        ]
        # The market part either came inside `s` (one JSON object) or as a separate text.
        m._shared = s if 'depth' in s else None
        m._shared_text = shared_text
        m._cache = {}
        return m

    def _market(self):
        if self._shared is None:
            t = self._shared_text
            self._shared = _parse((b'{' + t + b'}') if isinstance(t, bytes) else ('{' + t + '}')) if t else {}
        return self._shared

    def _levels(self, side):
        c = self._cache
        if side not in c:
            c[side] = [(l['price'], l['qty']) for l in (self._market().get('depth') or {}).get(side) or ()]
        return c[side]

    @property
    def bid_levels(self):
        return self._levels('bids')

    @property
    def ask_levels(self):
        return self._levels('asks')

    @property
    def recent_trades(self):
        c = self._cache
        if 'trades' not in c:
            c['trades'] = [
                {'tick': t.get('tick'), 'price': t.get('price'), 'qty': t.get('qty'), 'side': t.get('aggressor'),
                 'buyer': t.get('buyAgentId'), 'seller': t.get('sellAgentId')}
                for t in self._market().get('recentTrades') or ()
            ]
        return c['trades']

    @property
    def price_history(self):
        c = self._cache
        if 'history' not in c:
            c['history'] = list(self._market().get('priceHistory') or ())
        return c['history']


class BaseAgent:
    """Subclass it: implement on_tick(state) -> list of Order, and factor_vector() -> sequence of floats."""

    def __init__(self, agent_id=None, strategy_type='user', initial_cash=100000.0, **kwargs):
        self.agent_id = agent_id
        self.strategy_type = strategy_type
        self.initial_cash = initial_cash
        self.params = dict(kwargs)

    def on_tick(self, state):
        return []

    def factor_vector(self):
        return np.zeros(6)


# Modules a strategy may import: computation only. The OS sandbox would contain the rest anyway;
# refusing them gives a clear error at registration and keeps runs reproducible (no clocks,
# no host facts).
# `logging` is there so a strategy's log records reach its log tail (its handlers write to the
# captured sys.stderr); its submodules (handlers: sockets, files; config) are not.
ALLOWED_IMPORTS = frozenset((
    'numpy', 'math', 'cmath', 'statistics', 'random', 'collections', 'itertools', 'functools', 'heapq',
    'bisect', 'dataclasses', 'typing', 'enum', 'decimal', 'fractions', 'operator', 'copy', 'abc', 'logging',
))
REFUSED_SUBMODULES = frozenset(('logging.handlers', 'logging.config'))


def _guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
    if level != 0 or name.split('.')[0] not in ALLOWED_IMPORTS or name in REFUSED_SUBMODULES or (
            name == 'logging' and fromlist and any(('logging.' + str(f)) in REFUSED_SUBMODULES for f in fromlist)):
        raise ImportError('import of %r is not allowed; allowed: %s' % (name, ', '.join(sorted(ALLOWED_IMPORTS))))
    return _orig_import(name, globals, locals, fromlist, level)


class _Deadline(BaseException):
    """Raised by SIGALRM when a call overruns its deadline (BaseException: `except Exception` misses it)."""


def _on_alarm(signum, frame):
    raise _Deadline()


signal.signal(signal.SIGALRM, _on_alarm)
_deadline_s = 0.12


def _arm(seconds):
    # Fires at the deadline and then every 10 ms, so code that swallows one _Deadline meets the next.
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001), 0.01)


def _disarm():
    signal.setitimer(signal.ITIMER_REAL, 0, 0)


def _describe(e):
    """Type name and the first characters of str(e): run under the deadline, never trusted."""
    try:
        name = type.__dict__['__name__'].__get__(type(e))
        try:
            text = str(e)
            text = text[:MAX_ERROR_CHARS] if isinstance(text, str) else 'error without a string message'
        except _Deadline:
            raise
        except BaseException:
            text = 'error whose message could not be read'
        return '%s: %s' % (name[:64], text) if text else name[:64]
    except _Deadline:
        raise
    except BaseException:
        return 'error that could not be described'


_TRACEBACK_OF = BaseException.__dict__['__traceback__'].__get__
MAX_STACK_FRAMES = 4


def _frames(e):
    """The strategy's own frames of an exception, innermost first: (function, line, column).

    Reads only interpreter objects (traceback, frame, code), never the exception's attributes, so
    a hostile exception runs no code here; frames of the harness and of numpy are left out."""
    out = []
    try:
        tb = _TRACEBACK_OF(e)
        walked = 0
        while tb is not None and walked < 5000:
            walked += 1
            code = tb.tb_frame.f_code
            if code.co_filename == 'strategy.py':
                col = 0
                try:
                    i = tb.tb_lasti // 2
                    for k, pos in enumerate(code.co_positions()):
                        if k == i:
                            col = (pos[2] + 1) if pos[2] is not None else 0
                            break
                except _Deadline:
                    raise
                except BaseException:
                    col = 0
                out.append((code.co_name[:64], tb.tb_lineno or 0, col))
                if len(out) > 64:
                    del out[:32]
            tb = tb.tb_next
    except _Deadline:
        raise
    except BaseException:
        pass
    out.reverse()
    return out[:MAX_STACK_FRAMES]


def _stack_text(frames):
    """One `strategy.py:LINE:COLUMN in NAME` line per frame (the host parses it: python-stack.ts)."""
    return '\n'.join('strategy.py:%d:%d in %s' % (line, col, name) for name, line, col in frames)


def _at(frames):
    return (' at line %d:%d' % (frames[0][1], frames[0][2])) if frames else ''


# ---- driver ----
_agent = None
_max_orders = 12
_max_output = 65536


_isfinite = _math.isfinite


def _num(v):
    if type(v) is float:  # the usual case, first
        return v if _isfinite(v) else None
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float, np.integer, np.floating)):
        f = float(v)
        return f if _isfinite(f) else None
    return None


def _enum_text(v):
    t = type(v)
    if t is Side or t is OrderType:  # the usual case, first
        v = v._value_
    elif isinstance(v, enum.Enum):
        v = v.value
    return v[:16] if isinstance(v, str) else None


def _order_wire(o):
    if isinstance(o, dict):
        get = o.get
        target = get('cancel_target')
        if target is None:
            target = get('order_id') if _enum_text(get('order_type')) == 'CANCEL' else None
        return {
            'side': _enum_text(get('side')),
            'type': _enum_text(get('order_type', get('type'))),
            'qty': _num(get('qty')),
            'price': _num(get('price')),
            'cancelTarget': _num(target),
        }
    # An Order (or any object with these attributes): the same reads, without a closure per order;
    # enum members and finite floats, the usual values, are converted inline.
    target = getattr(o, 'cancel_target', None)
    if target is None:
        target = getattr(o, 'order_id', None) if _enum_text(getattr(o, 'order_type', None)) == 'CANCEL' else None
    side = getattr(o, 'side', None)
    side = side._value_[:16] if type(side) is Side and type(side._value_) is str else _enum_text(side)
    kind = getattr(o, 'order_type', getattr(o, 'type', None))
    kind = kind._value_[:16] if type(kind) is OrderType and type(kind._value_) is str else _enum_text(kind)
    qty = getattr(o, 'qty', None)
    price = getattr(o, 'price', None)
    return {
        'side': side,
        'type': kind,
        'qty': qty if type(qty) is float and qty - qty == 0.0 else _num(qty),
        'price': price if type(price) is float and price - price == 0.0 else _num(price),
        'cancelTarget': None if target is None else _num(target),
    }


def _fail(kind, message, frames=()):
    out = {'ok': False, 'kind': kind, 'error': message}
    if frames:
        out['stack'] = _stack_text(frames)
    log = _log.take()
    if log:
        out['log'] = log
    return _dumps(out)


def _load(msg):
    global _agent, _max_orders, _max_output, _deadline_s
    _max_orders = msg['max_orders']
    _max_output = msg['max_output']
    _deadline_s = msg['timeout_ms'] / 1000.0
    _log.max_lines = msg.get('log_lines', _log.max_lines)
    _log.max_chars = msg.get('log_chars', _log.max_chars)
    seed = msg['seed']
    _random.seed(seed)
    np.random.seed(seed % (2 ** 32))
    builtins = dict(__builtins__.__dict__ if hasattr(__builtins__, '__dict__') else __builtins__)
    builtins['__import__'] = _guarded_import
    scope = {'__builtins__': builtins, '__name__': 'strategy', 'BaseAgent': BaseAgent, 'MarketState': MarketState,
             'Order': Order, 'OrderType': OrderType, 'Side': Side, 'np': np, 'numpy': np}
    _arm(msg['startup_ms'] / 1000.0)
    try:
        try:
            exec(compile(msg['code'], 'strategy.py', 'exec'), scope)
        except _Deadline:
            raise
        except BaseException as e:
            return {'ok': False, 'kind': 'load', 'error': 'top-level code raised ' + _describe(e) + _at(_frames(e))}
        classes = [v for k, v in list(scope.items()) if isinstance(v, type) and v is not BaseAgent and issubclass(v, BaseAgent)]
        if len(classes) != 1:
            return {'ok': False, 'kind': 'load', 'error': 'expected exactly one class inheriting BaseAgent, found %d' % len(classes)}
        params = dict(msg['params'])
        params.pop('timeout_ms', None)
        params.setdefault('agent_id', msg['sid'])
        try:
            _agent = classes[0](**params)
        except _Deadline:
            raise
        except BaseException as e:
            return {'ok': False, 'kind': 'load', 'error': 'constructor raised ' + _describe(e) + _at(_frames(e))}
        if not callable(getattr(_agent, 'on_tick', None)):
            return {'ok': False, 'kind': 'load', 'error': 'the class has no on_tick(state) method'}
        # Everything alive now (numpy, the harness, the strategy as constructed) leaves the cyclic
        # collector's generations: collections during ticks then walk only what ticks allocate,
        # instead of numpy's tens of thousands of objects in each full collection.
        gc.freeze()
        return {'ok': True}
    except _Deadline:
        return {'ok': False, 'kind': 'timeout', 'error': 'startup (top-level code and constructor) did not finish within its %d ms limit' % msg['startup_ms']}
    finally:
        _disarm()


def _tick(own_json, shared_text):
    """One on_tick + factor_vector, all under the deadline; the answer JSON text, or None on timeout."""
    started = _clock()
    try:
        _arm(_deadline_s)
        try:
            state = MarketState.from_wire(_parse(own_json), shared_text)
            try:
                out = _agent.on_tick(state)
            except _Deadline:
                raise
            except BaseException as e:
                return _fail('error', 'on_tick raised ' + _describe(e), _frames(e))
            if out is None:
                out = []
            if not isinstance(out, (list, tuple)):
                return _fail('output', 'on_tick must return a list of Order, got ' + type.__dict__['__name__'].__get__(type(out))[:64])
            n = len(out)
            take = min(n, _max_orders)
            orders = []
            for i in range(take):
                try:
                    orders.append(_order_wire(out[i]))
                except _Deadline:
                    raise
                except BaseException:
                    orders.append(None)
            fv = None
            try:
                v = _agent.factor_vector()
                if isinstance(v, np.ndarray):
                    v = (v[:MAX_FACTORS] if v.ndim == 1 else v.ravel()[:MAX_FACTORS]).tolist()
                if isinstance(v, (list, tuple)):
                    # Finite floats as they are (x - x is 0.0 only for those), the rest through _num.
                    fv = [x if type(x) is float and x - x == 0.0 else _num(x) for x in v[:MAX_FACTORS]]
            except _Deadline:
                raise
            except BaseException:
                fv = None
            out = state = v = None  # finalisers of what the strategy returned run under the deadline
            if _clock() - started > _deadline_s:
                # Over the deadline even though no alarm got through (one was swallowed, e.g. in a
                # finaliser, where Python ignores exceptions): still a timeout.
                return None
            answer = {'ok': True, 'orders': orders, 'extra': n - take, 'fv': fv}
            log = _log.take()
            if log:
                answer['log'] = log
            text = _dumps(answer)
            if len(text) > _max_output:
                return _fail('output', 'output exceeds %d characters' % _max_output)
            return text
        finally:
            _disarm()
    except _Deadline:
        _disarm()
        return None


def _apply_limits(spec):
    # Hard limits: the strategy cannot raise them again (no CAP_SYS_RESOURCE in the sandbox).
    mb = spec['memory_mb'] * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (mb, mb))
    cpu = spec['cpu_seconds']
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NOFILE, (spec['max_files'], spec['max_files']))
    resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))


def main():
    hello = _recv()  # {t: 'limits', ...}: applied before any user code exists
    _apply_limits(hello)
    _send({'t': 'ready', 'pid': os.getpid()})
    while True:
        try:
            msg = _recv()
        except _Deadline:
            continue
        t = msg.get('t')
        if t == 'tick':
            shared = msg['shared']
            items = []
            answers = []
            for c in msg['calls']:
                t0 = _clock()
                out = _tick(c['state'], shared[c['shared']] if c['shared'] < len(shared) else '')
                ms = (_clock() - t0) * 1000.0
                if out is None:
                    item = {'sid': c['sid'], 'seq': c['seq'], 'ok': False, 'kind': 'timeout', 'error': 'exceeded its time limit', 'ms': ms}
                    # What it printed before it overran is often what explains the overrun.
                    log = _log.take()
                    if log:
                        item['log'] = log
                    items.append(item)
                else:
                    out = out.encode('utf-8', 'replace')
                    items.append({'sid': c['sid'], 'seq': c['seq'], 'ok': True, 'out': len(out), 'ms': ms})
                    answers.append(out)
            _send_results(items, answers)
        elif t == 'load':
            res = _load(msg)
            res.update({'t': 'loaded', 'req': msg['req'], 'sid': msg['sid']})
            _send(res)
        elif t == 'unload':
            os._exit(0)


main()
