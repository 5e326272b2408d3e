// Everything a world is made from, in one typed object with documented defaults. A scenario
// file (a later issue) fills a partial WorldOptions; `resolveWorldOptions` completes and checks it.
// Calibration sources for the defaults: docs/calibration.md.
import type { AddressKind, Network } from '../chain/types.ts';

export interface MiningPoolOptions {
  name: string;
  /** Share of blocks found. */
  share: number;
  addressKind: AddressKind;
}

export interface ExchangeOptions {
  id: string;
  name: string;
  /** Regulated exchange that keeps customer records (KYC). */
  kyc: boolean;
  country: string;
  /** Customers who hold accounts (buyers and vendors get accounts too). */
  customers: number;
  addressKind: AddressKind;
  /** Deposits are swept into the hot wallet every N blocks. */
  sweepEveryBlocks: number;
  /** Withdrawals are paid in one batch every N blocks. */
  batchEveryBlocks: number;
}

export interface BackgroundOptions {
  /** Ordinary people who hold and spend bitcoin. */
  users: number;
  /** Person-to-person and shop payments per day. */
  paymentsPerDay: number;
  /** Exchange purchases (withdrawals to a user) per day. */
  purchasesPerDay: number;
  /** Sales back to an exchange (deposits) per day. */
  salesPerDay: number;
}

export interface MarketOptions {
  id: string;
  name: string;
  /** 'escrow': Western-style escrow market; 'shop': dead-drop shop market paid through an instant exchanger. */
  model: 'escrow' | 'shop';
  language: 'en' | 'ru';
  vendors: number;
  buyers: number;
  ordersPerDay: number;
  /** Commission range, fraction of the order (2–6 %). */
  commission: [number, number];
  /** Escrow releases automatically this many days after shipping. */
  autoFinalizeDays: number;
  /** Share of vendors allowed to be paid before delivery (finalize early). */
  finalizeEarlyShare: number;
  /** Vendor payouts are batched every N blocks. */
  payoutEveryBlocks: number;
  /** Deposit addresses are swept into the hot wallet every N blocks. */
  sweepEveryBlocks: number;
  /** For 'shop' markets: the instant exchanger its buyers pay through. */
  exchanger?: string;
}

export interface InstantExchangerOptions {
  id: string;
  name: string;
  /** Fee as a fraction. */
  fee: number;
  language: 'en' | 'ru';
  /** Background customers' swaps per day (people buying or selling BTC there), besides market buyers. Default 12. */
  swapsPerDay?: number;
}

export interface MixerOptions {
  id: string;
  name: string;
  /** Fee range as fractions (1–3 %). */
  fee: [number, number];
  /** Delay before paying out, hours. */
  delayHours: [number, number];
  /** Background customers (ordinary holders) who mix per day, besides vendors and trails. Default 6. */
  mixesPerDay?: number;
}

export interface CoinJoinOptions {
  /** Whirlpool-style 5-input/5-output rounds per day, across the pool denominations. */
  whirlpoolRoundsPerDay: number;
  /** Wasabi-style many-input rounds per day. */
  wasabiRoundsPerDay: number;
  /** Privacy-minded people who buy coins at exchanges and Whirlpool them (besides holders and vendors). */
  whirlpoolUsers: number;
  /** Wasabi users, who buy coins at exchanges and mix and remix them. */
  wasabiUsers: number;
}

export interface ServiceOptions {
  /** depositsPerDay: background players' deposits per day (default 25). */
  gambling: { id: string; name: string; depositsPerDay?: number }[];
  merchants: number;
  processorName: string;
  /** The processor's fee on settled invoices, as a fraction (BitPay charged 1 %). */
  processorFee: number;
  /** Bitcoin ATM operator through which some people buy coins for cash. */
  atmName: string;
  /** P2P traders who buy at exchanges and resell to people (LocalBitcoins-style). */
  p2pTraders: number;
  /** Background purchases from the ATM or P2P traders per day, besides market buyers. */
  p2pPurchasesPerDay: number;
}

/** A planted money flow (typology) placed on a named actor; cases point at it. */
export interface TrailOptions {
  id: string;
  typology: string;
  /** Who the typology is placed on, e.g. 'market:silkway/vendor:0'. */
  actor: string;
  /** Day of the world on which it starts. */
  day: number;
  params: Record<string, unknown>;
}

export interface EventOptions {
  kind: 'exit_scam' | 'seizure' | 'vendor_exit' | 'market_hack' | 'migration';
  /** e.g. 'market:silkway' */
  target: string;
  day: number;
  params?: Record<string, unknown>;
}

