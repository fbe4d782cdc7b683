/**
 * Which language a submitted strategy is in. An explicit `language` wins; without one the rule is:
 * a line that starts (after indentation) with `class Name(` or `def name(` — Python syntax no
 * TypeScript class can have — means Python; anything else is TypeScript.
 */
export type StrategyLanguage = 'typescript' | 'python';

export const STRATEGY_LANGUAGES: readonly StrategyLanguage[] = ['typescript', 'python'];

export const LANGUAGE_DETECTION_RULE =
  'without "language", code with a line starting with "class Name(" or "def name(" is Python; anything else is TypeScript';

const PYTHON_LINE = /^[ \t]*(class[ \t]+[A-Za-z_]\w*[ \t]*\(|def[ \t]+[A-Za-z_]\w*[ \t]*\()/m;

export function detectLanguage(source: string): StrategyLanguage {
  return PYTHON_LINE.test(source) ? 'python' : 'typescript';
}

/** `language` as given (validated) or detected from the source. */
export function resolveLanguage(source: string, language?: string | null): StrategyLanguage {
  if (language === undefined || language === null) return detectLanguage(source);
  const l = language.toLowerCase();
  if (l === 'typescript' || l === 'ts' || l === 'javascript' || l === 'js') return 'typescript';
  if (l === 'python' || l === 'py') return 'python';
  throw new RangeError(`language must be one of ${STRATEGY_LANGUAGES.join(', ')}, got ${JSON.stringify(language)}`);
}
