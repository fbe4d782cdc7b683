/** Random identifiers for server-created records (never from global counters, so restarts cannot collide). */
import { randomInt } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function randomToken(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/** `sub_` + 10 characters (docs/MODEL.md §8). */
export const submissionId = (): string => `sub_${randomToken(10)}`;
/** Agent ids the server picks when the client does not: `user_` + 8 characters. */
export const userAgentId = (): string => `user_${randomToken(8)}`;
/** Simulation ids sort by creation time: `sim_<ms base36>_<random>`. */
export const simulationId = (): string => `sim_${Date.now().toString(36).padStart(9, '0')}_${randomToken(6)}`;

