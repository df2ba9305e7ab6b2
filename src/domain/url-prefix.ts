/**
 * Is `url` under one of the operator's allowed prefixes (`notifications.allowedUrls`)?
 * Both are compared in their normalised form (lower-case scheme and host, default
 * ports dropped), and a prefix ends at a boundary: `https://hooks.example.org` allows
 * `https://hooks.example.org/x`, never `https://hooks.example.org.evil.net/`, and
 * `https://h.org/team` allows `https://h.org/team/x` and `…/team?x`, not `…/team-b`.
 * Never throws: a text that is not a URL is not allowed.
 */
export function isUnderAllowedPrefix(url: string, prefixes: readonly string[]): boolean {
  const target = normalise(url);
  if (target === undefined) return false;
  return prefixes.some((p) => {
    const prefix = normalise(p);
    if (prefix === undefined || !target.startsWith(prefix)) return false;
    if (prefix.endsWith("/")) return true;
    const next = target.charAt(prefix.length);
    return next === "" || next === "/" || next === "?" || next === "#";
  });
}

function normalise(text: string): string | undefined {
  try {
    const u = new URL(text);
    if (u.protocol !== "http:" && u.protocol !== "https:") return undefined;
    // A bare origin comes back with its "/": the host then ends at a boundary by itself.
    return u.href;
  } catch {
    return undefined;
  }
}
