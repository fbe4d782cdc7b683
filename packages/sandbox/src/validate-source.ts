/**
 * Static checks of an uploaded strategy (docs/MODEL.md §8) and its compilation to the form the sandbox
 * loads. Nothing here executes user code: that happens only inside a runner (see SandboxPool).
 */
import ts from 'typescript';
import { BUILTIN_STRATEGIES } from '@crowdalpha/engine';
import { STRATEGY_NAME_RE, strategyNameProblem } from '@crowdalpha/engine/wire';
import { StrategyValidationError, type StrategyDiagnostic } from './errors.js';
import { looksLikePython, PYTHON_HINT } from './looks-like-python.js';
import { embedSourceMap } from './source-map.js';
import { closestName } from './suggest.js';
import { typeCheckStrategy } from './type-check.js';
import { strategyParams, type StrategyParams } from './strategy-params.js';
import { MAX_NESTING_DEPTH, excessiveNesting } from './nesting-depth.js';

/** The strategy-name rule (defined once in the engine's wire rules). */
export const STRATEGY_NAME_RULE = STRATEGY_NAME_RE;
/** Built-in strategy names a user strategy may not take: every built-in type. */
export const RESERVED_STRATEGY_NAMES: readonly string[] = BUILTIN_STRATEGIES.map((s) => s.type);
export const DEFAULT_MAX_SOURCE_CHARS = 32_000;

export interface CompiledStrategy {
  /** Name of the BaseAgent subclass (`default` for an anonymous default export). */
  className: string;
  /**
   * A function expression `(function (exports, module) { ...; return Cls; })` evaluated in the
   * sandbox, followed by a comment carrying the source map (runtime errors are reported at the
   * author's line:column).
   */
  code: string;
  /** Type-check findings that do not refuse the strategy (its own code's type errors). */
  warnings: StrategyDiagnostic[];
  /** The constructor options the strategy reads (deploy `params` are checked against them). */
  params: StrategyParams;
}

export interface CompileOptions {
  maxSourceChars?: number;
  /** Type-check against the SDK declarations (default true). */
  typeCheck?: boolean;
}

export function checkStrategyName(name: unknown): StrategyDiagnostic[] {
  const problem = strategyNameProblem(name);
  if (problem !== null || typeof name !== 'string') return [{ rule: 'name', message: problem ?? 'strategy_name must be a string' }];
  if (RESERVED_STRATEGY_NAMES.includes(name.toLowerCase())) {
    return [{ rule: 'reserved_name', message: `strategy_name "${name}" is a built-in strategy; reserved: ${RESERVED_STRATEGY_NAMES.join(', ')}` }];
  }
  return [];
}

function at(sf: ts.SourceFile, pos: number): { line: number; column: number } {
  const lc = sf.getLineAndCharacterOfPosition(pos);
  return { line: lc.line + 1, column: lc.character + 1 };
}

function extendsBaseAgent(node: ts.ClassLikeDeclaration): boolean {
  for (const clause of node.heritageClauses ?? []) {
    if (clause.token !== ts.SyntaxKind.ExtendsKeyword) continue;
    for (const t of clause.types) if (ts.isIdentifier(t.expression) && t.expression.text === 'BaseAgent') return true;
  }
  return false;
}

/** Method names of the class (and function-valued fields), with where each is declared. */
function memberNames(node: ts.ClassLikeDeclaration): Map<string, number> {
  const names = new Map<string, number>();
  for (const m of node.members) {
    if ((ts.isMethodDeclaration(m) || ts.isPropertyDeclaration(m)) && m.name && (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name))) {
      if (ts.isPropertyDeclaration(m) && !(m.initializer && (ts.isArrowFunction(m.initializer) || ts.isFunctionExpression(m.initializer)))) continue;
      names.set(m.name.text, m.name.getStart());
    }
  }
  return names;
}

