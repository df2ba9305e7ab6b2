/**
 * The page's URL as state: the path picks the page, the query holds its filters, sort
 * and open session. Changing a filter replaces the history entry (typing does not fill
 * the back button); moving between pages or opening a session pushes one.
 */
import { useEffect, useState } from "preact/hooks";

export interface Place {
  readonly path: string;
  readonly search: string;
}

const EVENT = "skyrun:navigate";
const current = (): Place => ({ path: location.pathname, search: location.search });

export function navigate(to: string, o: { replace?: boolean } = {}): void {
  const target = new URL(to, location.href);
  if (target.pathname === location.pathname && target.search === location.search) return;
  if (o.replace) history.replaceState(null, "", target);
  else history.pushState(null, "", target);
  dispatchEvent(new Event(EVENT));
}

export function usePlace(): Place {
  const [place, setPlace] = useState(current());
  useEffect(() => {
    const update = () => setPlace(current());
    addEventListener("popstate", update);
    addEventListener(EVENT, update);
    return () => {
      removeEventListener("popstate", update);
      removeEventListener(EVENT, update);
    };
  }, []);
  return place;
}

/** Sets (or, with undefined, removes) one query parameter of the current URL. */
export function withParam(search: string, name: string, value: string | undefined): string {
  const p = new URLSearchParams(search);
  if (value === undefined || value === "") p.delete(name);
  else p.set(name, value);
  const s = p.toString();
  return s === "" ? "" : `?${s}`;
}
