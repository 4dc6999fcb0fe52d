/**
 * Build the Workprint extension: copy the SDK bundle (`sdk/dist/workprint.js`, made by
 * `npm run build` in `sdk/`) to `vendor/workprint.js` and draw the icons (`icons/*.png`),
 * so that `sdk/extension/` loads as an unpacked extension. No download, no dependency.
 *
 *     node build.mjs             # vendor/ and icons/ in place: load sdk/extension/ unpacked
 *     node build.mjs --out DIR   # a complete unpacked copy in DIR instead (to package or test)
 *     node build.mjs --check     # exit 1 when vendor/workprint.js is not the current bundle
 */

import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const bundle = join(here, "..", "dist", "workprint.js");
const vendored = join(here, "vendor", "workprint.js");
const ICON_SIZES = [16, 32, 48, 128];

/** What the unpacked extension consists of, besides vendor/ and icons/. */
export const SOURCES = [
  "manifest.json",
  "background.js",
  "content.js",
  "popup.html",
  "popup.js",
  "options.html",
  "options.js",
  "style.css",
  "lib/collector.js",
  "lib/messages.js",
  "lib/policy.js",
  "lib/state.js",
];

function fail(message) {
  console.error(message);
  process.exit(1);
}

// ------------------------------------------------------------------------------ icons

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** An RGBA PNG from a colour function of (x, y) in [0, 1), 4x4 supersampled. */
function png(size, colourAt) {
  const rows = [];
  for (let y = 0; y < size; y += 1) {
    const row = Buffer.alloc(1 + size * 4); // filter byte 0: none
    for (let x = 0; x < size; x += 1) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < 4; sy += 1) {
        for (let sx = 0; sx < 4; sx += 1) {
          const [r, g, b, a] = colourAt((x + (sx + 0.5) / 4) / size, (y + (sy + 0.5) / 4) / size);
          sum[0] += r * a;
          sum[1] += g * a;
          sum[2] += b * a;
          sum[3] += a;
        }
      }
      const alpha = sum[3] / 16;
      const at = 1 + x * 4;
      row[at] = alpha ? Math.round(sum[0] / sum[3]) : 0;
      row[at + 1] = alpha ? Math.round(sum[1] / sum[3]) : 0;
      row[at + 2] = alpha ? Math.round(sum[2] / sum[3]) : 0;
      row[at + 3] = Math.round(alpha * 255);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** The mark: a rounded blue square holding a white ring around a red recording dot. */
function markColour(x, y) {
  const inset = Math.max(Math.abs(x - 0.5), Math.abs(y - 0.5));
  const corner = Math.hypot(Math.max(Math.abs(x - 0.5) - 0.3, 0), Math.max(Math.abs(y - 0.5) - 0.3, 0));
  if (inset > 0.5 || corner > 0.2) return [0, 0, 0, 0];
  const r = Math.hypot(x - 0.5, y - 0.5);
  if (r < 0.17) return [226, 59, 59, 1];
  if (r > 0.24 && r < 0.33) return [255, 255, 255, 1];
  return [31, 58, 95, 1];
}

async function drawIcons(dir) {
  await mkdir(join(dir, "icons"), { recursive: true });
  for (const size of ICON_SIZES) await writeFile(join(dir, "icons", `${size}.png`), png(size, markColour));
}

// ------------------------------------------------------------------------------- main

async function readBundle() {
  try {
    return await readFile(bundle, "utf8");
  } catch {
    return fail("sdk/dist/workprint.js is missing: run `npm run build` in sdk/ first");
  }
}

async function checkVersions() {
  const manifest = JSON.parse(await readFile(join(here, "manifest.json"), "utf8"));
  const pkg = JSON.parse(await readFile(join(here, "..", "package.json"), "utf8"));
  if (manifest.version !== pkg.version) fail(`manifest.json version ${manifest.version} differs from the SDK's ${pkg.version}`);
}

const args = process.argv.slice(2);
const text = await readBundle();
await checkVersions();

if (args.includes("--check")) {
  let current = "";
  try {
    current = await readFile(vendored, "utf8");
  } catch {
    // missing counts as stale
  }
  if (current !== text) fail("sdk/extension/vendor/workprint.js is stale: run `node build.mjs` in sdk/extension/");
  console.log("sdk/extension/vendor/workprint.js is current");
} else {
  const at = args.indexOf("--out");
  if (at >= 0 && !args[at + 1]) fail("--out needs a directory");
  const out = at >= 0 ? resolve(args[at + 1]) : here;
  if (out !== here) {
    await rm(out, { recursive: true, force: true });
    for (const file of SOURCES) {
      await mkdir(dirname(join(out, file)), { recursive: true });
      await copyFile(join(here, file), join(out, file));
    }
  }
  await mkdir(join(out, "vendor"), { recursive: true });
  await writeFile(join(out, "vendor", "workprint.js"), text);
  await drawIcons(out);
  console.log(`wrote the unpacked extension to ${out} (SDK bundle: ${text.length} bytes)`);
}
