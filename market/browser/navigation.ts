// What the address bar means: text a trainee types → the in-lab path the frame loads, and the
// host part of an /onion/<host>/… path → an onion address, a reason it is not one, or a clearnet
// host the offline lab cannot reach.
import { OnionAddressError, normalizeOnion } from '../onion/address.ts';
import { BROWSER_PREFIX, ONION_PREFIX } from './registry.ts';

/** The browser's start page (Tor Browser's about:tor). */
export const START_PATH = `${BROWSER_PREFIX}/start`;

/**
 * The frame path for typed text: with or without a scheme, ".onion" or a path, e.g.
 * 'http://<56>.onion/forum?t=3' → '/onion/<56>.onion/forum?t=3'. The host is passed on as typed
 * (lowercased); the /onion/ route decides what it is.
 */
export function framePath(typed: string): string {
  let text = String(typed ?? '').trim();
  if (text === '' || /^about:/i.test(text)) return START_PATH;
  text = text.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const cut = text.search(/[/?#]/);
  const host = (cut < 0 ? text : text.slice(0, cut)).replace(/^[^@]*@/, '').toLowerCase();
  if (host === '') return START_PATH;
  const rest = cut < 0 ? '/' : text.slice(cut);
  // Let the URL parser percent-encode and resolve the path as a browser would; appended to an
  // origin, a path such as '//x' stays a path instead of naming a host.
  const url = new URL(`http://onion.invalid${rest}`);
  return `${ONION_PREFIX}/${encodeURIComponent(host)}${url.pathname}${url.search}${url.hash}`;
}

export type FrameHost =
  | { kind: 'onion'; address: string }
  | { kind: 'invalid'; host: string; error: OnionAddressError }
  | { kind: 'off-lab'; host: string };

/**
 * Classifies the host of an /onion/<host>/ path (already percent-decoded). Like Tor, it drops
 * subdomains of an onion address (www.<address>.onion); a dotted host that is not .onion is
 * clearnet, which the lab does not have.
 */
export function classifyHost(host: string): FrameHost {
  const lower = host.toLowerCase();
  let label: string;
  if (lower.endsWith('.onion')) {
    label = lower.slice(0, -'.onion'.length);
    label = label.slice(label.lastIndexOf('.') + 1);
  } else if (/[.:]/.test(lower)) {
    return { kind: 'off-lab', host };
  } else {
    label = lower;
  }
  try {
    return { kind: 'onion', address: normalizeOnion(label) };
  } catch (e) {
    if (e instanceof OnionAddressError) return { kind: 'invalid', host, error: e };
    throw e;
  }
}