export interface WorldOptions {
  seed: string;
  network: Network;
  /** UTC date (YYYY-MM-DD) on which the world's activity begins. */
  startDate: string;
  /** Simulated days of activity. */
  days: number;
  /** Blocks mined before the start date so that coinbases mature and exchanges hold coins. */
  warmupBlocks: number;
  miningPools: MiningPoolOptions[];
  exchanges: ExchangeOptions[];
  background: BackgroundOptions;
  markets: MarketOptions[];
  instantExchangers: InstantExchangerOptions[];
  mixers: MixerOptions[];
  coinjoin: CoinJoinOptions;
  services: ServiceOptions;
  events: EventOptions[];
  trails: TrailOptions[];
}

/** The default classroom world: a month in early 2020, two markets, ~50,000 transactions. */
export const DEFAULT_WORLD: WorldOptions = {
  seed: 'onion-range',
  network: 'mainnet',
  startDate: '2020-02-01',
  days: 30,
  warmupBlocks: 150,
  miningPools: [
    { name: 'Harborlight Pool', share: 0.3, addressKind: 'p2wpkh' },
    { name: 'Northwind Mining', share: 0.25, addressKind: 'p2pkh' },
    { name: 'Cinderblock', share: 0.2, addressKind: 'p2sh-p2wpkh' },
    { name: 'Quarry.pool', share: 0.15, addressKind: 'p2wpkh' },
    { name: 'Lantern Hash', share: 0.1, addressKind: 'p2pkh' },
  ],
  exchanges: [
    { id: 'bitvale', name: 'Bitvale', kyc: true, country: 'EE', customers: 400, addressKind: 'p2sh-p2wpkh', sweepEveryBlocks: 12, batchEveryBlocks: 3 },
    { id: 'coinsteppe', name: 'CoinSteppe', kyc: true, country: 'KZ', customers: 300, addressKind: 'p2pkh', sweepEveryBlocks: 18, batchEveryBlocks: 4 },
    { id: 'kryptomarkt', name: 'Kryptomarkt 24', kyc: true, country: 'DE', customers: 250, addressKind: 'p2wpkh', sweepEveryBlocks: 24, batchEveryBlocks: 6 },
  ],
  background: { users: 1200, paymentsPerDay: 450, purchasesPerDay: 160, salesPerDay: 90 },
  markets: [
    {
      id: 'silkway',
      name: 'Silkway Bazaar',
      model: 'escrow',
      language: 'en',
      vendors: 140,
      buyers: 1400,
      ordersPerDay: 330,
      commission: [0.04, 0.05],
      autoFinalizeDays: 14,
      finalizeEarlyShare: 0.15,
      payoutEveryBlocks: 36,
      sweepEveryBlocks: 18,
    },
    {
      id: 'polarnaya',
      name: 'Полярная звезда',
      model: 'shop',
      language: 'ru',
      vendors: 80,
      buyers: 900,
      ordersPerDay: 220,
      commission: [0.02, 0.04],
      autoFinalizeDays: 2,
      finalizeEarlyShare: 1,
      payoutEveryBlocks: 24,
      sweepEveryBlocks: 12,
      exchanger: 'bystrokoin',
    },
  ],
  instantExchangers: [
    { id: 'bystrokoin', name: 'БыстроКоин', fee: 0.06, language: 'ru' },
    { id: 'swapnest', name: 'SwapNest', fee: 0.035, language: 'en' },
  ],
  mixers: [{ id: 'fogbank', name: 'Fogbank Mixer', fee: [0.01, 0.03], delayHours: [2, 48] }],
  coinjoin: { whirlpoolRoundsPerDay: 12, wasabiRoundsPerDay: 3, whirlpoolUsers: 60, wasabiUsers: 150 },
  services: {
    gambling: [{ id: 'lucky-anchor', name: 'Lucky Anchor Dice' }],
    merchants: 40,
    processorName: 'PayLattice',
    processorFee: 0.01,
    atmName: 'CoinKiosk ATM',
    p2pTraders: 6,
    p2pPurchasesPerDay: 14,
  },
  events: [],
  trails: [],

};

/**
 * The classic tracing exercises planted on actors of the default world (the lab's default case
 * uses them). Separate from DEFAULT_WORLD because they name its markets and vendors: a world
 * with another cast names its own trails.
 */
