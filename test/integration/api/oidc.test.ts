import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request, type SessionJson } from "../../support/http.js";
import { startOidcIssuer, type OidcIssuer } from "../../support/oidc-issuer.js";
import { DEMO_IMAGE } from "../../support/paths.js";
import { freePort } from "../../support/free-port.js";
import { startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";

const AUDIENCE = "skyrun-test";
let idp: OidcIssuer;
let t: TestServer;
let alice: TestUser;

beforeAll(async () => {
  idp = await startOidcIssuer(AUDIENCE);
  t = await startTestServer({ overrides: { oidc: { issuer: idp.issuer, audience: AUDIENCE } } });
  alice = await t.addUser("alice");
  await t.addUser("bob");
});
afterAll(async () => {
  await t.close();
  await idp.stop();
});

const asBearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const now = () => Math.floor(Date.now() / 1000);

describe("OIDC bearer tokens from a real issuer on loopback (issue 3)", () => {
  it("maps preferred_username to the skyrun user, whose jobs run as that user", async () => {
    const token = await idp.token({ preferred_username: "alice", sub: "f3a1" });
    const created = await request("POST", `${t.base("v1")}/session`, { ...asBearer(token), form: { name: "via-oidc", image: DEMO_IMAGE, cmd: "true" } });
    expect(created.status, created.text).toBe(200);
    const id = created.text.trim();
    const session = (await request("GET", `${t.base("v1")}/session/${id}`, asBearer(token))).json<SessionJson>();
    expect(session).toMatchObject({ userid: "alice", runAsUID: String(alice.user.uid) });
    const bobs = await request("GET", `${t.base()}/session`, asBearer(await idp.token({ preferred_username: "bob" })));
    expect(bobs.json<SessionJson[]>()).toEqual([]);
  });

  it.each([
    ["an expired token", () => idp.token({ preferred_username: "alice", exp: now() - 120 }), /expired/],
    ["a token for another audience", () => idp.token({ preferred_username: "alice", aud: "someone-else" }), /meant for "someone-else", not skyrun-test/],
    ["a token from another issuer", () => idp.token({ preferred_username: "alice", iss: "https://evil.example.org" }), /issued by "https:\/\/evil.example.org"/],
    ["a token signed with a key the issuer does not publish", () => idp.token({ preferred_username: "alice" }, { unpublishedKey: true }), /key the issuer does not publish/],
    ["a token for someone skyrun does not know", () => idp.token({ preferred_username: "mallory" }), /"mallory" is not a skyrun user/],
    ["a token whose user name climbs out of /arc/home", () => idp.token({ preferred_username: "../../etc" }), /"..\/..\/etc" is not a skyrun user/],
    ["a token without the username claim", () => idp.token({ sub: "x" }), /no 'preferred_username' claim/],
    ["an unsigned token (alg none)", async () => `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(JSON.stringify({ iss: idp.issuer, aud: AUDIENCE, preferred_username: "alice", exp: now() + 600 })).toString("base64url")}.`, /Invalid token/],
    ["a token with its payload altered", async () => { const [h, , s] = (await idp.token({ preferred_username: "bob" })).split("."); return `${h}.${Buffer.from(JSON.stringify({ iss: idp.issuer, aud: AUDIENCE, preferred_username: "alice", exp: now() + 600 })).toString("base64url")}.${s}`; }, /signature does not verify/],
  ])("refuses %s with 401 and the reason", async (_what, make, reason) => {
    const r = await request("GET", `${t.base()}/session`, asBearer(await make()));
    expect(r.status).toBe(401);
    expect(r.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(r.text).toMatch(reason);
  });

  it("takes the user name from the configured claim", async () => {
    const other = await startTestServer({ overrides: { oidc: { issuer: idp.issuer, audience: AUDIENCE, usernameClaim: "uid" } } });
    try {
      await other.addUser("carol");
      expect((await request("GET", `${other.base()}/session`, asBearer(await idp.token({ uid: "carol", preferred_username: "nobody" })))).status).toBe(200);
      expect((await request("GET", `${other.base()}/session`, asBearer(await idp.token({ preferred_username: "carol" })))).text).toMatch(/no 'uid' claim/);
    } finally {
      await other.close();
    }
  });

  it("answers 503, not 401, while the issuer cannot be reached", async () => {
    const deadPort = await freePort();
    const other = await startTestServer({ overrides: { oidc: { issuer: `http://127.0.0.1:${deadPort}/realms/gone`, audience: AUDIENCE } } });
    try {
      await other.addUser("alice");
      const r = await request("GET", `${other.base()}/session`, asBearer(await idp.token({ preferred_username: "alice" })));
      expect(r.status).toBe(503);
      expect(r.text).toMatch(/Cannot check the OIDC token right now/);
    } finally {
      await other.close();
    }
  });

  it("keeps API tokens working beside OIDC", async () => {
    const dave = await t.addUser("dave");
    expect((await request("GET", `${t.base()}/session`, { token: dave.token })).status).toBe(200);
  });
});
