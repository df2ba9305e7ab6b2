/** Choose, save and remove named views of the jobs table. */
import { useState } from "preact/hooks";
import { loadSavedViews, removeView, saveView, type SavedView } from "../state/saved-views.js";

export function SavedViews({ search, onChoose }: { readonly search: string; onChoose: (search: string) => void }) {
  const [views, setViews] = useState<SavedView[]>(loadSavedViews);
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState("");
  const current = views.find((v) => v.search === search);
  return (
    <div class="saved-views">
      <label>
        Saved views{" "}
        <select value={current?.name ?? ""} onChange={(e) => { const v = views.find((x) => x.name === e.currentTarget.value); onChoose(v?.search ?? ""); }}>
          <option value="">{current ? "All sessions" : "—"}</option>
          {views.map((v) => <option key={v.name} value={v.name}>{v.name}</option>)}
        </select>
      </label>
      {current && <button type="button" class="small" onClick={() => setViews(removeView(current.name))}>Remove “{current.name}”</button>}
      {naming ? (
        <form class="inline" onSubmit={(e) => { e.preventDefault(); if (name.trim() !== "") { setViews(saveView({ name: name.trim(), search })); setNaming(false); setName(""); } }}>
          <label>Name <input value={name} onInput={(e) => setName(e.currentTarget.value)} required autoFocus /></label>
          <button type="submit" class="small">Save</button>
          <button type="button" class="small" onClick={() => setNaming(false)}>Cancel</button>
        </form>
      ) : (
        <button type="button" class="small" onClick={() => setNaming(true)} disabled={search === "" || current !== undefined}>Save this view</button>
      )}
    </div>
  );
}
