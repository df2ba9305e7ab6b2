import type { Demand } from "./capacity-ledger.js";

/** A running job as backfill sees it: what it holds and when it will have ended at the latest. */
export interface RunningClaim {
  readonly demand: Demand;
  readonly expectedEndMs: number;
}

/** When the job at the head can start at the latest, and what will be spare then beyond its needs. */
export interface Reservation {
  readonly startMs: number;
  spare: Demand;
}

const add = (a: Demand, b: Demand): Demand => ({ cores: a.cores + b.cores, ramGB: a.ramGB + b.ramGB, gpus: a.gpus + b.gpus });
const sub = (a: Demand, b: Demand): Demand => ({ cores: a.cores - b.cores, ramGB: a.ramGB - b.ramGB, gpus: a.gpus - b.gpus });
const EPS = 1e-9;
export const fitsIn = (d: Demand, room: Demand): boolean => d.cores <= room.cores + EPS && d.ramGB <= room.ramGB + EPS && d.gpus <= room.gpus;

/**
 * EASY backfill's reservation for the head job: walk running jobs by their latest end
 * (start + deadline, the only bound skyrun knows) until enough is free. Undefined when
 * the head could never fit.
 */
export function reserveFor(head: Demand, free: Demand, running: readonly RunningClaim[], nowMs: number): Reservation | undefined {
  let available = free;
  if (fitsIn(head, available)) return { startMs: nowMs, spare: sub(available, head) };
  for (const r of [...running].sort((a, b) => a.expectedEndMs - b.expectedEndMs)) {
    available = add(available, r.demand);
    if (fitsIn(head, available)) return { startMs: r.expectedEndMs, spare: sub(available, head) };
  }
  return undefined;
}

/**
 * May a job that fits now start ahead of the reserved head? Only if it surely ends
 * before the reservation, or it fits in what stays spare when the head starts; then it
 * takes that spare. Never delays the head.
 */
export function takeBackfill(candidate: Demand, candidateEndMs: number, reservation: Reservation): boolean {
  if (candidateEndMs <= reservation.startMs) return true;
  if (!fitsIn(candidate, reservation.spare)) return false;
  reservation.spare = sub(reservation.spare, candidate);
  return true;
}
