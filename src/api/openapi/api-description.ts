import { SKYRUN_JSON_MEDIA_TYPE, SKYRUN_VERSION_HEADER } from "../../contracts/platform.js";

/** The document's `info.description`: what holds for every operation (Markdown). */
export function describeApi(): string {
  return [
    "skyrun serves the CANFAR Science Platform's **skaha session API** for headless sessions (batch jobs): the platform's own clients (`canfar`, `skaha`, `curl` as the platform's pages show) work unchanged.",
    "**Versions.** `/skaha/v0` and `/skaha/v1` are both served and differ only in status words: a session that exited 0 is `Succeeded` on v0 and `Completed` on v1.",
    `**Answers.** JSON where the platform answers JSON; \`text/plain\` where it answers text: \`POST /session\` (one id per line), \`?view=logs\`, \`?view=events\` (a kubectl-style table). JSON instead of that text is an explicit opt-in no platform client sends: \`format=json\`, or \`Accept: ${SKYRUN_JSON_MEDIA_TYPE}\` (\`Accept: application/json\` does not switch, because the platform's Python client sends it and reads text). Every answer carries \`${SKYRUN_VERSION_HEADER}\`.`,
    "**Errors** are `text/plain`: one sentence naming the parameter and what is allowed, with the status of the error's code (see each operation's responses, and docs/errors.md).",
    "**Parameters** are case-insensitive. `POST /session` takes them from the query string, a form, a multipart form or a JSON body, and refuses unknown ones with a 400 naming them; the GET routes ignore parameters they do not know, as the platform does.",
    "**Authentication**: an API token or an OIDC access token as a bearer token, or a client (or proxy) certificate. `/skaha/capabilities`, `/skaha/availability`, `/healthz` and this documentation need none.",
    "**skyrun extensions** (parameters, fields, operations the platform does not have) are marked `x-skyrun-extension: true` and say so in their description. The platform's clients never send them and ignore fields they do not know.",
  ].join("\n\n");
}
