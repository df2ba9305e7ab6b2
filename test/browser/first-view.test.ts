import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, openContext, screenshot } from "../support/browser.js";
import { seedSessions } from "../support/seed-sessions.js";
import { startTestServer, type TestServer, type TestUser } from "../support/test-server.js";
import { firstViewMs } from "../support/first-view.js";

/**
 * Issue 17: the first meaningful view (the first rows of the table) with 100,000
 * sessions in the store. CI runs this as a smoke: it checks the page shows the rows and
 * the count, and reports the time, but never fails on a timing (the machine is shared);
 * bench/dashboard-first-view.ts asserts the 1 s target on a quiet machine.
 */
const SESSIONS = 100_000;
/** One load in CI (a smoke); the benchmark takes the median of several. */
const LOADS = 1;
let browser: Browser;
let t: TestServer;
let heavy: TestUser;

beforeAll(async () => {
  t = await startTestServer();
  heavy = await t.addUser("heavy");
  await seedSessions(t.server.store, { username: "heavy", uid: heavy.user.uid }, SESSIONS);
  browser = await launchChromium();
}, 300_000);
afterAll(async () => {
  await browser.close();
  await t.close();
});

describe("the first view with 100,000 sessions (issue 17)", () => {
  it("shows the first rows and the count of all 100,000, and reports how long that took", async () => {
    const context = await openContext(browser);
    const times: number[] = [];
    for (let i = 0; i < LOADS; i++) {
      const page = await context.newPage();
      times.push(await firstViewMs(page, t.url, heavy.token, 120_000));
      await page.getByText(`${SESSIONS.toLocaleString("en")} sessions`).waitFor({ timeout: 120_000 });
      if (i === LOADS - 1) {
        // Scrolling far down loads further pages; the virtualised table keeps few rows in the page.
        await page.locator(".table-scroll").evaluate((el) => { el.scrollTop = 34 * 2000; });
        await page.locator('.tbody [data-index="2000"][data-id]').waitFor({ timeout: 120_000 });
        expect(await page.locator(".tbody [role=row]").count()).toBeLessThan(200);
        await screenshot(page, "jobs-100k");
      }
      await page.close();
    }
    console.log(`first view with ${SESSIONS} sessions: ${times.map((ms) => Math.round(ms)).join(", ")} ms`);
    await context.close();
  }, 600_000);
});
