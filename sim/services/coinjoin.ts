// CoinJoin coordinators in the two styles an investigator met in 2020.
//
// Whirlpool-style (Samourai): a TX0 ('coinjoin_premix') splits a user's coins into premix UTXOs of
// pool denomination + a miner-fee share, pays the coordinator's pool fee to a fresh address, carries
// an OP_RETURN fee payload and returns the rest as "toxic change"; outputs in BIP 69 order. A mix
// ('coinjoin') has exactly 5 inputs and 5 outputs of exactly the denomination to fresh addresses:
// normally 2 new entrants (whose premix excess pays the miners) and 3 free remixers.
//
// Wasabi-style (ZeroLink): rounds of many participants (calibrated 50-100), each registering a few
// inputs and receiving an output of the round's ~0.1 BTC base denomination (some also 0.2/0.4
// levels when two or more qualify), plus change; one output pays the coordinator's (reused) address.
//
// API (registered as `coinjoin` (CoinJoinService), `coinjoin:whirlpool`, `coinjoin:wasabi`):
//   join(wallet: SimWallet, value: number, rng: Rng, opts?: JoinOptions): JoinTicket | null
//     A vendor (or trail) mixes `value` sats of `wallet`'s coins. Whirlpool: a TX0 is made now from
//     the wallet (toxic change back to it), the premixes enter the pool's queue and are mixed in the
//     next rounds. Wasabi: the wallet registers in the next rounds until `value` is mixed (change
//     back to it). The mixed coins land in ticket.postmix (a p2wpkh 'postmix' wallet of the same
//     entity). opts.onMixed(ticket) fires once every premix has been mixed once (Whirlpool; until
//     then the ticket's mixed coins also remix for free) or the value is mixed (Wasabi); from then
//     on the coins stay put in ticket.postmix for the caller to spend. opts.truth {entityId,
//     trailId, hop, attrs} goes on the TX0 (hop) and on the rounds the ticket joins (hop + 1).
//     Returns null when the value fits no pool or the wallet cannot pay it.
import type { Engine, Actor, Sent } from '../engine.ts';
import type { SimWallet, Receiver } from '../sim-wallet.ts';
import type { World } from '../world.ts';
import type { TxTruth } from '../truth/writer.ts';
import type { Rng } from '../../chain/rng.ts';
import type { WalletUtxo } from '../../chain/wallet.ts';
import { DUST_LIMIT } from '../../chain/wallet.ts';
import { COIN } from '../../chain/types.ts';
import { bytesToHex, equalBytes } from '../../chain/bytes.ts';
import { estimateInputVsize } from '../../chain/signature-shape.ts';
import { CALIBRATION } from '../calibration/defaults.ts';
import { wasabiParticipants } from '../calibration/distributions.ts';
import { buyFromExchange, estimateVsize, isLive, outputBytes, submitHandTx, type ExchangeLink, type HandOutput, type OwnedCoin } from './common.ts';

export interface JoinOptions {
  style?: 'whirlpool' | 'wasabi';
  truth?: Partial<Omit<TxTruth, 'intent'>>;
  onMixed?: (ticket: JoinTicket) => void;
}

export interface JoinTicket {
  id: string;
  style: 'whirlpool' | 'wasabi';
  entityId: number;
  source: SimWallet;
  /** Where the mixed coins arrive. */
  postmix: SimWallet;
  value: number;
  /** Whirlpool: the pool denomination; Wasabi: 0 (the base varies by round). */
  denomination: number;
  /** Whirlpool: premix UTXOs the TX0 made / mixed so far. */
  premixes: number;
  mixed: number;
  /** Wasabi: sats still to mix. */
  remaining: number;
  done: boolean;
  /** When join() was called (unix seconds). */
  created: number;
  tx0?: Sent;
  /** Rounds the ticket's coins took part in. */
  rounds: Sent[];
  truth: Partial<Omit<TxTruth, 'intent'>>;
  onMixed?: (ticket: JoinTicket) => void;
}

/** Someone's coins in a pool: a Whirlpool user, a holder, or a ticket's owner. */
interface Member {
  entityId: number;
  source: SimWallet;
  premix: SimWallet;
  postmix: SimWallet;
  link?: ExchangeLink;
  user: boolean;
}

interface Queued {
  member: Member;
  coin: WalletUtxo;
  /** Free remixes this coin still takes before its owner spends it. */
  remixes: number;
  ticket?: JoinTicket;
}

