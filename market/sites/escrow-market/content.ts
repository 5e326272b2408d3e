// What vendors and buyers wrote on the escrow market, in its own language (English), generated from
// the world seed so a page reads the same every time: listing descriptions in the market's slang,
// vendors' terms, feedback comments, stock levels. About shipping, stealth, escrow and conduct —
// never about use, dose, making or sourcing of any product.
import { Rng } from '../../../chain/rng.ts';
import type { ListingInfo, VendorInfo } from '../kit/data.ts';

const rngFor = (seed: string, what: string, id: string) => Rng.fromSeed(seed).fork(`darkweb/silkway-content/${what}`).fork(id);

const OPENERS: Record<string, string[]> = {
  cannabis: ['Top shelf bud, hand trimmed and cured.', 'Loud, sticky and fresh — same grower every batch.', 'Premium hash, pressed in small batches.'],
  stimulants: ['“Flake”, sold in sealed units as listed.', 'Our most requested product, consistent batch.', 'Same batch our regulars keep coming back for.'],
  ecstasy: ['Fresh presses, consistent batch, logo as pictured.', 'Molly crystal, clean batch, rocks not powder.', 'Presses from the same run as our last restock.'],
  opioids: ['Pressed tabs from a steady batch.', 'Small stock only, limited per customer.', 'Sold in sealed units as listed.'],
  psychedelics: ['Blotters on art paper, same sheet every order.', 'Caps and chocolate, clearly labelled.', 'Tabs from our reliable supplier, consistent quality.'],
  prescription: ['Generic tabs in original strips where possible.', 'Pharma-grade generics, sealed strips.', 'Sold in strips, quantities as listed.'],
  nps: ['Research chemical, sold as listed — not for human consumption.', 'Crystals, fresh batch, labelled.', 'RC sold for “research” only.'],
  stolen_data: ['Fresh logs, checked before upload.', 'Fullz with high valid rate, delivered as a text file.', 'Combo list, deduplicated, delivered instantly.'],
  malware: ['Builder with lifetime updates and support chat.', 'FUD at time of listing, updates included.', 'Panel + builder, setup help over encrypted chat.'],
  forged_documents: ['High-resolution template files, editable layers.', 'Scan-quality files, delivered digitally.', 'Template pack, delivered as files only.'],
};

const SHIPPING = [
  'Stealth: vacuum sealed, double bagged, smell proof, inside a generic business envelope.',
  'Ships Monday to Friday within 48 hours of payment. Tracking on request (encrypted).',
  'Professional stealth, no signature required. Weekend orders ship Monday.',
  'Ships in discreet packaging with a decoy item. Order cut-off 14:00 UTC.',
];
const DIGITAL = ['Instant delivery: the file link appears in your order page after payment confirms.', 'Delivered within 12 hours by encrypted message.', 'Auto-delivery after one confirmation.'];
const POLICY_ESCROW = ['Escrow only — please finalize when your order arrives.', 'We use escrow on every order. Finalize when received, not before.'];
const POLICY_FE = ['FE only for buyers with fewer than 10 orders. Trusted buyers may use escrow.', 'Finalize early required — check our feedback before you order.'];
const WARNINGS = [
  'Encrypt your address with our PGP key. Unencrypted addresses are deleted and the order is cancelled.',
  'Always check our PGP key on the market profile — we never change it without a signed notice.',
  'We will never ask you to pay outside the market. Anyone who does is a scammer.',
];

/** A listing's description: what the vendor wrote under the title. */
export function listingDescription(seed: string, listing: ListingInfo): string[] {
  const r = rngFor(seed, 'listing', listing.id);
  const lines = [r.pick(OPENERS[listing.category] ?? OPENERS.stolen_data)];
  lines.push(`Unit: ${listing.unit}. ${listing.digital ? r.pick(DIGITAL) : r.pick(SHIPPING)}`);
  lines.push(listing.finalizeEarly ? r.pick(POLICY_FE) : r.pick(POLICY_ESCROW));
  lines.push(r.pick(WARNINGS));
  return lines;
}

/** Units in stock, as the vendor last set it. */
export function listingStock(seed: string, listing: ListingInfo): number {
  const r = rngFor(seed, 'stock', listing.id);
  return listing.digital ? r.int(50, 999) : r.int(3, 140);
}

/** A vendor's terms of sale. */
export function vendorTerms(seed: string, vendor: VendorInfo): string[] {
  const r = rngFor(seed, 'terms', vendor.ref);
  const terms = [
    r.pick(['Welcome to our store.', 'Thanks for stopping by.', 'Trusted vendor since we joined — read our feedback.']),
    r.pick([
      'Orders ship within 48 hours of payment, Monday to Friday.',
      'Processing time 1–3 days. Orders placed on Friday ship on Monday.',
      'We ship every weekday. Digital items are delivered within 12 hours.',
    ]),
    r.pick([
      'Reship: one free reship on a first lost package, 50% after that.',
      'No reships on international orders. Domestic: 50% reship on proof.',
      'Lost parcels are reshipped once if tracking shows no delivery.',
    ]),
    vendor.finalizeEarly ? 'This store works finalize-early only: you release payment before shipping. Check our feedback first.' : 'All orders go through market escrow. Finalize when you receive your order.',
    r.pick(WARNINGS),
    r.pick(['No refunds on orders with a wrong or unencrypted address.', 'Disputes: message us first, we solve most problems within a day.', 'Leave honest feedback — it keeps the market safe.']),
  ];
  return terms;
}

const POSITIVE = [
  'Arrived in {days} days, stealth on point. Will order again.',
  'Exactly as described. Fast shipping, great comms.',
  'Top vendor, {days} days to my door. A+',
  'Good stealth, product as pictured. Thanks!',
  'Second order, same quality as the first. Recommended.',
  'Smooth deal, vendor answered within hours.',
  'Delivered instantly, all working.',
];
const NEGATIVE = [
  'Never arrived. Vendor stopped answering after {days} days.',
  'Package seized? No reship offered. Avoid.',
  'Not as described. Opened a dispute.',
  'Took {days} days and half the order was missing.',
];

/** The comment a buyer left with their feedback. */
export function reviewText(seed: string, orderId: string, positive: boolean): string {
  const r = rngFor(seed, 'review', orderId);
  return r.pick(positive ? POSITIVE : NEGATIVE).replace('{days}', String(r.int(2, 9)));
}
