// Onion URLs in post text become links the browser can follow (/onion/<address>/<path>), the rest
// stays text. Templates print each segment with double-stash escaping; only addresses that parse
// as v3 onions become links, so a post cannot smuggle in any other kind of URL.
import { isValidOnion } from '../../onion/index.ts';
import { onionHref } from '../../browser/index.ts';

export interface Segment {
  text: string;
  /** Set when the segment is a link. */
  href?: string;
}

const URL_RE = /https?:\/\/([a-z2-7]{56})\.onion(\/[A-Za-z0-9\-._~%/?=&+#]*)?/gi;

export function linkify(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    const address = m[1].toLowerCase();
    if (!isValidOnion(address)) continue;
    if (m.index > last) out.push({ text: text.slice(last, m.index) });
    out.push({ text: m[0], href: onionHref(address, m[2] ?? '/') });
    last = m.index + m[0].length;
  }
  if (last < text.length || out.length === 0) out.push({ text: text.slice(last) });
  return out;
}