interface Pool {
  label: string;
  denom: number;
  fee: number;
  weight: number;
  premix: Queued[];
  postmix: Queued[];
  /** Unconfirmed TX0s into this pool. */
  inflight: number;
  /** Users buying coins to TX0 into this pool. */
  recruiting: number;
}

const OP_RETURN = 0x6a;
/** Whirlpool's TX0 fee payload (masked), as an OP_RETURN push. */
const FEE_PAYLOAD_BYTES = 46;
const MAX_PREMIXES = 70;
const MIX_SIZE = CALIBRATION.whirlpool.inputsPerMix;
const PREMIX_TARGET = 6;
const POSTMIX_CAP = 60;

/** Whirlpool's pools that were open on the world's start date (the 0.001 pool only from late 2021, judgement). */
function whirlpoolPools(startDate: string): Pool[] {
  const weights: Record<string, number> = { '0.001': 0.3, '0.01': 0.45, '0.05': 0.35, '0.5': 0.2 };
  return CALIBRATION.whirlpool.pools
    .filter((p) => p.openInEarly2020 || startDate >= '2021-09-01')
    .map((p) => {
      const denom = Math.round(p.denominationBtc * COIN);
      return {
        label: `whirlpool-${p.denominationBtc}`,
        denom,
        // Pool fees were 5 % of the denomination wherever published.
        fee: Math.round((p.poolFeeBtc ?? p.denominationBtc * 0.05) * COIN),
        weight: weights[String(p.denominationBtc)] ?? 0.2,
        premix: [],
        postmix: [],
        inflight: 0,
        recruiting: 0,
      };
    });
}

/** Where a mixed coin goes when its owner finally spends it. */
function spendTarget(world: World, entityId: number, own: SimWallet | null, link: ExchangeLink | undefined, rng: Rng): Receiver | null {
  const r = rng.float();
  if (r < 0.4) {
    const account = link?.account ?? world.exchangeList.map((x) => x.account(entityId)).find((a) => a !== undefined);
    if (account) return account.deposit;
  }
  if (r < 0.7 && world.merchants) return world.merchants.checkout(rng);
  if (own && r < 0.85) return own.address('receive');
  return world.holders.length ? rng.pick(world.holders).address('receive') : null;
}

/** Spends one mixed coin whole, some time later (a postmix spend). */
function scheduleSpend(world: World, wallet: SimWallet, coin: WalletUtxo, entityId: number, own: SimWallet | null, link: ExchangeLink | undefined, rng: Rng): void {
  const delay = Math.round(rng.exponential(1.5 * 86400));
  const seed = rng.u32();
  world.engine.after(delay, (engine) => {
    if (!isLive(wallet, coin, engine.height)) return;
    const r = world.rng.fork(`coinjoin/spend/${seed}`);
    const to = spendTarget(world, entityId, own, link, r);
    if (!to) return;
    engine.pay(wallet, [{ to, value: 0 }], { intent: 'background', entityId, attrs: { postmix: true } }, { rng: r, coins: [coin], sweep: true });
  });
}

// ---- Whirlpool ------------------------------------------------------------------------------

export class WhirlpoolCoordinator implements Actor {
  readonly name = 'coinjoin:whirlpool';
  readonly entityId: number;
  /** Pool fees arrive here, at a fresh address each (derived from the coordinator's xpub). */
  readonly feeWallet: SimWallet;
  readonly pools: Pool[];
  private readonly users: Member[] = [];
  private awaiting: { member: Member; pool: Pool; need: number; until: number }[] = [];
  private readonly busy = new Set<number>();
  private rounds = 0;

  constructor(
    private readonly world: World,
    private readonly service: CoinJoinService,
  ) {
    const e = world.engine;
    const rng = world.rng.fork('coinjoin/whirlpool/setup');
    this.entityId = e.entity('coinjoin', 'Vortex (Whirlpool-style coordinator)', null, { style: 'whirlpool' });
    this.feeWallet = e.wallet(this.entityId, 'pool-fees', 'p2wpkh', { feeFactor: 0.5 });
    this.pools = whirlpoolPools(world.options.startDate);
    for (let i = 0; i < world.options.coinjoin.whirlpoolUsers; i++) {
      const link = world.exchangeList.length ? rng.pick(world.exchangeList) : null;
      const entityId = e.entity('user', world.names.person(rng, link?.options.country), null, { privacy: 'whirlpool' });
      const source = e.wallet(entityId, 'whirlpool-deposit', 'p2wpkh', { feeFactor: rng.lognormal(1, 0.3) });
      const member: Member = { entityId, source, premix: service.premixOf(entityId), postmix: service.postmixOf(entityId), user: true };
      if (link) member.link = { exchange: link, account: link.openAccount(entityId, rng) };
      this.users.push(member);
    }
  }

