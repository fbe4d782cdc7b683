/**
 * Which Node.js the server runs on, and whether that line still gets security fixes.
 *
 * User strategies run inside V8 isolates, so the runtime's V8 is part of the sandbox boundary: on
 * an end-of-life Node.js, untrusted code runs on a V8 that no longer gets security fixes. The
 * server says so once at start and in GET /status.
 */

/** Release lines CrowdAlpha supports, with the end of their upstream support (UTC dates). */
export const NODE_RELEASE_LINES: ReadonlyArray<{ major: number; endOfLife: string }> = [
  { major: 20, endOfLife: '2026-04-30' },
  { major: 22, endOfLife: '2027-04-30' },
  { major: 24, endOfLife: '2028-04-30' },
];

/** The runtime the README recommends. */
export const RECOMMENDED_NODE = 'Node.js 24 LTS';

export interface RuntimeSupport {
  /** `process.version`, e.g. `v20.20.2`. */
  node: string;
  /** Whether this major is one CrowdAlpha is tested on (20, 22, 24). */
  supported: boolean;
  /** Upstream end of life of this release line (YYYY-MM-DD), null when the line is not one we know. */
  end_of_life_date: string | null;
  /** True when that date has passed: the line gets no more V8 security fixes. */
  end_of_life: boolean;
  recommended: string;
  /** One sentence for operators, null when there is nothing to say. */
  warning: string | null;
}

/** Support status of `nodeVersion` (e.g. `v20.20.2` or `20.20.2`) at time `nowMs`. */
export function runtimeSupport(nodeVersion: string, nowMs: number): RuntimeSupport {
  const version = nodeVersion.startsWith('v') ? nodeVersion : `v${nodeVersion}`;
  const major = Number(version.slice(1).split('.')[0]);
  const line = NODE_RELEASE_LINES.find((l) => l.major === major) ?? null;
  const endOfLife = line !== null && nowMs >= Date.parse(`${line.endOfLife}T00:00:00Z`);
  let warning: string | null = null;
  if (line === null) {
    warning = `Node.js ${version} is not a runtime CrowdAlpha is tested on; use ${RECOMMENDED_NODE} (20.19+ and 22 work too).`;
  } else if (endOfLife) {
    warning =
      `Node.js ${major} reached end of life on ${line.endOfLife}: user strategies run in V8 isolates ` +
      `on a V8 that no longer gets security fixes. Upgrade to ${RECOMMENDED_NODE}.`;
  }
  return {
    node: version,
    supported: line !== null,
    end_of_life_date: line?.endOfLife ?? null,
    end_of_life: endOfLife,
    recommended: RECOMMENDED_NODE,
    warning,
  };
}
