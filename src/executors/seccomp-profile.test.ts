import { describe, expect, it } from "vitest";
import { CLONE_NAMESPACE_FLAGS, hardenSeccompProfile, REFUSED_SYSCALLS, type SeccompProfile } from "./seccomp-profile.js";

const base: SeccompProfile = {
  defaultAction: "SCMP_ACT_ERRNO",
  archMap: [{ architecture: "SCMP_ARCH_X86_64", subArchitectures: [] }],
  syscalls: [
    { names: ["read", "write", "unshare", "clone", "clone3", "setns", "mount", "keyctl", "io_uring_setup"], action: "SCMP_ACT_ALLOW", args: [] },
    { names: ["bpf"], action: "SCMP_ACT_ALLOW", includes: { caps: ["CAP_SYS_ADMIN"] } },
    { names: ["personality"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, value: 0, op: "SCMP_CMP_EQ" }] },
  ],
};

describe("the hardened seccomp profile (issue 11)", () => {
  const hardened = hardenSeccompProfile(base);
  const allowed = new Set(hardened.syscalls.filter((r) => r.action === "SCMP_ACT_ALLOW" && !r.args?.length).flatMap((r) => r.names));

  it("no longer allows the calls a batch job has no business making, whatever capability a rule names", () => {
    for (const name of REFUSED_SYSCALLS) expect(allowed.has(name), name).toBe(false);
    expect(hardened.syscalls.some((r) => r.names.includes("bpf") && r.action === "SCMP_ACT_ALLOW")).toBe(false);
  });

  it("allows clone only without namespace flags, and makes clone3 fall back to it", () => {
    expect(hardened.syscalls).toContainEqual({ names: ["clone"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, value: CLONE_NAMESPACE_FLAGS, valueTwo: 0, op: "SCMP_CMP_MASKED_EQ" }] });
    expect(hardened.syscalls).toContainEqual({ names: ["clone3"], action: "SCMP_ACT_ERRNO", errnoRet: 38 });
  });

  it("keeps everything else the engine's default allows, and its default action and architectures", () => {
    expect(allowed).toEqual(new Set(["read", "write"]));
    expect(hardened.syscalls.find((r) => r.names.includes("personality"))).toEqual(base.syscalls[2]);
    expect(hardened.defaultAction).toBe("SCMP_ACT_ERRNO");
    expect(hardened.archMap).toEqual(base.archMap);
    expect(base.syscalls[0]!.names).toContain("unshare"); // the input is left as it is
  });
});
