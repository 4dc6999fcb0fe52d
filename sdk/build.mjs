/**
 * Build `dist/workprint.js`: one IIFE bundle of `src/index.js` for browsers (ES2020), not
 * minified, with no banner or timestamp, so the same sources always give the same bytes.
 *
 *     node build.mjs           # write dist/workprint.js
 *     node build.mjs --check   # exit 1 when dist/workprint.js is not what the sources build
 */

import { readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const outfile = join(here, "dist", "workprint.js");

const result = await esbuild.build({
  entryPoints: [join(here, "src", "index.js")],
  bundle: true,
  format: "iife",
  target: "es2020",
  platform: "browser",
  charset: "utf8",
  legalComments: "none",
  write: false,
  outfile,
  logLevel: "warning",
});
const text = result.outputFiles[0].text;

if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = await readFile(outfile, "utf8");
  } catch {
    // missing counts as stale
  }
  if (current !== text) {
    console.error("sdk/dist/workprint.js is stale: run `npm run build` in sdk/");
    process.exit(1);
  }
  console.log("sdk/dist/workprint.js is current");
} else {
  await writeFile(outfile, text);
  console.log(`wrote dist/workprint.js (${text.length} bytes)`);
}
