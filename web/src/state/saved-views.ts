/**
 * Views the user saved by name: a filter, sort and grouping, kept in this browser
 * (localStorage). Each is the jobs page's query string, so it is also a link.
 */
const KEY = "skyrun.savedViews";

export interface SavedView {
  readonly name: string;
  /** The jobs page's search string, e.g. `?status=Failed&label=run=n42`. */
  readonly search: string;
}

export function loadSavedViews(): SavedView[] {
  try {
    const raw = JSON.parse(localStorage.getItem(KEY) ?? "[]") as unknown;
    return Array.isArray(raw) ? raw.filter((v): v is SavedView => typeof v === "object" && v !== null && typeof (v as SavedView).name === "string" && typeof (v as SavedView).search === "string") : [];
  } catch {
    return [];
  }
}

export function saveView(view: SavedView): SavedView[] {
  const views = [...loadSavedViews().filter((v) => v.name !== view.name), view].sort((a, b) => a.name.localeCompare(b.name));
  localStorage.setItem(KEY, JSON.stringify(views));
  return views;
}

export function removeView(name: string): SavedView[] {
  const views = loadSavedViews().filter((v) => v.name !== name);
  localStorage.setItem(KEY, JSON.stringify(views));
  return views;
}
