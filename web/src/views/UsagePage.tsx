/**
 * Usage: core-hours or GPU-hours per day (week, month) by user, group, project, image or
 * label over a chosen range, with CPU efficiency, from `GET /accounting`; a server
 * without it gets the same chart computed from its session records.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import { getAccounting, isMissingEndpoint } from "../api/api-client.js";
import type { AccountingRowJson } from "../api/extension-types.js";
import { listAllMatching } from "../api/session-listing.js";
import { TimeSeriesChart } from "../charts/TimeSeriesChart.js";
import { formatNumber } from "../format.js";
import { EMPTY_QUERY } from "../state/session-query.js";
import { toSeries, usageFromSessions, type UsageBy } from "../state/usage-rows.js";
import { navigate, withParam, type Place } from "../state/location.js";

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function UsagePage({ place }: { readonly place: Place }) {
  const p = new URLSearchParams(place.search);
  const to = p.get("to") ?? day(Date.now());
  const from = p.get("from") ?? day(Date.now() - 13 * 86_400_000);
  const by = (p.get("by") ?? "user") as UsageBy;
  const period = p.get("period") ?? "day";
  const metric = p.get("metric") === "gpuHours" ? "gpuHours" : "coreHours";
  const [rows, setRows] = useState<AccountingRowJson[] | undefined>();
  const [computed, setComputed] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const set = (name: string, value: string) => navigate(`/usage${withParam(place.search, name, value)}`, { replace: true });

  useEffect(() => {
    const run = { stopped: false };
    const isStopped = () => run.stopped;
    setRows(undefined);
    setError(undefined);
    const fromIso = `${from}T00:00:00Z`;
    const toIso = `${to}T23:59:59Z`;
    getAccounting({ from: fromIso, to: toIso, by, period }).then((a) => { if (!run.stopped) { setRows(a.rows.map((r) => ({ ...r, key: r.key ?? "(none)" }))); setComputed(false); } }, async (e: unknown) => {
      if (run.stopped) return;
      if (!isMissingEndpoint(e)) { setError(e instanceof Error ? e.message : String(e)); return; }
      const { rows: sessions } = await listAllMatching(EMPTY_QUERY, 100_000);
      if (!isStopped()) { setRows(usageFromSessions(sessions, by, Date.parse(fromIso), Date.parse(toIso), Date.now())); setComputed(true); }
    });
    return () => { run.stopped = true; };
  }, [from, to, by, period]);

  const series = useMemo(() => (rows ? toSeries(rows, metric) : undefined), [rows, metric]);
  const chartSeries = useMemo(() => series ? [
    { label: "Total", values: series.totals, colorVar: "--series-3", bars: true },
    ...series.keys.map((k, i) => ({ label: k, values: series.values[i]!, colorVar: `--series-${(i % 6) + 1}` })),
  ] : [], [series]);
  const unit = metric === "coreHours" ? "core-hours" : "GPU-hours";
  const totals = new Map<string, { jobs: number; coreHours: number; gpuHours: number; failures: number; eff: number[] }>();
  for (const r of rows ?? []) {
    const t = totals.get(r.key) ?? { jobs: 0, coreHours: 0, gpuHours: 0, failures: 0, eff: [] };
    t.jobs += r.jobs; t.coreHours += r.coreHours; t.gpuHours += r.gpuHours; t.failures += r.failures;
    if (r.cpuEfficiency !== null) t.eff.push(r.cpuEfficiency);
    totals.set(r.key, t);
  }
  const sum = series?.totals.reduce((a, b) => a + b, 0) ?? 0;
  const summary = `${formatNumber(sum, 1)} ${unit} from ${from} to ${to}, by ${by}, per ${period}.`;

  return (
    <section class="usage-page" aria-labelledby="usage-title">
      <h1 id="usage-title">Usage</h1>
      <form class="toolbar" onSubmit={(e) => e.preventDefault()} aria-label="Usage range">
        <label>From <input type="date" value={from} onChange={(e) => set("from", e.currentTarget.value)} /></label>
        <label>To <input type="date" value={to} onChange={(e) => set("to", e.currentTarget.value)} /></label>
        <label>By <select value={by} onChange={(e) => set("by", e.currentTarget.value)}>
          <option value="user">User</option><option value="group">Group</option><option value="project">Project</option><option value="image">Image</option>
        </select></label>
        <label>Per <select value={period} onChange={(e) => set("period", e.currentTarget.value)}>
          <option value="day">Day</option><option value="week">Week</option><option value="month">Month</option>
        </select></label>
        <label>Show <select value={metric} onChange={(e) => set("metric", e.currentTarget.value)}>
          <option value="coreHours">Core-hours</option><option value="gpuHours">GPU-hours</option>
        </select></label>
      </form>
      {error && <p role="alert" class="error">{error}</p>}
      {computed && <p class="muted">Computed in the browser from the sessions the server still lists (cores asked for × run time); this server has no accounting API yet, so CPU efficiency is unknown and only the last hour's finished sessions count.</p>}
      {!rows ? <p class="muted" role="status">Loading…</p> : rows.length === 0 ? <p>No usage in this range.</p> : (
        <>
          <p id="usage-summary">{summary}</p>
          <TimeSeriesChart label={`${unit} per ${period}`} summary={summary} yLabel={unit} times={series!.times} series={chartSeries} />
          <table class="simple">
            <caption>Totals by {by}</caption>
            <thead><tr><th scope="col">{by}</th><th scope="col" class="num">Sessions</th><th scope="col" class="num">Core-hours</th><th scope="col" class="num">GPU-hours</th><th scope="col" class="num">CPU efficiency</th><th scope="col" class="num">Failed</th></tr></thead>
            <tbody>
              {[...totals.entries()].sort((a, b) => b[1].coreHours - a[1].coreHours).map(([k, t]) => (
                <tr key={k}><th scope="row">{k}</th><td class="num">{t.jobs}</td><td class="num">{formatNumber(t.coreHours, 2)}</td><td class="num">{formatNumber(t.gpuHours, 2)}</td>
                  <td class="num">{t.eff.length > 0 ? `${formatNumber((100 * t.eff.reduce((a, b) => a + b, 0)) / t.eff.length, 0)} %` : "—"}</td><td class="num">{t.failures}</td></tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
