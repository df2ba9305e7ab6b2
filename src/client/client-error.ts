/**
 * Typed errors of the SDK. Every failure the SDK reports is a {@link ClientError}; the
 * subclass says what went wrong and carries what a caller needs to react (status and
 * server text, the network error code, the file at fault). Messages are sentences for
 * people; classify with `instanceof` or `kind`, never by matching the message.
 */
export type ClientErrorKind = "api" | "connection" | "tls" | "credentials" | "invalid" | "unsupported" | "aborted" | "protocol";

export abstract class ClientError extends Error {
  abstract readonly kind: ClientErrorKind;
  /** True when trying the same call again later may succeed. */
  get retryable(): boolean {
    return false;
  }
}

/** The server answered with an error status. `text` is its body (skaha errors are text/plain sentences). */
export class ApiError extends ClientError {
  override name = "ApiError";
  readonly kind = "api";
  constructor(
    readonly status: number,
    /** The server's text, trimmed. */
    readonly text: string,
    readonly method: string,
    readonly url: string,
    /** Seconds the server asked us to wait (Retry-After), when it said. */
    readonly retryAfterSeconds?: number,
  ) {
    super(`${method} ${url}: ${status}${text ? ` ${text}` : ""}`);
  }
  override get retryable(): boolean {
    return this.status === 502 || this.status === 503 || this.status === 504;
  }
}

/** The server could not be reached, or the connection broke (refused, DNS, reset, timeout). */
export class ConnectionError extends ClientError {
  override name = "ConnectionError";
  readonly kind = "connection";
  constructor(
    message: string,
    /** The system or undici code: ECONNREFUSED, ENOTFOUND, ECONNRESET, UND_ERR_CONNECT_TIMEOUT, TIMEOUT … */
    readonly code: string,
    readonly url: string,
    /** True when nothing was sent (connection refused or name not found): safe to retry any call. */
    readonly beforeSending: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
  override get retryable(): boolean {
    return true;
  }
}

/** The TLS handshake failed: an untrusted or mismatched server certificate, or our certificate was refused. */
export class TlsError extends ClientError {
  override name = "TlsError";
  readonly kind = "tls";
  constructor(
    message: string,
    /** OpenSSL/Node code such as UNABLE_TO_VERIFY_LEAF_SIGNATURE, DEPTH_ZERO_SELF_SIGNED_CERT, ERR_TLS_CERT_ALTNAME_INVALID. */
    readonly code: string,
    readonly url: string,
    /** What the user can do about it. */
    readonly hint: "ca" | "client-certificate" | "hostname" | "other",
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Our own credentials cannot be used: a certificate file missing, unreadable, malformed, expired or not yet valid. */
export class CredentialsError extends ClientError {
  override name = "CredentialsError";
  readonly kind = "credentials";
  constructor(message: string, readonly path?: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** A request the SDK refuses before sending it: a bad name, a bad env entry, too many replicas. */
export class InvalidRequestError extends ClientError {
  override name = "InvalidRequestError";
  readonly kind = "invalid";
  constructor(message: string, readonly parameter?: string) {
    super(message);
  }
}

/** The server cannot do this (a skyrun extension asked of the platform, say). */
export class UnsupportedError extends ClientError {
  override name = "UnsupportedError";
  readonly kind = "unsupported";
}

/** The caller's AbortSignal fired. */
export class AbortedError extends ClientError {
  override name = "AbortedError";
  readonly kind = "aborted";
}

export const isClientError = (e: unknown): e is ClientError => e instanceof ClientError;

/** The server answered 2xx with something that is not what the skaha API sends (an HTML page from a proxy, say). */
export class ProtocolError extends ClientError {
  override name = "ProtocolError";
  readonly kind = "protocol";
  constructor(message: string, readonly url: string) {
    super(message);
  }
}
