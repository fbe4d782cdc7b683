/**
 * The strategy code editor: CodeMirror 6 (TypeScript or Python mode), with problem markers (browser check and
 * server validation) shown as lint diagnostics at their line and column. CodeMirror is ~5× the rest
 * of a page, so it is a separate chunk fetched when an editor mounts (only the Deploy page has one).
 */
import { useEffect, useId, useImperativeHandle, useRef, useState, type Ref } from 'react';
import type { StrategyEditor } from './strategy-editor.js';

export type EditorLanguage = 'typescript' | 'python';

export interface EditorMarker {
  line: number;
  column: number | null;
  message: string;
  source: 'client' | 'server';
}

export interface CodeEditorHandle {
  goTo(line: number, column?: number | null): void;
}

const LINE_HEIGHT = 19;

export function CodeEditor({
  value,
  onChange,
  markers,
  label,
  ref,
  rows = 26,
  language = 'typescript',
}: {
  value: string;
  onChange: (v: string) => void;
  markers: EditorMarker[];
  label: string;
  ref?: Ref<CodeEditorHandle>;
  rows?: number;
  language?: EditorLanguage;
}) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<StrategyEditor | null>(null);
  const pendingGoTo = useRef<[number, number | null] | null>(null);
  // the editor is created once; it reads the newest props through this
  const latest = useRef({ value, onChange, markers, language });
  latest.current = { value, onChange, markers, language };
  const [loadError, setLoadError] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  const hintId = useId();

  useEffect(() => {
    let cancelled = false;
    let created: StrategyEditor | null = null;
    import('./strategy-editor.js').then(
      ({ createStrategyEditor }) => {
        if (cancelled || !host.current) return;
        created = createStrategyEditor(host.current, { doc: latest.current.value, label, describedBy: hintId, language: latest.current.language, onChange: (v) => latest.current.onChange(v) });
        created.setMarkers(latest.current.markers);
        editor.current = created;
        const go = pendingGoTo.current;
        pendingGoTo.current = null;
        if (go) created.goTo(go[0], go[1]);
        setReady(true);
      },
      (err: unknown) => {
        if (!cancelled) setLoadError(`The code editor could not be loaded (${err instanceof Error ? err.message : String(err)}). Reload the page to try again.`);
      },
    );
    return () => {
      cancelled = true;
      created?.destroy();
      editor.current = null;
    };
  }, [label, hintId]);

  useEffect(() => {
    editor.current?.setValue(value);
  }, [value, ready]);

  useEffect(() => {
    editor.current?.setMarkers(markers);
  }, [markers, ready]);

  useEffect(() => {
    editor.current?.setLanguage(language);
  }, [language, ready]);

  useImperativeHandle(
    ref,
    () => ({
      goTo(line: number, column?: number | null) {
        if (editor.current) editor.current.goTo(line, column ?? null);
        else pendingGoTo.current = [line, column ?? null];
      },
    }),
    [],
  );

  return (
    <div className="code-editor-wrap">
      <div className="code-editor" style={{ height: rows * LINE_HEIGHT + 12 }} data-ready={ready}>
        <div className="code-host" ref={host} />
        {!ready && !loadError && (
          <p className="code-loading muted" role="status">
            Loading the code editor…
          </p>
        )}
        {loadError && (
          <p className="code-loading error" role="alert">
            {loadError}
          </p>
        )}
      </div>
      <p id={hintId} className="help editor-hint">
        Tab indents, Shift-Tab outdents. To leave the editor press Esc then Tab; Ctrl-M (Shift-Alt-M on macOS) makes Tab move focus until pressed again. F8 goes to
        the next problem, Ctrl-Shift-M lists them all.
      </p>
    </div>
  );
}
