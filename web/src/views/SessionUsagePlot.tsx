/**
 * CPU and RAM a session used over its life: the server's samples
 * (`/session/{id}/stats?history=true`), and, from a server that keeps none, the samples
 * taken while this panel is open.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import { getSessionStats, isMissingEndpoint } from "../api/api-client.js";
import type { StatsSample } from "../api/extension-types.js";
import { TimeSeriesChart } from "../charts/TimeSeriesChart.js";
import { formatNumber } from "../format.js";

const SAMPLE_MS = 5000;

export function SessionUsagePlot({ sessionId, running }: { readonly sessionId: string; readonly running: boolean }) {
  const [samples, setSamples] = useState<StatsSample[]>([]);
  const [kept, setKept] = useState<boolean | undefined>();
  const [request, setRequest] = useState<{ cores: number; ramGB: number } | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setSamples([]);
    const tick = async (first: boolean) => {
      try {
        const s = await getSessionStats(sessionId, true);
        if (stopped) return;
        setRequest({ cores: s.requestedCPUCores, ramGB: s.requestedRAMGB });
        if (s.history) {
          setKept(true);
          setSamples([...s.history]);
        } else {
          setKept(false);
          if (s.status === "Running") setSamples((old) => [...old, { time: new Date().toISOString(), cpuCores: s.cpuCoresInUse, ramBytes: s.ramInUseBytes }]);
        }
      } catch (e) {
        if (!stopped && (first || !isMissingEndpoint(e))) setError(e instanceof Error ? e.message : String(e));
      }
      if (!stopped && running) timer = setTimeout(() => void tick(false), SAMPLE_MS);
    };
    void tick(true);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [sessionId, running]);

  const times = useMemo(() => samples.map((s) => Date.parse(s.time) / 1000), [samples]);
  const cpu = useMemo(() => [{ label: "CPU cores", values: samples.map((s) => s.cpuCores), colorVar: "--series-1" }], [samples]);
  const ram = useMemo(() => [{ label: "RAM GB", values: samples.map((s) => s.ramBytes / 1e9), colorVar: "--series-2" }], [samples]);
  if (error) return <p role="alert" class="error">{error}</p>;
  if (samples.length === 0) return <p class="muted">{running ? "Waiting for the first sample…" : "No usage was recorded for this session."}</p>;
  const peakCpu = Math.max(...samples.map((s) => s.cpuCores));
  const peakRam = Math.max(...samples.map((s) => s.ramBytes)) / 1e9;
  const summary = `${samples.length} samples; peak ${formatNumber(peakCpu, 2)} cores${request ? ` of ${request.cores} requested` : ""}, peak ${formatNumber(peakRam, 2)} GB RAM${request ? ` of ${formatNumber(request.ramGB, 2)} GB` : ""}.`;
  return (
    <div>
      <p>{summary}{kept === false ? " Sampled while this panel is open: the server keeps no history." : ""}</p>
      <TimeSeriesChart label="CPU cores in use" summary={summary} yLabel="cores" times={times} series={cpu} heightPx={160} />
      <TimeSeriesChart label="RAM in use" summary={summary} yLabel="GB" times={times} series={ram} heightPx={160} />
    </div>
  );
}
