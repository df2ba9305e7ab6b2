import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

/**
 * The dashboard's build: one entry (index.html), hashed file names under assets/,
 * written to dist/web where the API process serves it (src/api/routes/dashboard-routes.ts).
 * `npm run dev:web` serves it with live reload and sends API calls to SKYRUN_URL.
 */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL("../dist/web", import.meta.url)),
    emptyOutDir: true,
    assetsDir: "assets",
    target: "es2022",
    sourcemap: false,
    // Nothing inlined into index.html: the page's policy allows scripts from our own files only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  server: {
    proxy: { "/skaha": { target: process.env.SKYRUN_URL ?? "http://127.0.0.1:8080", changeOrigin: true, secure: false } },
  },
});
