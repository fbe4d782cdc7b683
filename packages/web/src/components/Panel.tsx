/** A titled card; shows a fetch error inline instead of hiding the panel. */
import type { ReactNode } from 'react';

export function Panel({ title, children, className, error, actions }: { title: string; children: ReactNode; className?: string; error?: string | null; actions?: ReactNode }) {
  const id = `panel-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <section className={`panel ${className ?? ''}`} aria-labelledby={id}>
      <header className="panel-head">
        <h2 id={id}>{title}</h2>
        {actions}
      </header>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {children}
    </section>
  );
}
