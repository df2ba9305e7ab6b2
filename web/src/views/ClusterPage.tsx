/**
 * Cluster and queue: capacity in use over time (from the live stream's stats), the queue
 * by user with fair-share standing, the longest-waiting and oldest running sessions, and
 * on Slurm the partition's nodes. From a server without `/queue`, what the listing and
 * `view=stats` tell.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import { getPlatformStats, getQueue, isMissingEndpoint } from "../api/api-client.js";
import type { QueueJson, Session } from "../api/extension-types.js";
import { listSessionsPage } from "../api/session-listing.js";
import { TimeSeriesChart } from "../charts/TimeSeriesChart.js";
import { formatDuration, formatNumber, formatTime } from "../format.js";
import { liveStore, useLive } from "../state/live-store.js";
import { EMPTY_QUERY } from "../state/session-query.js";

/** Another user's details the server shows only to administrators. */
const HIDDEN = "—";

function SessionList({ title, sessions, since, onOpen }: { title: string; sessions: readonly Session[]; since: "createdTime" | "startTime"; onOpen: (id: string) => void }) {
  const now = Date.now();
  return (
    <section aria-labelledby={`${since}-title`}>
      <h2 id={`${since}-title`}>{title}</h2>
      {sessions.length === 0 ? <p class="muted">None.</p> : (
        <table class="simple">
          <caption class="visually-hidden">{title}</caption>
          <thead><tr><th scope="col">Session</th><th scope="col">User</th><th scope="col">{since === "createdTime" ? "Waiting" : "Running"}</th><th scope="col">Why</th></tr></thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.id}>
                <td><a href={`/jobs?open=${s.id}`} onClick={(e) => { e.preventDefault(); onOpen(s.id); }}>{s.name ?? s.id}</a></td>
                <td>{s.userid}</td>
                <td>{s[since] ? formatDuration(now - Date.parse(s[since])) : ""}</td>
                <td>{since === "createdTime" ? (s.waiting?.position !== undefined ? `#${s.waiting.position} ` : "") + (s.statusMessage ?? "") : formatTime(s.startTime)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function ClusterPage({ onOpen }: { onOpen: (id: string) => void }) {
  const live = useLive();
  const [queue, setQueue] = useState<QueueJson | null | undefined>();
  const [waiting, setWaiting] = useState<Session[]>([]);
  const [running, setRunning] = useState<Session[]>([]);
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    const run = { stopped: false };
    const isStopped = () => run.stopped;
    if (!live.stats) getPlatformStats().then((s) => liveStore.putStats(s), () => undefined);
    getQueue().then((q) => { if (!run.stopped) setQueue(q); }, async (e: unknown) => {
      if (run.stopped) return;
      if (!isMissingEndpoint(e)) setError(e instanceof Error ? e.message : String(e));
      setQueue(null);
      // Without /queue: the listing, sorted, tells the longest waiting and the oldest running.
      const [w, r] = await Promise.all([
        listSessionsPage({ ...EMPTY_QUERY, status: ["Pending"], sort: "createdTime", descending: false }, undefined, 10),
        listSessionsPage({ ...EMPTY_QUERY, status: ["Running"], sort: "startTime", descending: false }, undefined, 10),
      ]).catch(() => [undefined, undefined]);
      if (!isStopped()) { setWaiting([...(w?.rows ?? [])]); setRunning([...(r?.rows ?? [])]); }
    });
    return () => { run.stopped = true; };
  }, [live.reloads, Math.floor(live.capacity.length / 3)]);

  const samples = live.capacity;
  const times = useMemo(() => samples.map((s) => s.timeMs / 1000), [samples]);
  const series = useMemo(() => [
    { label: "Cores in use", values: samples.map((s) => s.coresInUse), colorVar: "--series-1" },
    { label: "Cores in all", values: samples.map((s) => s.coresTotal), colorVar: "--series-3" },
    { label: "Sessions queued", values: samples.map((s) => s.queued), colorVar: "--series-2" },
  ], [samples]);
  const latest = samples[samples.length - 1];
  const cap = queue?.capacity;
  const summary = latest ? `Now ${formatNumber(latest.coresInUse, 2)} of ${formatNumber(latest.coresTotal, 2)} cores in use, ${formatNumber(latest.ramInUseGB, 1)} of ${formatNumber(latest.ramTotalGB, 1)} GB RAM; ${latest.queued} queued, ${latest.running} running.` : "No sample yet.";

  return (
    <section class="cluster-page" aria-labelledby="cluster-title">
      <h1 id="cluster-title">Cluster and queue</h1>
      {error && <p role="alert" class="error">{error}</p>}
      <section aria-labelledby="capacity-title">
        <h2 id="capacity-title">Capacity in use</h2>
        <p>{cap ? `${formatNumber(cap.coresInUse, 2)} of ${cap.cores} cores, ${formatNumber(cap.ramInUseGB, 1)} of ${cap.ramGB} GB RAM${cap.gpus ? `, ${cap.gpus} GPUs` : ""} in use.` : summary}</p>
        {samples.length > 0 && <TimeSeriesChart label="Capacity in use over time" summary={summary} yLabel="cores / sessions" times={times} series={series} />}
        <p class="muted">Sampled every 5 s {live.state === "live" ? "from the live stream" : "by polling"} since this page was opened.</p>
      </section>
      <section aria-labelledby="users-title">
        <h2 id="users-title">Queue by user</h2>
        {queue ? (
          <table class="simple">
            <caption class="visually-hidden">Queue by user with fair-share standing</caption>
            <thead><tr><th scope="col">User</th><th scope="col">Groups</th><th scope="col" class="num">Priority</th><th scope="col" class="num">Fair-share usage</th><th scope="col" class="num">Queued</th><th scope="col" class="num">Running</th><th scope="col" class="num">Cores in use</th></tr></thead>
            <tbody>
              {queue.users.map((u) => (
                <tr key={u.user}><td>{u.user}</td><td>{u.groups?.join(", ") ?? HIDDEN}</td><td class="num">{u.priority ?? HIDDEN}</td><td class="num">{u.fairShareUsage === undefined ? HIDDEN : formatNumber(u.fairShareUsage, 2)}</td><td class="num">{u.queued}</td><td class="num">{u.running}</td><td class="num">{u.coresInUse === undefined ? HIDDEN : formatNumber(u.coresInUse, 2)}</td></tr>
              ))}
            </tbody>
          </table>
        ) : <p class="muted">{queue === null ? "This server does not publish its queue by user yet (GET /queue)." : "Loading…"}</p>}
      </section>
      <div class="two">
        <SessionList title="Longest waiting" sessions={queue?.longestWaiting ?? waiting} since="createdTime" onOpen={onOpen} />
        <SessionList title="Oldest running" sessions={queue?.oldestRunning ?? running} since="startTime" onOpen={onOpen} />
      </div>
      {queue?.engine.nodes && (
        <section aria-labelledby="nodes-title">
          <h2 id="nodes-title">{queue.engine.kind === "slurm" ? `Slurm partition ${queue.engine.partition ?? ""}` : "Nodes"}</h2>
          <table class="simple">
            <caption class="visually-hidden">Nodes</caption>
            <thead><tr><th scope="col">Node</th><th scope="col">State</th><th scope="col" class="num">CPUs allocated</th><th scope="col" class="num">Memory allocated</th></tr></thead>
            <tbody>
              {queue.engine.nodes.map((n) => (
                <tr key={n.name}><td>{n.name}</td><td>{n.state}</td><td class="num">{n.cpusAllocated} / {n.cpus}</td><td class="num">{formatNumber(n.memoryAllocatedGB, 1)} / {formatNumber(n.memoryGB, 1)} GB</td></tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </section>
  );
}
