import { describe, expect, it } from "vitest";
import { mergeGroup, mergePasswd, type PosixAccounts } from "./posix-accounts.js";

const alice: PosixAccounts = {
  user: { name: "alice", uid: 1000, gid: 1000, home: "/arc/home/alice", shell: "/bin/sh" },
  groups: [{ name: "alice", gid: 1000 }, { name: "astro", gid: 30001 }],
};

describe("names inside the container (issue 3)", () => {
  it("adds the user to the image's passwd, replacing an entry with the same uid or name", () => {
    const image = "root:x:0:0:root:/root:/bin/bash\n# comment\nubuntu:x:1000:1000::/home/ubuntu:/bin/bash\nalice:x:1001:1001::/home/alice:/bin/bash\n\n";
    expect(mergePasswd(image, alice)).toBe("root:x:0:0:root:/root:/bin/bash\n# comment\nalice:x:1000:1000:alice:/arc/home/alice:/bin/sh\n");
  });

  it("adds the user's groups with the user as member, replacing clashing names and gids", () => {
    const image = "root:x:0:\nubuntu:x:1000:\nastro:x:500:\nsudo:x:27:ubuntu\n";
    expect(mergeGroup(image, alice)).toBe("root:x:0:\nsudo:x:27:ubuntu\nalice:x:1000:\nastro:x:30001:alice\n");
  });

  it("works for an image without account files", () => {
    expect(mergePasswd("", alice)).toBe("alice:x:1000:1000:alice:/arc/home/alice:/bin/sh\n");
    expect(mergeGroup("", alice)).toBe("alice:x:1000:\nastro:x:30001:alice\n");
  });
});
