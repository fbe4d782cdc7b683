/**
 * How the Strategy page reads an agent's Φ. Per-agent Φ (with the default weighted-mean
 * normalisation) is the mean cosine similarity between the agent's factor vector and every other
 * agent's: −1 … 1, 0 = unrelated to the crowd, 1 = the same behaviour as everyone else. The market
 * header's crowding intensity is the same quantity averaged over all pairs, so the two share the
 * scale. The bands below are reading aids for authors, not engine parameters.
 */

/** Φ at or above this: the agent trades much like the crowd (its impact multiplier is 1 + κΦ). */
export const PHI_MODERATE = 0.3;
/** Φ at or above this: crowded — most of the market does what this agent does. */
export const PHI_CROWDED = 0.6;
/** How many most-similar agents the page lists. */
export const SIMILAR_AGENTS_SHOWN = 5;

export type PhiBand = 'low' | 'moderate' | 'crowded';

export function phiBand(phi: number): PhiBand {
  return phi >= PHI_CROWDED ? 'crowded' : phi >= PHI_MODERATE ? 'moderate' : 'low';
}

export const PHI_SCALE_TEXT = `Φ is the mean cosine similarity of this agent's factor vector with every other agent's: −1 … 1 (0 = unrelated to the crowd, 1 = identical). Below ${PHI_MODERATE} low, ${PHI_MODERATE}–${PHI_CROWDED} moderate, ${PHI_CROWDED} and above crowded. The header's crowding intensity is the same similarity averaged over all pairs.`;

/** The agents most similar to `agentId` in a crowding snapshot (`agent_ids` + row-major `matrix`). */
export function mostSimilar(raw: unknown, agentId: string, k = SIMILAR_AGENTS_SHOWN): Array<{ agentId: string; similarity: number }> {
  if (!raw || typeof raw !== 'object') return [];
  const snap = raw as { agent_ids?: unknown; matrix?: unknown };
  if (!Array.isArray(snap.agent_ids) || !Array.isArray(snap.matrix)) return [];
  const ids = snap.agent_ids as unknown[];
  const i = ids.indexOf(agentId);
  const row = i >= 0 ? (snap.matrix as unknown[])[i] : undefined;
  if (!Array.isArray(row)) return [];
  const out: Array<{ agentId: string; similarity: number }> = [];
  for (let j = 0; j < ids.length; j++) {
    const v = row[j];
    if (j === i || typeof v !== 'number' || !Number.isFinite(v) || typeof ids[j] !== 'string') continue;
    out.push({ agentId: ids[j] as string, similarity: v });
  }
  return out.sort((a, b) => b.similarity - a.similarity || a.agentId.localeCompare(b.agentId)).slice(0, k);
}
