// Deterministic RSA key material for the lab's optional RSA vendor keys (many real darkweb vendors
// publish RSA keys). Primes come from seed-derived starting points by incremental search; the
// primality test is OpenSSL's (node:crypto checkPrimeSync): its random Miller-Rabin bases only
// affect the 2^-80-ish chance of calling a composite prime, never which prime a search finds
// in practice, so the same seed gives the same key.
import { checkPrimeSync } from 'node:crypto';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { deriveBytes } from './derive.ts';

export const RSA_BITS = 2048;
const E = 65537n;
const SMALL_PRIMES: number[] = [];
for (let n = 3; n < 2000; n += 2) {
  if (SMALL_PRIMES.every((p) => n % p !== 0)) SMALL_PRIMES.push(n);
}

export interface RsaParams {
  n: Uint8Array;
  e: Uint8Array;
  d: Uint8Array;
  /** OpenPGP wants p < q and u = p^-1 mod q (RFC 4880 §5.5.3). */
  p: Uint8Array;
  q: Uint8Array;
  u: Uint8Array;
}

function toBig(bytes: Uint8Array): bigint {
  return BigInt('0x' + bytesToHex(bytes));
}

function toBytes(n: bigint): Uint8Array {
  let hex = n.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  return hexToBytes(hex);
}

function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [a % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new RangeError('no modular inverse');
  return ((oldS % m) + m) % m;
}

/** The first prime ≥ a seed-derived odd start with the top two bits set (so p·q has exactly `bits` bits) and gcd(p-1, e) = 1. */
function primeFrom(seed: Uint8Array, label: string, bits: number): bigint {
  const start = deriveBytes(seed, label, bits / 8);
  start[0] |= 0xc0;
  start[start.length - 1] |= 1;
  const base = toBig(start);
  const residues = SMALL_PRIMES.map((p) => Number(base % BigInt(p)));
  for (let delta = 0; ; delta += 2) {
    let sieved = true;
    for (let i = 0; i < SMALL_PRIMES.length; i++) {
      if ((residues[i] + delta) % SMALL_PRIMES[i] === 0) {
        sieved = false;
        break;
      }
    }
    if (!sieved) continue;
    const candidate = base + BigInt(delta);
    if ((candidate - 1n) % E === 0n) continue;
    if (checkPrimeSync(candidate)) return candidate;
  }
}

/** An RSA key pair of RSA_BITS bits with e = 65537, derived from `seed` and `label`. */
export function rsaParams(seed: Uint8Array, label: string): RsaParams {
  const half = RSA_BITS / 2;
  let p = primeFrom(seed, `${label}/p`, half);
  let q = primeFrom(seed, `${label}/q`, half);
  if (p === q) throw new RangeError('derived RSA primes coincide; use another seed');
  if (p > q) [p, q] = [q, p];
  const phi = (p - 1n) * (q - 1n);
  return {
    n: toBytes(p * q),
    e: toBytes(E),
    d: toBytes(modInverse(E, phi)),
    p: toBytes(p),
    q: toBytes(q),
    u: toBytes(modInverse(p, q)),
  };
}
