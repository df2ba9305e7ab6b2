import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitUntil, type SessionJson, type TestResponse } from "../../support/http.js";
import { DEMO_IMAGE } from "../../support/paths.js";
import { CANFAR_KINDS, canfarClient, canfarEventRows, createdId, isPythonIsoTime, type PythonClient } from "../../support/python-clients.js";
import { openRawConnection, type RawConnection, type RawRequest } from "../../support/wire-connection.js";
import { createTestPki } from "../../support/test-pki.js";
import { makeDataDir, startTestServer, type TestServer } from "../../support/test-server.js";

/**
 * Issue 14: the platform's current Python client, canfar 1.4.1, works unchanged. Each
 * test replays the requests canfar sends, header for header, and reads the answers as
 * canfar does. The server maps images.canfar.net to the engine's own images, as a site
 * without the platform's registry would, because canfar puts it before short names.
 */
let t: TestServer;
let wire: RawConnection;
let certWire: RawConnection;
let alice: PythonClient;
let bob: PythonClient;
let carol: PythonClient;

const ID = /^[a-z][a-z0-9]{7}$/;

beforeAll(async () => {
  const pki = createTestPki(join(makeDataDir("pki"), "site"));
  const carolPem = pki.user("carol", "/C=ca/O=hia/OU=cadc/CN=carol").proxyFile;
  t = await startTestServer({ tls: { clientCaFile: pki.caFile }, overrides: { registryAliases: { "images.canfar.net": "localhost" } } });
  const host = new URL(t.url).host;
  const { token: aliceToken } = await t.addUser("alice");
  const { token: bobToken } = await t.addUser("bob");
  await t.addUser("carol", { dn: "/C=ca/O=hia/OU=cadc/CN=carol" });
  wire = openRawConnection({ origin: t.url, caFile: t.caFile });
  certWire = openRawConnection({ origin: t.url, caFile: t.caFile, pemFile: carolPem });
  alice = canfarClient("/skaha/v1", { host, credentials: { token: aliceToken } });
  bob = canfarClient("/skaha/v1", { host, credentials: { token: bobToken } });
  carol = canfarClient("/skaha/v1", { host, credentials: { certificate: true } });
});
afterAll(async () => {
  wire.close();
  certWire.close();
  await t.close();
});

const send = (r: RawRequest, via = wire): Promise<TestResponse> => via.send(r);
const ok = async (r: RawRequest, via = wire): Promise<TestResponse> => {
  const res = await send(r, via);
  // canfar's response hook raises for any 4xx/5xx.
  expect(res.status, `${r.method} ${r.target}: ${res.text}`).toBeLessThan(400);
  return res;
};
/** `Session.create`: one POST per replica; each answer, stripped of its newline, is an id. */
async function create(client: PythonClient, spec: Parameters<PythonClient["create"]>[0], via = wire): Promise<string[]> {
  const ids: string[] = [];
  for (const r of client.create(spec)) {
    const res = await ok(r, via);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    ids.push(createdId(res.text));
  }
  return ids;
}
const info = async (client: PythonClient, id: string, via = wire) => (await ok(client.info(id), via)).json<SessionJson>();
const waitStatus = (client: PythonClient, id: string, statuses: string[], via = wire) =>
  waitUntil(`${id} to be ${statuses.join("/")}`, async () => {
    const s = await info(client, id, via);
    return statuses.includes(s.status) ? s : undefined;
  }, 60_000);

