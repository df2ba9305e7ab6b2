import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectPageErrors, launchChromium, openContext, screenshot } from "../support/browser.js";
import type { PageGlobals } from "../support/first-view.js";
import { startOidcLoginIssuer, type OidcLoginIssuer } from "../support/oidc-login-issuer.js";
import { DEMO_IMAGE } from "../support/paths.js";
import { makeDataDir, startTestServer, type TestServer } from "../support/test-server.js";
import { createTestPki } from "../support/test-pki.js";

/**
 * Issue 17: the dashboard asks for credentials only when the API answers 401. A token is
 * entered once and kept for the browser session; a client certificate, or an
 * Authorization header a proxy adds, goes straight to the jobs; OIDC logs in with the
 * issuer (authorization code with PKCE).
 */
let browser: Browser;
beforeAll(async () => { browser = await launchChromium(); });
afterAll(async () => { await browser.close(); });

/** Records every 401 the page receives. */
function count401(page: Page): string[] {
  const seen: string[] = [];
  page.on("response", (r) => { if (r.status() === 401) seen.push(r.url()); });
  return seen;
}

/** Submits through the app in-process (the TLS server's own certificate needs no trust here). */
async function submit(t: TestServer, token: string, name: string): Promise<string> {
  const r = await t.server.app.inject({
    method: "POST", url: "/skaha/v1/session", headers: { authorization: `Bearer ${token}`, "content-type": "application/x-www-form-urlencoded" },
    payload: new URLSearchParams({ name, image: DEMO_IMAGE, cmd: "echo", args: `hello from ${name}` }).toString(),
  });
  expect(r.statusCode, r.body).toBe(200);
  return r.body.trim();
}

describe("logging in to the dashboard (issue 17)", () => {
  it("asks for a token after a 401, keeps it across a reload, and forgets it on log out", async () => {
    const t = await startTestServer();
    try {
      const alice = await t.addUser("alice");
      await submit(t, alice.token, "token-login");
      const context = await openContext(browser);
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      await page.goto(`${t.url}/`);
      await page.getByRole("heading", { name: "Log in to skyrun" }).waitFor();
      expect(await page.locator("#login-reason").textContent()).toContain("Authentication required");
      await screenshot(page, "login");
      await page.getByLabel("API token").fill(alice.token);
      await page.getByRole("button", { name: "Log in", exact: true }).click();
      await page.getByRole("heading", { name: "Sessions" }).waitFor();
      await page.getByRole("row").filter({ hasText: "token-login" }).waitFor();
      expect(page.url()).toBe(`${t.url}/jobs`);
      await page.getByText("alice via token").waitFor();
      await page.reload();
      await page.getByRole("row").filter({ hasText: "token-login" }).waitFor();
      expect(await page.getByLabel("API token").count()).toBe(0);
      await page.getByRole("button", { name: "Log out" }).click();
      await page.getByRole("heading", { name: "Log in to skyrun" }).waitFor();
      expect(errors).toEqual([]);
      await context.close();
    } finally {
      await t.close();
    }
  }, 300_000);

  it("goes straight to the jobs with a client certificate the browser presents", async () => {
    const pki = createTestPki(join(makeDataDir("pki"), "ca"));
    const creds = pki.user("carol", "/C=ca/O=hia/OU=cadc/CN=carol");
    const t = await startTestServer({ tls: { clientCaFile: pki.caFile } });
    try {
      const carol = await t.addUser("carol", { dn: "/C=ca/O=hia/OU=cadc/CN=carol" });
      await submit(t, carol.token, "cert-login");
      const context = await openContext(browser, { ignoreHTTPSErrors: true, clientCertificates: [{ origin: t.url, certPath: creds.certFile, keyPath: creds.keyFile }] });
      const page = await context.newPage();
      const unauthorized = count401(page);
      await page.goto(`${t.url}/`);
      await page.getByRole("row").filter({ hasText: "cert-login" }).waitFor();
      await page.getByText("carol via certificate").waitFor();
      expect(unauthorized).toEqual([]);
      expect(await page.getByLabel("API token").count()).toBe(0);
      await screenshot(page, "login-certificate");
      await context.close();
    } finally {
      await t.close();
    }
  }, 300_000);

  it("goes straight to the jobs when a proxy adds the Authorization header", async () => {
    const t = await startTestServer();
    try {
      const dave = await t.addUser("dave");
      await submit(t, dave.token, "proxy-login");
      // The site's proxy adds the header to every request: the page itself never holds a token.
      const context = await openContext(browser, { extraHTTPHeaders: { authorization: `Bearer ${dave.token}` } });
      const page = await context.newPage();
      const unauthorized = count401(page);
      await page.goto(`${t.url}/`);
      await page.getByRole("row").filter({ hasText: "proxy-login" }).waitFor();
      await page.getByText("dave via token").waitFor();
      expect(unauthorized).toEqual([]);
      expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).sessionStorage.getItem("skyrun.token"))).toBeNull();
      await context.close();
    } finally {
      await t.close();
    }
  }, 300_000);

  it("logs in with the OIDC issuer (authorization code with PKCE) and sends its token", async () => {
    let issuer: OidcLoginIssuer | undefined;
    let t: TestServer | undefined;
    try {
      issuer = await startOidcLoginIssuer({ clientId: "skyrun-dashboard", users: ["erin"] });
      t = await startTestServer({ overrides: { oidc: { issuer: issuer.issuer, audience: "skyrun-dashboard" } } });
      const erin = await t.addUser("erin");
      await submit(t, erin.token, "oidc-login");
      const context = await openContext(browser);
      const page = await context.newPage();
      await page.goto(`${t.url}/jobs?status=Completed`);
      const button = page.getByRole("button", { name: `Log in with ${new URL(issuer.issuer).host}` });
      await button.click();
      await page.getByRole("heading", { name: "Test identity provider" }).waitFor();
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { name: "Sessions" }).waitFor();
      await page.getByText("erin via OIDC").waitFor();
      // Back where the login started, filter included.
      await expect.poll(() => page.url()).toBe(`${t.url}/jobs?status=Completed`);
      await page.getByRole("row").filter({ hasText: "oidc-login" }).waitFor();
      expect(issuer.exchanges).toBe(1);
      await screenshot(page, "login-oidc");
      await context.close();
    } finally {
      await t?.close();
      await issuer?.stop();
    }
  }, 300_000);
});

