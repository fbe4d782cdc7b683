/**
 * Three ways in: deploying a built-in strategy type directly, a reviewed config submission
 * (beginner / intermediate / advanced over a template strategy, parameters with guidance) and the
 * code editor for a sandboxed TypeScript strategy, checked in the browser and validated by the
 * server, whose errors are pinned to their lines. Every deploy made here keeps the agent's manage
 * key in this browser (src/api/manage-keys.ts) and shows it once.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { asWire } from '../api/routes.js';
import { diagnosticsOf, strategyTemplates, submissionsView, type Diagnostic, type ParamSpec, type StrategyTemplate } from '../api/views.js';
import { ApiError, describeError, getJson, postJson } from '../api/http.js';
import { CodeEditor, type CodeEditorHandle, type EditorLanguage, type EditorMarker } from '../components/CodeEditor.js';
import { rememberDeploy } from '../api/manage-keys.js';
import { OperatorTokenForm, useOperatorGate } from '../components/OperatorToken.js';
import { ManageKeyNotice } from '../components/StopAgent.js';
import { Panel } from '../components/Panel.js';
import { SubmissionReview } from '../components/SubmissionReview.js';
import { usePoll } from '../components/use-poll.js';
import { strategyHref } from '../lib/router.js';
import { PYTHON_STRATEGY_TEMPLATE, STRATEGY_NAME_RE, STRATEGY_TEMPLATE } from '../lib/strategy-template.js';
import { ownTemplates, paramsReadBy, parseParams, rememberMyStrategy } from '../lib/my-strategies.js';
import { checkStrategySource } from '../lib/syntax-check.js';

type Mode = 'beginner' | 'intermediate' | 'advanced';

const MODE_HELP: Record<Mode, string> = {
  beginner: 'Pick a template and adjust its two or three most important knobs. Defaults are sensible.',
  intermediate: 'Every parameter of the template, with ranges and guidance.',
  advanced: 'Every parameter plus free-form extra parameters (JSON) and cloning from a running agent.',
};

/** Beginner sees the (at most 3) documented knobs; `index` only picks a variant and stays advanced. */
function paramsForMode(params: ParamSpec[], mode: Mode): ParamSpec[] {
  const visible = mode === 'advanced' ? params : params.filter((p) => p.name !== 'index');
  if (mode !== 'beginner') return visible;
  const documented = visible.filter((p) => p.description !== '' && p.description !== p.name);
  return (documented.length > 0 ? documented : visible).slice(0, 3);
}

