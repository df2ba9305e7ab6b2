import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectPageErrors, focusedAttribute, launchChromium, openContext, screenshot } from "../support/browser.js";
import { startFaultProxy } from "../support/fault-proxy.js";
import { request, waitUntil, type SessionJson } from "../support/http.js";
import { DEMO_IMAGE } from "../support/paths.js";
import { startTestServer, type TestServer, type TestUser } from "../support/test-server.js";

/**
 * Issue 17: a person's journeys through the dashboard against a real skyrun running real
 * Podman jobs: filter and share a view, group by set, open a job and follow its log
 * while it runs, cancel it, act on everything a filter matches, submit from the form,
 * read the usage and cluster pages, and do it all with the keyboard alone.
 */
let browser: Browser;
let t: TestServer;
let alice: TestUser;

beforeAll(async () => {
  t = await startTestServer({ overrides: { capacity: { cores: 4, ramGB: 16 } } });
  alice = await t.addUser("alice");
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
  await t.close();
});

async function submit(form: Record<string, string>): Promise<string[]> {
  const r = await request("POST", `${t.base("v1")}/session`, { token: alice.token, form: { image: DEMO_IMAGE, ...form } });
  expect(r.status, r.text).toBe(200);
  return r.text.trim().split("\n");
}

const session = async (id: string) => (await request("GET", `${t.base("v1")}/session/${id}`, { token: alice.token })).json<SessionJson>();
const waitForStatus = (id: string, statuses: readonly string[]) =>
  waitUntil(`session ${id} to be ${statuses.join(" or ")}`, async () => { const s = await session(id); return statuses.includes(s.status) ? s : undefined; }, 90_000, 250);

/** A logged-in page: the token entered once, as a person does after the 401. */
async function loggedIn(path = "/jobs", origin = t.url): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await openContext(browser);
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  await page.goto(`${origin}${path}`);
  await page.getByLabel("API token").fill(alice.token);
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  await page.getByRole("navigation", { name: "Pages" }).waitFor();
  return { context, page, errors };
}

const rows = (page: Page, text: string) => page.locator(".tbody [role=row]").filter({ hasText: text });

