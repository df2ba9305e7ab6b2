/**
 * The submit form's request, as the parameters `POST /session` takes and as the same
 * request written for curl, the skyrun CLI and the Python SDK, shown before submitting.
 */

export interface SubmitForm {
  readonly name: string;
  readonly image: string;
  readonly cores: string;
  readonly ram: string;
  readonly gpus: string;
  readonly cmd: string;
  /** Words as a POSIX shell splits them (the server splits them the same way). */
  readonly args: string;
  /** `KEY=VALUE` per line. */
  readonly env: string;
  readonly replicas: string;
  /** Ids, comma- or space-separated. */
  readonly dependsOn: string;
  readonly retries: string;
  /** `key=value` per line. */
  readonly labels: string;
}

export const EMPTY_FORM: SubmitForm = { name: "", image: "", cores: "", ram: "", gpus: "", cmd: "", args: "", env: "", replicas: "1", dependsOn: "", retries: "0", labels: "" };

const lines = (s: string): string[] => s.split("\n").map((l) => l.trim()).filter((l) => l !== "");
const ids = (s: string): string[] => s.split(/[\s,]+/).filter((x) => x !== "");

/** The form as `POST /session` parameters, in a stable order; defaults left out. */
export function submitParams(f: SubmitForm): [string, string][] {
  const p: [string, string][] = [["name", f.name.trim()], ["image", f.image.trim()], ["type", "headless"]];
  if (f.cores !== "") p.push(["cores", f.cores]);
  if (f.ram !== "") p.push(["ram", f.ram]);
  if (f.gpus !== "" && f.gpus !== "0") p.push(["gpus", f.gpus]);
  if (f.cmd.trim() !== "") p.push(["cmd", f.cmd.trim()]);
  if (f.args.trim() !== "") p.push(["args", f.args.trim()]);
  for (const e of lines(f.env)) p.push(["env", e]);
  if (f.replicas.trim() !== "" && f.replicas.trim() !== "1") p.push(["replicas", f.replicas.trim()]);
  const deps = ids(f.dependsOn);
  if (deps.length > 0) p.push(["dependsOn", deps.join(",")]);
  if (f.retries.trim() !== "" && f.retries.trim() !== "0") p.push(["retries", f.retries.trim()]);
  for (const l of lines(f.labels)) p.push(["label", l]);
  return p;
}

/** Words quoted for a POSIX shell: bare when safe, else in single quotes. */
export const shellQuote = (s: string): string => (/^[A-Za-z0-9_./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** Splits words as a POSIX shell does (quotes and backslashes), as the server splits `args`. */
export function splitWords(s: string): string[] {
  const out: string[] = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "'") {
      const end = s.indexOf("'", i + 1);
      word += s.slice(i + 1, end < 0 ? s.length : end);
      i = end < 0 ? s.length : end;
      inWord = true;
    } else if (c === '"') {
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === "\\" && i + 1 < s.length && '"\\$`'.includes(s[i + 1]!)) i++;
        word += s.charAt(i);
        i++;
      }
      inWord = true;
    } else if (c === "\\" && i + 1 < s.length) {
      word += s.charAt(++i);
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) out.push(word);
  return out;
}

export function curlCommand(f: SubmitForm, origin: string): string {
  const parts = submitParams(f).map(([k, v]) => (/^[A-Za-z0-9_.:/@-]*$/.test(v) ? `-d ${k}=${v}` : `--data-urlencode ${shellQuote(`${k}=${v}`)}`));
  return [`curl -H "Authorization: Bearer $TOKEN" ${origin}/skaha/v1/session`, ...parts].join(" \\\n  ");
}

export function cliCommand(f: SubmitForm): string {
  const p: string[] = ["skyrun run"];
  if (f.name.trim()) p.push(`-n ${shellQuote(f.name.trim())}`);
  if (f.cores) p.push(`-c ${f.cores}`);
  if (f.ram) p.push(`-m ${f.ram}`);
  if (f.gpus && f.gpus !== "0") p.push(`-g ${f.gpus}`);
  for (const e of lines(f.env)) p.push(`-e ${shellQuote(e)}`);
  if (f.replicas.trim() && f.replicas.trim() !== "1") p.push(`-r ${f.replicas.trim()}`);
  const deps = ids(f.dependsOn);
  if (deps.length > 0) p.push(`--depends-on ${deps.join(",")}`);
  p.push(shellQuote(f.image.trim() || "IMAGE"));
  const command = [...splitWords(f.cmd), ...splitWords(f.args)];
  if (command.length > 0) p.push(`-- ${command.map(shellQuote).join(" ")}`);
  const note = (f.retries.trim() !== "" && f.retries.trim() !== "0") || lines(f.labels).length > 0 ? "\n# labels and retries: the CLI has no flags for them yet; use curl or Python" : "";
  return p.join(" ") + note;
}

const py = (s: string): string => JSON.stringify(s);

export function pythonCode(f: SubmitForm): string {
  const args: string[] = [`name=${py(f.name.trim())}`, `image=${py(f.image.trim())}`, `kind="headless"`];
  if (f.cores) args.push(`cores=${f.cores}`);
  if (f.ram) args.push(`ram=${f.ram}`);
  if (f.gpus && f.gpus !== "0") args.push(`gpu=${f.gpus}`);
  if (f.cmd.trim()) args.push(`cmd=${py(f.cmd.trim())}`);
  const words = splitWords(f.args);
  if (words.length > 0) args.push(`args=[${words.map(py).join(", ")}]`);
  const env = lines(f.env).map((e) => { const at = e.indexOf("="); return `${py(e.slice(0, at < 0 ? e.length : at))}: ${py(at < 0 ? "" : e.slice(at + 1))}`; });
  if (env.length > 0) args.push(`env={${env.join(", ")}}`);
  if (f.replicas.trim() && f.replicas.trim() !== "1") args.push(`replicas=${f.replicas.trim()}`);
  const deps = ids(f.dependsOn);
  if (deps.length > 0) args.push(`depends_on=[${deps.map(py).join(", ")}]`);
  if (f.retries.trim() && f.retries.trim() !== "0") args.push(`retries=${f.retries.trim()}`);
  const labels = lines(f.labels).map((l) => { const at = l.indexOf("="); return `${py(l.slice(0, at))}: ${py(l.slice(at + 1))}`; });
  if (labels.length > 0) args.push(`labels={${labels.join(", ")}}`);
  return `from skyrun import Session\n\nids = Session().create(\n    ${args.join(",\n    ")},\n)`;
}
