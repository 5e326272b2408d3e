// Draws from the calibrated distributions, so that every part of the simulator samples order sizes,
// address types, fee rates and wallet habits from one place (defaults.ts) and one stream (Rng).
import type { Rng } from '../../chain/rng.ts';
import { SEQUENCE_FINAL, type AddressKind } from '../../chain/types.ts';
import {
  CALIBRATION,
  type AddressEra,
  type ChangeOrder,
  type DrugCategory,
  type FundingSource,
  type ListingCategory,
  type MarketKind,
  type OpsecLevel,
  type Shares,
  type WithdrawalRoute,
} from './defaults.ts';

/** BIP 125: any input below 0xfffffffe signals replaceability; wallets use MAX-2. */
export const SEQUENCE_RBF = 0xfffffffd;
/** MAX-1: final for RBF purposes but still enforces nLockTime. */
export const SEQUENCE_LOCKTIME_ONLY = 0xfffffffe;

function pickShare<K extends string>(rng: Rng, shares: Shares<K>): K {
  const keys = Object.keys(shares) as K[];
  return rng.weighted(keys, keys.map((k) => shares[k]));
}

function uniform(rng: Rng, range: { min: number; max: number }): number {
  return range.min + (range.max - range.min) * rng.float();
}

function clamp(x: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, x));
}

function dayToUnix(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) / 1000;
}

function checkTime(unixSeconds: number): void {
  if (!Number.isFinite(unixSeconds)) throw new RangeError(`time must be finite unix seconds, got ${unixSeconds}`);
}

// --- orders and markets -------------------------------------------------------------------------

/** A retail order's value in USD, rounded to cents. */
export function orderUsd(rng: Rng): number {
  const o = CALIBRATION.orders;
  return Math.round(clamp(rng.lognormal(o.median, o.sigma), o.minUsd, o.maxUsd) * 100) / 100;
}

/** How many listings a new vendor (or klad shop) carries; at least 1. */
export function listingsPerVendor(rng: Rng): number {
  const l = CALIBRATION.vendors.listingsPerVendor;
  return clamp(Math.round(rng.lognormal(l.median, l.sigma)), 1, l.max);
}

/** The commission rate a market charges, drawn once per market. */
export function commissionRate(rng: Rng, market: MarketKind): number {
  return uniform(rng, CALIBRATION.markets[market].commission);
}

export function finalizesEarly(rng: Rng, market: MarketKind): boolean {
  return rng.bool(CALIBRATION.markets[market].finalizeEarlyShare);
}

export function leavesPositiveFeedback(rng: Rng, market: MarketKind): boolean {
  return rng.bool(CALIBRATION.markets[market].feedbackPositiveShare);
}

export function pickListingCategory(rng: Rng, market: MarketKind): ListingCategory {
  return pickShare(rng, CALIBRATION.markets[market].categoryShares);
}

export function pickDrugCategory(rng: Rng, market: MarketKind): DrugCategory {
  return pickShare(rng, CALIBRATION.markets[market].drugShares);
}

export function pickFundingSource(rng: Rng, market: MarketKind): FundingSource {
  return pickShare(rng, CALIBRATION.markets[market].buyerFunding);
}

// --- vendors ------------------------------------------------------------------------------------

export function pickOpsecLevel(rng: Rng): OpsecLevel {
  return pickShare(rng, CALIBRATION.vendors.opsecShares);
}

/** Days until a vendor's next withdrawal of market proceeds. */
export function withdrawalCadenceDays(rng: Rng, level: OpsecLevel): number {
  const c = CALIBRATION.vendors.withdrawal[level].cadenceDays;
  return rng.lognormal(c.median, c.sigma);
}

export function pickWithdrawalRoute(rng: Rng, level: OpsecLevel): WithdrawalRoute {
  return pickShare(rng, CALIBRATION.vendors.withdrawal[level].routes);
}

