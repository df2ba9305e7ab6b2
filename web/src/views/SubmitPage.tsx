/**
 * The submit form: images from the catalogue (`/image`, with their types), resources from
 * `/context`, command, arguments, environment, replicas, dependencies, retries and labels;
 * the same request for curl, the CLI and Python is shown as the form is filled in.
 */
import { useEffect, useState } from "preact/hooks";
import type { ImageJson, ResourceContextJson } from "../../../src/contracts/platform.js";
import { ApiError, createSessions, getContext, getImages } from "../api/api-client.js";
import { invalidateListing } from "../api/session-listing.js";
import { navigate } from "../state/location.js";
import { cliCommand, curlCommand, EMPTY_FORM, pythonCode, submitParams, type SubmitForm } from "../state/submit-commands.js";

type Field = keyof SubmitForm;

function TextField({ id, label, form, set, hint, multiline, required, list }: { id: Field; label: string; form: SubmitForm; set: (f: Field, v: string) => void; hint?: string; multiline?: boolean; required?: boolean; list?: string }) {
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div class="field">
      <label for={`f-${id}`}>{label}{required ? " (required)" : ""}</label>
      {multiline
        ? <textarea id={`f-${id}`} rows={3} value={form[id]} aria-describedby={hintId} onInput={(e) => set(id, e.currentTarget.value)} />
        : <input id={`f-${id}`} value={form[id]} aria-describedby={hintId} required={required} list={list} onInput={(e) => set(id, e.currentTarget.value)} />}
      {hint && <small id={hintId} class="muted">{hint}</small>}
    </div>
  );
}

function Choice({ id, label, form, set, options, none }: { id: Field; label: string; form: SubmitForm; set: (f: Field, v: string) => void; options: readonly number[]; none: string }) {
  return (
    <div class="field">
      <label for={`f-${id}`}>{label}</label>
      <select id={`f-${id}`} value={form[id]} onChange={(e) => set(id, e.currentTarget.value)}>
        <option value="">{none}</option>
        {options.map((o) => <option key={o} value={String(o)}>{o}</option>)}
      </select>
    </div>
  );
}

export function SubmitPage() {
  const [form, setForm] = useState<SubmitForm>(EMPTY_FORM);
  const [images, setImages] = useState<ImageJson[]>([]);
  const [context, setContext] = useState<ResourceContextJson | undefined>();
  const [type, setType] = useState("headless");
  const [created, setCreated] = useState<string[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    getImages().then(setImages, (e: unknown) => setError(`Images: ${e instanceof Error ? e.message : String(e)}`));
    getContext().then(setContext, (e: unknown) => setError(`Resources: ${e instanceof Error ? e.message : String(e)}`));
  }, []);

  const set = (f: Field, v: string) => setForm((old) => ({ ...old, [f]: v }));
  const types = [...new Set(images.flatMap((i) => i.types))].sort();
  const shownImages = images.filter((i) => type === "" || i.types.includes(type));

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setCreated(undefined);
    try {
      const ids = await createSessions(submitParams(form));
      invalidateListing();
      setCreated(ids);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const commands = { curl: curlCommand(form, location.origin), cli: cliCommand(form), python: pythonCode(form) };
  return (
    <section class="submit-page" aria-labelledby="submit-title">
      <h1 id="submit-title">Submit sessions</h1>
      <form onSubmit={(e) => void submit(e)} class="submit-form">
        <fieldset>
          <legend>What to run</legend>
          <TextField id="name" label="Name" form={form} set={set} required hint="Letters, digits and -; with replicas, name-1 … name-N." />
          <div class="field">
            <label for="f-type">Image type</label>
            <select id="f-type" value={type} onChange={(e) => setType(e.currentTarget.value)}>
              <option value="">Any</option>
              {types.map((t) => <option key={t} value={t}>{t}</option>)}
            </select>
          </div>
          <TextField id="image" label="Image" form={form} set={set} required list="image-list" hint={`${shownImages.length} images in the catalogue; any image the server may run works.`} />
          <datalist id="image-list">{shownImages.map((i) => <option key={i.id} value={i.id}>{i.types.join(", ")}</option>)}</datalist>
          <TextField id="cmd" label="Command" form={form} set={set} hint="The program; empty keeps the image's entrypoint." />
          <TextField id="args" label="Arguments" form={form} set={set} hint="Split as a POSIX shell splits words: 'quoted words' stay one argument." />
          <TextField id="env" label="Environment" form={form} set={set} multiline hint="KEY=VALUE, one per line." />
        </fieldset>
        <fieldset>
          <legend>Resources</legend>
          <Choice id="cores" label="Cores" form={form} set={set} options={context?.cores.options ?? []} none={`Flexible (default ${context?.cores.default ?? "?"})`} />
          <Choice id="ram" label="RAM (GB)" form={form} set={set} options={context?.memoryGB.options ?? []} none={`Flexible (default ${context?.memoryGB.default ?? "?"})`} />
          {(context?.gpus?.options.length ?? 0) > 0 && <Choice id="gpus" label="GPUs" form={form} set={set} options={context?.gpus?.options ?? []} none="None" />}
        </fieldset>
        <fieldset>
          <legend>Batch</legend>
          <TextField id="replicas" label="Replicas" form={form} set={set} hint="N sessions from one request, each with REPLICA_ID." />
          <TextField id="dependsOn" label="Depends on" form={form} set={set} hint="Session ids that must succeed first." />
          <TextField id="retries" label="Retries" form={form} set={set} hint="A failed attempt is tried again up to this many times (0–10)." />
          <TextField id="labels" label="Labels" form={form} set={set} multiline hint="key=value, one per line." />
        </fieldset>
        <div class="buttons">
          <button type="submit" class="primary" disabled={busy}>{busy ? "Submitting…" : "Submit"}</button>
          <button type="button" onClick={() => { setForm(EMPTY_FORM); setCreated(undefined); setError(undefined); }}>Clear</button>
        </div>
        {error && <p role="alert" class="error">{error}</p>}
        {created && (
          <div role="status" class="created">
            <p>Created {created.length} session{created.length === 1 ? "" : "s"}:</p>
            <ul>{created.slice(0, 20).map((id) => <li key={id}><a href={`/jobs?open=${id}`} onClick={(e) => { e.preventDefault(); navigate(`/jobs?open=${id}`); }}>{id}</a></li>)}</ul>
          </div>
        )}
      </form>
      <section class="commands" aria-labelledby="commands-title">
        <h2 id="commands-title">The same request</h2>
        {(["curl", "cli", "python"] as const).map((k) => (
          <div key={k} class="command-block">
            <h3 id={`cmd-${k}`}>{k === "cli" ? "skyrun CLI" : k === "python" ? "Python" : "curl"}</h3>
            <pre class="command" tabIndex={0} aria-labelledby={`cmd-${k}`}>{commands[k]}</pre>
            <button type="button" class="small" onClick={() => void navigator.clipboard.writeText(commands[k])}>Copy {k === "cli" ? "CLI" : k === "python" ? "Python" : "curl"}</button>
          </div>
        ))}
      </section>
    </section>
  );
}
