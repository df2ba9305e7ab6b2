import { z } from "zod";

/**
 * The JSON of skyrun's accounting, notification and batch endpoints (issue 12), for the
 * OpenAPI document; they mirror contracts/accounting.ts, notification.ts and batch.ts.
 */

const FIGURES = {
  jobs: z.number(),
  coreHours: z.number().describe("Cores asked for × wall hours, every attempt."),
  gpuHours: z.number(),
  ramGBHours: z.number().describe("RAM asked for (GB) × wall hours."),
  wallHours: z.number(),
  cpuEfficiency: z.number().nullable().describe("CPU seconds ÷ (cores × wall seconds) of the jobs whose CPU use was sampled; null when none was (unknown, not 0)."),
  failures: z.number().describe("Jobs that ended Failed."),
};

export const AccountingReportSchema = z.strictObject({
  from: z.string().describe("First day, `YYYY-MM-DD`."),
  to: z.string().describe("Last day (inclusive)."),
  by: z.string(),
  period: z.string(),
  user: z.string().describe("Whose jobs: a user name, or `*` for everyone's (administrators)."),
  rows: z.array(z.strictObject({
    key: z.string().nullable().describe("The user, group, project, image or label value; null for jobs without one."),
    period: z.string().describe("First day of the period, `YYYY-MM-DD`."),
    ...FIGURES,
  })),
  totals: z.strictObject({ ...FIGURES, coreYears: z.number().describe("Core-hours ÷ 8766.") }).describe("Every job of the range once."),
}).meta({ description: "skyrun extension: usage summed by a dimension per period. Jobs count on the UTC day they ended." });

const JobHistorySchema = z.strictObject({
  owner: z.string(),
  clusterId: z.string().describe("HTCondor's ClusterId: the submit's cluster or Slurm job number, else the set's id, else the session's."),
  procId: z.number().describe("HTCondor's ProcId: the replica's place from 0."),
  id: z.string(),
  name: z.string(),
  image: z.string(),
  queueDate: z.string(),
  startDate: z.string().nullable(),
  completionDate: z.string(),
  slotTimeSeconds: z.number(),
  requestCpus: z.number(),
  requestMemoryGB: z.number(),
  requestDiskGB: z.number(),
  requestGpus: z.number(),
  memoryUsedGB: z.number().nullable(),
  exitCode: z.number().nullable(),
  attempts: z.number(),
  status: z.string(),
  outcome: z.string(),
  cpuSeconds: z.number().nullable(),
  coreHours: z.number(),
  groups: z.array(z.string()),
  project: z.string().nullable(),
  setId: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
});

export const JobHistoryPageSchema = z.strictObject({
  from: z.string(),
  to: z.string(),
  jobs: z.array(JobHistorySchema),
  nextCursor: z.string().optional(),
}).meta({ description: "skyrun extension: one page of the per-job history, oldest end first." });

export const QuotaReportSchema = z.strictObject({
  month: z.string(),
  quotas: z.array(z.strictObject({
    kind: z.enum(["group", "project"]),
    name: z.string(),
    coreHoursPerMonth: z.number(),
    coreHours: z.number(),
    fraction: z.number().nullable(),
    over: z.boolean(),
  })),
}).meta({ description: "skyrun extension: the month's core-hours against each configured quota." });

export const NotificationKeySchema = z.strictObject({
  key: z.string().describe("64 hex characters; the HMAC key is this text (its UTF-8 bytes)."),
  algorithm: z.literal("HMAC-SHA256"),
  signatureHeader: z.string(),
  deliveryHeader: z.string(),
  signedPayload: z.string(),
}).meta({ description: "skyrun extension: the key your notifications are signed with." });

export const NotificationDeliverySchema = z.strictObject({
  id: z.string(),
  event: z.string(),
  subject: z.string().describe("`session:<id>` or `set:<set id>`."),
  url: z.string(),
  state: z.enum(["pending", "delivered", "failed"]),
  attempts: z.number(),
  createdTime: z.string(),
  nextAttemptTime: z.string().optional(),
  lastAttemptTime: z.string().optional(),
  lastStatus: z.number().optional(),
  lastError: z.string().optional(),
  deliveredTime: z.string().optional(),
});

export const BatchSchema = z.strictObject({
  key: z.string(),
  kind: z.enum(["dag", "set", "label", "session"]),
  name: z.string(),
  owner: z.string(),
  submitted: z.string(),
  done: z.number(),
  failed: z.number(),
  run: z.number(),
  idle: z.number(),
  hold: z.number(),
  total: z.number(),
  setId: z.string().optional(),
});
