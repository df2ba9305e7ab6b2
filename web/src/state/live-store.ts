/**
 * The store the views read: what the live stream said last. The server owns every
 * fact; this only remembers the newest version of each session it sent, the capacity
 * samples since the page opened, and a counter that tells views to reload.
 */
import { useEffect, useState } from "preact/hooks";
import type { LiveState } from "../api/live-stream.js";
import type { PlatformStatsJson, Session } from "../api/extension-types.js";

export interface CapacitySample {
  readonly timeMs: number;
  readonly coresInUse: number;
  readonly coresTotal: number;
  readonly ramInUseGB: number;
  readonly ramTotalGB: number;
  readonly queued: number;
  readonly running: number;
}

export interface LiveSnapshot {
  readonly state: LiveState;
  /** Bumped on each change the stream pushed; views re-read `sessions` then. */
  readonly version: number;
  /** Bumped when views should reload what they show (a `reset`, or a poll without a stream). */
  readonly reloads: number;
  readonly stats: PlatformStatsJson | undefined;
  readonly capacity: readonly CapacitySample[];
}

const MAX_SAMPLES = 2880;
const sessions = new Map<string, Session>();
/** Which session each version changed, newest last (bounded). */
const changes: { version: number; id: string }[] = [];
const MAX_CHANGES = 10_000;
let snapshot: LiveSnapshot = { state: "connecting", version: 0, reloads: 0, stats: undefined, capacity: [] };
const listeners = new Set<() => void>();

const publish = (next: LiveSnapshot) => {
  snapshot = next;
  for (const l of listeners) l();
};

const gb = (s: string | undefined): number => {
  const m = /^([\d.]+)\s*([KMGT]?)/i.exec(s ?? "");
  if (!m) return 0;
  const scale: Record<string, number> = { "": 1, K: 1e-6, M: 1e-3, G: 1, T: 1e3 };
  return Number(m[1]) * (scale[(m[2] ?? "").toUpperCase()] ?? 1);
};

/** One capacity sample from the platform's stats (`view=stats`). */
export function sampleOf(stats: PlatformStatsJson, timeMs: number): CapacitySample {
  const coresInUse = stats.cores?.requestedCPUCores ?? 0;
  const coresFree = stats.cores?.cpuCoresAvailable ?? 0;
  const ramInUseGB = gb(stats.ram?.requestedRAM);
  return {
    timeMs,
    coresInUse,
    coresTotal: coresInUse + coresFree,
    ramInUseGB,
    ramTotalGB: ramInUseGB + gb(stats.ram?.ramAvailable),
    queued: stats.jobs?.queued ?? 0,
    running: (stats.jobs?.running ?? 0) + (stats.jobs?.starting ?? 0),
  };
}

export const liveStore = {
  get: (): LiveSnapshot => snapshot,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  /** The newest version of a session the stream sent, if any. */
  session: (id: string): Session | undefined => sessions.get(id),
  putSession(s: Session): void {
    sessions.set(s.id, s);
    changes.push({ version: snapshot.version + 1, id: s.id });
    if (changes.length > MAX_CHANGES) changes.splice(0, changes.length - MAX_CHANGES);
    publish({ ...snapshot, version: snapshot.version + 1 });
  },
  /** Ids of the sessions changed after `version`. */
  changedSince(version: number): string[] {
    const out: string[] = [];
    for (let i = changes.length - 1; i >= 0 && changes[i]!.version > version; i--) out.push(changes[i]!.id);
    return out;
  },
  putStats(stats: PlatformStatsJson): void {
    const capacity = [...snapshot.capacity, sampleOf(stats, Date.now())].slice(-MAX_SAMPLES);
    publish({ ...snapshot, stats, capacity });
  },
  reload(): void {
    sessions.clear();
    publish({ ...snapshot, reloads: snapshot.reloads + 1 });
  },
  setState(state: LiveState): void {
    if (state !== snapshot.state) publish({ ...snapshot, state });
  },
};

/** The store's snapshot, re-rendering the component when it changes. */
export function useLive(): LiveSnapshot {
  const [value, setValue] = useState(liveStore.get());
  useEffect(() => liveStore.subscribe(() => setValue(liveStore.get())), []);
  return value;
}
