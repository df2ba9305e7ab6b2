import { Readable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { JOB_HISTORY_CSV_COLUMNS, jobHistoryCsvFields, type JobHistoryPageJson } from "../../contracts/accounting.js";
import { csvRecord } from "../../contracts/csv.js";
import { ACCOUNTING_JOBS_PARAMETERS, ACCOUNTING_PARAMETERS, QUOTA_PARAMETERS } from "../../contracts/skaha-parameters.js";
import { isoDay } from "../../domain/accounting-days.js";
import { usageReport } from "../../jobs/accounting-report.js";
import { jobHistoryPage, jobHistoryPages } from "../../jobs/job-history-export.js";
import { quotaReport } from "../../jobs/quota-report.js";
import { principalOf, type ApiDeps } from "../api-deps.js";
import { exportFormat, extensionParams } from "../extension-params.js";
import { ACCOUNTING_CSV_COLUMNS, accountingCsvFields, toAccountingReportJson, toJobHistoryJson, toQuotaReportJson } from "../presenters/accounting-presenter.js";

const CSV = "text/csv; charset=utf-8";

/**
 * skyrun's accounting (issue 12): usage summed by user, group, project, image or label
 * per day, week or month; the per-job history (the legacy HTCondor CSV's fields);
 * quotas against usage. JSON, or CSV with `format=csv`. Users see their own jobs,
 * administrators everyone's.
 */
export function registerAccountingRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const d = deps.jobs;

  app.get("/accounting", async (request, reply) => {
    const p = extensionParams(request, "/accounting", ACCOUNTING_PARAMETERS);
    const format = exportFormat(p.format);
    const report = toAccountingReportJson(await usageReport(d, principalOf(request), p));
    if (format === "json") return reply.send(report);
    return reply.type(CSV).send(csvRecord(ACCOUNTING_CSV_COLUMNS) + report.rows.map((r) => csvRecord(accountingCsvFields(r))).join(""));
  });

  app.get("/accounting/jobs", async (request, reply) => {
    const p = extensionParams(request, "/accounting/jobs", ACCOUNTING_JOBS_PARAMETERS);
    if (exportFormat(p.format) === "json") {
      const page = await jobHistoryPage(d, principalOf(request), p);
      const json: JobHistoryPageJson = { from: isoDay(page.fromDay), to: isoDay(page.toDay), jobs: page.entries.map(toJobHistoryJson), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
      return reply.send(json);
    }
    // The whole range, streamed page by page: an export of a year is not held in memory.
    const { fromDay, toDay, pages } = await jobHistoryPages(d, principalOf(request), p);
    async function* csv(): AsyncGenerator<string> {
      yield csvRecord(JOB_HISTORY_CSV_COLUMNS);
      for await (const page of pages) yield page.entries.map((e) => csvRecord(jobHistoryCsvFields(toJobHistoryJson(e)))).join("");
    }
    return reply.type(CSV).header("content-disposition", `attachment; filename="skyrun-jobs-${isoDay(fromDay)}-${isoDay(toDay)}.csv"`).send(Readable.from(csv()));
  });

  app.get("/accounting/quotas", async (request, reply) => {
    const p = extensionParams(request, "/accounting/quotas", QUOTA_PARAMETERS);
    return reply.send(toQuotaReportJson(await quotaReport(d, deps.accounting, principalOf(request), p.month)));
  });
}