function ConfigForm() {
  const templates = usePoll('/strategies', 0, (raw) => strategyTemplates(asWire('/strategies')(raw)));
  // Built-ins plus this author's own strategies, not everything anyone registered.
  const builtins = ownTemplates(templates.data ?? []);
  const [mode, setMode] = useState<Mode>('beginner');
  const [template, setTemplate] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [submitter, setSubmitter] = useState('');
  const [contact, setContact] = useState('');
  const [visibility, setVisibility] = useState<'public' | 'private'>('public');
  const [notes, setNotes] = useState('');
  const [extraJson, setExtraJson] = useState('{}');
  const [cloneFrom, setCloneFrom] = useState('');
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const subs = usePoll('/strategies/submissions', 10_000, (raw) => submissionsView(asWire('/strategies/submissions')(raw)));

  const tpl: StrategyTemplate | undefined = builtins.find((t) => t.type === template) ?? builtins[0];
  useEffect(() => {
    if (!template && builtins[0]) setTemplate(builtins[0].type);
  }, [template, builtins]);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!tpl) return;
    setBusy(true);
    setResult(null);
    try {
      const parameters: Record<string, number | string | boolean> = {};
      for (const p of paramsForMode(tpl.params, mode)) {
        const raw = values[p.name];
        if (raw === undefined || raw === '') continue;
        parameters[p.name] = typeof p.default === 'number' ? Number(raw) : typeof p.default === 'boolean' ? raw === 'true' : raw;
      }
      if (mode === 'advanced') {
        let extra: unknown;
        try {
          extra = JSON.parse(extraJson || '{}');
        } catch (err) {
          throw new Error(`Extra parameters are not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
        }
        if (extra && typeof extra === 'object' && !Array.isArray(extra)) Object.assign(parameters, extra);
        else throw new Error('Extra parameters must be a JSON object like {"key": 1}');
      }
      const body: Record<string, unknown> = { submitter_name: submitter, contact, mode, template_strategy: tpl.type, parameters, visibility, notes };
      if (mode === 'advanced' && cloneFrom.trim() !== '') body.clone_source_agent_id = cloneFrom.trim();
      const res = await postJson('/strategies/submit-config', body);
      const id = res && typeof res === 'object' ? String((res as Record<string, unknown>).id ?? (res as Record<string, unknown>).submission_id ?? '') : '';
      setResult({ ok: true, text: `Submitted${id ? ` as ${id}` : ''}: pending review.` });
      subs.reload();
    } catch (err) {
      setResult({ ok: false, text: describeError(err, 'submit a configuration') });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Panel title="Submit a configuration" error={templates.error}>
      <form onSubmit={(e) => void submit(e)} className="form" data-testid="config-form">
        <fieldset className="mode">
          <legend>Mode</legend>
          {(['beginner', 'intermediate', 'advanced'] as Mode[]).map((m) => (
            <label key={m} className="radio">
              <input type="radio" name="mode" value={m} checked={mode === m} onChange={() => setMode(m)} /> {m}
            </label>
          ))}
          <p className="help">{MODE_HELP[mode]}</p>
        </fieldset>
        <div className="form-row">
          <label>
            Your name
            <input required minLength={2} maxLength={80} value={submitter} onChange={(e) => setSubmitter(e.target.value)} name="submitter_name" />
          </label>
          <label>
            Contact
            <input required minLength={3} maxLength={120} value={contact} onChange={(e) => setContact(e.target.value)} name="contact" placeholder="email or handle" />
          </label>
        </div>
        <label>
          Template strategy
          <select value={tpl?.type ?? ''} onChange={(e) => { setTemplate(e.target.value); setValues({}); }} name="template_strategy">
            {builtins.map((t) => (
              <option key={t.type} value={t.type}>
                {t.type}
              </option>
            ))}
          </select>
        </label>
        {tpl?.description && <p className="help">{tpl.description}</p>}
        {tpl && paramsForMode(tpl.params, mode).length > 0 && (
          <fieldset>
            <legend>Parameters</legend>
            <div className="params">
              {paramsForMode(tpl.params, mode).map((p) => {
                const id = `param-${p.name}`;
                const numeric = typeof p.default === 'number';
                return (
                  <div key={p.name} className="param">
                    <label htmlFor={id}>{p.name}</label>
                    <input
                      id={id}
                      type={numeric ? 'number' : 'text'}
                      step="any"
                      {...(p.min !== null ? { min: p.min } : {})}
                      {...(p.max !== null ? { max: p.max } : {})}
                      placeholder={p.default === null ? '' : String(p.default)}
                      value={values[p.name] ?? ''}
                      onChange={(e) => setValues({ ...values, [p.name]: e.target.value })}
                      aria-describedby={`${id}-help`}
                    />
                    <small id={`${id}-help`} className="help">
                      {p.description || 'No description.'} Default {String(p.default)}
                      {p.min !== null || p.max !== null ? `, range ${p.min ?? '−∞'} … ${p.max ?? '∞'}` : ''}.
                    </small>
                  </div>
                );
              })}
            </div>
          </fieldset>
        )}
        {mode === 'advanced' && (
          <div className="form-row">
            <label>
              Extra parameters (JSON object)
              <textarea rows={3} value={extraJson} onChange={(e) => setExtraJson(e.target.value)} className="mono" />
            </label>
            <label>
              Clone from agent id (optional)
              <input maxLength={64} value={cloneFrom} onChange={(e) => setCloneFrom(e.target.value)} />
            </label>
          </div>
        )}
        <div className="form-row">
          <label>
            Visibility
            <select value={visibility} onChange={(e) => setVisibility(e.target.value as 'public' | 'private')}>
              <option value="public">public</option>
              <option value="private">private</option>
            </select>
          </label>
          <label>
            Notes
            <input maxLength={1000} value={notes} onChange={(e) => setNotes(e.target.value)} />
          </label>
        </div>
        <button type="submit" disabled={busy || !tpl} data-testid="submit-config">
          Submit for review
        </button>
        {result && (
          <p className={result.ok ? 'ok' : 'error'} role={result.ok ? 'status' : 'alert'} data-testid="config-result">
            {result.text}
          </p>
        )}
      </form>
      <h3>Submissions</h3>
      <SubmissionReview subs={subs} />
    </Panel>
  );
}

const TEMPLATES: Record<EditorLanguage, string> = { typescript: STRATEGY_TEMPLATE, python: PYTHON_STRATEGY_TEMPLATE };

function StrategyEditor() {
  const [language, setLanguage] = useState<EditorLanguage>('typescript');
  const [code, setCode] = useState(STRATEGY_TEMPLATE);
  const [name, setName] = useState('vwap_reversion');
  const [agentId, setAgentId] = useState('user_vwap_1');
  const [deploy, setDeploy] = useState(true);
  const [timeoutMs, setTimeoutMs] = useState(120);
  const [paramsText, setParamsText] = useState('{}');
  const [serverDiags, setServerDiags] = useState<Diagnostic[]>([]);
  const [result, setResult] = useState<DeployResult | null>(null);
  const [busy, setBusy] = useState(false);
  const editor = useRef<CodeEditorHandle>(null);
  const [checkedCode, setCheckedCode] = useState(code);
  useEffect(() => {
    const t = setTimeout(() => setCheckedCode(code), 300);
    return () => clearTimeout(t);
  }, [code]);
  // The browser check knows TypeScript; Python is checked by CPython on the server.
  const clientProblems = useMemo(() => (language === 'typescript' ? checkStrategySource(checkedCode) : []), [checkedCode, language]);
  const nameOk = STRATEGY_NAME_RE.test(name);
  const params = parseParams(paramsText);
  const reads = useMemo(() => paramsReadBy(checkedCode), [checkedCode]);
  // A browser-side hint: names the code never reads (the server refuses them on deploy).
  const unread = params.ok ? Object.keys(params.value).filter((k) => reads.length > 0 && !reads.includes(k)) : [];
  const markers: EditorMarker[] = [
    ...clientProblems.map((p) => ({ line: p.line, column: p.column, message: p.message, source: 'client' as const })),
    ...serverDiags.filter((d) => d.line !== null).map((d) => ({ line: d.line as number, column: d.column, message: d.message, source: 'server' as const })),
  ];

  const submit = async () => {
    setBusy(true);
    setResult(null);
    setServerDiags([]);
    try {
      const body: Record<string, unknown> = { strategy_name: name, code, language, deploy, config: { timeout_ms: timeoutMs, ...(params.ok ? { params: params.value } : {}) } };
      if (deploy) body.agent_id = agentId;
      const res = await postJson('/strategies/user', body);
      const r = (res && typeof res === 'object' ? res : {}) as Record<string, unknown>;
      const deployedId = typeof r.agent_id === 'string' ? r.agent_id : deploy ? agentId : undefined;
      const kept = rememberDeploy(r);
      rememberMyStrategy(name);
      const version = typeof r.version === 'number' ? ` version ${r.version}${r.new_version === true ? ' (new)' : ''}` : '';
      const warnings = Array.isArray(r.warnings) ? r.warnings.length : 0;
      setResult({
        ok: true,
        text:
          (deploy ? `Registered ${name}${version} and deployed as ${deployedId}.` : `Registered ${name}${version} (not deployed).`) +
          (warnings > 0 ? ` ${warnings} type warning(s): the code runs, but check them.` : ''),
        ...(deployedId ? { agent: deployedId } : {}),
        ...(kept ? { manageKey: kept.manageKey } : {}),
      });
    } catch (err) {
      if (err instanceof ApiError) {
        const diags = diagnosticsOf(err.body);
        setServerDiags(diags);
        const first = diags.find((d) => d.line !== null);
        if (first) editor.current?.goTo(first.line as number, first.column);
        setResult({
          ok: false,
          text:
            err.status === 501
              ? `The server has no strategy sandbox yet (501): ${err.message}`
              : err.status === 422
                ? `This server cannot run Python strategies (422): ${err.message}`
                : `Rejected (${err.status}): ${diags.length > 0 ? `${diags.length} problem(s), see below` : err.message}`,
        });
      } else setResult({ ok: false, text: describeError(err, 'register or deploy a strategy') });
    } finally {
      setBusy(false);
    }
  };

  const allProblems = [...serverDiags.map((d) => ({ ...d, source: 'server' as const })), ...clientProblems.map((p) => ({ message: p.message, line: p.line as number | null, column: p.column as number | null, source: 'client' as const }))];

  return (
    <Panel title="Write a strategy">
      <div className="form-row">
        <label>
          Strategy name
          <input value={name} onChange={(e) => setName(e.target.value)} aria-invalid={!nameOk} data-testid="strategy-name" />
          {!nameOk && <small className="error">3–64 characters: a letter, then letters, digits or _.</small>}
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={deploy} onChange={(e) => setDeploy(e.target.checked)} data-testid="deploy-toggle" /> Deploy into the live market
        </label>
        <label>
          Agent id
          <input value={agentId} onChange={(e) => setAgentId(e.target.value)} disabled={!deploy} data-testid="agent-id" />
        </label>
        <label>
          Language
          <select
            value={language}
            onChange={(e) => {
              const next = e.target.value as EditorLanguage;
              // An untouched template follows the language; edited code is kept.
              if (code === TEMPLATES[language]) setCode(TEMPLATES[next]);
              setLanguage(next);
              setServerDiags([]);
            }}
            data-testid="strategy-language"
          >
            <option value="typescript">TypeScript</option>
            <option value="python">Python</option>
          </select>
        </label>
        <label>
          Timeout per tick (ms)
          <input type="number" min={5} max={1000} value={timeoutMs} onChange={(e) => setTimeoutMs(Number(e.target.value))} />
        </label>
        <label>
          Params (constructor options, JSON)
          <input value={paramsText} onChange={(e) => setParamsText(e.target.value)} aria-invalid={!params.ok || unread.length > 0} data-testid="strategy-params" />
          {!params.ok && <small className="error" data-testid="params-error">{params.error}</small>}
          {params.ok && unread.length > 0 && (
            <small className="error" data-testid="params-error">
              {unread.map((k) => `params.${k}`).join(', ')} {unread.length === 1 ? 'is' : 'are'} not read by this code; it reads {reads.join(', ')}
            </small>
          )}
          {params.ok && unread.length === 0 && reads.length > 0 && <small className="muted">This code reads: {reads.join(', ')}</small>}
        </label>
      </div>
      <CodeEditor ref={editor} value={code} onChange={(v) => { setCode(v); }} markers={markers} language={language} label={`Strategy source (${language === 'python' ? 'Python' : 'TypeScript'})`} />
      <div className="editor-actions">
        <button type="button" onClick={() => void submit()} disabled={busy || !nameOk || !params.ok} data-testid="submit-strategy">
          {deploy ? 'Validate & deploy' : 'Validate & register'}
        </button>
        <button type="button" className="secondary" onClick={() => { setCode(TEMPLATES[language]); setServerDiags([]); }}>
          Reset to template
        </button>
        <span className={clientProblems.length === 0 ? 'ok' : 'warn'} data-testid="client-check">
          {language === 'python'
            ? 'Python is checked by CPython on the server when you validate'
            : clientProblems.length === 0
              ? 'Client check: no problems found'
              : `Client check: ${clientProblems.length} problem(s)`}
        </span>
      </div>
      <DeployOutcome result={result} testId="strategy-result" />
      {allProblems.length > 0 && (
        <ul className="problems" data-testid="problems">
          {allProblems.map((p, i) => (
            <li key={i} className={p.source}>
              <button type="button" className="link" onClick={() => p.line !== null && editor.current?.goTo(p.line, p.column)} data-testid={p.source === 'server' ? 'server-problem' : 'client-problem'} data-line={p.line ?? ''}>
                {p.line !== null ? `Line ${p.line}${p.column !== null ? `:${p.column}` : ''}` : 'General'}
              </button>{' '}
              <span className="src">[{p.source}]</span> {p.message}
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

interface DeployResult {
  ok: boolean;
  text: string;
  agent?: string;
  manageKey?: string;
}

/** A deploy's outcome: the message with a link to the agent, then its manage key (shown once). */
function DeployOutcome({ result, testId }: { result: DeployResult | null; testId: string }) {
  if (!result) return null;
  return (
    <>
      <p className={result.ok ? 'ok' : 'error'} role={result.ok ? 'status' : 'alert'} data-testid={testId}>
        {result.text} {result.agent && <a href={strategyHref(result.agent)}>Open {result.agent}</a>}
      </p>
      {result.agent && result.manageKey && <ManageKeyNotice agentId={result.agent} manageKey={result.manageKey} />}
    </>
  );
}

/** POST /strategies: a built-in strategy type with its default parameters, straight into the market. */
function BuiltinDeploy() {
  const templates = usePoll('/strategies', 0, (raw) => strategyTemplates(asWire('/strategies')(raw)));
  const builtins = (templates.data ?? []).filter((t) => t.builtin);
  const [type, setType] = useState('');
  const [agentId, setAgentId] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<DeployResult | null>(null);
  const chosen = type || builtins[0]?.type || '';

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setResult(null);
    try {
      const body: Record<string, unknown> = { strategy_type: chosen };
      if (agentId.trim() !== '') body.agent_id = agentId.trim();
      const answer = await postJson('/strategies', body);
      const kept = rememberDeploy(answer);
      const id = kept?.agentId ?? String((answer as { agent_id?: unknown } | null)?.agent_id ?? '');
      setResult({ ok: true, text: `Deployed ${chosen} as ${id}.`, agent: id, ...(kept ? { manageKey: kept.manageKey } : {}) });
    } catch (err) {
      setResult({ ok: false, text: describeError(err, 'deploy a strategy') });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Panel title="Deploy a built-in strategy" error={templates.error}>
      <form className="form" onSubmit={(e) => void submit(e)} data-testid="builtin-deploy">
        <div className="form-row">
          <label>
            Strategy type
            <select value={chosen} onChange={(e) => setType(e.target.value)} name="strategy_type" data-testid="builtin-type">
              {builtins.map((t) => (
                <option key={t.type} value={t.type}>
                  {t.type}
                </option>
              ))}
            </select>
          </label>
          <label>
            Agent id (optional)
            <input value={agentId} onChange={(e) => setAgentId(e.target.value)} maxLength={64} placeholder="generated when empty" data-testid="builtin-agent-id" />
          </label>
        </div>
        <p className="help">Runs with the type&apos;s default parameters; use a configuration submission below to tune them.</p>
        <button type="submit" disabled={busy || chosen === ''} data-testid="builtin-deploy-button">
          Deploy
        </button>
      </form>
      <DeployOutcome result={result} testId="builtin-result" />
    </Panel>
  );
}

export function DeployPage() {
  return (
    <div className="page deploy grid-deploy">
      <StrategyEditor />
      <div className="deploy-side">
        <BuiltinDeploy />
        <ConfigForm />
      </div>
    </div>
  );
}
