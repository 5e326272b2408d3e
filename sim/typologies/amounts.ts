// Splitting a sum into the parts a typology pays: uneven (lognormal weights, as unrelated-looking
// payments) or even (structuring into equal pieces).
import type { Rng } from '../../chain/rng.ts';

/** `n` parts summing exactly to `total`, none below `min` (fewer parts when the sum is too small). */
export function splitSats(total: number, n: number, rng: Rng, min: number, even = false): number[] {
  const count = Math.max(1, Math.min(n, Math.floor(total / min)));
  if (count === 1) return [total];
  const weights = Array.from({ length: count }, () => (even ? 1 + 0.04 * (rng.float() - 0.5) : rng.lognormal(1, 0.7)));
  const sum = weights.reduce((a, b) => a + b, 0);
  const free = total - count * min;
  const parts = weights.map((w) => min + Math.floor((free * w) / sum));
  parts[count - 1] += total - parts.reduce((a, b) => a + b, 0);
  return parts;
}

/** Offsets in seconds, sorted, spread uniformly over [0, hours]. */
export function spreadOffsets(n: number, hours: number, rng: Rng): number[] {
  return Array.from({ length: n }, () => Math.round(rng.float() * hours * 3_600)).sort((a, b) => a - b);
}
