// The captcha step darkweb markets put in front of registration and login: an image of distorted
// characters the visitor types back. The characters are a pure function of the site's secret, the
// session and a round number (HMAC-SHA256), so the same session sees the same image until it
// answers, and the server checks the answer without storing it. A new round (after every attempt)
// gives a new image, so an answer cannot be replayed.
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { timingSafeEqual } from 'node:crypto';
import { Rng } from '../../../chain/rng.ts';
import { TRAINING_MARK } from './mark.ts';

/** No look-alikes: no 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B. */
export const CAPTCHA_ALPHABET = 'ACDEFHJKMNPRTUVWXY34579';
export const CAPTCHA_LENGTH = 5;

const WIDTH = 200;
const HEIGHT = 64;

export class Captcha {
  private readonly secret: Uint8Array;

  constructor(secret: Uint8Array | string) {
    const bytes = typeof secret === 'string' ? utf8ToBytes(secret) : secret;
    if (!(bytes instanceof Uint8Array) || bytes.length < 16) throw new RangeError('a captcha secret needs at least 16 bytes');
    this.secret = bytes;
  }

  private digest(sessionId: string, round: number): Uint8Array {
    if (typeof sessionId !== 'string' || sessionId === '') throw new TypeError('a captcha needs a session id');
    if (!Number.isSafeInteger(round) || round < 0) throw new RangeError('a captcha round is a whole number ≥ 0');
    return hmac(sha256, this.secret, utf8ToBytes(`captcha/${sessionId}/${round}`));
  }

  /** The characters the image shows (upper case). */
  answer(sessionId: string, round: number): string {
    const d = this.digest(sessionId, round);
    let out = '';
    for (let i = 0; i < CAPTCHA_LENGTH; i++) out += CAPTCHA_ALPHABET[d[i] % CAPTCHA_ALPHABET.length];
    return out;
  }

  /** Whether `typed` is the answer (case and spaces do not matter). */
  check(sessionId: string, round: number, typed: string): boolean {
    const given = Buffer.from(String(typed ?? '').replace(/\s+/g, '').toUpperCase(), 'utf8');
    const want = Buffer.from(this.answer(sessionId, round), 'utf8');
    return given.length === want.length && timingSafeEqual(given, want);
  }

  /** The image: each character rotated, scaled and shifted, over noise lines and dots. */
  svg(sessionId: string, round: number): string {
    const text = this.answer(sessionId, round);
    const rng = Rng.fromSeed(bytesToHex(this.digest(sessionId, round))).fork('image');
    const parts: string[] = [];
    const hue = rng.int(0, 359);
    parts.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="hsl(${hue},30%,92%)"/>`);
    for (let i = 0; i < 7; i++) {
      const y1 = rng.int(4, HEIGHT - 4);
      const y2 = rng.int(4, HEIGHT - 4);
      const cy = rng.int(0, HEIGHT);
      parts.push(`<path d="M0 ${y1} Q${rng.int(40, 160)} ${cy} ${WIDTH} ${y2}" stroke="hsl(${(hue + rng.int(90, 270)) % 360},45%,${rng.int(35, 65)}%)" stroke-width="${(1 + rng.float() * 1.5).toFixed(1)}" fill="none"/>`);
    }
    const step = (WIDTH - 30) / CAPTCHA_LENGTH;
    [...text].forEach((ch, i) => {
      const x = Math.round(18 + i * step + rng.int(-4, 4));
      const y = Math.round(HEIGHT / 2 + 12 + rng.int(-6, 6));
      const rotate = rng.int(-28, 28);
      const skew = rng.int(-18, 18);
      const size = rng.int(28, 36);
      const color = `hsl(${(hue + 180 + rng.int(-40, 40)) % 360},55%,${rng.int(22, 38)}%)`;
      // Characters come from CAPTCHA_ALPHABET only: nothing to escape.
      parts.push(`<text transform="translate(${x} ${y}) rotate(${rotate}) skewX(${skew})" font-family="monospace" font-weight="bold" font-size="${size}" fill="${color}">${ch}</text>`);
    });
    for (let i = 0; i < 60; i++) parts.push(`<circle cx="${rng.int(0, WIDTH)}" cy="${rng.int(0, HEIGHT)}" r="${(0.6 + rng.float()).toFixed(1)}" fill="hsl(${rng.int(0, 359)},40%,45%)"/>`);
    parts.push(`<text x="${WIDTH - 3}" y="${HEIGHT - 3}" text-anchor="end" font-family="sans-serif" font-size="6" fill="#666">${TRAINING_MARK}</text>`);
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="captcha"><title>captcha</title>${parts.join('')}</svg>`;
  }
}
