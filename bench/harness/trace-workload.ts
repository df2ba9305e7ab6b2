/**
 * A seeded synthetic workload shaped like published HPC traces (the Parallel Workloads
 * Archive's logs): job sizes mostly small and powers of two, log-normal run times,
 * bursts of identical jobs (arrays) from one user, and users of unequal volume.
 */
export interface TraceJob {
  readonly user: string;
  readonly cores: number;
  /** What the job really runs, s. */
  readonly runSeconds: number;
  /** What it asks for (the walltime a user gives): twice the run, rounded up to a minute. */
  readonly walltimeSeconds: number;
  /** Offset of its submission from the start of the replay, s. */
  readonly arrivalSeconds: number;
}

export interface TraceParameters {
  readonly seed: number;
  readonly jobs: number;
  /** Median run time, s, and the log-normal's sigma; runs are clamped to [1, maxRunSeconds]. */
  readonly medianRunSeconds: number;
  readonly sigma: number;
  readonly maxRunSeconds: number;
  /** Mean gap between arrivals (or bursts), s. */
  readonly meanGapSeconds: number;
  /** Chance that an arrival is a burst (an array) of 2–6 identical jobs. */
  readonly burstChance: number;
  readonly sizes: readonly { readonly cores: number; readonly weight: number }[];
  readonly users: readonly { readonly name: string; readonly weight: number }[];
}

export const TRACE_DEFAULTS: Omit<TraceParameters, "jobs" | "medianRunSeconds" | "maxRunSeconds" | "meanGapSeconds"> = {
  seed: 20261202,
  sigma: 1,
  burstChance: 0.3,
  sizes: [{ cores: 1, weight: 0.4 }, { cores: 2, weight: 0.2 }, { cores: 4, weight: 0.2 }, { cores: 8, weight: 0.12 }, { cores: 16, weight: 0.08 }],
  users: [{ name: "ua", weight: 0.5 }, { name: "ub", weight: 0.25 }, { name: "uc", weight: 0.15 }, { name: "ud", weight: 0.1 }],
};

/** mulberry32: a small seeded generator, so that every run replays the same trace. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T extends { weight: number }>(items: readonly T[], u: number): T {
  let acc = 0;
  for (const item of items) if (u < (acc += item.weight)) return item;
  return items.at(-1)!;
}

export function generateTrace(p: TraceParameters): TraceJob[] {
  const rnd = seeded(p.seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const jobs: TraceJob[] = [];
  let at = 0;
  while (jobs.length < p.jobs) {
    const user = pick(p.users, rnd()).name;
    const cores = pick(p.sizes, rnd()).cores;
    const runSeconds = Math.min(p.maxRunSeconds, Math.max(1, Math.round(p.medianRunSeconds * Math.exp(p.sigma * normal()))));
    const walltimeSeconds = Math.ceil((2 * runSeconds) / 60) * 60;
    const count = rnd() < p.burstChance ? 2 + Math.floor(rnd() * 5) : 1;
    for (let i = 0; i < count && jobs.length < p.jobs; i++) jobs.push({ user, cores, runSeconds, walltimeSeconds, arrivalSeconds: round1(at) });
    at += -Math.log(1 - rnd()) * p.meanGapSeconds;
  }
  return jobs;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** What one job did in a replay, ms since the epoch. */
export interface TraceOutcome {
  readonly job: TraceJob;
  readonly submittedMs: number;
  readonly startedMs: number;
  readonly finishedMs: number;
}

export interface TraceMetrics {
  readonly makespanSeconds: number;
  readonly meanWaitSeconds: number;
  /** Mean bounded slowdown, threshold 10 s: max(1, (wait + run) / max(run, 10)). */
  readonly meanBsld: number;
  /** Core-seconds used over core-seconds available during the makespan. */
  readonly utilisation: number;
  /** Jain's index over users' mean bounded slowdowns: 1 when every user is slowed alike. */
  readonly jain: number;
}

export function traceMetrics(outcomes: readonly TraceOutcome[], cores: number): TraceMetrics {
  const first = Math.min(...outcomes.map((o) => o.submittedMs));
  const last = Math.max(...outcomes.map((o) => o.finishedMs));
  const makespanSeconds = (last - first) / 1000;
  const waits = outcomes.map((o) => (o.startedMs - o.submittedMs) / 1000);
  const bsld = outcomes.map((o, i) => {
    const run = (o.finishedMs - o.startedMs) / 1000;
    return Math.max(1, (waits[i]! + run) / Math.max(run, 10));
  });
  const used = outcomes.reduce((t, o) => t + (o.job.cores * (o.finishedMs - o.startedMs)) / 1000, 0);
  const byUser = new Map<string, number[]>();
  outcomes.forEach((o, i) => byUser.set(o.job.user, [...(byUser.get(o.job.user) ?? []), bsld[i]!]));
  const means = [...byUser.values()].map((v) => v.reduce((a, b) => a + b, 0) / v.length);
  const jain = means.reduce((a, b) => a + b, 0) ** 2 / (means.length * means.reduce((a, b) => a + b * b, 0));
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  return { makespanSeconds, meanWaitSeconds: mean(waits), meanBsld: mean(bsld), utilisation: used / (cores * makespanSeconds), jain };
}
