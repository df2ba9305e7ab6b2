import type { Page } from "playwright-core";

/** What the function run in the page uses of it (the tests compile without the DOM's types). */
export interface PageGlobals {
  readonly document: { querySelector(selector: string): unknown; readonly activeElement: { getAttribute(name: string): string | null } | null };
  readonly sessionStorage: { getItem(key: string): string | null };
}

/**
 * Opens the jobs page already logged in (the token placed in sessionStorage, as after a
 * login) and answers the time from the start of navigation until the table's first row
 * with data is in the page, as the browser's own clock measures it.
 */
export async function firstViewMs(page: Page, url: string, token: string, timeoutMs: number): Promise<number> {
  await page.addInitScript({ content: `sessionStorage.setItem("skyrun.token", ${JSON.stringify(token)});` });
  await page.goto(`${url}/jobs`, { waitUntil: "commit" });
  // Runs in the page (a function: the page's policy forbids evaluating strings); its DOM is typed by hand here.
  const handle = await page.waitForFunction(() => ((globalThis as unknown as PageGlobals).document.querySelector(".tbody [data-id]") ? performance.now() : null), undefined, { polling: "raf", timeout: timeoutMs });
  return Number(await handle.jsonValue());
}
