import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitUntil, type SessionJson, type TestResponse } from "../../support/http.js";
import { DEMO_IMAGE } from "../../support/paths.js";
import { createdId, isPythonIsoTime, skahaClient, type PythonClient } from "../../support/python-clients.js";
import { openRawConnection, type RawConnection, type RawRequest } from "../../support/wire-connection.js";
import { createTestPki } from "../../support/test-pki.js";
import { makeDataDir, startTestServer, type TestServer } from "../../support/test-server.js";

/**
 * Issue 14: the previous Python client, skaha 1.7.0, works unchanged. Each test replays
 * the requests skaha sends (its default API version v0, fixed 2 cores and 4 GB, replica
 * suffixes, view=event for info) and reads the answers as skaha does.
 */
let t: TestServer;
let wire: RawConnection;
let certWire: RawConnection;
let alice: PythonClient;
let bob: PythonClient;
let carol: PythonClient;

beforeAll(async () => {
  const pki = createTestPki(join(makeDataDir("pki"), "site"));
  const carolPem = pki.user("carol", "/C=ca/O=hia/OU=cadc/CN=carol").proxyFile;
  t = await startTestServer({ tls: { clientCaFile: pki.caFile } });
  const host = new URL(t.url).host;
  const server = `${t.url}/skaha`;
  alice = skahaClient(server, { host, credentials: { token: (await t.addUser("alice")).token } });
  bob = skahaClient(server, { host, credentials: { token: (await t.addUser("bob")).token } });
  await t.addUser("carol", { dn: "/C=ca/O=hia/OU=cadc/CN=carol" });
  carol = skahaClient(server, { host, credentials: { certificate: true } });
  wire = openRawConnection({ origin: t.url, caFile: t.caFile });
  certWire = openRawConnection({ origin: t.url, caFile: t.caFile, pemFile: carolPem });
});
afterAll(async () => {
  wire.close();
  certWire.close();
  await t.close();
});

const ok = async (r: RawRequest, via = wire): Promise<TestResponse> => {
  const res = await via.send(r);
  // skaha's response hook raises for any 4xx/5xx.
  expect(res.status, `${r.method} ${r.target}: ${res.text}`).toBeLessThan(400);
  return res;
};
async function create(client: PythonClient, spec: Parameters<PythonClient["create"]>[0], via = wire): Promise<string[]> {
  const ids: string[] = [];
  for (const r of client.create(spec)) ids.push(createdId((await ok(r, via)).text));
  return ids;
}
/** `Session.info`: GET session/{id}?view=event, read as JSON. */
const info = async (client: PythonClient, id: string, via = wire) => (await ok(client.info(id), via)).json<SessionJson>();
const waitStatus = (client: PythonClient, id: string, statuses: string[], via = wire) =>
  waitUntil(`${id} to be ${statuses.join("/")}`, async () => {
    const s = await info(client, id, via);
    return statuses.includes(s.status) ? s : undefined;
  }, 60_000);

describe("the requests replayed are skaha's own", () => {
  it("encodes a create exactly as skaha 1.7.0 does (captured from the real client)", () => {
    const [first] = skahaClient("http://127.0.0.1:5614/skaha", { host: "127.0.0.1:5614", credentials: { token: "TOKEN" }, clock: () => new Date("2026-12-02T01:12:01Z") })
      .create({ name: "sweep", image: "images.canfar.net/skaha/astroml:latest", cmd: "python", args: "/arc/x.py --in 'a b'", env: { A: "1=2" }, replicas: 2 });
    expect(first).toEqual({
      method: "POST",
      target: "/skaha/v0/session?name=sweep-1&image=images.canfar.net%2Fskaha%2Fastroml%3Alatest&cores=2&ram=4&type=headless&cmd=python&args=%2Farc%2Fx.py+--in+%27a+b%27&env=A%3D1%3D2&env=REPLICA_ID%3D1&env=REPLICA_COUNT%3D2",
      headers: [["Host", "127.0.0.1:5614"], ["Content-Length", "0"], ["Accept-Encoding", "gzip, deflate"], ["Connection", "keep-alive"],
        ["User-Agent", "python-httpx/0.28.1"], ["X-Skaha-Server", "http://127.0.0.1:5614/skaha"], ["Content-Type", "application/x-www-form-urlencoded"],
        ["Accept", "*/*"], ["Date", "Wed Dec  2 01:12:01 2026"], ["X-Skaha-Client", "python/1.7.0"], ["X-Skaha-Authentication-Type", "token"], ["Authorization", "Bearer TOKEN"]],
      body: "",
    });
  });
});