  /** Premix value: the denomination plus one mustmix's share of a 5-in/5-out mix's miner fee. */
  premixValue(pool: Pool, rate: number): number {
    const mixVsize = estimateVsize(Array(MIX_SIZE).fill('p2wpkh'), Array(MIX_SIZE).fill(outputBytes('p2wpkh')));
    return pool.denom + Math.max(Math.ceil((mixVsize * rate) / MIX_SIZE), 300);
  }

  /** Least a TX0 into this pool needs (one premix at a generous fee). */
  minimumFor(pool: Pool): number {
    return this.premixValue(pool, 40) + pool.fee + 40 * 250;
  }

  /** The largest pool `value` reaches (null if none). */
  poolFor(value: number): Pool | null {
    let best: Pool | null = null;
    for (const p of this.pools) if (value >= this.minimumFor(p) && (!best || p.denom > best.denom)) best = p;
    return best;
  }

  onBlock(engine: Engine): void {
    if (this.pools.length === 0) return;
    const rng = this.world.rng.fork(`coinjoin/whirlpool/${engine.height}`);
    if (this.awaiting.length) this.tx0Funded(engine, rng);
    if (engine.height % 3 === 0) this.recruit(engine, rng);
    for (let i = engine.perBlock(this.world.options.coinjoin.whirlpoolRoundsPerDay, rng); i > 0; i--) {
      this.mix(engine, rng.weighted(this.pools, this.pools.map((p) => p.weight)), rng);
    }
    if (engine.height % 288 === 101) this.collectFees(engine, rng);
  }

  /**
   * Splits coins of `member.source` (at most `budget` sats' worth of them, all if null) into
   * premixes of `pool`. Null when they do not reach one premix.
   */
  tx0(engine: Engine, member: Member, pool: Pool, budget: number | null, rng: Rng, ticket?: JoinTicket): Sent | null {
    const rate = engine.feeRate(member.source, rng);
    const pv = this.premixValue(pool, rate);
    const coins = engine.spendable(member.source).sort((a, b) => b.value - a.value);
    const chosen: WalletUtxo[] = [];
    let sum = 0;
    for (const c of coins) {
      if (budget !== null && sum >= budget) break;
      if (chosen.length >= 20) break;
      chosen.push(c);
      sum += c.value;
    }
    if (chosen.length === 0) return null;
    const usable = budget === null ? sum : Math.min(sum, budget);
    const kinds = chosen.map((c) => c.kind);
    const premixOut = outputBytes('p2wpkh');
    const feeFor = (n: number) =>
      Math.ceil(estimateVsize(kinds, [...Array(n).fill(premixOut), premixOut, outputBytes(member.source.kind), 8 + 1 + 2 + FEE_PAYLOAD_BYTES]) * rate);
    let n = Math.min(MAX_PREMIXES, Math.floor((usable - pool.fee) / pv));
    while (n > 0 && n * pv + pool.fee + feeFor(n) > usable) n--;
    if (n <= 0) return null;
    const fee = feeFor(n);
    const change = sum - n * pv - pool.fee - fee;
    const outputs: HandOutput[] = [];
    for (let i = 0; i < n; i++) outputs.push({ to: member.premix.freshAddress('receive'), value: pv });
    outputs.push({ to: this.feeWallet.freshAddress('deposit'), value: pool.fee });
    const payload = new Uint8Array(2 + FEE_PAYLOAD_BYTES);
    payload[0] = OP_RETURN;
    payload[1] = FEE_PAYLOAD_BYTES;
    payload.set(rng.bytes(FEE_PAYLOAD_BYTES), 2);
    outputs.push({ to: null, value: 0, script: payload });
    if (change >= DUST_LIMIT) outputs.push({ to: member.source.freshAddress('change'), value: change });
    const t = ticket?.truth ?? {};
    const truth: TxTruth = {
      intent: 'coinjoin_premix',
      // The spender, who gets the toxic change.
      entityId: member.source.entityId,
      trailId: t.trailId,
      hop: t.hop,
      attrs: { ...t.attrs, style: 'whirlpool', pool: pool.label, premixes: n, ...(ticket ? { ticket: ticket.id } : {}) },
    };
    pool.inflight++;
    const sent = submitHandTx(engine, chosen.map((coin) => ({ wallet: member.source, coin })), outputs, truth, rng, {
      version: 1,
      bip69: true,
      onConfirmed: (s) => {
        pool.inflight--;
        const remixRng = this.world.rng.fork(`coinjoin/whirlpool/tx0/${s.height}/${member.entityId}`);
        for (const coin of member.premix.utxos) {
          if (!equalBytes(coin.txid, s.enc.txid)) continue;
          pool.premix.push({ member, coin, remixes: ticket ? 1_000 : remixRng.int(3, 15), ticket });
        }
      },
    });
    if (ticket) {
      ticket.tx0 = sent;
      ticket.premixes = n;
      ticket.denomination = pool.denom;
    }
    return sent;
  }

