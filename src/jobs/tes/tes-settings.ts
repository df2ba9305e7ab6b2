/** The operator's TES settings (`tes` in the configuration). */
export interface TesSettings {
  /** http(s) URL prefixes task inputs may be fetched from; none by default. */
  readonly allowedInputUrls: readonly string[];
  /** Who runs this service, for `GET /service-info`; empty name: "skyrun" at the request's host. */
  readonly organizationName: string;
  readonly organizationUrl: string;
}