export const DEFAULT_TRAILS: TrailOptions[] = [
  { id: 'vendor-peel', typology: 'peel_chain', actor: 'market:silkway/vendor:3', day: 3, params: { hops: 8, end: 'exchange' } },
  { id: 'shop-cashout', typology: 'exchange_cashout', actor: 'market:polarnaya/vendor:5', day: 4, params: {} },
  { id: 'clone-theft', typology: 'address_swap_theft', actor: 'market:silkway', day: 2, params: { victims: 20, then: 'exchange' } },
  { id: 'mule-fan-in', typology: 'fan_in', actor: 'new:user', day: 5, params: { sources: 12 } },
  { id: 'vendor-mixer', typology: 'mixer_pass', actor: 'market:silkway/vendor:7', day: 6, params: {} },
  { id: 'vendor-coinjoin', typology: 'coinjoin', actor: 'market:polarnaya/vendor:2', day: 6, params: { style: 'whirlpool' } },
];

export class WorldOptionsError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'WorldOptionsError';
  }
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends (infer U)[] ? U[] : T[K] extends object ? DeepPartial<T[K]> : T[K] };
export type WorldOptionsInput = DeepPartial<WorldOptions>;

/** Completes a partial options object from the defaults and checks every field. */
export function resolveWorldOptions(input: WorldOptionsInput = {}): WorldOptions {
  const o: WorldOptions = {
    ...DEFAULT_WORLD,
    ...input,
    background: { ...DEFAULT_WORLD.background, ...input.background },
    coinjoin: { ...DEFAULT_WORLD.coinjoin, ...input.coinjoin },
    services: { ...DEFAULT_WORLD.services, ...input.services } as ServiceOptions,
  } as WorldOptions;
  checkWorld(o);
  return o;
}