describe("skaha 1.7.0 with a token, on v0", () => {
  let ids: string[];
  let long: string;

  it("creates name-1 and name-2 with its fixed 2 cores and 4 GB, one POST each, each answered with an id", async () => {
    ids = await create(alice, { name: "sweep", image: DEMO_IMAGE, cmd: "sh", args: "-c 'echo $REPLICA_ID of $REPLICA_COUNT'", env: { A: "1" }, replicas: 2 });
    for (const id of ids) expect(id).toMatch(/^[a-z][a-z0-9]{7}$/);
    const done = await Promise.all(ids.map((id) => waitStatus(alice, id, ["Succeeded", "Failed"])));
    expect(done.map((s) => [s.name, s.status, s.requestedCPUCores, s.requestedRAM])).toEqual([["sweep-1", "Succeeded", "2", "4.29"], ["sweep-2", "Succeeded", "2", "4.29"]]);
  });

  it("gets the session JSON for Session.info's view=event, a view the platform ignores", async () => {
    const s = await info(alice, ids[0]!);
    expect(s).toMatchObject({ id: ids[0], userid: "alice", type: "headless", status: "Succeeded" });
    expect(isPythonIsoTime(s.startTime)).toBe(true);
  });

  it("reads logs and events as text", async () => {
    expect((await ok(alice.logs(ids[1]!))).text).toBe("2 of 2\n");
    const events = await ok(alice.events(ids[1]!));
    expect(events.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(events.text).toMatch(/^TYPE\s+REASON\s+MESSAGE\s+FIRST-TIME\s+LAST-TIME\n[\s\S]*Normal\s+Completed\s+Container exited with code 0/);
  });

  it("lists with skaha's filters (type, status=Succeeded) and shows a running session's usage", async () => {
    long = (await create(alice, { name: "long", image: DEMO_IMAGE, cores: 1, ram: 1, cmd: "sleep", args: "300" }))[0]!;
    await waitStatus(alice, long, ["Running"]);
    const running = await waitUntil("usage in the listing", async () => {
      const list = (await ok(alice.fetch({ kind: "headless", status: "Running" }))).json<SessionJson[]>();
      return list.length === 1 && list[0]!.cpuCoresInUse !== undefined ? list : undefined;
    });
    expect(running[0]).toMatchObject({ id: long, name: "long-1" });
    expect(running[0]!.ramInUse).toMatch(/^\d+\.\d{2}$/);
    const succeeded = (await ok(alice.fetch({ kind: "headless", status: "Succeeded" }))).json<SessionJson[]>();
    expect(succeeded.map((s) => s.name).sort()).toEqual(["sweep-1", "sweep-2"]);
  });

  it("reads view=stats and view=all, every user's sessions with the public fields, as an ordinary user", async () => {
    const stats = (await ok(alice.stats())).json<{ cores: Record<string, unknown>; ram: Record<string, unknown> }>();
    expect(stats.cores).toMatchObject({ cpuCoresAvailable: 4 });
    const all = (await ok(bob.fetch({ view: "all" }))).json<Record<string, unknown>[]>();
    expect(all.filter((s) => s.userid === "alice").map((s) => s.status).sort()).toEqual(["Running", "Succeeded", "Succeeded"]);
  });

  it("renews a running session and deletes it, and destroy_with's fetch-then-delete removes the sweep", async () => {
    expect((await ok(alice.renew(long))).text).toBe("");
    await ok(alice.destroy(long));
    expect((await waitStatus(alice, long, ["Failed"])).statusMessage).toBe("Deleted by user");
    const matching = (await ok(alice.fetch({ kind: "headless", status: "Succeeded" }))).json<SessionJson[]>().filter((s) => s.name.startsWith("sweep"));
    for (const s of matching) await ok(alice.destroy(s.id));
    expect(matching).toHaveLength(2);
  });

  it("reads /context and Images.fetch's ids", async () => {
    const ctx = (await ok(alice.context())).json<{ memoryGB: { options: number[] } }>();
    expect(ctx.memoryGB.options).toContain(4);
    expect((await ok(alice.images("headless"))).json<{ id: string }[]>().map((i) => i.id)).toContain(DEMO_IMAGE);
  });
});

describe("skaha 1.7.0 with a proxy certificate", () => {
  // skaha 1.7.0 itself refuses any certificate that is currently valid before sending (its
  // validity assertions are inverted), so this runs only under `python -O`; skyrun serves it.
  it("creates, reads info, logs and events, and deletes as the certificate's user", async () => {
    const [id] = await create(carol, { name: "cert", image: DEMO_IMAGE, cmd: "id", args: "-un" }, certWire);
    const done = await waitStatus(carol, id!, ["Succeeded", "Failed"], certWire);
    expect([done.status, done.userid, done.name]).toEqual(["Succeeded", "carol", "cert-1"]);
    expect((await ok(carol.logs(id!), certWire)).text).toBe("carol\n");
    expect((await ok(carol.events(id!), certWire)).text).toContain("Completed");
    await ok(carol.destroy(id!), certWire);
  });
});
