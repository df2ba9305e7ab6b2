import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request, waitForStatus, type SessionJson } from "../../support/http.js";
import { DEMO_IMAGE } from "../../support/paths.js";
import { startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";

let t: TestServer;
let alice: TestUser;

beforeAll(async () => {
  t = await startTestServer();
  alice = await t.addUser("alice");
});
afterAll(async () => { await t.close(); });

const BOUNDARY = "skyrun-test-boundary";
/** A multipart/form-data body of these fields, with its closing delimiter unless `cut`. */
function multipart(fields: readonly (readonly [string, string])[], o: { cut?: boolean } = {}): string {
  const parts = fields.map(([name, value]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`).join("");
  return parts + (o.cut ? "" : `--${BOUNDARY}--\r\n`);
}

async function post(path: string, body: string | ReadableStream<Uint8Array>, contentType: string): Promise<{ status: number; text: string }> {
  // A stream is sent chunked, without a Content-Length (fetch needs duplex for it).
  const init: RequestInit & { duplex?: "half" } = { method: "POST", headers: { authorization: `Bearer ${alice.token}`, "content-type": contentType }, body };
  if (typeof body !== "string") init.duplex = "half";
  const res = await fetch(`${t.base()}${path}`, init);
  return { status: res.status, text: await res.text() };
}
const postMultipart = (fields: readonly (readonly [string, string])[], o: { cut?: boolean } = {}) => post("/session", multipart(fields, o), `multipart/form-data; boundary=${BOUNDARY}`);
const sessionCount = async () => (await request("GET", `${t.base()}/session`, { token: alice.token })).json<SessionJson[]>().length;

async function runToEnd(id: string): Promise<{ session: SessionJson; logs: string }> {
  const session = await waitForStatus(t.base(), alice.token, id, ["Succeeded", "Failed"], 60_000);
  return { session, logs: (await request("GET", `${t.base()}/session/${id}?view=logs`, { token: alice.token })).text };
}

describe("bad bodies get a 400 naming the problem (issue 11)", () => {
  it("refuses multipart/form-data without a boundary, on POST /session and POST /session/{id}", async () => {
    for (const path of ["/session", "/session/abcd1234"]) {
      const r = await post(path, multipart([["name", "x"]]), "multipart/form-data");
      expect(r.status, r.text).toBe(400);
      expect(r.text).toMatch(/^multipart\/form-data without a boundary: /);
    }
  });

  it("refuses a multipart body cut short before its closing boundary, keeping nothing of it", async () => {
    const before = await sessionCount();
    const r = await postMultipart([["name", "x"], ["image", DEMO_IMAGE], ["cmd", "true"], ["env", "A=1"]], { cut: true });
    expect(r.status, r.text).toBe(400);
    expect(r.text).toContain("ended before its closing boundary");
    expect(await sessionCount()).toBe(before);
  });

  it("refuses a multipart body that is not one", async () => {
    const r = await post("/session", "this is not multipart at all", `multipart/form-data; boundary=${BOUNDARY}`);
    expect(r.status).toBe(400);
  });
});

describe("nothing is silently truncated: every limit is a 413 or 400 naming it (issue 11)", () => {
  it("runs a multipart args field of 149,999 arguments whole (the issue's job got 131,065)", async () => {
    const args = `-c 'echo $#' sh ${Array.from({ length: 149_999 }, () => "a").join(" ")}`;
    const r = await postMultipart([["name", "many"], ["image", DEMO_IMAGE], ["cmd", "sh"], ["args", args]]);
    expect(r.status, r.text.slice(0, 300)).toBe(200);
    const { session, logs } = await runToEnd(r.text.trim());
    expect(session.status, logs.slice(0, 300)).toBe("Succeeded");
    expect(logs).toBe("149999\n");
  });

  it("refuses a 300 KB env value (the issue's was stored cut short), naming MAX_ARG_STRLEN", async () => {
    const r = await postMultipart([["name", "x"], ["image", DEMO_IMAGE], ["env", `BIG=${"v".repeat(300_000)}`]]);
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/^Invalid value for 'env': entry 1 is 300004 bytes; .*MAX_ARG_STRLEN, 128 KiB/);
  });

  it("runs a session just under ARG_MAX and refuses one over it, naming the limit", async () => {
    const near = await request("POST", `${t.base()}/session`, { token: alice.token, json: { name: "near", image: DEMO_IMAGE, cmd: ["sh"], args: ["-c", "echo $#", "sh", ...Array.from({ length: 203_000 }, () => "a")] } });
    expect(near.status, near.text.slice(0, 300)).toBe(200);
    const { session, logs } = await runToEnd(near.text.trim());
    expect(session.status, logs.slice(0, 300)).toBe("Succeeded");
    expect(logs).toBe("203000\n");
    const over = await request("POST", `${t.base()}/session`, { token: alice.token, json: { name: "over", image: DEMO_IMAGE, cmd: ["sh"], args: Array.from({ length: 230_000 }, () => "a") } });
    expect(over.status).toBe(400);
    expect(over.text).toContain("the kernel starts no program with more than 2097152 (ARG_MAX, 2 MiB)");
  });

  it("answers a body over 1 MiB with 413, form, JSON and multipart alike", async () => {
    const big = "a".repeat(1024 * 1024);
    for (const r of [
      await post("/session", `name=x&args=${big}`, "application/x-www-form-urlencoded"),
      await post("/session", JSON.stringify({ name: "x", args: big }), "application/json"),
      await postMultipart([["name", "x"], ["args", big]]),
    ]) {
      expect(r.status).toBe(413);
      expect(r.text).toBe("Request body too large: the limit is 1048576 bytes (1 MiB).\n");
    }
  });

  it("names the multipart field over the limit when the body comes without a length", async () => {
    const body = new TextEncoder().encode(multipart([["name", "x"], ["image", DEMO_IMAGE], ["args", "a".repeat(1024 * 1024 + 10)]]));
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < body.length; i += 64 * 1024) controller.enqueue(body.subarray(i, i + 64 * 1024));
        controller.close();
      },
    });
    const r = await post("/session", chunked, `multipart/form-data; boundary=${BOUNDARY}`);
    expect(r.status).toBe(413);
    expect(r.text).toMatch(/^(Multipart field 'args' is too large: the limit is 1048576 bytes \(1 MiB\) per field|Request body too large: the limit is 1048576 bytes \(1 MiB\))\.\n$/);
  });

  it("answers more than 1000 parameters with 413, in a form or in multipart", async () => {
    const env = Array.from({ length: 1001 }, (_, i): [string, string] => ["env", `K${i}=v`]);
    const form = await post("/session", new URLSearchParams([["name", "x"], ["image", DEMO_IMAGE], ...env]).toString(), "application/x-www-form-urlencoded");
    const parts = await postMultipart([["name", "x"], ["image", DEMO_IMAGE], ...env]);
    for (const r of [form, parts]) {
      expect(r.status).toBe(413);
      expect(r.text).toBe("Too many parameters: the limit is 1000 values per request (query string and body together).\n");
    }
  });

  it("refuses a file upload and a long field name, instead of dropping them", async () => {
    const file = await post("/session", `--${BOUNDARY}\r\nContent-Disposition: form-data; name="args"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--${BOUNDARY}--\r\n`, `multipart/form-data; boundary=${BOUNDARY}`);
    expect(file.status).toBe(400);
    expect(file.text).toMatch(/file upload/);
    const name = await postMultipart([["e".repeat(150), "x"]]);
    expect(name.status).toBe(413);
    expect(name.text).toBe("A multipart field name is too long: the limit is 100 bytes.\n");
  });

  it("keeps answering on the same server afterwards", async () => {
    expect((await request("GET", `${t.url}/healthz`)).status).toBe(200);
    expect((await postMultipart([["name", "ok"], ["image", DEMO_IMAGE], ["cmd", "true"]])).status).toBe(200);
  });
});
