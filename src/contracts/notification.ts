/**
 * Completion notifications (issue 12): what skyrun POSTs to a session's `notify` URL
 * when it ends, or when every session of its set has ended, and how it is signed.
 * Shared by the server, the SDK (which verifies signatures) and the CLI.
 */

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, keyed with the owner's notification key. */
export const SIGNATURE_HEADER = "x-skyrun-signature";
/** The notification's id: the same on every retry, so a receiver can drop repeats. */
export const DELIVERY_HEADER = "x-skyrun-delivery";
/** `session.ended` or `set.ended`. */
export const EVENT_HEADER = "x-skyrun-event";

export type NotificationEvent = "session.ended" | "set.ended";

/** How a session ended: its final state. */
export type SessionOutcome = "succeeded" | "failed" | "cancelled";

/** The body POSTed when a session that is not part of a set ends (after its last attempt). */
export interface SessionEndedNotification {
  readonly event: "session.ended";
  /** Equal to the `x-skyrun-delivery` header. */
  readonly deliveryId: string;
  readonly session: {
    readonly id: string;
    readonly name: string;
    readonly userid: string;
    readonly image: string;
    /** The v1 status word: `Completed` or `Failed`. */
    readonly status: string;
    readonly outcome: SessionOutcome;
    readonly exitCode?: number;
    readonly statusMessage?: string;
    readonly createdTime: string;
    readonly startTime?: string;
    readonly endTime: string;
    /** Attempts made (more than 1 after retries). */
    readonly attempts: number;
    readonly labels: Readonly<Record<string, string>>;
  };
}

/** The body POSTed once every session of a set (created together) has ended. */
export interface SetEndedNotification {
  readonly event: "set.ended";
  readonly deliveryId: string;
  readonly set: {
    /** The set's id, as sessions show it in `setId`. */
    readonly id: string;
    /** The name its sessions were created with (replicas' `name-N` without the `-N`). */
    readonly name: string;
    readonly userid: string;
    readonly total: number;
    readonly succeeded: number;
    readonly failed: number;
    /** Deleted before they ended on their own. */
    readonly cancelled: number;
    readonly createdTime: string;
    readonly endTime: string;
  };
}

export type NotificationJson = SessionEndedNotification | SetEndedNotification;

/** `GET /notifications/key`: the caller's signing key and how it is used. */
export interface NotificationKeyJson {
  /** 64 hex characters; the HMAC key is this text itself (its UTF-8 bytes), as `openssl dgst -hmac "$KEY"` takes it. */
  readonly key: string;
  readonly algorithm: "HMAC-SHA256";
  readonly signatureHeader: typeof SIGNATURE_HEADER;
  readonly deliveryHeader: typeof DELIVERY_HEADER;
  /** What is signed: `<t>.<body>`, t being the header's unix seconds. */
  readonly signedPayload: "<t>.<body>";
}

/** `GET /notifications`: one queued notification and what became of it. */
export interface NotificationDeliveryJson {
  readonly id: string;
  readonly event: NotificationEvent | (string & Record<never, never>);
  /** `session:<id>` or `set:<set id>`. */
  readonly subject: string;
  readonly url: string;
  /** `pending` (to be sent, perhaps again), `delivered` (a 2xx answer) or `failed` (given up). */
  readonly state: "pending" | "delivered" | "failed";
  readonly attempts: number;
  readonly createdTime: string;
  readonly nextAttemptTime?: string;
  readonly lastAttemptTime?: string;
  readonly lastStatus?: number;
  readonly lastError?: string;
  readonly deliveredTime?: string;
}
