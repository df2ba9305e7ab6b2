import { Agent, request } from "node:http";

/** A keep-alive HTTP client for load: node:http with a pooled agent, the least overhead on the client side. */
export class HttpClient {
  private readonly agent: Agent;

  constructor(private readonly baseUrl: string, private readonly token: string, connections = 16) {
    this.agent = new Agent({ keepAlive: true, maxSockets: connections });
  }

  /** One request; with `timeoutMs`, rejects with a `TimeoutError` when no answer came in time. */
  send(method: string, path: string, body?: string, headers: Record<string, string> = {}, timeoutMs?: number): Promise<{ status: number; text: string }> {
    const url = new URL(path, this.baseUrl);
    return new Promise((resolve, reject) => {
      const req = request(url, {
        method,
        agent: this.agent,
        ...(timeoutMs !== undefined ? { timeout: timeoutMs } : {}),
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body !== undefined ? { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) } : {}),
          ...headers,
        },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.on("timeout", () => req.destroy(new TimeoutError(`${method} ${path}: no answer in ${timeoutMs} ms`)));
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  async createSession(form: Record<string, string>): Promise<string> {
    const r = await this.send("POST", "/skaha/v0/session", new URLSearchParams(form).toString());
    if (r.status !== 200) throw new Error(`create failed: ${r.status} ${r.text}`);
    return r.text.trim();
  }

  async json<T>(path: string): Promise<T> {
    const r = await this.send("GET", path);
    if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${r.text}`);
    return JSON.parse(r.text) as T;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Runs `task` `total` times with `concurrency` in flight; returns each call's latency in ms. */
export async function runConcurrently(total: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const t0 = performance.now();
      await task(i);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return latencies;
}

/** A request that got no answer within its deadline. */
export class TimeoutError extends Error {
  override readonly name = "TimeoutError";
}
