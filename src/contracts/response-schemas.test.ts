import { describe, expect, it } from "vitest";
import type { z } from "zod";
import type { DashboardConfigJson, DashboardMeJson } from "./dashboard.js";
import type { EngineNodeJson, ImageJson, PlatformStatsJson, QueueJson, QueueUserJson, ResourceContextJson, SessionStatsJson, UsageSampleJson } from "./platform.js";
import {
  AttemptJsonSchema, BulkOutcomeJsonSchema, DashboardConfigJsonSchema, DashboardMeJsonSchema, WaitingJsonSchema, CreatedSessionJsonSchema, ImageJsonSchema, PlatformStatsJsonSchema, PublicSessionJsonSchema, ResourceContextJsonSchema,
  SessionEventJsonSchema, SessionJsonSchema, SessionStatsJsonSchema, UsageSampleJsonSchema, QueueJsonSchema, QueueUserJsonSchema, EngineNodeJsonSchema, SessionRequestJsonSchema,
} from "./response-schemas.js";
import type { SessionEventJson } from "./session-event.js";
import type { AttemptJson, BulkOutcomeJson, CreatedSessionJson, PublicSessionJson, SessionJson, SessionRequestJson, WaitingJson } from "./session.js";

// The compile-time drift test (STYLE §9, as pg-boss's typeDriftTest): each zod schema
// and the hand-written type of the same shape must be mutually assignable and have the
// same keys at every depth, or `npm run typecheck` fails on the line of that shape.

type Assignable<A, B> = [A] extends [B] ? true : false;
type AllTrue<T> = [T] extends [true] ? true : false;
/** The same keys at every depth (mutual assignability alone misses an optional field on one side). */
type SameKeys<A, B> =
  A extends readonly (infer EA)[] ? (B extends readonly (infer EB)[] ? SameKeys<EA, EB> : false)
  : A extends object ? (B extends object
    ? ([Exclude<keyof A, keyof B> | Exclude<keyof B, keyof A>] extends [never]
      ? AllTrue<{ [K in keyof A & keyof B]-?: SameKeys<NonNullable<A[K]>, NonNullable<B[K]>> }[keyof A & keyof B]>
      : false)
    : false)
  : true;
/** `true` when the schema's type and the contract type describe the same JSON. */
type NoDrift<S extends z.ZodType, T> = Assignable<z.infer<S>, T> extends true
  ? (Assignable<T, z.infer<S>> extends true ? SameKeys<z.infer<S>, T> : false)
  : false;

const noDrift: {
  session: NoDrift<typeof SessionJsonSchema, SessionJson>;
  created: NoDrift<typeof CreatedSessionJsonSchema, CreatedSessionJson>;
  publicSession: NoDrift<typeof PublicSessionJsonSchema, PublicSessionJson>;
  event: NoDrift<typeof SessionEventJsonSchema, SessionEventJson>;
  sessionStats: NoDrift<typeof SessionStatsJsonSchema, SessionStatsJson>;
  platformStats: NoDrift<typeof PlatformStatsJsonSchema, PlatformStatsJson>;
  context: NoDrift<typeof ResourceContextJsonSchema, ResourceContextJson>;
  image: NoDrift<typeof ImageJsonSchema, ImageJson>;
  attempt: NoDrift<typeof AttemptJsonSchema, AttemptJson>;
  waiting: NoDrift<typeof WaitingJsonSchema, WaitingJson>;
  bulkOutcome: NoDrift<typeof BulkOutcomeJsonSchema, BulkOutcomeJson>;
  usageSample: NoDrift<typeof UsageSampleJsonSchema, UsageSampleJson>;
  queue: NoDrift<typeof QueueJsonSchema, QueueJson>;
  queueUser: NoDrift<typeof QueueUserJsonSchema, QueueUserJson>;
  engineNode: NoDrift<typeof EngineNodeJsonSchema, EngineNodeJson>;
  sessionRequest: NoDrift<typeof SessionRequestJsonSchema, SessionRequestJson>;
  dashboardConfig: NoDrift<typeof DashboardConfigJsonSchema, DashboardConfigJson>;
  dashboardMe: NoDrift<typeof DashboardMeJsonSchema, DashboardMeJson>;
} = {
  session: true, created: true, publicSession: true, event: true, sessionStats: true, platformStats: true, context: true, image: true, attempt: true, waiting: true, bulkOutcome: true,
  usageSample: true, queue: true, queueUser: true, engineNode: true, sessionRequest: true, dashboardConfig: true, dashboardMe: true,
};

// The checker itself must catch drift, or the assertions above prove nothing.
interface Shape { readonly a: string; readonly b?: { readonly c?: number } }
const checkerCatches: [
  NoDrift<z.ZodObject<{ a: z.ZodString; b: z.ZodOptional<z.ZodObject<{ c: z.ZodOptional<z.ZodNumber>; extra: z.ZodOptional<z.ZodString> }>> }>, Shape>,
  NoDrift<z.ZodObject<{ a: z.ZodNumber }>, Shape>,
  NoDrift<z.ZodObject<{ a: z.ZodOptional<z.ZodString>; b: z.ZodOptional<z.ZodObject<{ c: z.ZodOptional<z.ZodNumber> }>> }>, Shape>,
] = [false, false, false];

describe("response schemas and contract types", () => {
  it("describe the same shapes (checked when compiling: this only keeps the assertions in use)", () => {
    expect(Object.values(noDrift)).toEqual(Array(18).fill(true));
    expect(checkerCatches).toEqual([false, false, false]);
  });

  it("accept a session as the platform writes it and refuse a field nobody documented", () => {
    const session = { id: "k3x9ab1z", userid: "jdoe", type: "headless", status: "Running", supplementalGroups: [30001], isFixedResources: false };
    expect(SessionJsonSchema.safeParse(session).success).toBe(true);
    expect(SessionJsonSchema.safeParse({ ...session, surprise: 1 }).success).toBe(false);
  });
});
