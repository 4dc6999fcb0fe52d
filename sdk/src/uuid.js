/**
 * UUIDv7 ids (RFC 9562) for events, batches, the tab session and tasks.
 *
 * Layout: 48 bits of Unix milliseconds, version 7, a 12-bit counter (rand_a), variant 10,
 * 62 random bits. Ids made in the same millisecond increase through the counter, which starts
 * at a random value below 2048 each millisecond; when it overflows the timestamp is advanced
 * by one millisecond, and a clock that goes backwards never makes ids go backwards. Text is
 * canonical lower-case, the form the collector's contract checks.
 */

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** Fill `bytes` with cryptographically random values (Web Crypto, also in Node 20). */
function randomFill(bytes) {
  globalThis.crypto.getRandomValues(bytes);
  return bytes;
}

/**
 * A generator of monotonic UUIDv7 text ids.
 * @param {{now?: () => number, random?: (bytes: Uint8Array) => Uint8Array}} [seams]
 */
export function uuid7Factory(seams = {}) {
  const now = seams.now ?? (() => Date.now());
  const random = seams.random ?? randomFill;
  let lastMs = -1;
  let counter = 0;
  return function uuid7() {
    const bytes = random(new Uint8Array(16));
    let ms = Math.max(Math.floor(now()), 0);
    if (ms > lastMs) {
      lastMs = ms;
      counter = ((bytes[6] & 0x07) << 8) | bytes[7]; // < 2048: room to count up
    } else {
      ms = lastMs;
      counter += 1;
      if (counter > 0xfff) {
        lastMs += 1;
        ms = lastMs;
        counter = ((bytes[6] & 0x07) << 8) | bytes[7];
      }
    }
    // 48-bit big-endian milliseconds (beyond 32 bits: no bitwise operators).
    let t = ms;
    for (let i = 5; i >= 0; i -= 1) {
      bytes[i] = t % 256;
      t = Math.floor(t / 256);
    }
    bytes[6] = 0x70 | (counter >> 8);
    bytes[7] = counter & 0xff;
    bytes[8] = 0x80 | (bytes[8] & 0x3f);
    let s = "";
    for (let i = 0; i < 16; i += 1) {
      s += HEX[bytes[i]];
      if (i === 3 || i === 5 || i === 7 || i === 9) s += "-";
    }
    return s;
  };
}

/** The shared generator of this page. */
export const uuid7 = uuid7Factory();

/** The pattern the collector validates ids with. */
export const UUID7_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
