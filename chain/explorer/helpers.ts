// The explorer's own Handlebars instance and its helpers. Every helper returns a plain string, so
// Handlebars escapes it like any other value: no helper can put markup on a page.
import Handlebars from 'handlebars';
import {
  btcParts,
  formatAge,
  formatBtc,
  formatSat,
  formatUtc,
  groupThousands,
  isoUtc,
  scriptTypeLabel,
  splitForTruncation,
  truncateMiddle,
} from './format.ts';

type Hb = typeof Handlebars;

/** What every page's root context carries for the helpers. */
interface RootContext {
  base: string;
  now: number;
}

function root(options: Handlebars.HelperOptions): RootContext {
  return options.data.root as RootContext;
}

/** A private Handlebars environment, so the explorer's helpers and partials never leak into another plugin's. */
export function createHandlebars(): Hb {
  const hb = Handlebars.create();
  const h = (name: string, fn: (...args: any[]) => unknown) => hb.registerHelper(name, fn as Handlebars.HelperDelegate);

  h('btc', (sat: number) => formatBtc(sat));
  h('btcSig', (sat: number) => btcParts(sat).significant);
  h('btcZeros', (sat: number) => btcParts(sat).zeros);
  h('sats', (sat: number) => formatSat(sat));
  h('num', (n: number) => (typeof n === 'number' ? groupThousands(n) : ''));
  h('utc', (t: number) => formatUtc(t));
  h('iso', (t: number) => isoUtc(t));
  h('age', (t: number, options: Handlebars.HelperOptions) => formatAge(t, root(options).now));
  h('hashHead', (s: string) => splitForTruncation(String(s ?? '')).head);
  h('hashTail', (s: string) => splitForTruncation(String(s ?? '')).tail);
  h('shortHash', (s: string) => truncateMiddle(String(s ?? ''), 8, 6));
  h('typeLabel', (t: string) => scriptTypeLabel(String(t ?? '')));
  h('eq', (a: unknown, b: unknown) => a === b);
  h('gt', (a: number, b: number) => a > b);
  h('lt', (a: number, b: number) => a < b);

  // Links are built from hex and address characters only, and are escaped on output regardless.
  h('txHref', (txid: string, options: Handlebars.HelperOptions) => `${root(options).base}/tx/${encodeURIComponent(txid)}`);
  h('blockHref', (hash: string, options: Handlebars.HelperOptions) => `${root(options).base}/block/${encodeURIComponent(hash)}`);
  h('addressHref', (address: string, options: Handlebars.HelperOptions) => `${root(options).base}/address/${encodeURIComponent(address)}`);
  h('outputHref', (txid: string, vout: number, options: Handlebars.HelperOptions) => `${root(options).base}/tx/${encodeURIComponent(txid)}#vout-${Number(vout)}`);
  h('inputHref', (txid: string, vin: number, options: Handlebars.HelperOptions) => `${root(options).base}/tx/${encodeURIComponent(txid)}#vin-${Number(vin)}`);
  return hb;
}