  /** Users whose exchange purchase has arrived make their TX0. */
  private tx0Funded(engine: Engine, rng: Rng): void {
    this.awaiting = this.awaiting.filter((a) => {
      const funded = engine.balance(a.member.source) >= a.need;
      if (!funded && engine.now < a.until) return true;
      a.pool.recruiting--;
      this.busy.delete(a.member.entityId);
      if (funded) this.tx0(engine, a.member, a.pool, null, rng);
      return false;
    });
  }

  /** Keeps a few premixes waiting in every pool: holders and Whirlpool users make TX0s. */
  private recruit(engine: Engine, rng: Rng): void {
    for (const pool of this.pools) {
      // A first round needs five TX0s' premixes; later ones two entrants beside the remixers.
      const owners = new Set(pool.premix.map((q) => bytesToHex(q.coin.txid))).size + pool.inflight;
      // One owner more than a round takes, so that rounds rarely wait for a TX0.
      const enough = pool.premix.length >= PREMIX_TARGET && owners > (pool.postmix.length >= MIX_SIZE ? CALIBRATION.whirlpool.newEntrantsPerMix : MIX_SIZE);
      if (enough || pool.recruiting > 1) continue;
      const min = this.minimumFor(pool);
      if (rng.bool(0.3) && this.world.holders.length) {
        const holder = this.pickHolder(engine, min * 2, rng);
        if (holder) {
          const member = this.service.memberFor(holder);
          if (this.tx0(engine, member, pool, Math.floor(engine.balance(holder) * (0.5 + 0.45 * rng.float())), rng)) continue;
        }
      }
      const idle = this.users.filter((u) => !this.busy.has(u.entityId));
      if (idle.length === 0) continue;
      const user = rng.pick(idle);
      if (engine.balance(user.source) >= min && this.tx0(engine, user, pool, null, rng)) continue;
      if (!user.link) continue;
      const count = pool.denom >= 50_000_000 ? rng.int(1, 3) : pool.denom >= 5_000_000 ? rng.int(2, 8) : rng.int(3, 15);
      const want = count * this.premixValue(pool, 30) + pool.fee + Math.round(pool.denom * count * 0.08 * rng.float()) + 20_000;
      const amount = Math.ceil(want / 100_000) * 100_000;
      buyFromExchange(user.link, user.source.freshAddress('receive'), amount, user.entityId);
      this.awaiting.push({ member: user, pool, need: min, until: engine.now + 2 * 86400 });
      this.busy.add(user.entityId);
      pool.recruiting++;
    }
  }

  private pickHolder(engine: Engine, min: number, rng: Rng): SimWallet | null {
    for (let t = 0; t < 5; t++) {
      const h = rng.pick(this.world.holders);
      if (engine.balance(h) >= min) return h;
    }
    return null;
  }

