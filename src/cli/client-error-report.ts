import { AbortedError, ApiError, ConnectionError, CredentialsError, InvalidRequestError, isClientError, TlsError, UnsupportedError, type ClientError } from "../client/index.js";
import { EXIT } from "./exit-codes.js";

/** What to tell the user about a failure, and the exit status it earns. */
export interface ErrorReport {
  /** One or two sentences: what happened, then what to do. */
  readonly message: string;
  readonly exit: number;
}

/** Exit status for Ctrl-C, as shells report it. */
export const EXIT_INTERRUPTED = 130;

function apiReport(e: ApiError): ErrorReport {
  const said = e.text || `HTTP ${e.status}`;
  const host = new URL(e.url).origin;
  switch (e.status) {
    case 400: case 415: case 422: return { message: said, exit: e.status === 400 ? EXIT.USAGE : EXIT.FAILURE };
    case 401: return { message: `${host} did not accept your credentials (401: ${said}).\n  Log in again: skyrun login ${host} --token-stdin (or --cert FILE), or set SKYRUN_TOKEN / SKYRUN_CERT.`, exit: EXIT.AUTH };
    case 403: return { message: `Not allowed (403): ${said}`, exit: EXIT.AUTH };
    case 404: return { message: said.startsWith("No such endpoint") ? `${said}\n  Is the URL a skaha service? Check it with: skyrun config` : said, exit: EXIT.NOT_FOUND };
    case 502: case 503: case 504: return { message: `The server is unavailable (${e.status}): ${said}. Try again shortly.`, exit: EXIT.UNAVAILABLE };
    default: return { message: e.status >= 500 ? `The server failed (${e.status}): ${said}` : said, exit: EXIT.FAILURE };
  }
}

function tlsReport(e: TlsError): ErrorReport {
  const what = {
    "ca": "If the server uses a private CA, trust its certificate: --ca FILE, SKYRUN_CA, or skyrun config set ca FILE.",
    "client-certificate": "Give a certificate the server accepts: --cert ~/.ssl/cadcproxy.pem, SKYRUN_CERT, or skyrun login URL --cert FILE. If yours has expired, get a new one.",
    "hostname": "Use the host name the certificate was issued for in the URL.",
    "other": "Check the URL (https:// or http://) and the server's TLS set-up.",
  }[e.hint];
  return { message: `${e.message}\n  ${what}`, exit: e.hint === "other" ? EXIT.UNAVAILABLE : EXIT.AUTH };
}

/** A sentence and an exit status for any SDK error; never a stack trace. */
export function reportClientError(e: ClientError): ErrorReport {
  if (e instanceof ApiError) return apiReport(e);
  if (e instanceof TlsError) return tlsReport(e);
  if (e instanceof ConnectionError) {
    return { message: `${e.message}\n  Is the server running, and is the URL right? See: skyrun config (or set SKYRUN_URL).`, exit: EXIT.UNAVAILABLE };
  }
  if (e instanceof CredentialsError) return { message: e.message, exit: EXIT.AUTH };
  if (e instanceof InvalidRequestError || e instanceof UnsupportedError) return { message: e.message, exit: EXIT.USAGE };
  if (e instanceof AbortedError) return { message: "Interrupted.", exit: EXIT_INTERRUPTED };
  return { message: e.message, exit: EXIT.FAILURE };
}

/** The report for anything thrown, or undefined when it is not an SDK error. */
export const reportIfClientError = (e: unknown): ErrorReport | undefined => (isClientError(e) ? reportClientError(e) : undefined);

/** One exit status for many failed items: theirs when they agree, else 1. */
export function exitForFailures(errors: readonly ClientError[]): number {
  if (errors.length === 0) return EXIT.OK;
  const codes = new Set(errors.map((e) => reportClientError(e).exit));
  return codes.size === 1 ? [...codes][0]! : EXIT.FAILURE;
}

/** The first line of an error's report: for per-item lines on stderr. */
export const shortReason = (e: ClientError): string => reportClientError(e).message.split("\n")[0]!;

/** Writes one stderr line per failed item (`skyrun: <key>: <reason>`) and returns the exit status they earn together. */
export function reportItemFailures(failed: readonly { readonly key: string; readonly error: ClientError }[]): number {
  for (const x of failed) process.stderr.write(`skyrun: ${x.key}: ${shortReason(x.error)}\n`);
  return exitForFailures(failed.map((x) => x.error));
}