describe("the jobs dashboard (issue 17)", () => {
  it("filters by status and name; the view is in the URL, survives reload, opens from a link and can be saved", async () => {
    const ids = await submit({ name: "sweep", replicas: "3", cmd: "echo", args: "done" });
    await submit({ name: "other", cmd: "echo", args: "other" });
    for (const id of ids) await waitForStatus(id, ["Completed"]);
    const { context, page, errors } = await loggedIn();
    await page.getByLabel("Filter by name").fill("sweep*");
    await expect.poll(() => page.url()).toContain("name=sweep*");
    await page.getByLabel("Filter by status").selectOption({ label: "Completed" });
    await expect.poll(() => rows(page, "sweep-").count()).toBe(3);
    expect(await rows(page, "other").count()).toBe(0);
    await page.getByText("3 sessions").waitFor();
    await screenshot(page, "jobs-filtered");
    const link = page.url();
    await page.reload();
    await expect.poll(() => rows(page, "sweep-").count()).toBe(3);
    expect(await page.getByLabel("Filter by name").inputValue()).toBe("sweep*");
    // Another tab (sessionStorage is per tab, so it logs in once) opens the same view from the link.
    const other = await context.newPage();
    await other.goto(link);
    await other.getByLabel("API token").fill(alice.token);
    await other.getByRole("button", { name: "Log in", exact: true }).click();
    await expect.poll(() => rows(other, "sweep-").count()).toBe(3);
    expect(await other.getByLabel("Filter by status").inputValue()).not.toBe("0");
    await page.getByRole("button", { name: "Save this view" }).click();
    await page.getByLabel("Name", { exact: true }).fill("finished sweep");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByRole("button", { name: "Clear filters" }).click();
    await expect.poll(() => rows(page, "other").count()).toBe(1);
    await page.getByLabel("Saved views").selectOption({ label: "finished sweep" });
    await expect.poll(() => rows(page, "other").count()).toBe(0);
    await expect.poll(() => rows(page, "sweep-").count()).toBe(3);
    expect(errors).toEqual([]);
    await context.close();
  }, 300_000);

  it("groups sessions by set with DONE / RUN / IDLE / FAILED / TOTAL and a progress bar", async () => {
    const ids = await submit({ name: "grouped", replicas: "3", cmd: "sh", args: "-c 'exit 0'" });
    for (const id of ids) await waitForStatus(id, ["Completed"]);
    const { context, page } = await loggedIn("/jobs?name=grouped*");
    await page.getByLabel("Group by").selectOption({ label: "Set" });
    // A set is named by its id and the name its sessions share.
    const group = page.getByRole("row").filter({ hasText: /set \w+ \(grouped\)/ });
    await group.waitFor();
    expect(await group.getByRole("cell").allTextContents()).toEqual(expect.arrayContaining(["3", "0"]));
    const bar = group.getByRole("progressbar");
    expect(await bar.getAttribute("aria-valuenow")).toBe("3");
    expect(await bar.getAttribute("aria-valuemax")).toBe("3");
    await screenshot(page, "jobs-grouped");
    await context.close();
  }, 300_000);

  it("opens a job beside the table, follows its log while it runs, searches it, plots its usage, then cancels it", async () => {
    const [id] = await submit({ name: "ticker", cmd: "sh", args: "-c 'i=0; while [ $i -lt 600 ]; do echo tick $i; i=$((i+1)); sleep 1; done'" });
    await waitForStatus(id!, ["Running"]);
    const { context, page, errors } = await loggedIn();
    await rows(page, "ticker").click();
    const panel = page.getByRole("complementary", { name: /ticker/ });
    await panel.getByText("Running").first().waitFor();
    expect(page.url()).toContain(`open=${id}`);
    await panel.getByRole("tab", { name: "Logs" }).click();
    const log = panel.getByLabel("Log of ticker");
    await log.getByText("tick 2", { exact: true }).waitFor();
    // Followed: lines written after the log opened arrive without any action.
    const seen = Number(/tick (\d+)\s*$/.exec(await log.innerText())?.[1] ?? 0);
    await log.getByText(`tick ${seen + 2}`, { exact: true }).waitFor();
    await panel.getByLabel("Search the log").fill("tick 1");
    await panel.getByText(/\d+ matching lines?/).waitFor();
    expect(await log.locator("mark").count()).toBeGreaterThan(0);
    await panel.getByLabel("Times").check();
    await screenshot(page, "job-logs");
    await panel.getByRole("tab", { name: "Events" }).click();
    await panel.getByRole("list", { name: "Events" }).getByText("Started", { exact: true }).waitFor();
    await panel.getByRole("tab", { name: "Usage" }).click();
    await panel.getByRole("img", { name: /CPU cores in use/ }).waitFor({ timeout: 60_000 });
    await screenshot(page, "job-usage");
    await panel.getByRole("tab", { name: "Details" }).click();
    await panel.getByText(id!, { exact: true }).waitFor();
    await panel.getByRole("button", { name: "Cancel" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("heading", { name: /Cancel session ticker/ }).waitFor();
    await dialog.getByRole("button", { name: "Cancel", exact: true }).click();
    await dialog.getByText("1 cancelled, 0 failed.").waitFor();
    await dialog.getByRole("button", { name: "Close" }).click();
    await waitForStatus(id!, ["Failed"]);
    await panel.getByText("Failed").first().waitFor({ timeout: 60_000 });
    expect(errors).toEqual([]);
    await context.close();
  }, 300_000);

  it("deletes every session a filter matches, with a result for each", async () => {
    const ids = await submit({ name: "bulk", replicas: "4", cmd: "sleep", args: "600" });
    for (const id of ids) await waitForStatus(id, ["Pending", "Running"]);
    const { context, page } = await loggedIn("/jobs?name=bulk-*");
    await expect.poll(() => rows(page, "bulk-").count()).toBe(4);
    await page.getByRole("button", { name: "Delete all matching" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("heading", { name: "Delete every session matching name bulk-* (4)?" }).waitFor();
    await dialog.getByRole("button", { name: "Delete", exact: true }).click();
    await dialog.getByText("4 deleted, 0 failed.").waitFor({ timeout: 60_000 });
    expect(await dialog.getByRole("row").filter({ hasText: "deleted" }).count()).toBe(4);
    await screenshot(page, "bulk-delete");
    await dialog.getByRole("button", { name: "Close" }).click();
    for (const id of ids) await waitForStatus(id, ["Failed"]);
    // Deleted sessions leave the listing, as on the platform: the table empties without a reload.
    await expect.poll(() => rows(page, "bulk-").count(), { timeout: 60_000 }).toBe(0);
    await page.getByText("0 sessions").waitFor();
    await context.close();
  }, 300_000);

  it("submits from the form, showing the same request for curl, the CLI and Python first", async () => {
    const { context, page } = await loggedIn("/submit");
    await page.getByRole("heading", { name: "Submit sessions" }).waitFor();
    await page.getByLabel("Name (required)").fill("from-form");
    await page.getByLabel("Image (required)").fill(DEMO_IMAGE);
    await page.getByLabel("Command").fill("sh");
    await page.getByLabel("Arguments").fill("-c 'echo hello form $GREETING'");
    await page.getByLabel("Environment").fill("GREETING=there");
    await page.getByLabel("Replicas").fill("2");
    await page.getByLabel("Cores").selectOption("1");
    const curl = page.getByLabel("curl", { exact: true });
    await expect.poll(() => curl.innerText()).toContain("-d name=from-form");
    expect(await curl.innerText()).toContain("--data-urlencode 'args=-c '\\''echo hello form $GREETING'\\'''");
    expect(await page.getByLabel("skyrun CLI").innerText()).toContain("skyrun run -n from-form -c 1 -e GREETING=there -r 2 localhost/skyrun-demo:latest -- sh -c 'echo hello form $GREETING'");
    expect(await page.getByLabel("Python", { exact: true }).innerText()).toContain('args=["-c", "echo hello form $GREETING"]');
    await screenshot(page, "submit");
    await page.getByRole("button", { name: "Submit", exact: true }).click();
    await page.getByText("Created 2 sessions:").waitFor();
    const first = page.getByRole("status").getByRole("link").first();
    const id = (await first.textContent())!;
    await waitForStatus(id, ["Completed"]);
    await first.click();
    const panel = page.getByRole("complementary", { name: /from-form-1/ });
    await panel.getByRole("tab", { name: "Logs" }).click();
    await panel.getByLabel("Log of from-form-1").getByText("hello form there").waitFor();
    await context.close();
  }, 300_000);

  it("shows the usage chart and the cluster's capacity and queue", async () => {
    const { context, page } = await loggedIn("/usage");
    await page.getByRole("heading", { name: "Usage" }).waitFor();
    await page.getByRole("img", { name: /core-hours per day/ }).waitFor();
    const totals = page.getByRole("table", { name: "Totals by user" });
    await totals.getByRole("row").filter({ hasText: "alice" }).waitFor();
    expect(await page.locator("#usage-summary").innerText()).toMatch(/core-hours from .* by user, per day/);
    await screenshot(page, "usage");
    // A running session, so that alice is in the queue by user.
    const [running] = await submit({ name: "on-the-cluster", cmd: "sleep", args: "300" });
    await waitForStatus(running!, ["Running"]);
    await page.getByRole("link", { name: "Cluster" }).click();
    await page.getByRole("heading", { name: "Cluster and queue" }).waitFor();
    await page.getByRole("img", { name: /Capacity in use over time/ }).waitFor({ timeout: 60_000 });
    await page.getByRole("heading", { name: "Oldest running" }).waitFor();
    // From GET /queue: alice's own row, with her details (the fallback without /queue has no such table).
    const byUser = page.getByRole("table", { name: "Queue by user with fair-share standing" });
    const aliceRow = byUser.getByRole("row").filter({ hasText: "alice" });
    await aliceRow.waitFor({ timeout: 60_000 });
    expect(await aliceRow.innerText()).not.toContain("—");
    await page.getByRole("region", { name: "Oldest running" }).or(page.locator("section")).filter({ hasText: "on-the-cluster" }).first().waitFor({ timeout: 60_000 });
    await screenshot(page, "cluster");
    await request("DELETE", `${t.base("v1")}/session/${running!}`, { token: alice.token });
    await context.close();
  }, 300_000);

  it("shows a session submitted elsewhere, and its end, without reloading", async () => {
    const { context, page } = await loggedIn();
    // The real stream, not the polling fallback.
    await page.getByRole("status").filter({ hasText: /^Live$/ }).waitFor({ timeout: 60_000 });
    const [id] = await submit({ name: "arrives-live", cmd: "sleep", args: "3" });
    const row = rows(page, "arrives-live");
    await row.waitFor({ timeout: 60_000 });
    await waitForStatus(id!, ["Completed"]);
    await row.getByText("Completed").waitFor({ timeout: 60_000 });
    await context.close();
  }, 300_000);

  it("resumes a dropped stream with Last-Event-ID and still shows a change made while it was away", async () => {
    let holdStreams = false;
    const proxy = await startFaultProxy({ target: t.url, fault: (req) => (holdStreams && (req.url ?? "").includes("/stream") ? "answer-503" : "forward") });
    try {
      const [first] = await submit({ name: "before-drop", cmd: "true" });
      await waitForStatus(first!, ["Completed"]);
      const { context, page } = await loggedIn("/jobs", proxy.url);
      const live = page.getByRole("status").filter({ hasText: /^Live$/ });
      await live.waitFor({ timeout: 60_000 });
      await rows(page, "before-drop").waitFor({ timeout: 60_000 });
      // A change the page has seen, so that it has an event id to resume from.
      const [seen] = await submit({ name: "seen-live", cmd: "true" });
      await rows(page, "seen-live").getByText("Completed").waitFor({ timeout: 60_000 });
      // Drop the stream and keep it down while a session runs and ends.
      holdStreams = true;
      expect(proxy.cutOpen()).toBeGreaterThan(0);
      await page.getByRole("status").filter({ hasText: /Reconnecting/ }).waitFor({ timeout: 60_000 });
      const [away] = await submit({ name: "while-dropped", cmd: "true" });
      await waitForStatus(away!, ["Completed"]);
      holdStreams = false;
      await live.waitFor({ timeout: 60_000 });
      await rows(page, "while-dropped").getByText("Completed").waitFor({ timeout: 60_000 });
      const resumed = proxy.log.filter((l) => l.path.includes("/stream") && l.fault === "forward" && l.headers["last-event-id"] !== undefined);
      expect(resumed.length).toBeGreaterThan(0);
      expect(Number(resumed.at(-1)!.headers["last-event-id"])).toBeGreaterThan(0);
      expect(seen).toBeDefined();
      await context.close();
    } finally {
      await proxy.close();
    }
  }, 300_000);

  it("works with the keyboard alone, in the dark theme", async () => {
    const ids = await submit({ name: "keys", replicas: "2", cmd: "echo", args: "k" });
    for (const id of ids) await waitForStatus(id, ["Completed"]);
    const context = await openContext(browser, { colorScheme: "dark" });
    const page = await context.newPage();
    await page.goto(`${t.url}/jobs?name=keys-*`);
    await page.getByLabel("API token").waitFor();
    await page.keyboard.type(alice.token);
    await page.keyboard.press("Enter");
    await expect.poll(() => rows(page, "keys-").count()).toBe(2);
    // Tab until the table's one tab stop, the first row.
    for (let i = 0; i < 60 && (await focusedAttribute(page, "role")) !== "row"; i++) await page.keyboard.press("Tab");
    expect(await focusedAttribute(page, "aria-rowindex")).toBe("3");
    await page.keyboard.press("ArrowDown");
    await expect.poll(() => focusedAttribute(page, "aria-rowindex")).toBe("4");
    await page.keyboard.press(" ");
    await page.getByText("1 selected:").waitFor();
    await page.keyboard.press("Enter");
    const panel = page.getByRole("complementary", { name: /keys-/ });
    await panel.waitFor();
    await expect.poll(() => focusedAttribute(page, "id")).toBe("panel-title");
    await screenshot(page, "keyboard-dark");
    await page.keyboard.press("Escape");
    await expect.poll(() => panel.count()).toBe(0);
    await expect.poll(() => focusedAttribute(page, "role")).toBe("row");
    await context.close();
  }, 300_000);
});