interface Found {
  node: ts.ClassLikeDeclaration;
  /** Expression returning the class from the wrapper, or null when it is not at top level. */
  ref: string | null;
}

/**
 * Checks size, nesting, syntax (with line:column), imports/require, exactly one BaseAgent subclass
 * with `onTick`/`on_tick` and `factorVector`/`factor_vector`, and compiles TypeScript or
 * JavaScript to the wrapped script. Throws StrategyValidationError listing every problem found.
 */
export function compileStrategy(source: unknown, opts: CompileOptions = {}): CompiledStrategy {
  if (typeof source === 'string' && source.length <= (opts.maxSourceChars ?? DEFAULT_MAX_SOURCE_CHARS)) {
    const deep = excessiveNesting(source);
    if (deep) {
      const lines = source.slice(0, deep.index).split('\n');
      throw new StrategyValidationError([
        { rule: 'nesting', message: `brackets are nested more than ${MAX_NESTING_DEPTH} levels deep; flatten the code`, line: lines.length, column: (lines[lines.length - 1]?.length ?? 0) + 1 },
      ]);
    }
  }
  try {
    return compileChecked(source, opts);
  } catch (e) {
    // The parser and emitter recurse per nesting level: deep nesting without brackets still overflows.
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw new StrategyValidationError([{ rule: 'nesting', message: 'the code is nested too deeply to compile (the parser ran out of stack); flatten the code' }]);
    }
    throw e;
  }
}

