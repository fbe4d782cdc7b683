// @vitest-environment jsdom
/**
 * The Deploy page's CodeMirror editor under jsdom: the real editor (lazily imported, as in the app),
 * driven through its DOM and its EditorView. jsdom does no layout, so where things land on screen
 * (gutter marker beside the right line number, typing with a real keyboard) is checked in Chromium
 * by test/e2e/dashboard.test.ts.
 */
import './dom-stubs.js';
import { forEachDiagnostic } from '@codemirror/lint';
import { Text } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { createRef, useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CodeEditor, type CodeEditorHandle, type EditorMarker } from '../src/components/CodeEditor.js';
import { markerRange } from '../src/components/strategy-editor.js';
import { PYTHON_STRATEGY_TEMPLATE, STRATEGY_TEMPLATE } from '../src/lib/strategy-template.js';

afterEach(cleanup);

const LABEL = 'Strategy source (TypeScript)';

/** What DeployPage does: the code lives in React state, the editor reports edits into it. */
function Harness({ initial, markers, editorRef }: { initial: string; markers: EditorMarker[]; editorRef?: React.Ref<CodeEditorHandle> }) {
  const [code, setCode] = useState(initial);
  return (
    <>
      <CodeEditor ref={editorRef} value={code} onChange={setCode} markers={markers} label={LABEL} />
      <button type="button" onClick={() => setCode(STRATEGY_TEMPLATE)}>
        Reset
      </button>
      <pre data-testid="state">{code}</pre>
    </>
  );
}

async function mounted(): Promise<EditorView> {
  await waitFor(() => expect(document.querySelector('.code-editor[data-ready="true"]')).toBeTruthy(), { timeout: 10_000 });
  const view = EditorView.findFromDOM(document.querySelector('.code-host') as HTMLElement);
  if (!view) throw new Error('no EditorView under .code-host');
  return view;
}

/**
 * Puts the cursor at `pos` as a user would before typing: the editor has focus (so CodeMirror keeps the
 * DOM selection in step with its own, and a selection read back from the DOM on the next key cannot
 * move the cursor elsewhere), and the state shows the cursor there before any key is pressed.
 */
async function cursorAt(view: EditorView, pos: number): Promise<void> {
  act(() => {
    view.focus();
    view.dispatch({ selection: { anchor: pos } });
  });
  await waitFor(() => {
    expect(view.hasFocus).toBe(true);
    expect(view.state.selection.main.head).toBe(pos);
  });
}

const stateText = () => screen.getByTestId('state').textContent;

function diagnostics(view: EditorView) {
  const out: { line: number; col: number; text: string; severity: string; message: string }[] = [];
  forEachDiagnostic(view.state, (d, from, to) => {
    const line = view.state.doc.lineAt(from);
    out.push({ line: line.number, col: from - line.from + 1, text: view.state.sliceDoc(from, to), severity: d.severity, message: d.message });
  });
  return out;
}

