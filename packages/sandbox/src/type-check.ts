/**
 * Type-checks a strategy against the SDK's ambient declarations (SDK_AMBIENT_DTS) with the
 * TypeScript compiler API over an in-memory host. One LanguageService lives per process: the
 * lib and SDK declarations are parsed and bound once, so a registration only re-checks the
 * strategy file (the first check pays for the libs, later ones take milliseconds).
 *
 * What is refused and what is only reported: a type error that involves the SDK (a member that
 * does not exist on MarketState/Side/OrderType/OrderIntent, an order of the wrong shape, a call
 * of an SDK function with the wrong arguments, a misspelt SDK global, onTick's signature) is an
 * error, because it is what silently drops orders at run time. Other type errors in the author's
 * own code are warnings: the sandbox runs JavaScript, and code that does not type-check may
 * still be what the author meant.
 *
 * Untyped code gets its types where the author would have written them: onTick's parameter is
 * a MarketState and its result an OrderIntent[] (TypeScript does not infer a method's parameter
 * types from the base class). Code without any TypeScript syntax is checked as JavaScript
 * (checkJs), so `this.x = 1` in a constructor declares `x` as it does at run time.
 */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import type { StrategyDiagnostic } from './errors.js';
import { SDK_AMBIENT_DTS } from './sdk/ambient.js';
import { closestName, SDK_RENAMES, snakeToCamel } from './suggest.js';

const SDK_FILE = '/crowdalpha/sdk.d.ts';
const TS_FILE = '/crowdalpha/strategy.ts';
const JS_FILE = '/crowdalpha/strategy.js';

/** SDK globals a misspelt identifier is compared with. */
const SDK_GLOBALS = ['BaseAgent', 'Orders', 'limit', 'market', 'cancel', 'Side', 'OrderType', 'MarketState', 'OrderIntent', 'console'];

/** Names a tick method may carry; the first is the SDK's, the second the original API's alias. */
export const TICK_METHODS = ['onTick', 'on_tick'] as const;

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  lib: ['lib.es2022.d.ts'],
  types: [],
  noEmit: true,
  allowJs: true,
  checkJs: true,
  strict: false,
  noImplicitAny: false,
  strictNullChecks: false,
  useDefineForClassFields: true,
  skipLibCheck: true,
  noResolve: true,
  isolatedModules: false,
};

interface Insertion {
  /** Position in the original text before which `text` was inserted. */
  at: number;
  text: string;
}

class StrategyChecker {
  private readonly texts = new Map<string, { text: string; version: number }>();
  private readonly libs = new Map<string, ts.IScriptSnapshot | undefined>();
  private current = TS_FILE;
  private readonly service: ts.LanguageService;
  private readonly libPath = ts.getDefaultLibFilePath(OPTIONS);

  constructor() {
    this.texts.set(SDK_FILE, { text: SDK_AMBIENT_DTS, version: 1 });
    const host: ts.LanguageServiceHost = {
      getCompilationSettings: () => OPTIONS,
      getScriptFileNames: () => [SDK_FILE, this.current],
      getScriptVersion: (f) => String(this.texts.get(f)?.version ?? 0),
      getScriptSnapshot: (f) => {
        const own = this.texts.get(f);
        if (own) return ts.ScriptSnapshot.fromString(own.text);
        return this.lib(f);
      },
      getCurrentDirectory: () => '/crowdalpha',
      getDefaultLibFileName: () => this.libPath,
      fileExists: (f) => this.texts.has(f) || this.lib(f) !== undefined,
      readFile: (f) => this.texts.get(f)?.text ?? this.lib(f)?.getText(0, this.lib(f)!.getLength()),
      useCaseSensitiveFileNames: () => true,
    };
    this.service = ts.createLanguageService(host, ts.createDocumentRegistry());
  }