  /** One round: 5 inputs (2 entrants normally, 3 remixers), 5 equal outputs. */
  private mix(engine: Engine, pool: Pool, rng: Rng): void {
    const h = engine.height;
    pool.premix = pool.premix.filter((q) => isLive(q.member.premix, q.coin, h));
    // A finished ticket's coins wait in its postmix wallet for their owner.
    pool.postmix = pool.postmix.filter((q) => !q.ticket?.done && isLive(q.member.postmix, q.coin, h));
    if (pool.premix.length === 0) return;
    // As Whirlpool's coordinator requires, no two inputs of a mix come from the same transaction
    // (so one TX0's premixes, or one mix's outputs, never meet again).
    const sources = new Set<string>();
    const entrants: Queued[] = [];
    const remixers: Queued[] = [];
    const take = (q: Queued, into: Queued[]) => {
      const k = bytesToHex(q.coin.txid);
      if (sources.has(k)) return;
      sources.add(k);
      into.push(q);
    };
    const liquidity = rng.shuffle(pool.postmix.slice());
    const wantEntrants = Math.max(CALIBRATION.whirlpool.newEntrantsPerMix, MIX_SIZE - liquidity.length);
    for (const q of pool.premix) {
      if (entrants.length >= wantEntrants) break;
      take(q, entrants);
    }
    for (const q of liquidity) {
      if (entrants.length + remixers.length >= MIX_SIZE) break;
      take(q, remixers);
    }
    // Not enough remixers: more new entrants fill the round.
    for (const q of pool.premix) {
      if (entrants.length + remixers.length >= MIX_SIZE) break;
      if (!entrants.includes(q)) take(q, entrants);
    }
    if (entrants.length + remixers.length < MIX_SIZE) return;
    const taken = new Set<Queued>([...entrants, ...remixers]);
    pool.premix = pool.premix.filter((q) => !taken.has(q));
    pool.postmix = pool.postmix.filter((q) => !taken.has(q));
    const chosen = [...entrants, ...remixers];
    const coins: OwnedCoin[] = [
      ...entrants.map((q) => ({ wallet: q.member.premix, coin: q.coin })),
      ...remixers.map((q) => ({ wallet: q.member.postmix, coin: q.coin })),
    ];
    const outputs: HandOutput[] = chosen.map((q) => ({ to: q.member.postmix.freshAddress('coinjoin_output'), value: pool.denom }));
    const round = ++this.rounds;
    const ticket = chosen.find((q) => q.ticket?.truth.trailId !== undefined)?.ticket;
    const truth: TxTruth = {
      intent: 'coinjoin',
      entityId: this.entityId,
      trailId: ticket?.truth.trailId,
      hop: ticket ? (ticket.truth.hop ?? 0) + 1 : undefined,
      attrs: { style: 'whirlpool', pool: pool.label, round, entrants: entrants.length, remixers: remixers.length },
    };
    submitHandTx(engine, coins, outputs, truth, rng, {
      version: 1,
      bip69: true,
      onConfirmed: (s) => this.mixed(s, pool, entrants, remixers),
    });
  }

  private mixed(s: Sent, pool: Pool, entrants: Queued[], remixers: Queued[]): void {
    const rng = this.world.rng.fork(`coinjoin/whirlpool/mixed/${s.height}/${pool.label}/${this.rounds}`);
    // An owner may have had two inputs (from different transactions): match outputs one to one.
    const claimed = new Set<WalletUtxo>();
    for (const q of [...entrants, ...remixers]) {
      const coin = q.member.postmix.utxos.find((u) => !claimed.has(u) && equalBytes(u.txid, s.enc.txid));
      if (!coin) continue;
      claimed.add(coin);
      const next: Queued = { member: q.member, coin, remixes: entrants.includes(q) ? q.remixes : q.remixes - 1, ticket: q.ticket };
      if (q.ticket) {
        q.ticket.rounds.push(s);
        if (entrants.includes(q)) {
          q.ticket.mixed++;
          if (q.ticket.mixed >= q.ticket.premixes && !q.ticket.done) {
            q.ticket.done = true;
            q.ticket.onMixed?.(q.ticket);
          }
        }
        // The ticket's coins remix for free until every premix has been mixed.
        if (!q.ticket.done && pool.postmix.length < POSTMIX_CAP * 2) pool.postmix.push(next);
      } else if (next.remixes > 0 && pool.postmix.length < POSTMIX_CAP) {
        pool.postmix.push(next);
      } else {
        scheduleSpend(this.world, q.member.postmix, coin, q.member.entityId, q.member.user ? null : q.member.source, q.member.link, rng);
      }
    }
  }

  /** The coordinator gathers its fee outputs now and then. */
  private collectFees(engine: Engine, rng: Rng): void {
    const coins = engine.spendable(this.feeWallet);
    if (coins.length < 10) return;
    engine.pay(this.feeWallet, [{ to: this.feeWallet.freshAddress('hot'), value: 0 }], { intent: 'consolidation', entityId: this.entityId }, { rng, coins: coins.slice(0, 150), sweep: true });
  }
}

// ---- Wasabi ---------------------------------------------------------------------------------

interface WasabiUser {
  entityId: number;
  wallet: SimWallet;
  link?: ExchangeLink;
  buyingUntil: number;
}