describe('CodeEditor (CodeMirror)', () => {
  it('loads the editor with the code, an accessible name, the keyboard hint and TypeScript mode', async () => {
    render(<Harness initial={STRATEGY_TEMPLATE} markers={[]} />);
    expect(screen.getByRole('status').textContent).toMatch(/Loading the code editor/);
    const view = await mounted();
    expect(view.state.doc.toString()).toBe(STRATEGY_TEMPLATE);
    const box = screen.getByRole('textbox', { name: LABEL });
    expect(box).toBe(view.contentDOM);
    expect(box.getAttribute('data-language')).toBe('typescript');
    expect(box.getAttribute('data-testid')).toBe('code-editor');
    const hint = document.getElementById(box.getAttribute('aria-describedby') ?? '');
    expect(hint?.textContent).toMatch(/Esc then Tab/);
    expect(document.querySelectorAll('.cm-lineNumbers .cm-gutterElement').length).toBeGreaterThan(10);
  });

  it('reports edits to its owner, undoes them from the keyboard, and takes a reset from outside', async () => {
    render(<Harness initial={STRATEGY_TEMPLATE} markers={[]} />);
    const view = await mounted();
    const at = view.state.doc.line(9).to; // `  private readonly size = 5;`
    act(() => view.dispatch({ changes: { from: at, insert: ' // five' }, userEvent: 'input.type' }));
    expect(stateText()).toContain('private readonly size = 5; // five');
    fireEvent.keyDown(view.contentDOM, { key: 'z', code: 'KeyZ', keyCode: 90, ctrlKey: true });
    expect(view.state.doc.toString()).toBe(STRATEGY_TEMPLATE);
    expect(stateText()).toBe(STRATEGY_TEMPLATE);

    act(() => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: 'class X extends BaseAgent {}' } }));
    expect(stateText()).toBe('class X extends BaseAgent {}');
    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));
    expect(view.state.doc.toString()).toBe(STRATEGY_TEMPLATE);
  });

  it('indents with Tab, and lets Tab leave after Escape so keyboard users are not trapped', async () => {
    render(<Harness initial={'class A {\nx = 1;\n}'} markers={[]} />);
    const view = await mounted();
    // CodeMirror lets Tab leave for 2 s after Escape (Date.now()); a loaded machine can take longer than
    // that between two keystrokes here, so the clock stands still while the keys are pressed.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      await cursorAt(view, view.state.doc.line(2).from);
      // fireEvent returns false when a handler called preventDefault: the editor took the key
      expect(fireEvent.keyDown(view.contentDOM, { key: 'Tab', code: 'Tab', keyCode: 9 })).toBe(false);
      expect(view.state.doc.toString()).toBe('class A {\n  x = 1;\n}');
      fireEvent.keyDown(view.contentDOM, { key: 'Escape', code: 'Escape', keyCode: 27 });
      expect(fireEvent.keyDown(view.contentDOM, { key: 'Tab', code: 'Tab', keyCode: 9 })).toBe(true);
      expect(view.state.doc.toString()).toBe('class A {\n  x = 1;\n}');
      // Shift-Tab outdents again once the Escape has been used up by another key
      fireEvent.keyDown(view.contentDOM, { key: 'ArrowRight', code: 'ArrowRight', keyCode: 39 });
      expect(fireEvent.keyDown(view.contentDOM, { key: 'Tab', code: 'Tab', keyCode: 9, shiftKey: true })).toBe(false);
      expect(view.state.doc.toString()).toBe('class A {\nx = 1;\n}');
      // and the Escape window does close: Tab indents again once it has passed
      fireEvent.keyDown(view.contentDOM, { key: 'Escape', code: 'Escape', keyCode: 27 });
      vi.setSystemTime(Date.now() + 2_001);
      expect(fireEvent.keyDown(view.contentDOM, { key: 'Tab', code: 'Tab', keyCode: 9 })).toBe(false);
      expect(view.state.doc.line(2).text).toBe('  x = 1;');
    } finally {
      vi.useRealTimers();
    }
  });

  it('shows client and server problems as diagnostics at their line and column, with gutter markers and a tinted line', async () => {
    const markers: EditorMarker[] = [
      { line: 13, column: 11, message: 'Expression expected (TS1109)', source: 'server' },
      { line: 7, column: null, message: 'exactly one class must extend BaseAgent', source: 'client' },
    ];
    render(<Harness initial={STRATEGY_TEMPLATE} markers={markers} />);
    const view = await mounted();
    expect(diagnostics(view)).toEqual([
      { line: 7, col: 1, text: 'class VwapReversion extends BaseAgent {', severity: 'warning', message: 'exactly one class must extend BaseAgent' },
      { line: 13, col: 11, text: 'edge', severity: 'error', message: 'Expression expected (TS1109)' },
    ]);
    expect(document.querySelectorAll('.cm-lint-marker-error')).toHaveLength(1);
    expect(document.querySelectorAll('.cm-lint-marker-warning')).toHaveLength(1);
    // which line number each gutter marker sits beside needs layout: checked in Chromium (e2e)
    const tinted = document.querySelector('.cm-line.cm-problemLine-server');
    expect(tinted?.getAttribute('data-problem-line')).toBe('13');
    expect(tinted?.textContent).toBe(view.state.doc.line(13).text);
    expect(document.querySelector('.cm-lintRange-error')?.textContent).toBe('edge');
  });

  it('keeps unchanged markers on their code while it is edited, and re-places new ones', async () => {
    const server: EditorMarker = { line: 3, column: 1, message: 'bad', source: 'server' };
    const { rerender } = render(<Harness initial={'a\nb\ncc\nd'} markers={[server]} />);
    const view = await mounted();
    act(() => view.dispatch({ changes: { from: 0, insert: 'new first line\n' } }));
    // DeployPage builds a new markers array on every render: same content, so the diagnostic stays on `cc`
    rerender(<Harness initial={'a\nb\ncc\nd'} markers={[{ ...server }]} />);
    expect(diagnostics(view).map((d) => [d.line, d.text])).toEqual([[4, 'cc']]);
    rerender(<Harness initial={'a\nb\ncc\nd'} markers={[{ ...server, line: 2 }]} />);
    expect(diagnostics(view).map((d) => [d.line, d.text])).toEqual([[2, 'a']]);
    rerender(<Harness initial={'a\nb\ncc\nd'} markers={[]} />);
    expect(diagnostics(view)).toEqual([]);
    expect(document.querySelector('.cm-problemLine')).toBeNull();
  });

  it('goTo puts the cursor at the line and column and focuses the editor, also when asked before it loaded', async () => {
    const ref = createRef<CodeEditorHandle>();
    render(<Harness initial={STRATEGY_TEMPLATE} markers={[]} editorRef={ref} />);
    ref.current?.goTo(18, 7); // still loading: applied once it is there
    const view = await mounted();
    expect(view.state.selection.main.head).toBe(view.state.doc.line(18).from + 6);
    expect(view.hasFocus).toBe(true);
    act(() => ref.current?.goTo(2, null));
    expect(view.state.selection.main.head).toBe(view.state.doc.line(2).from);
  });
});

