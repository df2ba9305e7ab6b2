/**
 * The seccomp profile jobs run under: the engine's own default (Podman's
 * containers-common profile, an allow-list), with the calls a batch job has no
 * business making taken out. A job already has no capabilities and cannot gain
 * privileges; these close what is left of the kernel's surface without them:
 *
 *   new namespaces      unshare, setns; clone with CLONE_NEW* flags (clone3 answers
 *                       ENOSYS, so C libraries fall back to clone, which is checked)
 *   mounts              mount, umount, umount2, pivot_root, the new mount API
 *                       (fsopen, fsconfig, fsmount, fspick, move_mount, open_tree, mount_setattr)
 *   kernel keyrings     keyctl, add_key, request_key
 *   in-kernel programs  bpf, perf_event_open, userfaultfd, io_uring_setup/enter/register
 *   file handles        open_by_handle_at, name_to_handle_at
 *   the host itself     kexec_load, kexec_file_load, init/finit/delete_module, reboot,
 *                       swapon, swapoff, acct, quotactl, syslog, settimeofday, clock_settime,
 *                       clock_adjtime, lookup_dcookie, vhangup
 *
 * Refused calls fail with EPERM (the profile's default action). docs/security.md
 * lists them; test/integration/api/container-boundary.test.ts tries them.
 */

export interface SeccompRule {
  names: string[];
  action: string;
  args?: { index: number; value: number; valueTwo?: number; op: string }[] | null;
  errnoRet?: number;
  [more: string]: unknown;
}

export interface SeccompProfile {
  defaultAction: string;
  syscalls: SeccompRule[];
  [more: string]: unknown;
}

export const REFUSED_SYSCALLS: readonly string[] = [
  "unshare", "setns",
  "mount", "umount", "umount2", "pivot_root", "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr",
  "keyctl", "add_key", "request_key",
  "bpf", "perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
  "open_by_handle_at", "name_to_handle_at",
  "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "reboot", "swapon", "swapoff", "acct", "quotactl",
  "syslog", "settimeofday", "clock_settime", "clock_adjtime", "lookup_dcookie", "vhangup",
];

/** CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET */
export const CLONE_NAMESPACE_FLAGS = 0x7e020000;
/** What clone3 answers: "not implemented", so callers fall back to clone. */
const ENOSYS = 38;

const ALLOW = "SCMP_ACT_ALLOW";
const refused = new Set([...REFUSED_SYSCALLS, "clone", "clone3"]);

/** The hardened profile. Pure: the input is left as it is. */
export function hardenSeccompProfile(base: SeccompProfile): SeccompProfile {
  const syscalls = base.syscalls
    .map((rule) => (rule.action === ALLOW ? { ...rule, names: rule.names.filter((n) => !refused.has(n)) } : rule))
    .filter((rule) => rule.names.length > 0);
  return {
    ...base,
    syscalls: [
      ...syscalls,
      { names: ["clone"], action: ALLOW, args: [{ index: 0, value: CLONE_NAMESPACE_FLAGS, valueTwo: 0, op: "SCMP_CMP_MASKED_EQ" }] },
      { names: ["clone3"], action: "SCMP_ACT_ERRNO", errnoRet: ENOSYS },
    ],
  };
}
