import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { PageGlobals } from "./first-view.js";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";

/** Debian's Chromium (scripts/setup-system.sh --test installs it); Playwright's own download does not work here. */
export const CHROMIUM = process.env.SKYRUN_TEST_CHROMIUM ?? "/usr/bin/chromium";

/** Where each journey leaves its screenshots; the README shows them. */
export const SCREENSHOT_DIR = new URL("../../docs/screenshots/", import.meta.url).pathname;

/**
 * Flags for headless Chromium on these machines: no sandbox (root), no GPU, and none of
 * the background connections the closed network refuses. Playwright gives each launch a
 * fresh, empty profile (user-data-dir).
 */
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 60_000 });
}

/** A new browser context at a laptop's size, with generous waits (90 s): the 2-core machine is shared with other test runs. */
export async function openContext(browser: Browser, o: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, ...o });
  context.setDefaultTimeout(90_000);
  return context;
}

/** Saves a full-page screenshot as docs/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: false });
}

/** Collects the page's uncaught errors, to assert none happened. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  return errors;
}

/** An attribute of the element that has the focus (null when none), read in the page. */
export async function focusedAttribute(page: Page, name: string): Promise<string | null> {
  return page.evaluate((n) => (globalThis as unknown as PageGlobals).document.activeElement?.getAttribute(n) ?? null, name);
}