describe('CodeEditor in Python mode', () => {
  function PyHarness({ markers }: { markers: EditorMarker[] }) {
    const [code, setCode] = useState(PYTHON_STRATEGY_TEMPLATE);
    const [language, setLanguage] = useState<'typescript' | 'python'>('python');
    return (
      <>
        <CodeEditor value={code} onChange={setCode} markers={markers} label="Strategy source (Python)" language={language} />
        <button type="button" onClick={() => setLanguage('typescript')}>
          To TypeScript
        </button>
      </>
    );
  }

  it('highlights Python, indents by four, shows a server diagnostic (CPython line:column) at its line, and switches language in place', async () => {
    // A server diagnostic as CPython reports it: line 6, column 9 (the method's name).
    const markers: EditorMarker[] = [{ line: 6, column: 9, message: "SyntaxError: expected ':'", source: 'server' }];
    render(<PyHarness markers={markers} />);
    const view = await mounted();
    expect(view.contentDOM.getAttribute('data-language')).toBe('python');
    expect(view.state.doc.toString()).toBe(PYTHON_STRATEGY_TEMPLATE);
    const d = diagnostics(view);
    expect(d).toEqual([{ line: 6, col: 9, text: '__init__', severity: 'error', message: "SyntaxError: expected ':'" }]);
    expect(document.querySelector('.cm-problemLine-server')?.getAttribute('data-problem-line')).toBe('6');
    // Tab indents by the language's unit (4 spaces in Python).
    await cursorAt(view, view.state.doc.line(5).from);
    fireEvent.keyDown(view.contentDOM, { key: 'Tab', code: 'Tab', keyCode: 9 });
    expect(view.state.doc.line(5).text.startsWith('    class VwapReversion')).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'To TypeScript' }));
    await waitFor(() => expect(view.contentDOM.getAttribute('data-language')).toBe('typescript'));
  });
});

describe('markerRange', () => {
  const doc = Text.of(['class A {', '    const x = (1 + ;', '}']);
  it('covers the word at the column, or one character when it is not a word', () => {
    expect(markerRange(doc, { line: 2, column: 11 })).toEqual({ from: 10 + 10, to: 10 + 11, line: 2 });
    const semi = markerRange(doc, { line: 2, column: 20 });
    expect(doc.sliceString(semi.from, semi.to)).toBe(';');
  });
  it('covers the code of the line without its indentation when there is no column', () => {
    const r = markerRange(doc, { line: 2, column: null });
    expect(doc.sliceString(r.from, r.to)).toBe('const x = (1 + ;');
  });
  it('clamps lines and columns the document does not have', () => {
    expect(markerRange(doc, { line: 99, column: 1 })).toEqual({ from: doc.line(3).from, to: doc.line(3).to, line: 3 });
    expect(markerRange(doc, { line: 0, column: 500 })).toEqual({ from: doc.line(1).to, to: doc.line(1).to, line: 1 });
  });
});
