/**
 * Static checks of Python strategy source, run by CPython's own parser inside the same bubblewrap
 * sandbox as the workers (the source is never parsed by the host): syntax (with line:column),
 * imports outside the allowlist, exactly one class inheriting BaseAgent, with on_tick and
 * factor_vector (the original's two required methods).
 * The probe start (SandboxPool.probe) then runs the constructor and one on_tick.
 */
import { spawn } from 'node:child_process';
import { StrategyValidationError, type StrategyDiagnostic } from '../errors.js';
import type { StrategyParams } from '../strategy-params.js';
import { bwrapArgs, type PythonRuntime } from './bwrap-command.js';
import { hostIdentity } from './host-identity.js';
import { withSeccompFd } from './seccomp-fd.js';

/** Modules a strategy may import (kept equal to ALLOWED_IMPORTS in harness.py; a test pins both). */
export const PYTHON_ALLOWED_IMPORTS = [
  'numpy', 'math', 'cmath', 'statistics', 'random', 'collections', 'itertools', 'functools', 'heapq',
  'bisect', 'dataclasses', 'typing', 'enum', 'decimal', 'fractions', 'operator', 'copy', 'abc', 'logging',
] as const;

/** Submodules of allowed modules that stay refused (REFUSED_SUBMODULES in harness.py): sockets, files, config servers. */
export const PYTHON_REFUSED_SUBMODULES = ['logging.handlers', 'logging.config'] as const;

const CHECKER = String.raw`
import sys, ast, json, resource
resource.setrlimit(resource.RLIMIT_AS, (256 << 20, 256 << 20))
resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))
allowed = set(sys.argv[1].split(','))
refused = set(sys.argv[2].split(',')) if len(sys.argv) > 2 else set()
src = sys.stdin.read()
out = []
def diag(rule, message, node=None, line=None, col=None):
    d = {'rule': rule, 'message': message}
    if node is not None:
        line, col = node.lineno, node.col_offset + 1
    if line is not None:
        d['line'] = line
        d['column'] = col or 1
    out.append(d)
try:
    tree = ast.parse(src, 'strategy.py')
except SyntaxError as e:
    diag('syntax', 'SyntaxError: ' + str(e.msg), line=e.lineno or 1, col=e.offset or 1)
    tree = None
except (RecursionError, MemoryError, ValueError) as e:
    diag('syntax', type(e).__name__ + ': ' + str(e)[:200])
    tree = None
if tree is not None:
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = ['.' if node.level else (node.module or '')]
            if not node.level and node.module:
                names += [node.module + '.' + a.name for a in node.names if node.module + '.' + a.name in refused]
        for n in names:
            if n in refused:
                diag('import', 'import of %r is not allowed (it opens files or sockets); log with print() or logging.getLogger()' % n, node)
            elif n.split('.')[0] not in allowed:
                diag('import', 'import of %r is not allowed; allowed modules: %s' % (n, ', '.join(sorted(allowed))), node)
    def is_base(b):
        return (isinstance(b, ast.Name) and b.id == 'BaseAgent') or (isinstance(b, ast.Attribute) and b.attr == 'BaseAgent')
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef) and any(is_base(b) for b in n.bases)]
    if not classes:
        diag('class', 'define exactly one class inheriting BaseAgent, e.g. "class MyStrategy(BaseAgent):"', line=1, col=1)
    elif len(classes) > 1:
        diag('class', 'define exactly one class inheriting BaseAgent; found %d (%s)' % (len(classes), ', '.join(c.name for c in classes)), classes[1])
    else:
        cls = classes[0]
        methods = {n.name for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        if 'on_tick' not in methods:
            diag('methods', 'class %s must define on_tick(self, state) returning a list of Order' % cls.name, cls)
        if 'factor_vector' not in methods:
            diag('methods', 'class %s must define factor_vector(self) returning a list or numpy array of numbers' % cls.name, cls)
        for n in cls.body:
            if isinstance(n, ast.AsyncFunctionDef) and n.name in ('on_tick', 'factor_vector'):
                diag('methods', '%s must be a plain def, not async def' % n.name, n)
    params = None
    if len(classes) == 1:
        init = next((n for n in classes[0].body if isinstance(n, ast.FunctionDef) and n.name == '__init__'), None)
        if init is None:
            params = {'names': [], 'open': True}  # BaseAgent.__init__ takes **kwargs
        else:
            a = init.args
            plain = a.posonlyargs + a.args
            defaults = [None] * (len(plain) - len(a.defaults)) + list(a.defaults)
            pairs = list(zip(plain, defaults)) + list(zip(a.kwonlyargs, a.kw_defaults))
            def kind(d):
                if isinstance(d, ast.Constant):
                    if isinstance(d.value, bool): return 'boolean'
                    if isinstance(d.value, (int, float)): return 'number'
                    if isinstance(d.value, str): return 'string'
                return None
            names = []
            for arg, d in pairs:
                if arg.arg in ('self', 'agent_id') or arg in a.posonlyargs:
                    continue
                t = kind(d)
                names.append({'name': arg.arg, 'type': t} if t else {'name': arg.arg})
            params = {'names': names, 'open': a.kwarg is not None}
    print(json.dumps({'diagnostics': out, 'class_name': classes[0].name if len(classes) == 1 else None, 'params': params}))
else:
    print(json.dumps({'diagnostics': out, 'class_name': None}))
`;

export interface PythonCheck {
  className: string;
  /**
   * The constructor's keyword arguments (what deploy `params` may name), in the TypeScript
   * checker's shape; open when it takes **kwargs or has no __init__ of its own.
   */
  params: StrategyParams | null;
}

/** Runs the checker in the sandbox; resolves with the class name or rejects with StrategyValidationError. */
export function checkPythonSource(rt: PythonRuntime, source: string, opts: { maxSourceChars: number; timeoutMs?: number }): Promise<PythonCheck> {
  if (source.length > opts.maxSourceChars) {
    return Promise.reject(new StrategyValidationError([{ rule: 'size', message: `source is ${source.length} characters; the limit is ${opts.maxSourceChars}` }]));
  }
  if (source.includes('\0')) return Promise.reject(new StrategyValidationError([{ rule: 'syntax', message: 'source contains a NUL character' }]));
  return new Promise((resolve, reject) => {
    const child = withSeccompFd((fd) =>
      spawn(rt.bwrap, bwrapArgs(rt, CHECKER, [PYTHON_ALLOWED_IMPORTS.join(','), PYTHON_REFUSED_SUBMODULES.join(',')], fd !== null), {
        stdio: ['pipe', 'pipe', 'pipe', 'ignore', 'ignore', fd ?? 'ignore'],
        env: {},
        ...hostIdentity(),
      }),
    );
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => void (out.length < 1_000_000 && (out += d)));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => void (err.length < 4_000 && (err += d)));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 10_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let parsed: { diagnostics: StrategyDiagnostic[]; class_name: string | null; params?: StrategyParams | null };
      try {
        parsed = JSON.parse(out) as typeof parsed;
      } catch {
        const why = signal ? `killed by ${signal}` : `exit ${code}: ${err.trim().split('\n').slice(-1)[0] ?? ''}`;
        return reject(new StrategyValidationError([{ rule: 'syntax', message: `the Python checker failed on this source (${why})` }]));
      }
      if (parsed.diagnostics.length || !parsed.class_name) return reject(new StrategyValidationError(parsed.diagnostics));
      resolve({ className: parsed.class_name, params: parsed.params ?? null });
    });
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(source, 'utf8');
  });
}
