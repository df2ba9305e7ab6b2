/**
 * The dashboard: asks the server who is calling (`/dashboard/me`), shows the login form
 * only if that is a 401, then the pages, with one live stream feeding the store.
 */
import { useEffect, useState } from "preact/hooks";
import type { DashboardConfigJson, DashboardMeJson } from "../../../src/contracts/dashboard.js";
import { AuthRequiredError, getDashboardConfig, getMe, onAuthRequired } from "../api/api-client.js";
import { forgetToken, storedToken } from "../api/credentials.js";
import { openLiveStream, type LiveState } from "../api/live-stream.js";
import { completeOidcLogin } from "../api/oidc-login.js";
import { liveStore, useLive } from "../state/live-store.js";
import { navigate, usePlace } from "../state/location.js";
import { ClusterPage } from "./ClusterPage.js";
import { JobsPage } from "./JobsPage.js";
import { LoginForm } from "./LoginForm.js";
import { SubmitPage } from "./SubmitPage.js";
import { ThemeToggle } from "./ThemeToggle.js";
import { UsagePage } from "./UsagePage.js";

const PAGES = [
  { path: "/jobs", label: "Jobs" },
  { path: "/submit", label: "Submit" },
  { path: "/cluster", label: "Cluster" },
  { path: "/usage", label: "Usage" },
] as const;

const LIVE_WORDS: Record<LiveState, string> = {
  connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting…", polling: "Updating every 5 s", stopped: "Not updating",
};

function LiveIndicator() {
  const live = useLive();
  return <span class={`live live-${live.state}`} role="status" aria-live="polite">{LIVE_WORDS[live.state]}</span>;
}

type Auth = { kind: "checking" } | { kind: "in"; me: DashboardMeJson } | { kind: "out"; reason: string };

export function App() {
  const place = usePlace();
  const [auth, setAuth] = useState<Auth>({ kind: "checking" });
  const [config, setConfig] = useState<DashboardConfigJson | undefined>();
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    onAuthRequired((reason) => setAuth({ kind: "out", reason }));
    getDashboardConfig().then(setConfig, () => undefined);
  }, []);

  useEffect(() => {
    let stopped = false;
    const check = async () => {
      try {
        const back = await completeOidcLogin();
        if (back !== undefined) navigate(back === "/" ? "/jobs" : back, { replace: true });
      } catch (e) {
        setAuth({ kind: "out", reason: e instanceof Error ? e.message : String(e) });
        return;
      }
      try {
        const me = await getMe();
        if (!stopped) setAuth({ kind: "in", me });
      } catch (e) {
        if (stopped) return;
        setAuth({ kind: "out", reason: e instanceof AuthRequiredError ? e.message : `The server did not answer: ${e instanceof Error ? e.message : String(e)}` });
      }
    };
    void check();
    return () => { stopped = true; };
  }, [attempt]);

  const me = auth.kind === "in" ? auth.me : undefined;
  useEffect(() => {
    if (!me) return;
    const stream = openLiveStream({
      session: (s) => liveStore.putSession(s),
      stats: (s) => liveStore.putStats(s),
      reload: () => liveStore.reload(),
      state: (s) => liveStore.setState(s),
    }, { all: me.isAdmin });
    return () => stream.close();
  }, [me?.user]);

  useEffect(() => {
    if (me && place.path === "/") navigate("/jobs", { replace: true });
  }, [me, place.path]);

  if (auth.kind === "checking") return <main id="main" class="checking" aria-busy="true"><p>Loading…</p></main>;
  if (auth.kind === "out") return <LoginForm reason={auth.reason} config={config} onLoggedIn={() => { setAuth({ kind: "checking" }); setAttempt((n) => n + 1); }} />;

  const open = (id: string) => navigate(`/jobs?open=${encodeURIComponent(id)}`);
  const page = PAGES.find((p) => p.path === place.path)?.path ?? "/jobs";
  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header class="top">
        <a class="brand" href="/jobs" onClick={(e) => { e.preventDefault(); navigate("/jobs"); }}>skyrun</a>
        <nav aria-label="Pages">
          <ul>
            {PAGES.map((p) => (
              <li key={p.path}>
                <a href={p.path} aria-current={page === p.path ? "page" : undefined} onClick={(e) => { e.preventDefault(); navigate(p.path); }}>{p.label}</a>
              </li>
            ))}
          </ul>
        </nav>
        <LiveIndicator />
        <span class="me">{auth.me.user}{auth.me.isAdmin ? " (administrator)" : ""} <span class="muted">via {auth.me.via === "x509" ? "certificate" : auth.me.via === "oidc" ? "OIDC" : "token"}</span></span>
        <ThemeToggle />
        {storedToken() !== undefined && <button type="button" class="small" onClick={() => { forgetToken(); setAuth({ kind: "out", reason: "Logged out." }); }}>Log out</button>}
      </header>
      <main id="main" tabIndex={-1}>
        {page === "/jobs" && <JobsPage place={place} me={auth.me} />}
        {page === "/submit" && <SubmitPage />}
        {page === "/cluster" && <ClusterPage onOpen={open} />}
        {page === "/usage" && <UsagePage place={place} />}
      </main>
    </>
  );
}