describe("the requests replayed are canfar's own", () => {
  it("encodes a create exactly as canfar 1.4.1 does (captured from the real client)", () => {
    const [first] = canfarClient("/skaha/v1", { host: "127.0.0.1:5614", credentials: { token: "TOKEN" }, clock: () => new Date("2026-12-02T01:12:00Z") })
      .create({ name: "sweep", image: "skaha/astroml", cmd: "python", args: "/arc/x.py --in 'a b'", env: { A: "1=2", EMPTY: "" }, replicas: 2 });
    expect(first).toEqual({
      method: "POST",
      target: "/skaha/v1/session?name=sweep-1&image=images.canfar.net%2Fskaha%2Fastroml%3Alatest&type=headless&cmd=python&args=%2Farc%2Fx.py+--in+%27a+b%27&env=A%3D1%3D2&env=EMPTY%3D&env=REPLICA_ID%3D1&env=REPLICA_COUNT%3D2",
      headers: [["Host", "127.0.0.1:5614"], ["Content-Length", "0"], ["Accept-Encoding", "gzip, deflate"], ["Connection", "keep-alive"],
        ["Content-Type", "application/x-www-form-urlencoded"], ["Accept", "application/json"], ["Date", "Wed, 02 Dec 2026 01:12:00 GMT"],
        ["User-Agent", "python-canfar/1.4.1"], ["Authorization", "Bearer TOKEN"], ["X-Skaha-Authentication-Type", "RUNTIME-TOKEN"]],
      body: "",
    });
  });
});

