// tsc compiles TypeScript only; SQL migrations ship beside the compiled store.
import { cpSync } from "node:fs";
cpSync("src/store/migrations", "dist/src/store/migrations", { recursive: true, filter: (p) => !p.endsWith(".ts") });