interface Registration {
  entityId: number;
  source: SimWallet;
  out: SimWallet;
  coins: WalletUtxo[];
  amount: number;
  /** Multipliers of the base denomination: 1, 2, 4. */
  levels: number[];
  user?: WasabiUser;
  ticket?: JoinTicket;
  holder?: boolean;
}

const LEVELS = [1, 2, 4];
const MAX_INPUTS_PER_PARTICIPANT = 5;

export class WasabiCoordinator implements Actor {
  readonly name = 'coinjoin:wasabi';
  readonly entityId: number;
  /** The coordinator's fee address, reused round after round. */
  readonly feeWallet: SimWallet;
  private readonly users: WasabiUser[] = [];
  readonly tickets: JoinTicket[] = [];
  private rounds = 0;

  constructor(
    private readonly world: World,
    private readonly service: CoinJoinService,
  ) {
    const e = world.engine;
    const rng = world.rng.fork('coinjoin/wasabi/setup');
    this.entityId = e.entity('coinjoin', 'Sesame (Wasabi-style coordinator)', null, { style: 'wasabi' });
    this.feeWallet = e.wallet(this.entityId, 'coordinator', 'p2wpkh', { reuseAddress: true, feeFactor: 0.5 });
    for (let i = 0; i < world.options.coinjoin.wasabiUsers; i++) {
      const x = world.exchangeList.length ? rng.pick(world.exchangeList) : null;
      const entityId = e.entity('user', world.names.person(rng, x?.options.country), null, { privacy: 'wasabi' });
      const wallet = e.wallet(entityId, 'wasabi', 'p2wpkh', { feeFactor: rng.lognormal(1, 0.3) });
      const user: WasabiUser = { entityId, wallet, buyingUntil: 0 };
      if (x) {
        user.link = { exchange: x, account: x.openAccount(entityId, rng) };
        buyFromExchange(user.link, wallet.freshAddress('receive'), this.purchase(rng), entityId);
      }
      this.users.push(user);
    }
  }

  private purchase(rng: Rng): number {
    const btc = Math.min(5, Math.max(0.12, rng.lognormal(0.4, 0.7)));
    return Math.round(btc * 1000) * 100_000;
  }

  onBlock(engine: Engine): void {
    const rng = this.world.rng.fork(`coinjoin/wasabi/${engine.height}`);
    for (let i = engine.perBlock(this.world.options.coinjoin.wasabiRoundsPerDay, rng); i > 0; i--) this.round(engine, rng);
    if (engine.height % 72 === 5) this.topUp(engine, rng);
  }

  /** Users who spent most of their mixed coins buy more. */
  private topUp(engine: Engine, rng: Rng): void {
    const base = CALIBRATION.wasabi.baseDenominationBtc * COIN;
    for (const u of this.users) {
      if (!u.link || engine.now < u.buyingUntil || !rng.bool(0.3)) continue;
      if (engine.balance(u.wallet) >= base * 1.1) continue;
      buyFromExchange(u.link, u.wallet.freshAddress('receive'), this.purchase(rng), u.entityId);
      u.buyingUntil = engine.now + 2 * 86400;
    }
  }

  /** Picks a participant's inputs (about `target` sats) and the denominations it can afford, at most `cap` sats of them. */
  private register(engine: Engine, r: Omit<Registration, 'coins' | 'amount' | 'levels'>, target: number, cap: number, base: number, rate: number, rng: Rng): Registration | null {
    const coins = rng.shuffle(engine.spendable(r.source).slice());
    const chosen: WalletUtxo[] = [];
    let sum = 0;
    const perInput = Math.ceil(estimateInputVsize('p2wpkh') * rate);
    for (const c of coins) {
      if (sum >= target || chosen.length >= MAX_INPUTS_PER_PARTICIPANT) break;
      if (c.value < perInput * 2) continue;
      chosen.push(c);
      sum += c.value;
    }
    if (sum < base * 1.01) return null;
    const levels: number[] = [];
    let left = sum;
    let mixed = 0;
    for (const l of LEVELS) {
      if (left < l * base * 1.01 + 4 * outputBytes('p2wpkh') * rate || mixed + l * base > cap) break;
      levels.push(l);
      left -= l * base;
      mixed += l * base;
    }
    if (levels.length === 0) return null;
    return { ...r, coins: chosen, amount: sum, levels };
  }