/** Whether this receive reuses one of the vendor's earlier addresses. */
export function vendorReusesAddress(rng: Rng, level: OpsecLevel): boolean {
  return rng.bool(CALIBRATION.vendors.withdrawal[level].addressReuse);
}

// --- mixing and exchanges -----------------------------------------------------------------------

export function mixerFee(rng: Rng): number {
  return uniform(rng, CALIBRATION.mixer.fee);
}

/** Seconds between a mixer deposit and its payout. */
export function mixerDelaySeconds(rng: Rng): number {
  return Math.round(uniform(rng, CALIBRATION.mixer.delayHours) * 3600);
}

export function mixerOutputCount(rng: Rng): number {
  const o = CALIBRATION.mixer.outputsPerWithdrawal;
  return rng.int(o.min, o.max);
}

export function wasabiParticipants(rng: Rng): number {
  const p = CALIBRATION.wasabi.typicalParticipants;
  return rng.int(p.min, p.max);
}

/** Customer withdrawals paid in one batched exchange transaction. */
export function exchangeBatchSize(rng: Rng): number {
  const b = CALIBRATION.exchange.withdrawalsPerBatch;
  return clamp(Math.round(rng.lognormal(b.median, b.sigma)), b.min, b.max);
}

export function instantExchangerFee(rng: Rng): number {
  return uniform(rng, CALIBRATION.instantExchanger.fee);
}

// --- transaction habits -------------------------------------------------------------------------

const ERA_STARTS = (['2019', '2020', '2021', 'taproot'] as const).map(
  (era) => [era, dayToUnix(CALIBRATION.addresses.eraStarts[era])] as const,
);

/** The address-type era a moment falls in (before 2019 counts as 2019). */
export function addressEraAt(unixSeconds: number): AddressEra {
  checkTime(unixSeconds);
  let era: AddressEra = ERA_STARTS[0][0];
  for (const [e, start] of ERA_STARTS) if (unixSeconds >= start) era = e;
  return era;
}

/** The output type a wallet of that era hands out for a new receive address. */
export function pickAddressKind(rng: Rng, era: AddressEra): AddressKind {
  const mix = CALIBRATION.addresses.mix[era];
  if (!mix) throw new RangeError(`unknown address era ${JSON.stringify(era)}`);
  return pickShare(rng, mix);
}

export function inputCount(rng: Rng): number {
  return rng.weighted(CALIBRATION.txShape.inputCounts, CALIBRATION.txShape.inputWeights);
}

/** Outputs of an ordinary payment, change included. */
export function paymentOutputCount(rng: Rng): number {
  return rng.weighted(CALIBRATION.txShape.paymentOutputCounts, CALIBRATION.txShape.paymentOutputWeights);
}

const FEE_ANCHORS = CALIBRATION.fees.medianAnchors.map(([day, rate]) => [dayToUnix(day), Math.log(rate)] as const);

/** The median fee rate (sat/vB) of the day: log-linear between anchors, clamped outside them. */
export function medianFeeRateAt(unixSeconds: number): number {
  checkTime(unixSeconds);
  const first = FEE_ANCHORS[0];
  const last = FEE_ANCHORS[FEE_ANCHORS.length - 1];
  if (unixSeconds <= first[0]) return Math.exp(first[1]);
  if (unixSeconds >= last[0]) return Math.exp(last[1]);
  let i = 0;
  while (FEE_ANCHORS[i + 1][0] < unixSeconds) i++;
  const [t0, l0] = FEE_ANCHORS[i];
  const [t1, l1] = FEE_ANCHORS[i + 1];
  return Math.exp(l0 + ((l1 - l0) * (unixSeconds - t0)) / (t1 - t0));
}

/** A transaction's fee rate in sat/vB, to 0.1 sat/vB, never below the relay minimum. */
export function feeRate(rng: Rng, unixSeconds: number): number {
  const rate = rng.lognormal(medianFeeRateAt(unixSeconds), CALIBRATION.fees.sigma);
  return Math.max(CALIBRATION.fees.minSatVb, Math.round(rate * 10) / 10);
}

