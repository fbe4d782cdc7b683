/**
 * A small seccomp filter (classic BPF) for the Python workers, handed to bubblewrap with
 * `--seccomp <fd>`. It is a second wall behind the namespaces and rlimits: syscalls a strategy
 * never needs answer EPERM instead of reaching the kernel code behind them — sockets of any
 * family, fork/clone/vfork (no processes or threads at all), ptrace and process_vm_*, mount and
 * namespace calls, keyrings, bpf, perf_event_open, userfaultfd, io_uring, module and kexec loading,
 * personality. `execve` stays (bubblewrap execs the interpreter after installing the filter), and
 * a foreign architecture or the x32 ABI is refused outright.
 *
 * Built here rather than with libseccomp: a few dozen instructions, no native dependency. Syscall
 * numbers are per architecture; x86-64 and arm64 are covered, elsewhere the workers run without
 * the filter (`seccompFilter()` returns null and the README says so).
 */

export type SeccompArch = 'x64' | 'arm64';

const AUDIT_ARCH: Record<SeccompArch, number> = { x64: 0xc000003e, arm64: 0xc00000b7 };

/** Refused syscalls by name, with their numbers on each architecture (null: absent there). */
const DENIED: Record<string, [x64: number | null, arm64: number | null]> = {
  socket: [41, 198],
  socketpair: [53, 199],
  connect: [42, 203],
  bind: [49, 200],
  listen: [50, 201],
  accept: [43, 202],
  accept4: [288, 242],
  clone: [56, 220],
  clone3: [435, 435],
  fork: [57, null],
  vfork: [58, null],
  execveat: [322, 281],
  ptrace: [101, 117],
  process_vm_readv: [310, 270],
  process_vm_writev: [311, 271],
  process_madvise: [440, 440],
  pidfd_open: [434, 434],
  pidfd_getfd: [438, 438],
  personality: [135, 92],
  chroot: [161, 51],
  pivot_root: [155, 41],
  mount: [165, 40],
  umount2: [166, 39],
  open_tree: [428, 428],
  move_mount: [429, 429],
  fsopen: [430, 430],
  fsconfig: [431, 431],
  fsmount: [432, 432],
  fspick: [433, 433],
  mount_setattr: [442, 442],
  unshare: [272, 97],
  setns: [308, 268],
  add_key: [248, 217],
  request_key: [249, 218],
  keyctl: [250, 219],
  bpf: [321, 280],
  perf_event_open: [298, 241],
  userfaultfd: [323, 282],
  io_uring_setup: [425, 425],
  io_uring_enter: [426, 426],
  io_uring_register: [427, 427],
  init_module: [175, 105],
  finit_module: [313, 273],
  delete_module: [176, 106],
  kexec_load: [246, 104],
  kexec_file_load: [320, 294],
  reboot: [169, 142],
  swapon: [167, 224],
  swapoff: [168, 225],
  sethostname: [170, 161],
  setdomainname: [171, 162],
  acct: [163, 89],
};

export const SECCOMP_DENIED_SYSCALLS: readonly string[] = Object.keys(DENIED);

// BPF opcodes and seccomp return values (linux/filter.h, linux/seccomp.h).
const LD_W_ABS = 0x20;
const JEQ_K = 0x15;
const JGE_K = 0x35;
const RET_K = 0x06;
const RET_ALLOW = 0x7fff0000;
const RET_KILL_PROCESS = 0x80000000;
const RET_ERRNO_EPERM = 0x00050000 | 1;
const X32_SYSCALL_BIT = 0x40000000;

function insn(code: number, jt: number, jf: number, k: number): Buffer {
  // struct sock_filter { __u16 code; __u8 jt; __u8 jf; __u32 k; } in the machine's byte order
  const b = Buffer.alloc(8);
  b.writeUInt16LE(code, 0);
  b.writeUInt8(jt, 2);
  b.writeUInt8(jf, 3);
  b.writeUInt32LE(k >>> 0, 4);
  return b;
}

/** The compiled filter for `arch` (default: this process's), or null on an architecture it does not know. */
export function seccompFilter(arch: string = process.arch): Buffer | null {
  if (arch !== 'x64' && arch !== 'arm64') return null;
  const a = arch as SeccompArch;
  const nrs = Object.values(DENIED)
    .map(([x, r]) => (a === 'x64' ? x : r))
    .filter((n): n is number => n !== null);
  const out: Buffer[] = [];
  out.push(insn(LD_W_ABS, 0, 0, 4)); // seccomp_data.arch
  out.push(insn(JEQ_K, 1, 0, AUDIT_ARCH[a]));
  out.push(insn(RET_K, 0, 0, RET_KILL_PROCESS));
  out.push(insn(LD_W_ABS, 0, 0, 0)); // seccomp_data.nr
  // Then: the x32 check, one JEQ per refused number, ALLOW, ERRNO. A jump's jt counts the
  // instructions it skips, so from the x32 check the ERRNO return is N + 1 ahead, from the
  // i-th JEQ N - i (N = nrs.length). arm64 has no x32 ABI: its check jumps nowhere.
  const n = nrs.length;
  out.push(insn(JGE_K, a === 'x64' ? n + 1 : 0, 0, X32_SYSCALL_BIT));
  nrs.forEach((nr, i) => out.push(insn(JEQ_K, n - i, 0, nr)));
  out.push(insn(RET_K, 0, 0, RET_ALLOW));
  out.push(insn(RET_K, 0, 0, RET_ERRNO_EPERM));
  return Buffer.concat(out);
}