function compileChecked(source: unknown, opts: CompileOptions): CompiledStrategy {
  const maxChars = opts.maxSourceChars ?? DEFAULT_MAX_SOURCE_CHARS;
  if (typeof source !== 'string' || source.trim() === '') {
    throw new StrategyValidationError([{ rule: 'size', message: 'code must be a non-empty string of TypeScript or JavaScript' }]);
  }
  if (source.length > maxChars) {
    throw new StrategyValidationError([{ rule: 'size', message: `code is ${source.length} characters; the limit is ${maxChars}` }]);
  }
  const diags: StrategyDiagnostic[] = [];
  const sf = ts.createSourceFile('strategy.ts', source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const parseDiagnostics = (sf as unknown as { parseDiagnostics?: readonly ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  for (const d of parseDiagnostics) {
    diags.push({ rule: 'syntax', message: ts.flattenDiagnosticMessageText(d.messageText, '\n'), ...at(sf, d.start) });
  }
  if (diags.length && looksLikePython(source)) {
    throw new StrategyValidationError([{ rule: 'language', message: PYTHON_HINT }, ...diags.slice(0, 1)]);
  }
  if (diags.length) throw new StrategyValidationError(diags);

  const found: Found[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isImportEqualsDeclaration(node)) {
      diags.push({ rule: 'import', message: 'import is not allowed: strategies get the SDK as globals (BaseAgent, Orders, limit, market, cancel, Side, OrderType)', ...at(sf, node.getStart(sf)) });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      diags.push({ rule: 'import', message: 're-exporting from a module is not allowed', ...at(sf, node.getStart(sf)) });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      diags.push({ rule: 'import', message: 'dynamic import() is not allowed', ...at(sf, node.getStart(sf)) });
    } else if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) {
      diags.push({ rule: 'import', message: 'import.meta is not allowed', ...at(sf, node.getStart(sf)) });
    } else if (ts.isIdentifier(node) && node.text === 'require' && !(ts.isPropertyAccessExpression(node.parent) && node.parent.name === node)) {
      diags.push({ rule: 'import', message: 'require is not allowed: strategies cannot load modules', ...at(sf, node.getStart(sf)) });
    }
    if ((ts.isClassDeclaration(node) || ts.isClassExpression(node)) && extendsBaseAgent(node)) {
      found.push({ node, ref: topLevelRef(node, sf) });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);

  if (found.length === 0) {
    diags.push({ rule: 'class', message: 'define exactly one class that extends BaseAgent, e.g. `class MyStrategy extends BaseAgent { onTick(state) { return []; } factorVector() { return []; } }`' });
  } else if (found.length > 1) {
    for (const f of found.slice(1)) {
      diags.push({ rule: 'class', message: `found ${found.length} classes extending BaseAgent; define exactly one`, ...at(sf, f.node.getStart(sf)) });
    }
  } else {
    const only = found[0]!;
    const pos = at(sf, only.node.getStart(sf));
    if (only.ref === null) {
      diags.push({ rule: 'class', message: 'declare the BaseAgent subclass at the top level of the file (`class X extends BaseAgent {}` or `export default class ...`)', ...pos });
    }
    const names = memberNames(only.node);
    const claimed = new Set<string>();
    const missing = (wanted: string, alias: string, what: string): void => {
      if (names.has(wanted) || names.has(alias)) return;
      const others = [...names.keys()].filter((n) => !claimed.has(n) && !['constructor', 'onTick', 'on_tick', 'factorVector', 'factor_vector'].includes(n));
      const guess = closestName(wanted, others) ?? closestName(alias, others);
      if (guess) {
        claimed.add(guess);
        diags.push({ rule: 'methods', message: `the strategy class has ${guess} but no ${wanted}; did you mean ${wanted}? (${what})`, ...at(sf, names.get(guess)!) });
      } else {
        diags.push({ rule: 'methods', message: `the strategy class must implement ${wanted}(${wanted === 'onTick' ? 'state' : ''}) (or ${alias}) ${what}`, ...pos });
      }
    };
    missing('onTick', 'on_tick', 'returning an array of orders');
    missing('factorVector', 'factor_vector', 'returning an array of numbers');
  }
  if (diags.length) throw new StrategyValidationError(diags);

  const typeDiags = opts.typeCheck === false ? [] : typeCheckStrategy(source, sf);
  const typeErrors = typeDiags.filter((d) => d.severity !== 'warning');
  if (typeErrors.length) throw new StrategyValidationError([...typeErrors, ...typeDiags.filter((d) => d.severity === 'warning')]);

  const out = ts.transpileModule(source, {
    fileName: 'strategy.ts',
    reportDiagnostics: true,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      removeComments: true,
      useDefineForClassFields: true,
      sourceMap: true,
      inlineSourceMap: false,
    },
  });
  for (const d of out.diagnostics ?? []) {
    diags.push({ rule: 'syntax', message: ts.flattenDiagnosticMessageText(d.messageText, '\n'), ...(d.file && d.start !== undefined ? at(d.file, d.start) : {}) });
  }
  if (diags.length) throw new StrategyValidationError(diags);

  const only = found[0]!;
  const className = only.node.name?.text ?? 'default';
  // transpileModule appends a sourceMappingURL comment: drop it, the map travels in our own comment.
  const js = out.outputText.replace(/\n\/\/# sourceMappingURL=.*$/, '');
  const code = embedSourceMap(`(function (exports, module) {\n${js}\n;return (${only.ref});\n})`, out.sourceMapText, 1);
  return { className, code, warnings: typeDiags, params: strategyParams(only.node, sf) };
}

/** How the wrapper refers to a top-level class: its own name, the variable it is assigned to, or the default export. */
function topLevelRef(node: ts.ClassLikeDeclaration, sf: ts.SourceFile): string | null {
  if (ts.isClassDeclaration(node) && node.parent === sf) {
    if (node.name) return node.name.text;
    return 'module.exports.default';
  }
  if (ts.isClassExpression(node)) {
    const decl = node.parent;
    if (ts.isVariableDeclaration(decl) && decl.initializer === node && ts.isIdentifier(decl.name)) {
      const stmt = decl.parent?.parent;
      if (stmt && ts.isVariableStatement(stmt) && stmt.parent === sf) return decl.name.text;
    }
    if (ts.isExportAssignment(decl) && decl.parent === sf) return 'module.exports.default';
  }
  return null;
}
