import { statusClass } from "../format.js";

/** A status word with its colour; the word itself carries the meaning, not the colour. */
export function StatusBadge({ status }: { readonly status: string }) {
  return <span class={`badge badge-${statusClass(status)}`}>{status}</span>;
}
