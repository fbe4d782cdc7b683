/**
 * Which host user a Python sandbox runs as. Inside, the strategy is always uid 65534; outside, a
 * server running as root would otherwise map that to root, and the kernel exempts root from
 * RLIMIT_NPROC (fork/thread bombs would pass). So a root host starts bubblewrap as the host's
 * nobody (65534), an unprivileged user with no processes of its own; any other host user is
 * already unprivileged and runs it as itself.
 */
import { SANDBOX_UID } from './bwrap-command.js';

export function hostIdentity(): { uid?: number; gid?: number } {
  return typeof process.getuid === 'function' && process.getuid() === 0 ? { uid: SANDBOX_UID, gid: SANDBOX_UID } : {};
}
