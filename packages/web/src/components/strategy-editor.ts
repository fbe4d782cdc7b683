/**
 * The Deploy page's CodeMirror 6 editor: TypeScript or Python highlighting (switchable in place), history, line numbers, bracket
 * matching and closing, and problems (the browser check and the server's validation) as lint
 * diagnostics with gutter markers, underlines and a tinted line. Loaded with a dynamic import from
 * CodeEditor.tsx, so none of this is in the main bundle.
 */
import { closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { javascript } from '@codemirror/lang-javascript';
import { python } from '@codemirror/lang-python';
import { bracketMatching, HighlightStyle, indentOnInput, indentUnit, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, lintKeymap, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { Compartment, EditorState, RangeSetBuilder, StateEffect, StateField, type Extension, type Text } from '@codemirror/state';
import { Decoration, drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers, type DecorationSet } from '@codemirror/view';
import { tags as t } from '@lezer/highlight';
import type { EditorLanguage, EditorMarker } from './CodeEditor.js';

export { EditorView };

/** Where a marker sits in `doc`: its line clamped into the document, the column into the line. */
export function markerRange(doc: Text, m: Pick<EditorMarker, 'line' | 'column'>): { from: number; to: number; line: number } {
  const line = doc.line(Math.min(Math.max(1, Math.round(m.line) || 1), doc.lines));
  const text = line.text;
  if (m.column === null || !Number.isFinite(m.column)) {
    // no column: the line's code, without its indentation
    const indent = text.length - text.trimStart().length;
    return { from: line.from + Math.min(indent, text.length), to: line.to, line: line.number };
  }
  const offset = Math.min(Math.max(0, Math.round(m.column) - 1), text.length);
  // cover the word (or the one character) at the column, so the underline is visible
  let end = offset;
  while (end < text.length && /[\w$]/.test(text.charAt(end))) end++;
  if (end === offset && offset < text.length) end = offset + 1;
  return { from: line.from + offset, to: line.from + end, line: line.number };
}

/** Markers → lint diagnostics: the server's are errors, the browser check's are warnings. */
export function markersToDiagnostics(doc: Text, markers: readonly EditorMarker[]): Diagnostic[] {
  return markers
    .map((m) => {
      const { from, to } = markerRange(doc, m);
      const d: Diagnostic = { from, to, severity: m.source === 'server' ? 'error' : 'warning', source: m.source === 'server' ? 'server validation' : 'browser check', message: m.message };
      return d;
    })
    .sort((a, b) => a.from - b.from || a.to - b.to);
}

const setProblemLines = StateEffect.define<DecorationSet>();

/** Tints whole lines that carry a problem (the gutter marker alone is small); follows edits. */
const problemLines = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(deco, tr) {
    for (const e of tr.effects) if (e.is(setProblemLines)) return e.value;
    return deco.map(tr.changes);
  },
  provide: (f) => EditorView.decorations.from(f),
});

function lineDecorations(doc: Text, markers: readonly EditorMarker[]): DecorationSet {
  const byLine = new Map<number, { from: number; server: boolean }>();
  for (const m of markers) {
    const { line } = markerRange(doc, m);
    const prev = byLine.get(line);
    byLine.set(line, { from: doc.line(line).from, server: (prev?.server ?? false) || m.source === 'server' });
  }
  const builder = new RangeSetBuilder<Decoration>();
  for (const [line, { from, server }] of [...byLine].sort((a, b) => a[0] - b[0])) {
    builder.add(from, from, Decoration.line({ class: server ? 'cm-problemLine cm-problemLine-server' : 'cm-problemLine', attributes: { 'data-problem-line': String(line) } }));
  }
  return builder.finish();
}

// Okabe–Ito hues on the dashboard's dark panel, like the rest of the app
const highlight = HighlightStyle.define([
  { tag: [t.keyword, t.modifier, t.controlKeyword, t.operatorKeyword, t.definitionKeyword], color: '#cc79a7' },
  { tag: [t.typeName, t.className, t.namespace], color: '#56b4e9' },
  { tag: [t.number, t.bool, t.null, t.atom], color: '#e69f00' },
  { tag: [t.string, t.special(t.string), t.regexp], color: '#6fd3a8' },
  { tag: [t.comment, t.lineComment, t.blockComment, t.docComment], color: '#8a94a3', fontStyle: 'italic' },
  { tag: [t.function(t.variableName), t.function(t.propertyName)], color: '#f0e442' },
  { tag: [t.propertyName], color: '#d7dde6' },
  { tag: [t.operator, t.punctuation, t.bracket], color: '#aeb7c4' },
  { tag: t.invalid, color: '#ff7b5c' },
]);

