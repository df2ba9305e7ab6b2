/**
 * The skyrun SDK: a typed client for the skaha session API of skyrun and of the
 * platform. Imports nothing from the server; see docs/sdk.md.
 */
export { createClient, SkyrunClient } from "./skyrun-client.js";
export type { CallOptions, ClientOptions, CreateOptions, CreateResult, FollowOptions, ListFilter, LogOptions, ServerKind } from "./skyrun-client.js";
export type { CreateSessionSpec, RegistryAuth } from "./session-spec.js";
export type { CreatedSet, CreateSetsResult } from "./session-sets.js";
export { LABEL_KEY, labelProblem, MAX_RETRIES, MAX_RUNNING_LIMIT } from "../contracts/session-request.js";
export type { SessionRequest, SessionSetOptions, SessionSetRequest } from "../contracts/session-request.js";
export type { WaitOptions, WaitProgress, WaitResult, WaitUntil } from "./session-waiter.js";
export { runBulk } from "./run-bulk.js";
export type { BulkOptions, BulkResult, ItemResult } from "./run-bulk.js";
export { DEFAULT_RETRY_POLICY } from "./retry-policy.js";
export type { RetryPolicy } from "./retry-policy.js";
export { API_VERSIONS, resolveServiceUrl } from "./service-url.js";
export type { ApiVersion } from "./service-url.js";
export {
  AbortedError, ApiError, ClientError, ConnectionError, CredentialsError, InvalidRequestError, isClientError, ProtocolError, TlsError, UnsupportedError,
} from "./client-error.js";
export type { ClientErrorKind } from "./client-error.js";
export { checkSetting, loadClientSettings, readSettingsFile, SETTINGS_KEYS, settingsPath, toClientOptions, writeSettingsFile } from "./client-settings.js";
export type { ClientSettings, LoadedSettings, SettingsKey, SettingsSource } from "./client-settings.js";
export { DONE_STATUSES, FAILED_STATUSES, hasStartedStatus, isDoneStatus, isFailedStatus } from "../contracts/session.js";
export type { CreatedSessionJson, PublicSessionJson, SessionJson, SessionStatus } from "../contracts/session.js";
export { parseEventTable } from "../contracts/session-event.js";
export type { SessionEventJson } from "../contracts/session-event.js";
export type { ImageJson, PlatformStatsJson, ResourceContextJson, ResourceOptionsJson, SessionStatsJson } from "../contracts/platform.js";
export { formatInstant } from "../contracts/instant.js";
export type { AccountingQuery, JobHistoryQuery } from "./accounting-queries.js";
export type { AccountingBy, AccountingFiguresJson, AccountingReportJson, AccountingRowJson, JobHistoryJson, JobHistoryPageJson, QuotaReportJson, QuotaUsageJson } from "../contracts/accounting.js";
export { JOB_HISTORY_CSV_COLUMNS } from "../contracts/accounting.js";
export type { BatchJson } from "../contracts/batch.js";
export { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER } from "../contracts/notification.js";
export type { NotificationDeliveryJson, NotificationJson, NotificationKeyJson, SessionEndedNotification, SetEndedNotification } from "../contracts/notification.js";
export { verifyNotificationSignature } from "./notification-signature.js";
export type { VerifyOptions } from "./notification-signature.js";