  private round(engine: Engine, rng: Rng): void {
    const w = CALIBRATION.wasabi;
    const base = Math.round(w.baseDenominationBtc * COIN * (1 + 0.003 * (2 * rng.float() - 1)));
    const rate = engine.feeRate(this.feeWallet, rng);
    const want = Math.min(w.maxParticipants, wasabiParticipants(rng));
    const regs: Registration[] = [];
    const seen = new Set<SimWallet>();
    const tryAdd = (r: Registration | null) => {
      if (r && !seen.has(r.source)) {
        seen.add(r.source);
        regs.push(r);
      }
    };
    // A Wasabi ticket whose wallet no longer holds the coins gives up after three days.
    for (const t of this.tickets.filter((x) => engine.now - x.created > 3 * 86400)) {
      t.done = true;
      this.tickets.splice(this.tickets.indexOf(t), 1);
      if (t.mixed > 0) t.onMixed?.(t);
    }
    for (const t of this.tickets) {
      if (t.done) continue;
      tryAdd(this.register(engine, { entityId: t.entityId, source: t.source, out: t.postmix, ticket: t }, Math.min(t.remaining, 7 * base) * 1.02, t.remaining, base, rate, rng));
    }
    const order = rng.shuffle(this.users.map((_, i) => i));
    for (const i of order) {
      if (regs.length >= want) break;
      const u = this.users[i];
      if (engine.balance(u.wallet) < base * 1.02) continue;
      const target = base * rng.pick([1.02, 1.02, 1.02, 2.05, 4.1]);
      tryAdd(this.register(engine, { entityId: u.entityId, source: u.wallet, out: u.wallet, user: u }, target, Infinity, base, rate, rng));
    }
    for (let k = 0; k < 4 && this.world.holders.length && regs.length < want; k++) {
      const h = rng.pick(this.world.holders);
      if (engine.balance(h) < base * 1.3 || !rng.bool(0.5)) continue;
      tryAdd(this.register(engine, { entityId: h.entityId, source: h, out: this.service.postmixOf(h.entityId), holder: true }, base * 1.05, base * 1.5, base, rate, rng));
    }
    // A round needs an anonymity set worth having; otherwise everyone waits for the next one.
    if (regs.length < Math.min(20, want)) return;

    // Levels with a single participant give no anonymity: those amounts stay in change.
    const anonset = (l: number) => regs.filter((r) => r.levels.includes(l)).length;
    for (const l of LEVELS.slice(1)) if (anonset(l) < 2) for (const r of regs) r.levels = r.levels.filter((x) => x !== l);
    const sets = new Map(LEVELS.map((l) => [l, anonset(l)]));
    const coins: OwnedCoin[] = [];
    const outputs: HandOutput[] = [];
    let coordinator = 0;
    const minChange = Math.round(w.minChangeFractionOfBase * base);
    const final: Registration[] = [];
    for (const r of regs) {
      let levels = r.levels.slice();
      let change = -1;
      let fees = 0;
      while (levels.length) {
        const miner = Math.ceil((r.coins.reduce((s, c) => s + estimateInputVsize(c.kind), 0) + (levels.length + 1) * outputBytes('p2wpkh')) * rate);
        fees = levels.reduce((s, l) => s + Math.floor(l * base * w.coordinatorFeePerAnonSet * (sets.get(l) ?? 1)), 0);
        change = r.amount - levels.reduce((s, l) => s + l * base, 0) - miner - fees;
        if (change >= 0) break;
        levels = levels.slice(0, -1);
      }
      if (levels.length === 0 || change < 0) continue;
      final.push({ ...r, levels });
      for (const c of r.coins) coins.push({ wallet: r.source, coin: c });
      for (const l of levels) outputs.push({ to: r.out.freshAddress('coinjoin_output'), value: l * base });
      if (change >= minChange) outputs.push({ to: r.source.freshAddress('change'), value: change });
      else coordinator += change;
      coordinator += fees;
    }
    if (final.length < Math.min(20, want)) return;
    const overhead = Math.ceil((11 + outputBytes('p2wpkh')) * rate);
    if (coordinator - overhead >= DUST_LIMIT) outputs.push({ to: this.feeWallet.address('deposit'), value: coordinator - overhead });
    rng.shuffle(coins);
    rng.shuffle(outputs);
    const round = ++this.rounds;
    const ticket = final.find((r) => r.ticket?.truth.trailId !== undefined)?.ticket;
    const truth: TxTruth = {
      intent: 'coinjoin',
      entityId: this.entityId,
      trailId: ticket?.truth.trailId,
      hop: ticket ? (ticket.truth.hop ?? 0) + 1 : undefined,
      attrs: { style: 'wasabi', round, denomination: base, participants: final.length, anonset: final.filter((r) => r.levels.includes(1)).length },
    };
    submitHandTx(engine, coins, outputs, truth, rng, { version: 1, onConfirmed: (s) => this.mixed(s, base, final) });
  }

