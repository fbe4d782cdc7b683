/**
 * How an agent's status reads: active, stopped (withdrawn through POST /strategies/{id}/stop: the
 * engine marks it silenced with a reason such as "stopped by its owner: …" and `stopped_at_tick`),
 * or silenced (by the sandbox, with its reason).
 */
export interface StatusLike {
  status: string;
  status_reason: string | null;
  extra?: Record<string, unknown>;
}

export type StatusKind = 'active' | 'stopped' | 'silenced';

export function agentStatus(a: StatusLike): { kind: StatusKind; text: string } {
  if (a.status !== 'silenced') return { kind: 'active', text: 'active' };
  const reason = a.status_reason ?? '';
  const stopped = typeof a.extra?.stopped_at_tick === 'number' || /^stopped\b/.test(reason);
  if (stopped) return { kind: 'stopped', text: /^stopped\b/.test(reason) ? reason : reason ? `stopped: ${reason}` : 'stopped' };
  return { kind: 'silenced', text: reason ? `silenced: ${reason}` : 'silenced' };
}
