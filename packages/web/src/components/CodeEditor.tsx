/**
 * A plain-textarea code editor with a line-number gutter and problem markers at their lines
 * (client-side checks and the server's diagnostics). Tab indents; Escape then Tab leaves the
 * editor, so keyboard users are never trapped.
 */
import { useImperativeHandle, useRef, useState, type Ref } from 'react';

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

export function CodeEditor({ value, onChange, markers, label, ref, rows = 26 }: { value: string; onChange: (v: string) => void; markers: EditorMarker[]; label: string; ref?: Ref<CodeEditorHandle>; rows?: number }) {
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const overlay = useRef<HTMLDivElement>(null);
  const [escaped, setEscaped] = useState(false);
  const lines = value.split('\n').length;
  const byLine = new Map<number, EditorMarker[]>();
  for (const m of markers) byLine.set(m.line, [...(byLine.get(m.line) ?? []), m]);

  useImperativeHandle(ref, () => ({
    goTo(line: number, column?: number | null) {
      const el = area.current;
      if (!el) return;
      const parts = value.split('\n');
      let offset = 0;
      for (let i = 0; i < Math.min(line - 1, parts.length); i++) offset += (parts[i]?.length ?? 0) + 1;
      offset += Math.max(0, (column ?? 1) - 1);
      el.focus();
      el.setSelectionRange(offset, offset);
      el.scrollTop = Math.max(0, (line - 4) * LINE_HEIGHT);
      sync();
    },
  }));

  const sync = () => {
    const el = area.current;
    if (!el) return;
    if (gutter.current) gutter.current.scrollTop = el.scrollTop;
    if (overlay.current) overlay.current.scrollTop = el.scrollTop;
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Escape') {
      setEscaped(true);
      return;
    }
    if (e.key === 'Tab' && !escaped && !e.ctrlKey && !e.altKey && !e.metaKey) {
      e.preventDefault();
      const el = e.currentTarget;
      const { selectionStart: s, selectionEnd: t } = el;
      const next = value.slice(0, s) + '  ' + value.slice(t);
      onChange(next);
      requestAnimationFrame(() => el.setSelectionRange(s + 2, s + 2));
      return;
    }
    setEscaped(false);
  };

  return (
    <div className="code-editor" style={{ height: rows * LINE_HEIGHT + 12 }}>
      <div className="code-gutter" ref={gutter} aria-hidden="true">
        {Array.from({ length: lines }, (_, i) => {
          const ms = byLine.get(i + 1);
          return (
            <div key={i} className={ms ? (ms.some((m) => m.source === 'server') ? 'g-err g-server' : 'g-err') : ''} title={ms?.map((m) => m.message).join('\n')} style={{ height: LINE_HEIGHT }}>
              {ms ? '● ' : ''}
              {i + 1}
            </div>
          );
        })}
      </div>
      <div className="code-body">
        <div className="code-overlay" ref={overlay} aria-hidden="true">
          {Array.from({ length: lines }, (_, i) => (
            <div key={i} className={byLine.has(i + 1) ? 'line-err' : ''} style={{ height: LINE_HEIGHT }} data-line={i + 1} />
          ))}
        </div>
        <textarea
          ref={area}
          aria-label={label}
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          wrap="off"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          onScroll={sync}
          onKeyDown={onKeyDown}
          style={{ lineHeight: `${LINE_HEIGHT}px` }}
          data-testid="code-editor"
        />
      </div>
    </div>
  );
}