const theme = EditorView.theme(
  {
    '&': { height: '100%', backgroundColor: '#0b0e12', color: '#e6e9ee', fontSize: '13px' },
    '&.cm-focused': { outline: '2px solid #56b4e9', outlineOffset: '-2px' },
    '.cm-scroller': { fontFamily: "ui-monospace, 'SF Mono', Menlo, Consolas, monospace", lineHeight: '19px', overflow: 'auto' },
    '.cm-content': { caretColor: '#e6e9ee', padding: '6px 0' },
    '.cm-cursor, .cm-dropCursor': { borderLeftColor: '#e6e9ee' },
    '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection': { backgroundColor: '#2b4a66' },
    '.cm-gutters': { backgroundColor: '#0e1217', color: '#7d8794', border: 'none' },
    '.cm-activeLine': { backgroundColor: '#ffffff08' },
    '.cm-activeLineGutter': { backgroundColor: '#ffffff10', color: '#e6e9ee' },
    '.cm-matchingBracket': { backgroundColor: '#56b4e933', outline: '1px solid #56b4e988' },
    '.cm-nonmatchingBracket': { backgroundColor: '#ff7b5c33' },
    '.cm-problemLine': { backgroundColor: 'rgba(230, 159, 0, 0.12)' },
    '.cm-problemLine-server': { backgroundColor: 'rgba(255, 123, 92, 0.16)' },
    '.cm-tooltip': { backgroundColor: '#1d232c', color: '#e6e9ee', border: '1px solid #2a323d' },
    '.cm-diagnostic-error': { borderLeftColor: '#ff7b5c' },
    '.cm-diagnostic-warning': { borderLeftColor: '#e69f00' },
    '.cm-diagnosticSource': { color: '#9aa4b2' },
    '.cm-panels': { backgroundColor: '#171c23', color: '#e6e9ee' },
    '.cm-panel.cm-panel-lint ul [aria-selected]': { backgroundColor: '#2b4a66' },
  },
  { dark: true },
);

/** Syntax and indentation of a language: Python indents by 4 (PEP 8), TypeScript by 2. */
function languageSupport(language: EditorLanguage): Extension {
  return language === 'python'
    ? [python(), indentUnit.of('    '), EditorState.tabSize.of(4)]
    : [javascript({ typescript: true }), indentUnit.of('  '), EditorState.tabSize.of(2)];
}

export interface StrategyEditor {
  view: EditorView;
  /** Switch highlighting and indentation (the text is left alone). */
  setLanguage(language: EditorLanguage): void;
  /** Replace the text when it differs from what the editor holds (a reset from outside). */
  setValue(value: string): void;
  /** Show these problems; unchanged markers leave the (edit-mapped) diagnostics alone. */
  setMarkers(markers: readonly EditorMarker[]): void;
  goTo(line: number, column: number | null): void;
  destroy(): void;
}

export function createStrategyEditor(parent: HTMLElement, opts: { doc: string; label: string; describedBy?: string; language?: EditorLanguage; onChange: (value: string) => void }): StrategyEditor {
  let markersKey = '';
  let language: EditorLanguage = opts.language ?? 'typescript';
  const languageSlot = new Compartment();
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: opts.doc,
      extensions: [
        lineNumbers(),
        lintGutter(),
        highlightActiveLineGutter(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        highlightActiveLine(),
        languageSlot.of(languageSupport(language)),
        syntaxHighlighting(highlight),
        problemLines,
        // indentWithTab: Tab indents. CodeMirror lets Escape then Tab (and Ctrl-M, which toggles)
        // move focus out instead, so keyboard users are never trapped; the hint says so.
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...lintKeymap, indentWithTab]),
        theme,
        EditorView.contentAttributes.of({
          'aria-label': opts.label,
          ...(opts.describedBy ? { 'aria-describedby': opts.describedBy } : {}),
          'data-testid': 'code-editor',
          spellcheck: 'false',
          autocapitalize: 'off',
          autocorrect: 'off',
        }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) opts.onChange(u.state.doc.toString());
        }),
      ],
    }),
  });

  return {
    view,
    setLanguage(next) {
      if (next === language) return;
      language = next;
      view.dispatch({ effects: languageSlot.reconfigure(languageSupport(next)) });
    },
    setValue(value) {
      const current = view.state.doc.toString();
      if (current === value) return;
      view.dispatch({ changes: { from: 0, to: current.length, insert: value } });
    },
    setMarkers(markers) {
      const key = JSON.stringify(markers.map((m) => [m.line, m.column, m.source, m.message]));
      if (key === markersKey) return;
      markersKey = key;
      const doc = view.state.doc;
      const spec = setDiagnostics(view.state, markersToDiagnostics(doc, markers));
      view.dispatch(spec, { effects: setProblemLines.of(lineDecorations(doc, markers)) });
    },
    goTo(line, column) {
      const { from } = markerRange(view.state.doc, { line, column: column ?? 1 });
      view.dispatch({ selection: { anchor: from }, effects: EditorView.scrollIntoView(from, { y: 'center' }) });
      view.focus();
    },
    destroy() {
      view.destroy();
    },
  };
}
