import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PAGE_ASSET_FILES } from "./api-operations.js";

/**
 * The interactive API page at /skaha: Swagger UI from the swagger-ui-dist package,
 * served by skyrun itself, so it works where no other host can be reached. The page,
 * its script and the bundle load nothing from elsewhere, and the Content-Security-Policy
 * tells the browser to refuse anything that would.
 */

/** One file the page loads, ready to send. */
export interface PageAsset {
  readonly type: string;
  readonly body: string;
}

/** Where every page file is served from: `/skaha/docs/<file>`. */
export const PAGE_ASSET_PREFIX = "/skaha/docs/";

/** The browser may load only from this server; Swagger UI sets inline styles and shows inline (data:) images. */
export const PAGE_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The page itself: the stylesheet, the bundle and the starter, all from `PAGE_ASSET_PREFIX`. */
export const PAGE_HTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>skaha session API — skyrun</title>
<link rel="stylesheet" href="${PAGE_ASSET_PREFIX}swagger-ui.css">
</head>
<body>
<noscript>This page needs JavaScript. The document itself is at <a href="/skaha/openapi.json">/skaha/openapi.json</a> (or <a href="/skaha/openapi.yaml">YAML</a>).</noscript>
<div id="swagger-ui"></div>
<script src="${PAGE_ASSET_PREFIX}swagger-ui-bundle.js"></script>
<script src="${PAGE_ASSET_PREFIX}skyrun-api-page.js"></script>
</body>
</html>
`;

/**
 * Starts Swagger UI on this server's document. The platform's pages link to the old
 * Swagger UI's anchors (`/skaha#!/Session_Management/post_session`): those become
 * today's deep links (`#/Session%20Management/post_session`), which open the operation.
 * No validator badge: it would send the document to another host.
 */
const PAGE_SCRIPT = `"use strict";
(function () {
  var old = /^#!\\/([^/]+)\\/?(.*)$/.exec(window.location.hash);
  if (old) window.history.replaceState(null, "", "#/" + old[1].replace(/_/g, "%20") + (old[2] ? "/" + old[2] : ""));
  window.ui = SwaggerUIBundle({
    url: "/skaha/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
})();
`;

/** The page's files: two from swagger-ui-dist, read once, and skyrun's own script. */
export function loadPageAssets(): ReadonlyMap<string, PageAsset> {
  const dist = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  // A source-map comment would make browser tools ask for a file skyrun does not serve.
  const read = (file: string) => readFileSync(join(dist, file), "utf8").replace(/\n(\/\/# sourceMappingURL=\S+|\/\*# sourceMappingURL=\S+\*\/)\s*$/, "\n");
  const assets: Record<(typeof PAGE_ASSET_FILES)[number], PageAsset> = {
    "swagger-ui.css": { type: "text/css; charset=utf-8", body: read("swagger-ui.css") },
    "swagger-ui-bundle.js": { type: "text/javascript; charset=utf-8", body: read("swagger-ui-bundle.js") },
    "skyrun-api-page.js": { type: "text/javascript; charset=utf-8", body: PAGE_SCRIPT },
  };
  return new Map(Object.entries(assets));
}
