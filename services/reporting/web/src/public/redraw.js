// Checking a random inspection draw (双随机抽查) in the visitor's own browser, by the
// published algorithm sha256-rank-v1 (docs/monitoring.md, lode_monitoring.domain.draw):
// the population sorted by licence number, each ranked by SHA-256(seed ‖ 0x00 ‖ licence_no)
// (UTF-8, lower-case hex, ascending; ties by licence number), the first n drawn, in that
// order, with n = max(1, ⌈ratio_pct × N ÷ 100⌉).

export const ALGORITHM = "sha256-rank-v1";

const encoder = new TextEncoder();

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Whether this browser can compute SHA-256 here (Web Crypto needs a secure context:
 * HTTPS, or the loopback address). */
export const canRedraw = () => Boolean(globalThis.crypto?.subtle);

/** n = max(1, ⌈ratio × count ÷ 100⌉), exactly: the ratio is read as a decimal fraction
 * (5.5 → 55/10), so that no floating-point rounding moves the ceiling. */
export function sampleSize(ratioPct, count) {
  const text = String(ratioPct);
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return Math.max(1, Math.ceil((Number(ratioPct) * count) / 100));
  const decimals = match[2] ?? "";
  const numerator = BigInt(match[1] + decimals) * BigInt(count);
  const denominator = 100n * 10n ** BigInt(decimals.length);
  const ceiling = (numerator + denominator - 1n) / denominator;
  return Math.max(1, Number(ceiling));
}

/** The licences the draw gives for `seed` over `population`, in draw order. */
export async function redraw(seed, population, n) {
  const sorted = [...population].sort();
  const ranked = await Promise.all(
    sorted.map(async (licenceNo) => {
      const message = encoder.encode(`${seed}\u0000${licenceNo}`);
      return { licenceNo, rank: hex(await globalThis.crypto.subtle.digest("SHA-256", message)) };
    }),
  );
  ranked.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : a.licenceNo < b.licenceNo ? -1 : 1));
  return ranked.slice(0, n).map((entry) => entry.licenceNo);
}

/** Whether a published draw is what the algorithm gives: "verified", "mismatch", or why it
 * cannot be checked here ("no-crypto", "no-population", "other-algorithm"). */
export async function checkDraw(draw) {
  if (draw.algorithm !== ALGORITHM) return "other-algorithm";
  if (!Array.isArray(draw.population) || !draw.population.length) return "no-population";
  if (!canRedraw()) return "no-crypto";
  const n = sampleSize(draw.ratio_pct, draw.population.length);
  const again = await redraw(draw.seed, draw.population, n);
  const published = draw.drawn ?? [];
  const same = again.length === published.length && again.every((licenceNo, i) => licenceNo === published[i]);
  return same ? "verified" : "mismatch";
}
