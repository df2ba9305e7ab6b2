/**
 * The names a job's numeric ids get inside its container. The job runs as uid:uid
 * with its groups' gids; these entries are added to the image's own `/etc/passwd` and
 * `/etc/group`, so `id`, `whoami` and `ls -l` print names, as on the platform (whose
 * init container appends the POSIX mapper's entries to the image's files).
 */
export interface PosixAccounts {
  readonly user: {
    readonly name: string;
    readonly uid: number;
    /** Primary gid: the uid, the platform's user-private-group convention. */
    readonly gid: number;
    readonly home: string;
    readonly shell: string;
  };
  /** The primary group (named after the user) first, then the user's groups. */
  readonly groups: readonly { readonly name: string; readonly gid: number }[];
}

const fields = (line: string): string[] => line.split(":");

/** Keeps the image's lines except those that would give our names or ids a second meaning. */
function keepImageLines(text: string, clashes: (f: string[]) => boolean): string[] {
  return text.split("\n").filter((line) => line.trim() !== "").filter((line) => line.startsWith("#") || !clashes(fields(line)));
}

/** The job user's /etc/passwd line. */
export const passwdLine = (a: PosixAccounts): string => {
  const u = a.user;
  return `${u.name}:x:${u.uid}:${u.gid}:${u.name}:${u.home}:${u.shell}`;
};

/** The job's groups, once each by name: the primary group first. */
const distinctGroups = (a: PosixAccounts) => {
  const seen = new Set<string>();
  return a.groups.filter((g) => !seen.has(g.name) && seen.add(g.name));
};

/** The job's /etc/group lines, the user listed as a member of each supplementary group. */
export const groupLines = (a: PosixAccounts): string[] =>
  distinctGroups(a).map((g) => `${g.name}:x:${g.gid}:${g.gid === a.user.gid ? "" : a.user.name}`);

/** Names and ids an image entry must not have, or it would give ours a second meaning. */
export const clashingGroupKeys = (a: PosixAccounts): { names: string[]; gids: string[] } => {
  const ours = distinctGroups(a);
  return { names: ours.map((g) => g.name), gids: ours.map((g) => String(g.gid)) };
};

/**
 * The image's passwd plus the job's user. An image entry with the same name or uid is
 * dropped: inside the job that uid is this user.
 */
export function mergePasswd(imagePasswd: string, a: PosixAccounts): string {
  const u = a.user;
  const kept = keepImageLines(imagePasswd, (f) => f[0] === u.name || f[2] === String(u.uid));
  return [...kept, passwdLine(a)].join("\n") + "\n";
}

/**
 * The image's group file plus the job's groups, the user listed as a member of each
 * supplementary one. Image groups with one of those names or gids are dropped.
 */
export function mergeGroup(imageGroup: string, a: PosixAccounts): string {
  const clash = clashingGroupKeys(a);
  const names = new Set(clash.names);
  const gids = new Set(clash.gids);
  const kept = keepImageLines(imageGroup, (f) => names.has(f[0] ?? "") || gids.has(f[2] ?? ""));
  return [...kept, ...groupLines(a)].join("\n") + "\n";
}
