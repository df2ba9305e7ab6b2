import type { SessionRequest, SessionSetOptions, SessionSetRequest } from "../contracts/session-request.js";
import type { SessionJson } from "../contracts/session.js";
import { ClientError, InvalidRequestError, ProtocolError } from "./client-error.js";

/** What one set's request created. */
export interface CreatedSet {
  readonly key: string;
  /** The server's id of the set, when it says (skyrun's `setId`). */
  readonly setId?: string;
  /** Session ids in the order of the set's sessions (for replicas: replica order). */
  readonly ids: readonly string[];
  readonly sessions: readonly SessionJson[];
}

/** The outcome of creating several sets: those created, and the first that failed (nothing after it is sent). */
export interface CreateSetsResult {
  readonly created: readonly CreatedSet[];
  readonly failed?: { readonly key: string; readonly error: ClientError };
  /** Keys of the sets not sent because an earlier one failed. */
  readonly notSent: readonly string[];
}

const withoutName = (s: SessionRequest): string => JSON.stringify({ ...s, name: undefined });

/**
 * One request for a set: a single session as itself; identical sessions (all but the
 * name) as one spec with `replicas`, named after `baseName`; different ones as a list.
 */
export function setShape(sessions: readonly SessionRequest[], baseName: string): { single: SessionRequest } | { list: readonly SessionRequest[] } {
  const first = sessions[0];
  if (first === undefined) throw new InvalidRequestError("A set needs at least one session.", "sessions");
  if (sessions.length === 1) return { single: first };
  const shape = withoutName(first);
  if ((first.replicas ?? 1) === 1 && sessions.every((s) => withoutName(s) === shape)) return { single: { ...first, name: baseName, replicas: sessions.length } };
  return { list: sessions };
}

/**
 * Checks that the sets come parents first and name only known sets in `after`, so
 * each set's dependencies exist (have ids) when it is sent.
 */
export function checkSetOrder(sets: readonly SessionSetRequest[]): void {
  const seen = new Set<string>();
  for (const set of sets) {
    if (seen.has(set.key)) throw new InvalidRequestError(`Two sets have the key ${JSON.stringify(set.key)}; keys must be unique.`, "sets");
    for (const parent of set.after ?? []) {
      if (!seen.has(parent)) throw new InvalidRequestError(`Set ${JSON.stringify(set.key)} comes after ${JSON.stringify(parent)}, which is not an earlier set; list the sets parents first.`, "sets");
    }
    seen.add(set.key);
  }
}

/** Parses the answer to a create: JSON (one object or an array), or, from a server without the JSON opt-in, one id per line. */
export function parseCreated(text: string, url: string): { ids: string[]; sessions: SessionJson[]; setId?: string } {
  const trimmed = text.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new ProtocolError(`The server answered malformed JSON (${JSON.stringify(trimmed.slice(0, 60))}…).`, url);
    }
    const sessions = (Array.isArray(parsed) ? parsed : [parsed]) as (SessionJson & { sessionId?: string; setId?: string })[];
    const setId = sessions[0]?.setId;
    return { ids: sessions.map((s) => s.sessionId ?? s.id), sessions, ...(setId !== undefined ? { setId } : {}) };
  }
  const ids = trimmed.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "");
  if (ids.length === 0 || ids.some((id) => !/^[A-Za-z0-9-]+$/.test(id))) throw new ProtocolError(`The server answered ${JSON.stringify(trimmed.slice(0, 60))} instead of session ids.`, url);
  return { ids, sessions: [] };
}

/** Creates one set; `dependsOn` holds the ids its sessions must wait for. */
export type CreateOneSet = (sessions: readonly SessionRequest[], options: SessionSetOptions, baseName: string) => Promise<Omit<CreatedSet, "key">>;

/**
 * Creates the sets in order, one request each, giving every session of a set the ids of
 * all sessions of the sets in its `after` as `dependsOn`. Stops at the first set that
 * fails; the sets already created stay (the caller reports them).
 */
export async function createSetsInOrder(sets: readonly SessionSetRequest[], createOne: CreateOneSet, onCreated?: (set: CreatedSet) => void): Promise<CreateSetsResult> {
  checkSetOrder(sets);
  const idsByKey = new Map<string, readonly string[]>();
  const created: CreatedSet[] = [];
  for (const [index, set] of sets.entries()) {
    const parents = (set.after ?? []).flatMap((key) => idsByKey.get(key) ?? []);
    const sessions = parents.length === 0 ? set.sessions : set.sessions.map((s) => ({ ...s, dependsOn: [...new Set([...(s.dependsOn ?? []), ...parents])] }));
    const options: SessionSetOptions = {
      ...(set.maxRunning !== undefined ? { maxRunning: set.maxRunning } : {}),
      ...(set.maxRunningLabel !== undefined ? { maxRunningLabel: set.maxRunningLabel } : {}),
      ...(set.notify !== undefined ? { notify: set.notify } : {}),
    };
    try {
      const result = await createOne(sessions, options, set.name ?? set.sessions[0]?.name ?? set.key);
      idsByKey.set(set.key, result.ids);
      const done = { key: set.key, ...result };
      created.push(done);
      onCreated?.(done);
    } catch (e) {
      if (!(e instanceof ClientError)) throw e;
      return { created, failed: { key: set.key, error: e }, notSent: sets.slice(index + 1).map((s) => s.key) };
    }
  }
  return { created, notSent: [] };
}
