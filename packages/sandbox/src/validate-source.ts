/**
 * Static checks of an uploaded strategy (SPEC §8) and its compilation to the form the sandbox
 * loads. Nothing here executes user code: that happens only inside a runner (see SandboxPool).
 */
import ts from 'typescript';
import { StrategyValidationError, type StrategyDiagnostic } from './errors.js';

export const STRATEGY_NAME_RULE = /^[a-zA-Z][a-zA-Z0-9_]{2,63}$/;
/** Built-in strategy names a user strategy may not take. */
export const RESERVED_STRATEGY_NAMES: readonly string[] = ['momentum', 'mean_reversion', 'market_maker', 'rl_ppo'];
export const DEFAULT_MAX_SOURCE_CHARS = 32_000;

export interface CompiledStrategy {
  /** Name of the BaseAgent subclass (`default` for an anonymous default export). */
  className: string;
  /** A function expression `(function (exports, module) { ...; return Cls; })` evaluated in the sandbox. */
  code: string;
}

export function checkStrategyName(name: unknown): StrategyDiagnostic[] {
  if (typeof name !== 'string' || !STRATEGY_NAME_RULE.test(name)) {
    return [{ rule: 'name', message: `strategy_name must match ${STRATEGY_NAME_RULE.source} (a letter, then 2-63 letters, digits or _), got ${JSON.stringify(name)}` }];
  }
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

function memberNames(node: ts.ClassLikeDeclaration): Set<string> {
  const names = new Set<string>();
  for (const m of node.members) {
    if ((ts.isMethodDeclaration(m) || ts.isPropertyDeclaration(m)) && m.name && (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name))) {
      if (ts.isPropertyDeclaration(m) && !(m.initializer && (ts.isArrowFunction(m.initializer) || ts.isFunctionExpression(m.initializer)))) continue;
      names.add(m.name.text);
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
 * Checks size, syntax (with line:column), imports/require, exactly one BaseAgent subclass with
 * `onTick`/`on_tick` and `factorVector`/`factor_vector`, and compiles TypeScript or JavaScript to
 * the wrapped script. Throws StrategyValidationError listing every problem found.
 */
export function compileStrategy(source: unknown, opts: { maxSourceChars?: number } = {}): CompiledStrategy {
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
    if (!names.has('onTick') && !names.has('on_tick')) {
      diags.push({ rule: 'methods', message: 'the strategy class must implement onTick(state) (or on_tick) returning an array of orders', ...pos });
    }
    if (!names.has('factorVector') && !names.has('factor_vector')) {
      diags.push({ rule: 'methods', message: 'the strategy class must implement factorVector() (or factor_vector) returning an array of numbers', ...pos });
    }
  }
  if (diags.length) throw new StrategyValidationError(diags);

  const out = ts.transpileModule(source, {
    fileName: 'strategy.ts',
    reportDiagnostics: true,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      removeComments: true,
      useDefineForClassFields: true,
      sourceMap: false,
      inlineSourceMap: false,
    },
  });
  for (const d of out.diagnostics ?? []) {
    diags.push({ rule: 'syntax', message: ts.flattenDiagnosticMessageText(d.messageText, '\n'), ...(d.file && d.start !== undefined ? at(d.file, d.start) : {}) });
  }
  if (diags.length) throw new StrategyValidationError(diags);

  const only = found[0]!;
  const className = only.node.name?.text ?? 'default';
  const code = `(function (exports, module) {\n${out.outputText}\n;return (${only.ref});\n})`;
  return { className, code };
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