  private mixed(s: Sent, base: number, regs: Registration[]): void {
    const rng = this.world.rng.fork(`coinjoin/wasabi/mixed/${s.height}/${this.rounds}`);
    for (const r of regs) {
      const outs = r.out.utxos.filter((u) => equalBytes(u.txid, s.enc.txid) && u.value % base === 0 && u.value >= base);
      if (r.ticket) {
        const t = r.ticket;
        t.rounds.push(s);
        t.mixed += outs.length;
        t.remaining -= outs.reduce((a, u) => a + u.value, 0);
        if (t.remaining < base * 1.05 && !t.done) {
          t.done = true;
          this.tickets.splice(this.tickets.indexOf(t), 1);
          t.onMixed?.(t);
        }
      } else if (r.user && outs.length && rng.bool(0.25)) {
        scheduleSpend(this.world, r.out, rng.pick(outs), r.entityId, null, r.user.link, rng);
      } else if (r.holder) {
        for (const c of outs) scheduleSpend(this.world, r.out, c, r.entityId, r.source, undefined, rng);
      }
    }
  }
}

// ---- the service ----------------------------------------------------------------------------

export class CoinJoinService {
  readonly whirlpool: WhirlpoolCoordinator;
  readonly wasabi: WasabiCoordinator;
  private readonly premixes = new Map<number, SimWallet>();
  private readonly postmixes = new Map<number, SimWallet>();
  private readonly members = new Map<SimWallet, Member>();
  private nextTicket = 1;

  constructor(private readonly world: World) {
    this.whirlpool = new WhirlpoolCoordinator(world, this);
    this.wasabi = new WasabiCoordinator(world, this);
  }

  /** An entity's Whirlpool premix wallet (created on first use). */
  premixOf(entityId: number): SimWallet {
    let w = this.premixes.get(entityId);
    if (!w) this.premixes.set(entityId, (w = this.world.engine.wallet(entityId, 'premix', 'p2wpkh')));
    return w;
  }

  /** An entity's postmix wallet, where its mixed coins arrive (created on first use). */
  postmixOf(entityId: number): SimWallet {
    let w = this.postmixes.get(entityId);
    if (!w) this.postmixes.set(entityId, (w = this.world.engine.wallet(entityId, 'postmix', 'p2wpkh')));
    return w;
  }

  memberFor(source: SimWallet): Member {
    let m = this.members.get(source);
    if (!m) {
      m = { entityId: source.entityId, source, premix: this.premixOf(source.entityId), postmix: this.postmixOf(source.entityId), user: false };
      this.members.set(source, m);
    }
    return m;
  }

  join(wallet: SimWallet, value: number, rng: Rng, opts: JoinOptions = {}): JoinTicket | null {
    if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`join value must be a positive whole number of sats, got ${value}`);
    const engine = this.world.engine;
    const wasabiMin = CALIBRATION.wasabi.baseDenominationBtc * COIN * 1.05;
    const pool = this.whirlpool.poolFor(value);
    let style = opts.style ?? (value >= wasabiMin && (!pool || rng.bool(0.35)) ? 'wasabi' : 'whirlpool');
    if (style === 'whirlpool' && !pool) {
      if (opts.style || value < wasabiMin) return null;
      style = 'wasabi';
    }
    if (style === 'wasabi' && value < wasabiMin) return null;
    if (engine.balance(wallet) < value) return null;
    const entityId = opts.truth?.entityId ?? wallet.entityId;
    const ticket: JoinTicket = {
      id: `cj-${this.nextTicket++}`,
      style,
      entityId,
      source: wallet,
      postmix: this.postmixOf(entityId),
      value,
      denomination: 0,
      premixes: 0,
      mixed: 0,
      remaining: value,
      done: false,
      created: engine.now,
      rounds: [],
      truth: { ...opts.truth, entityId },
      onMixed: opts.onMixed,
    };
    if (style === 'whirlpool') {
      const member: Member = { entityId, source: wallet, premix: this.premixOf(entityId), postmix: ticket.postmix, user: false };
      if (!this.whirlpool.tx0(engine, member, pool!, value, rng, ticket)) return null;
    } else {
      this.wasabi.tickets.push(ticket);
    }
    return ticket;
  }
}