describe("canfar 1.4.1 with a token", () => {
  let sweep: string[];
  let long: string;

  it("creates replicas with one POST each, answered in text/plain whatever its Accept: application/json says, one id each", async () => {
    // canfar turns localhost/skyrun-demo:latest into images.canfar.net/localhost/skyrun-demo:latest; the alias gives it back.
    sweep = await create(alice, { name: "sweep", image: DEMO_IMAGE, cmd: "sh", args: "-c 'echo $REPLICA_ID/$REPLICA_COUNT $A'", env: { A: "x=1" }, replicas: 2 });
    expect(sweep).toHaveLength(2);
    for (const id of sweep) expect(id).toMatch(ID);
    const done = await Promise.all(sweep.map((id) => waitStatus(alice, id, ["Completed", "Failed"])));
    expect(done.map((s) => [s.name, s.status, s.image])).toEqual([["sweep-1", "Completed", DEMO_IMAGE], ["sweep-2", "Completed", DEMO_IMAGE]]);
  });

  it("reads logs as text (Session.logs, canfar logs)", async () => {
    const logs = await Promise.all(sweep.map(async (id) => (await ok(alice.logs(id))).text));
    expect(logs).toEqual(["1/2 x=1\n", "2/2 x=1\n"]);
  });

  it("reads events as the table whose rows canfar events shows", async () => {
    const res = await ok(alice.events(sweep[0]!));
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const rows = canfarEventRows(res.text);
    expect(rows.map((r) => [r[0], r[1]])).toEqual([["Normal", "Queued"], ["Normal", "Started"], ["Normal", "Completed"]]);
    for (const r of rows) expect(isPythonIsoTime(r[3]) && isPythonIsoTime(r[4])).toBe(true);
  });

  it("lists with and without filters as JSON canfar ps reads, running sessions with their usage (info's fields)", async () => {
    long = (await create(alice, { name: "long", image: "localhost/skyrun-demo", cores: 1, ram: 1, cmd: "sleep", args: "300" }))[0]!;
    await waitStatus(alice, long, ["Running"]);
    const running = await waitUntil("usage in the listing", async () => {
      const list = (await ok(alice.fetch({ kind: "headless", status: "Running" }))).json<SessionJson[]>();
      return list.length === 1 && list[0]!.cpuCoresInUse !== undefined ? list : undefined;
    });
    expect(running[0]).toMatchObject({ id: long, name: "long", type: "headless", status: "Running", isFixedResources: true, requestedCPUCores: "1" });
    expect(running[0]!.ramInUse).toMatch(/^\d+\.\d{2}$/);
    const all = (await ok(alice.fetch())).json<SessionJson[]>();
    expect(all.map((s) => s.id).sort()).toEqual([...sweep, long].sort());
    for (const s of all) {
      expect(CANFAR_KINDS).toContain(s.type);
      expect(isPythonIsoTime(s.startTime)).toBe(true);
      expect(isPythonIsoTime(s.expiryTime)).toBe(true);
    }
    expect((await ok(alice.fetch({ kind: "headless", status: "Completed" }))).json<SessionJson[]>().map((s) => s.id).sort()).toEqual([...sweep].sort());
  });

  it("shows info with the fields canfar info tabulates, usage included", async () => {
    const s = await info(alice, long);
    for (const field of ["id", "name", "status", "type", "image", "userid", "startTime", "expiryTime", "connectURL", "runAsUID", "runAsGID", "supplementalGroups"]) expect(s).toHaveProperty(field);
    expect(s.cpuCoresInUse).toMatch(/^\d+\.\d{3}$/);
  });

  it("reads view=stats as the numbers canfar stats prints", async () => {
    const stats = (await ok(alice.stats())).json<{ cores: Record<string, unknown>; ram: Record<string, unknown> }>();
    expect(Number.isInteger(Math.trunc(Number(stats.cores.requestedCPUCores)))).toBe(true);
    expect(stats.cores.cpuCoresAvailable).toBe(4);
    expect(stats.ram.requestedRAM).toMatch(/G$/);
    expect(stats.ram.ramAvailable).toMatch(/G$/);
  });

  it("renews a running session with action=renew", async () => {
    const res = await ok(alice.renew(long));
    expect(res.text).toBe("");
  });

  it("lists every user's sessions with view=all for an ordinary user, public fields only", async () => {
    const theirs = (await ok(bob.fetch({ view: "all" }))).json<Record<string, unknown>[]>();
    expect(theirs.filter((s) => s.userid === "alice")).toHaveLength(3);
    for (const s of theirs) expect(Object.keys(s).every((k) => ["userid", "type", "status", "startTime"].includes(k))).toBe(true);
  });

  it("deletes with DELETE (Session.destroy, canfar delete) and the session ends", async () => {
    await ok(alice.destroy(long));
    expect((await waitStatus(alice, long, ["Failed"])).statusMessage).toBe("Deleted by user");
  });

  it("reads /context and the image list as Images.fetch and Images.details (canfar image ls) do", async () => {
    const ctx = (await ok(alice.context())).json<{ cores: { options: number[] }; memoryGB: { options: number[] } }>();
    expect(ctx.cores.options).toEqual([1, 2, 3, 4]);
    const ids = (await ok(alice.images("headless"))).json<{ id: string }[]>().map((i) => i.id);
    expect(ids).toContain(DEMO_IMAGE);
    for (const image of (await ok(alice.images())).json<Record<string, unknown>[]>()) {
      expect(typeof image.id).toBe("string");
      expect(image.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(Array.isArray(image.types)).toBe(true);
    }
  });

  it("takes the X-Skaha-Registry-Auth a configured canfar sends on every request, using it only to create", async () => {
    const withRegistry = canfarClient("/skaha/v1", { host: new URL(t.url).host, credentials: { token: (await t.addUser("dora")).token }, registryAuth: Buffer.from("dora:cli-secret").toString("base64") });
    const [id] = await create(withRegistry, { name: "with-registry", image: "images.canfar.net/localhost/skyrun-demo:latest", cmd: "true" });
    expect((await ok(withRegistry.fetch())).json<SessionJson[]>().map((s) => s.id)).toEqual([id]);
    expect((await waitStatus(withRegistry, id!, ["Completed", "Failed"])).status).toBe("Completed");
  });
});

describe("canfar 1.4.1 with a proxy certificate", () => {
  it("creates, reads info, logs and events, lists and deletes as the certificate's user", async () => {
    const [id] = await create(carol, { name: "cert", image: DEMO_IMAGE, cmd: "id", args: "-un" }, certWire);
    const done = await waitStatus(carol, id!, ["Completed", "Failed"], certWire);
    expect([done.status, done.userid]).toEqual(["Completed", "carol"]);
    expect((await ok(carol.logs(id!), certWire)).text).toBe("carol\n");
    expect(canfarEventRows((await ok(carol.events(id!), certWire)).text).at(-1)![1]).toBe("Completed");
    expect((await ok(carol.fetch(), certWire)).json<SessionJson[]>().map((s) => s.id)).toEqual([id]);
    await ok(carol.destroy(id!), certWire);
  });
});
