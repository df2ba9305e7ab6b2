/** The skaha API version: v0 says `Succeeded` where v1 says `Completed`. */
export type ApiVersion = "v0" | "v1";
export const API_VERSIONS: readonly ApiVersion[] = ["v0", "v1"];