function checkWorld(o: WorldOptions): void {
  const int = (path: string, v: unknown, min: number, max: number) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new WorldOptionsError(path, `expected a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`);
  };
  const num = (path: string, v: unknown, min: number, max: number) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new WorldOptionsError(path, `expected a number from ${min} to ${max}, got ${JSON.stringify(v)}`);
  };
  const str = (path: string, v: unknown) => {
    if (typeof v !== 'string' || v.length === 0) throw new WorldOptionsError(path, `expected a non-empty string, got ${JSON.stringify(v)}`);
  };
  str('seed', o.seed);
  if (!['mainnet', 'testnet', 'regtest'].includes(o.network)) throw new WorldOptionsError('network', `expected mainnet, testnet or regtest, got ${JSON.stringify(o.network)}`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(o.startDate) || Number.isNaN(Date.parse(`${o.startDate}T00:00:00Z`))) {
    throw new WorldOptionsError('startDate', `expected a date as YYYY-MM-DD, got ${JSON.stringify(o.startDate)}`);
  }
  const year = Number(o.startDate.slice(0, 4));
  if (year < 2019 || year > 2021) throw new WorldOptionsError('startDate', 'worlds are calibrated for 2019–2021; pick a date in that range');
  int('days', o.days, 1, 365);
  int('warmupBlocks', o.warmupBlocks, 101, 2000);
  if (o.miningPools.length === 0) throw new WorldOptionsError('miningPools', 'at least one mining pool is needed');
  o.miningPools.forEach((p, i) => {
    str(`miningPools[${i}].name`, p.name);
    num(`miningPools[${i}].share`, p.share, 0.0001, 1);
  });
  if (o.exchanges.length === 0) throw new WorldOptionsError('exchanges', 'at least one exchange is needed (coins enter the economy through it)');
  const ids = new Set<string>();
  const uniqueId = (path: string, id: string) => {
    str(path, id);
    if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) throw new WorldOptionsError(path, `ids are lower-case letters, digits and '-', got ${JSON.stringify(id)}`);
    if (ids.has(id)) throw new WorldOptionsError(path, `id ${JSON.stringify(id)} is used twice`);
    ids.add(id);
  };
  o.exchanges.forEach((e, i) => {
    uniqueId(`exchanges[${i}].id`, e.id);
    str(`exchanges[${i}].name`, e.name);
    int(`exchanges[${i}].customers`, e.customers, 1, 1_000_000);
    int(`exchanges[${i}].sweepEveryBlocks`, e.sweepEveryBlocks, 1, 1000);
    int(`exchanges[${i}].batchEveryBlocks`, e.batchEveryBlocks, 1, 1000);
  });
  int('background.users', o.background.users, 0, 10_000_000);
  num('background.paymentsPerDay', o.background.paymentsPerDay, 0, 10_000_000);
  num('background.purchasesPerDay', o.background.purchasesPerDay, 0, 10_000_000);
  num('background.salesPerDay', o.background.salesPerDay, 0, 10_000_000);
  o.instantExchangers.forEach((x, i) => {
    uniqueId(`instantExchangers[${i}].id`, x.id);
    num(`instantExchangers[${i}].fee`, x.fee, 0, 0.5);
    if (x.swapsPerDay !== undefined) num(`instantExchangers[${i}].swapsPerDay`, x.swapsPerDay, 0, 100_000);
  });
  o.mixers.forEach((m, i) => {
    uniqueId(`mixers[${i}].id`, m.id);
    num(`mixers[${i}].fee[0]`, m.fee[0], 0, 0.2);
    num(`mixers[${i}].fee[1]`, m.fee[1], m.fee[0], 0.2);
    num(`mixers[${i}].delayHours[0]`, m.delayHours[0], 0, 24 * 30);
    num(`mixers[${i}].delayHours[1]`, m.delayHours[1], m.delayHours[0], 24 * 30);
    if (m.mixesPerDay !== undefined) num(`mixers[${i}].mixesPerDay`, m.mixesPerDay, 0, 100_000);
  });
  o.markets.forEach((m, i) => {
    const p = `markets[${i}]`;
    uniqueId(`${p}.id`, m.id);
    str(`${p}.name`, m.name);
    if (m.model !== 'escrow' && m.model !== 'shop') throw new WorldOptionsError(`${p}.model`, `expected 'escrow' or 'shop', got ${JSON.stringify(m.model)}`);
    int(`${p}.vendors`, m.vendors, 1, 100_000);
    int(`${p}.buyers`, m.buyers, 1, 10_000_000);
    num(`${p}.ordersPerDay`, m.ordersPerDay, 0, 1_000_000);
    num(`${p}.commission[0]`, m.commission[0], 0, 0.5);
    num(`${p}.commission[1]`, m.commission[1], m.commission[0], 0.5);
    num(`${p}.finalizeEarlyShare`, m.finalizeEarlyShare, 0, 1);
    if (m.language !== 'en' && m.language !== 'ru') throw new WorldOptionsError(`${p}.language`, `expected 'en' or 'ru', got ${JSON.stringify(m.language)}`);
    num(`${p}.autoFinalizeDays`, m.autoFinalizeDays, 0.5, 90);
    int(`${p}.payoutEveryBlocks`, m.payoutEveryBlocks, 1, 1000);
    int(`${p}.sweepEveryBlocks`, m.sweepEveryBlocks, 1, 1000);
    if (m.model === 'shop') {
      if (!m.exchanger || !o.instantExchangers.some((x) => x.id === m.exchanger)) {
        throw new WorldOptionsError(`${p}.exchanger`, `a shop market names the instant exchanger its buyers pay through; ${JSON.stringify(m.exchanger)} is not one of instantExchangers`);
      }
    }
  });
  num('coinjoin.whirlpoolRoundsPerDay', o.coinjoin.whirlpoolRoundsPerDay, 0, 10_000);
  num('coinjoin.wasabiRoundsPerDay', o.coinjoin.wasabiRoundsPerDay, 0, 1_000);
  int('coinjoin.whirlpoolUsers', o.coinjoin.whirlpoolUsers, 0, 100_000);
  int('coinjoin.wasabiUsers', o.coinjoin.wasabiUsers, 0, 100_000);
  o.services.gambling.forEach((g, i) => {
    uniqueId(`services.gambling[${i}].id`, g.id);
    if (g.depositsPerDay !== undefined) num(`services.gambling[${i}].depositsPerDay`, g.depositsPerDay, 0, 100_000);
  });
  int('services.merchants', o.services.merchants, 0, 100_000);
  num('services.processorFee', o.services.processorFee, 0, 0.2);
  str('services.atmName', o.services.atmName);
  int('services.p2pTraders', o.services.p2pTraders, 0, 10_000);
  num('services.p2pPurchasesPerDay', o.services.p2pPurchasesPerDay, 0, 100_000);
  o.trails.forEach((t, i) => {
    str(`trails[${i}].id`, t.id);
    str(`trails[${i}].typology`, t.typology);
    str(`trails[${i}].actor`, t.actor);
    num(`trails[${i}].day`, t.day, 0, o.days);
  });
  o.events.forEach((e, i) => {
    str(`events[${i}].target`, e.target);
    num(`events[${i}].day`, e.day, 0, o.days);
  });
}
