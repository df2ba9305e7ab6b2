/**
 * Session names from what a batch file calls its jobs. The server takes a DNS label:
 * 1 to 63 lower-case letters, digits and '-', starting and ending with a letter or digit.
 */

/** A name from free text (an executable, a job name): lower-case, other characters as '-'. */
export function nameFromText(text: string, fallback = "job"): string {
  const name = text.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/-+/g, "-").replace(/^-+|-+$/g, "");
  return name === "" ? fallback : name.slice(0, 63).replace(/-+$/, "");
}

/** `base-suffix`, shortening the base so the whole stays within 63 characters. */
export function withSuffix(base: string, suffix: string | number): string {
  const tail = `-${suffix}`;
  return `${base.slice(0, 63 - tail.length).replace(/-+$/, "")}${tail}`;
}