  /** Lib declarations, read from the typescript package once each. */
  private lib(file: string): ts.IScriptSnapshot | undefined {
    if (this.libs.has(file)) return this.libs.get(file);
    const p = path.isAbsolute(file) ? file : path.join(path.dirname(this.libPath), file);
    const snap = p.startsWith(path.dirname(this.libPath)) && existsSync(p) ? ts.ScriptSnapshot.fromString(readFileSync(p, 'utf8')) : undefined;
    this.libs.set(file, snap);
    return snap;
  }

  check(source: string, sf: ts.SourceFile): StrategyDiagnostic[] {
    const js = !usesTypeScriptSyntax(sf);
    const file = js ? JS_FILE : TS_FILE;
    const insertions = js ? jsDocInsertions(sf) : annotationInsertions(sf);
    const text = applyInsertions(source, insertions);
    const prev = this.texts.get(file);
    this.texts.set(file, { text, version: (prev?.version ?? 0) + 1 });
    this.current = file;
    const program = this.service.getProgram();
    if (!program) return [];
    const checked = program.getSourceFile(file);
    if (!checked) return [];
    const checker = program.getTypeChecker();
    const raw = [...program.getSyntacticDiagnostics(checked), ...program.getSemanticDiagnostics(checked)];
    const out: StrategyDiagnostic[] = [];
    const seen = new Set<string>();
    for (const d of raw) {
      if (d.start === undefined) continue;
      const mapped = d.start === undefined ? 0 : originalPosition(d.start, insertions);
      const lc = sf.getLineAndCharacterOfPosition(Math.min(mapped, source.length));
      const found = explain(d, checked, checker);
      if (found === null) continue;
      const diag: StrategyDiagnostic = {
        rule: found.sdk ? 'type' : 'type_warning',
        severity: found.sdk ? 'error' : 'warning',
        message: found.message,
        line: lc.line + 1,
        column: lc.character + 1,
      };
      const key = `${diag.line}:${diag.column}:${diag.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(diag);
    }
    return out;
  }
}

let shared: StrategyChecker | null = null;

/**
 * Type diagnostics of a strategy that already parsed (`sf` is its syntax tree): errors
 * (`severity: 'error'`, rule `type`) and warnings (rule `type_warning`), at 1-based line:column.
 */
export function typeCheckStrategy(source: string, sf: ts.SourceFile): StrategyDiagnostic[] {
  shared ??= new StrategyChecker();
  return shared.check(source, sf);
}

// ---- what a diagnostic means for the author ------------------------------------------------------

function nodeAt(sf: ts.SourceFile, pos: number): ts.Node | undefined {
  let found: ts.Node | undefined;
  const visit = (n: ts.Node): void => {
    if (pos >= n.getStart(sf) && pos < n.getEnd()) {
      found = n;
      ts.forEachChild(n, visit);
    }
  };
  visit(sf);
  return found;
}

function declaredInSdk(type: ts.Type | undefined): boolean {
  const sym = type?.getSymbol() ?? type?.aliasSymbol;
  return !!sym?.declarations?.some((d) => d.getSourceFile().fileName === SDK_FILE);
}

function insideTickMethod(node: ts.Node | undefined): boolean {
  for (let n = node; n; n = n.parent) {
    if ((ts.isMethodDeclaration(n) || ts.isPropertyDeclaration(n)) && n.name && ts.isIdentifier(n.name) && (TICK_METHODS as readonly string[]).includes(n.name.text)) return true;
  }
  return false;
}

function insideReturn(node: ts.Node | undefined): boolean {
  for (let n = node; n; n = n.parent) {
    if (ts.isReturnStatement(n)) return true;
    if (ts.isFunctionLike(n)) return ts.isArrowFunction(n) && !ts.isBlock(n.body);
  }
  return false;
}

/** The author-facing text of one diagnostic and whether it involves the SDK; null to drop it. */
function explain(d: ts.Diagnostic, sf: ts.SourceFile, checker: ts.TypeChecker): { message: string; sdk: boolean } | null {
  const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
  const node = d.start !== undefined ? nodeAt(sf, d.start) : undefined;
  switch (d.code) {
    case 2339: // Property 'x' does not exist on type 'T'.
    case 2551: {
      // ... Did you mean 'y'?
      const access = node && ts.isIdentifier(node) && node.parent && ts.isPropertyAccessExpression(node.parent) ? node.parent : undefined;
      if (!access) return { message, sdk: false };
      const objType = checker.getTypeAtLocation(access.expression);
      if (!declaredInSdk(objType)) return { message, sdk: false };
      const name = access.name.text;
      const props = objType.getProperties().map((p) => p.getName());
      const owner = ts.isIdentifier(access.expression) ? access.expression.text : checker.typeToString(objType);
      const typeName = objType.getSymbol()?.getName();
      const subject = typeName && typeName !== '__type' && typeName !== '__object' ? typeName : owner;
      const guess = closestName(name, props);
      const snake = name.includes('_') && snakeToCamel(name) === guess;
      const hint = guess
        ? snake || SDK_RENAMES[name] === guess
          ? `; write ${owner}.${guess} (the SDK spells it ${guess}; ${name} is the original API's name)`
          : `; did you mean ${owner}.${guess}?`
        : `; it has ${props.slice(0, 24).join(', ')}`;
      return { message: `${subject} has no member ${name}${hint}`, sdk: true };
    }
    case 2304: // Cannot find name 'x'.
    case 2552: {
      // Cannot find name 'x'. Did you mean 'y'?
      const name = node && ts.isIdentifier(node) ? node.text : '';
      const guess = name ? closestName(name, SDK_GLOBALS) : null;
      if (guess) return { message: `${name} is not defined; did you mean ${guess}? (SDK globals: ${SDK_GLOBALS.join(', ')})`, sdk: true };
      return { message, sdk: false };
    }
    case 2322: // Type 'A' is not assignable to type 'B'.
    case 2345: // Argument of type 'A' is not assignable to parameter of type 'B'.
    case 2353: // Object literal may only specify known properties
    case 2741: // Property 'x' is missing in type
    case 2739:
    case 2740:
    case 2769: {
      // No overload matches this call.
      const sdk = /\b(Side|OrderType|OrderIntent|MarketState|DepthSnapshot|BookLevel|OpenOrder|Fill|StrategyRandom)\b/.test(message) || (insideTickMethod(node) && insideReturn(node));
      const orderHint = /"(buy|sell|BUY|SELL|bid|ask)"/.test(message) ? ' (write Side.BID or Side.ASK)' : '';
      return { message: message + orderHint, sdk };
    }
    case 2416: // Property 'onTick' in type 'X' is not assignable to the same property in base type
    case 2515: // Non-abstract class does not implement inherited abstract member
    case 2653:
      // The structural checks in validate-source report a missing onTick with a "did you mean";
      // an on_tick alias satisfies it at run time.
      if (d.code !== 2416) return null;
      return { message, sdk: true };
    case 2564: // Property has no initializer (strict only)
    case 7006:
    case 7044:
      return null;
    default:
      return { message, sdk: false };
  }
}

// ---- where untyped code gets its types -----------------------------------------------------------

/** True when the file uses any TypeScript-only syntax (then it is checked as TypeScript). */
export function usesTypeScriptSyntax(sf: ts.SourceFile): boolean {
  let ts_ = false;
  const visit = (n: ts.Node): void => {
    if (ts_) return;
    if (
      (ts.isTypeNode(n) && !(ts.isExpressionWithTypeArguments(n) && !n.typeArguments)) ||
      ts.isInterfaceDeclaration(n) ||
      ts.isTypeAliasDeclaration(n) ||
      ts.isEnumDeclaration(n) ||
      ts.isModuleDeclaration(n) ||
      ts.isAsExpression(n) ||
      ts.isNonNullExpression(n) ||
      ts.isTypeAssertionExpression(n) ||
      ts.isSatisfiesExpression(n) ||
      (ts.canHaveModifiers(n) &&
        (ts.getModifiers(n) ?? []).some((m) =>
          [ts.SyntaxKind.PrivateKeyword, ts.SyntaxKind.PublicKeyword, ts.SyntaxKind.ProtectedKeyword, ts.SyntaxKind.ReadonlyKeyword, ts.SyntaxKind.AbstractKeyword, ts.SyntaxKind.DeclareKeyword, ts.SyntaxKind.OverrideKeyword].includes(m.kind),
        ))
    ) {
      ts_ = true;
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return ts_;
}

/** onTick-like members of BaseAgent subclasses: the function node whose signature to type. */
function tickFunctions(sf: ts.SourceFile): Array<{ member: ts.ClassElement; fn: ts.SignatureDeclaration }> {
  const out: Array<{ member: ts.ClassElement; fn: ts.SignatureDeclaration }> = [];
  const visit = (n: ts.Node): void => {
    if ((ts.isClassDeclaration(n) || ts.isClassExpression(n)) && n.heritageClauses?.some((h) => h.types.some((t) => ts.isIdentifier(t.expression) && t.expression.text === 'BaseAgent'))) {
      for (const m of n.members) {
        if (!m.name || !ts.isIdentifier(m.name) || !(TICK_METHODS as readonly string[]).includes(m.name.text)) continue;
        if (ts.isMethodDeclaration(m)) out.push({ member: m, fn: m });
        else if (ts.isPropertyDeclaration(m) && m.initializer && (ts.isArrowFunction(m.initializer) || ts.isFunctionExpression(m.initializer))) out.push({ member: m, fn: m.initializer });
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

function closeParenEnd(fn: ts.SignatureDeclaration, sf: ts.SourceFile): number | null {
  const paren = fn.getChildren(sf).find((c) => c.kind === ts.SyntaxKind.CloseParenToken);
  return paren ? paren.getEnd() : null;
}

/** TypeScript: `onTick(state)` → `onTick(state: MarketState): OrderIntent[]` where left out. */
function annotationInsertions(sf: ts.SourceFile): Insertion[] {
  const out: Insertion[] = [];
  for (const { fn } of tickFunctions(sf)) {
    const p = fn.parameters[0];
    if (p && !p.type && ts.isIdentifier(p.name) && !p.questionToken && !p.initializer) out.push({ at: p.name.getEnd(), text: ': MarketState' });
    const end = closeParenEnd(fn, sf);
    if (!fn.type && end !== null) out.push({ at: end, text: ': OrderIntent[]' });
  }
  return out.sort((a, b) => a.at - b.at);
}

/** JavaScript: the same types as a JSDoc comment in front of the method. */
function jsDocInsertions(sf: ts.SourceFile): Insertion[] {
  const out: Insertion[] = [];
  for (const { member, fn } of tickFunctions(sf)) {
    const p = fn.parameters[0];
    const param = p && ts.isIdentifier(p.name) ? ` @param {MarketState} ${p.name.text}` : '';
    out.push({ at: member.getStart(sf), text: `/**${param} @returns {OrderIntent[]} */ ` });
  }
  return out.sort((a, b) => a.at - b.at);
}

function applyInsertions(source: string, ins: Insertion[]): string {
  let out = '';
  let last = 0;
  for (const i of ins) {
    out += source.slice(last, i.at) + i.text;
    last = i.at;
  }
  return out + source.slice(last);
}

/** Maps a position in the annotated text back to the author's text. */
function originalPosition(pos: number, ins: Insertion[]): number {
  let shift = 0;
  for (const i of ins) {
    const start = i.at + shift;
    if (pos < start) break;
    if (pos < start + i.text.length) return i.at;
    shift += i.text.length;
  }
  return pos - shift;
}