/** True when the amount is a whole multiple of 10^trailingZeros satoshis (default 0.001 BTC). */
export function isRoundAmount(sats: number, trailingZeros: number = CALIBRATION.amounts.roundTrailingZeros): boolean {
  if (!Number.isSafeInteger(sats) || sats <= 0) return false;
  if (!Number.isInteger(trailingZeros) || trailingZeros < 0 || trailingZeros > 15) {
    throw new RangeError(`trailingZeros must be an integer in 0..15, got ${trailingZeros}`);
  }
  return sats % 10 ** trailingZeros === 0;
}

/** Whether a user-chosen BTC amount (a self-transfer, a deposit) is typed as a round number. */
export function wantsRoundAmount(rng: Rng): boolean {
  return rng.bool(CALIBRATION.amounts.roundOutputShare);
}

/** The amount rounded down to a multiple of 10^trailingZeros satoshis (0 if it is smaller). */
export function roundDownSats(sats: number, trailingZeros: number = CALIBRATION.amounts.roundTrailingZeros): number {
  const unit = 10 ** trailingZeros;
  return Math.floor(sats / unit) * unit;
}

export function pickChangeOrder(rng: Rng): ChangeOrder {
  return pickShare(rng, CALIBRATION.change.orderShares);
}

/**
 * The index the change output takes among outputCount outputs, or 'bip69' when the builder must sort
 * all outputs by (value, script) as BIP 69 says.
 */
export function changePosition(rng: Rng, order: ChangeOrder, outputCount: number): number | 'bip69' {
  if (!Number.isInteger(outputCount) || outputCount < 1) {
    throw new RangeError(`outputCount must be a positive integer, got ${outputCount}`);
  }
  switch (order) {
    case 'last':
      return outputCount - 1;
    case 'first':
      return 0;
    case 'random':
      return rng.int(0, outputCount - 1);
    case 'bip69':
      return 'bip69';
  }
}

export interface SpendFinality {
  version: 1 | 2;
  locktime: number;
  /** nSequence for every input of the transaction. */
  sequence: number;
}

/**
 * Version, nLockTime and nSequence of a new spend built at chain tip tipHeight: anti-fee-sniping
 * wallets lock to the tip (sometimes a little behind, as Bitcoin Core does), some signal RBF, the rest
 * leave locktime 0 and final sequences.
 */
export function spendFinality(rng: Rng, tipHeight: number): SpendFinality {
  if (!Number.isSafeInteger(tipHeight) || tipHeight < 0) {
    throw new RangeError(`tipHeight must be a block height >= 0, got ${tipHeight}`);
  }
  const f = CALIBRATION.finality;
  const antiFeeSniping = rng.bool(f.antiFeeSnipingShare);
  const rbf = rng.bool(f.rbfShare);
  let locktime = 0;
  if (antiFeeSniping) {
    locktime = tipHeight;
    if (rng.bool(f.antiFeeSnipingFurtherBackShare)) {
      locktime = Math.max(0, locktime - rng.int(0, f.antiFeeSnipingMaxBlocksBack - 1));
    }
  }
  const sequence = rbf ? SEQUENCE_RBF : antiFeeSniping ? SEQUENCE_LOCKTIME_ONLY : SEQUENCE_FINAL;
  // The wallets that set locktime or RBF build version 2; the others make up the rest of the v2 share.
  const modern = antiFeeSniping || rbf;
  const pModern = 1 - (1 - f.antiFeeSnipingShare) * (1 - f.rbfShare);
  const otherV2 = Math.max(0, (f.version2Share - pModern) / (1 - pModern));
  const version: 1 | 2 = modern || rng.bool(otherV2) ? 2 : 1;
  return { version, locktime, sequence };
}
