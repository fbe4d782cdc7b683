/**
 * Which constructor options (`params`) a strategy reads, found statically: the members of the
 * options type (`extends BaseAgent<{ size?: number }>` or `constructor(options?: { ... })`) and
 * every `this.params.x` / `this.options.x` / `options.x` (constructor parameter) read. Deploys and
 * backtests check the params they are given against this list, so a typo such as `treshold`
 * is refused instead of silently falling back to a default.
 */
import ts from 'typescript';
import type { StrategyDiagnostic } from './errors.js';
import { closestName } from './suggest.js';

export interface StrategyParam {
  name: string;
  /** The declared type as written (`number`), when the options type names it. */
  type?: string;
}

export interface StrategyParams {
  /** Known option names, in order of first appearance. */
  names: StrategyParam[];
  /**
   * True when the code reads params in a way no list can capture (`this.params[key]`, passing
   * `this.params` along): then any name is accepted.
   */
  open: boolean;
}

/** Every param name the class reads. */
export function strategyParams(cls: ts.ClassLikeDeclaration, sf: ts.SourceFile): StrategyParams {
  const names = new Map<string, StrategyParam>();
  let open = false;
  const add = (name: string, type?: string): void => {
    const had = names.get(name);
    if (!had) names.set(name, type ? { name, type } : { name });
    else if (type && !had.type) had.type = type;
  };
  const fromTypeLiteral = (t: ts.TypeNode | undefined): void => {
    if (!t || !ts.isTypeLiteralNode(t)) return;
    for (const m of t.members) {
      if (ts.isPropertySignature(m) && m.name && (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name))) add(m.name.text, m.type?.getText(sf));
      if (ts.isIndexSignatureDeclaration(m)) open = true;
    }
  };
  for (const h of cls.heritageClauses ?? []) for (const t of h.types) if (ts.isIdentifier(t.expression) && t.expression.text === 'BaseAgent') fromTypeLiteral(t.typeArguments?.[0]);
  const ctor = cls.members.find(ts.isConstructorDeclaration);
  const ctorParam = ctor?.parameters[0];
  const ctorName = ctorParam && ts.isIdentifier(ctorParam.name) ? ctorParam.name.text : null;
  if (ctorParam) {
    fromTypeLiteral(ctorParam.type);
    if (ts.isObjectBindingPattern(ctorParam.name)) {
      for (const el of ctorParam.name.elements) {
        if (el.dotDotDotToken) open = true;
        else add(((el.propertyName ?? el.name) as ts.Identifier).getText(sf));
      }
    }
  }

  /** `this.params` / `this.options`, or the constructor's parameter inside the constructor. */
  const isParamsRef = (e: ts.Expression, inCtor: boolean): boolean =>
    (ts.isPropertyAccessExpression(e) && e.expression.kind === ts.SyntaxKind.ThisKeyword && (e.name.text === 'params' || e.name.text === 'options')) ||
    (inCtor && ctorName !== null && ts.isIdentifier(e) && e.text === ctorName);

  const visit = (n: ts.Node, inCtor: boolean): void => {
    if (ts.isExpression(n) && !ts.isParameter(n.parent) && isParamsRef(n, inCtor)) {
      const parent = n.parent;
      if (ts.isPropertyAccessExpression(parent) && parent.expression === n) add(parent.name.text);
      else if (ts.isElementAccessExpression(parent) && parent.expression === n) {
        if (ts.isStringLiteralLike(parent.argumentExpression)) add(parent.argumentExpression.text);
        else open = true;
      } else if (ts.isVariableDeclaration(parent) && parent.initializer === n && ts.isObjectBindingPattern(parent.name)) {
        for (const el of parent.name.elements) {
          if (el.dotDotDotToken) open = true;
          else add(((el.propertyName ?? el.name) as ts.Identifier).getText(sf));
        }
      } else if (ts.isCallExpression(parent) && parent.expression.kind === ts.SyntaxKind.SuperKeyword) {
        // super(options): the base class stores it as this.params, read elsewhere.
      } else if (!(ts.isBinaryExpression(parent) && parent.left === n)) {
        open = true;
      }
    }
    ts.forEachChild(n, (c) => visit(c, inCtor || n === ctor));
  };
  visit(cls, false);
  return { names: [...names.values()], open };
}

/**
 * Problems with deploy/backtest `params` for a strategy that reads `known`: each unknown name,
 * with the closest known one. Nothing when the strategy reads params dynamically.
 */
export function checkParams(given: Record<string, unknown> | undefined, known: StrategyParams | undefined): StrategyDiagnostic[] {
  if (!given || !known || known.open) return [];
  const names = known.names.map((p) => p.name);
  const out: StrategyDiagnostic[] = [];
  for (const key of Object.keys(given)) {
    if (names.includes(key)) continue;
    const guess = closestName(key, names);
    const accepted = names.length ? `it reads ${names.join(', ')}` : 'it reads no params';
    out.push({ rule: 'params', message: `params.${key} is not read by this strategy${guess ? `; did you mean ${guess}?` : ''} (${accepted})` });
  }
  return out;
}
