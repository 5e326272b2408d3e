// The world simulator's calibrated defaults, in one object. Every value says where it comes from,
// by the ids in sources.ts ("src: ..."); a value marked "judgement" is ours, and the comment says
// what published figure, if any, brackets it. docs/calibration.md is the readable table of the same.
// The world is a small training world (tens of vendors, not thousands), so counts are scaled down;
// shares, prices and habits are meant to look like early 2020.
import type { AddressKind } from '../../chain/types.ts';

export type MarketKind = 'escrow' | 'klad';
export type ListingCategory = 'drugs' | 'fraud' | 'digital' | 'counterfeit' | 'services';
export type DrugCategory =
  | 'cannabis'
  | 'mdma'
  | 'cocaine'
  | 'benzodiazepines'
  | 'amphetamines'
  | 'opioids'
  | 'psychedelics'
  | 'nps'
  | 'prescription_other';
export type OpsecLevel = 'low' | 'medium' | 'high';
/** Where a buyer's coins come from before they pay a market. */
export type FundingSource = 'kyc_exchange' | 'p2p' | 'instant_exchanger' | 'own_wallet';
/** Where a vendor sends market proceeds. */
export type WithdrawalRoute = 'kyc_exchange' | 'instant_exchanger' | 'p2p' | 'mixer' | 'coinjoin' | 'hold';
/** Periods with a distinct output-type mix; see addressEraAt in distributions.ts. */
export type AddressEra = '2019' | '2020' | '2021' | 'taproot';
/** Where a wallet puts its change output. */
export type ChangeOrder = 'last' | 'first' | 'random' | 'bip69';

export type Shares<K extends string> = Readonly<Record<K, number>>;

export interface Lognormal {
  median: number;
  /** Log-space standard deviation. */
  sigma: number;
}

export interface MarketCalibration {
  /** Commission the market keeps, as a fraction of the order; drawn uniformly in [min, max]. */
  commission: { min: number; max: number };
  /** Days after which an unfinalised order is released to the vendor. */
  autoFinalizeDays: number;
  /** Share of orders the buyer finalises before delivery (FE). */
  finalizeEarlyShare: number;
  /** Share of feedback left that is positive. */
  feedbackPositiveShare: number;
  vendors: number;
  categoryShares: Shares<ListingCategory>;
  /** Shares within the drug listings. */
  drugShares: Shares<DrugCategory>;
  buyerFunding: Shares<FundingSource>;
  /** Hours between sweeps of buyers' deposit addresses into the market's hot wallet. */
  depositSweepHours: number;
}

export interface Calibration {
  orders: Lognormal & { minUsd: number; maxUsd: number };
  markets: Readonly<Record<MarketKind, MarketCalibration>>;
  vendors: {
    listingsPerVendor: Lognormal & { max: number };
    opsecShares: Shares<OpsecLevel>;
    withdrawal: Readonly<
      Record<OpsecLevel, { cadenceDays: Lognormal; minUsd: number; routes: Shares<WithdrawalRoute>; addressReuse: number }>
    >;
  };
  mixer: { fee: { min: number; max: number }; delayHours: { min: number; max: number }; outputsPerWithdrawal: { min: number; max: number } };
  whirlpool: {
    pools: readonly { denominationBtc: number; poolFeeBtc: number | null; openInEarly2020: boolean }[];
    inputsPerMix: number;
    newEntrantsPerMix: number;
  };
  wasabi: {
    baseDenominationBtc: number;
    maxParticipants: number;
    typicalParticipants: { min: number; max: number };
    coordinatorFeePerAnonSet: number;
    roundIntervalMinutes: number;
    minChangeFractionOfBase: number;
  };
  exchange: {
    withdrawalBatchIntervalMinutes: number;
    withdrawalsPerBatch: Lognormal & { min: number; max: number };
    batchingShare: number;
    depositSweepHours: number;
    sweepMaxInputs: number;
    hotWalletKind: AddressKind;
    depositAddressReuse: number;
  };
  instantExchanger: { fee: { min: number; max: number }; processingMinutes: Lognormal };
  addresses: {
    eraStarts: Readonly<Record<AddressEra, string>>;
    mix: Readonly<Record<AddressEra, Shares<AddressKind>>>;
  };
  txShape: {
    inputCounts: readonly number[];
    inputWeights: readonly number[];
    paymentOutputCounts: readonly number[];
    paymentOutputWeights: readonly number[];
  };
  fees: {
    /** [UTC day, median sat/vB]; interpolated in log space between anchors, clamped outside. */
    medianAnchors: readonly (readonly [string, number])[];
    sigma: number;
    minSatVb: number;
  };
  amounts: { roundOutputShare: number; roundTrailingZeros: number };
  change: { orderShares: Shares<ChangeOrder> };
  finality: {
    antiFeeSnipingShare: number;
    antiFeeSnipingFurtherBackShare: number;
    antiFeeSnipingMaxBlocksBack: number;
    rbfShare: number;
    version2Share: number;
  };
  addressReuse: {
    outputsToUsedAddressShare: number;
    ordinaryUserReceiveReuse: number;
  };
}

export const CALIBRATION = {
  orders: {
    // src: unodcWaly2020 ("usually no more than 100 dollars") puts the median under USD 100; 75 is the
    // middle of the brief's 60-90. judgement.
    median: 75,
    // Derived: Hydra 2020 revenue ~USD 1.37 billion (chainalysis2021) over ~0.9-1.0 million orders a
    // month (kaganskikh2020) is a mean of ~USD 115-125 per order; a lognormal with median 75 has that
    // mean at sigma ~0.95. chainalysis2022's USD 160 average payment (2016) includes bulk buys.
    sigma: 0.95,
    // judgement: cheapest single-dose listings and a bulk-order ceiling for a retail world.
    minUsd: 5,
    maxUsd: 10_000,
  },
  markets: {
    // The English-language escrow market (Silk Road / Empire style).
    escrow: {
      // src: dprCommission2012 (flat 6.23% before tiering), christin2013 (USD 92k of 1.2M a month, ~7.7%
      // effective), escrowExplainer ("typically 2-5%"); the brief's 2-6%.
      commission: { min: 0.02, max: 0.06 },
      // src: escrowExplainer ("typically 14-21 days"); judgement takes the short end.
      autoFinalizeDays: 14,
      // judgement: dprCommission2012 calls finalizing early "common practice" but gives no share.
      finalizeEarlyShare: 0.25,
      // judgement within the brief's 95-98%; reputation systems on these markets are dominated by
      // positive ratings (christin2013 analyses feedback; exact share not re-checked here).
      feedbackPositiveShare: 0.96,
      // judgement (world scale): christin2013's core of 112 long-lived sellers on the largest 2012 market.
      vendors: 40,
      // src: emcddaEuropol2017 ("around two thirds of the offers ... drug-related"); the split of the
      // remaining third is judgement.
      categoryShares: { drugs: 0.66, fraud: 0.16, digital: 0.09, counterfeit: 0.05, services: 0.04 },
      // src: ndarc2020 for cannabis .29, MDMA .14, cocaine .089, benzodiazepines .068, meth/amph .063,
      // opioids .056 (rounded); psychedelics, NPS and the remainder are judgement.
      drugShares: {
        cannabis: 0.29,
        mdma: 0.14,
        cocaine: 0.09,
        benzodiazepines: 0.07,
        amphetamines: 0.06,
        opioids: 0.06,
        psychedelics: 0.08,
        nps: 0.05,
        prescription_other: 0.16,
      },
      // src: chainalysis2021 (P2P exchanges 46% of funds sent to markets in 2020, 30% in 2019; the rest
      // mostly centralised exchanges). Early 2020 sits between; instant exchangers and own wallets judgement.
      buyerFunding: { kyc_exchange: 0.5, p2p: 0.35, instant_exchanger: 0.1, own_wallet: 0.05 },
      // judgement.
      depositSweepHours: 6,
    },
    // The Russian-language dead-drop ("klad") shop market (Hydra style): the buyer pays, gets the
    // drop's coordinates at once, and has a short window to complain.
    klad: {
      // judgement: bkaHydra2022 says every transaction paid a commission but gives no rate.
      commission: { min: 0.02, max: 0.05 },
      // judgement: coordinates are delivered at payment; a one-day complaint window.
      autoFinalizeDays: 1,
      // Not applicable: there is nothing to finalise early.
      finalizeEarlyShare: 0,
      // judgement, as the escrow market.
      feedbackPositiveShare: 0.95,
      // judgement (world scale): soshnikov2024 counted 3,045 selling shops on Hydra in late 2019.
      vendors: 60,
      // judgement: Hydra sold documents and services too, but drugs dominated (soshnikov2024, bkaHydra2022).
      categoryShares: { drugs: 0.85, fraud: 0.05, digital: 0.04, counterfeit: 0.03, services: 0.03 },
      // src: drugstat (hashish first; alpha-PVP, mephedrone next; "salts" outsell marijuana),
      // kaganskikh2020 (mephedrone, alpha-PVP among the most sold), soshnikov2024 (cannabis ~10x opiates),
      // unodcGsda2020 / unodcCentralAsia2017 (NPS spreading in Central Asia). Synthetic cathinones count
      // as NPS. Exact shares are judgement.
      drugShares: {
        cannabis: 0.36,
        nps: 0.33,
        amphetamines: 0.08,
        mdma: 0.07,
        cocaine: 0.04,
        psychedelics: 0.04,
        opioids: 0.03,
        benzodiazepines: 0.02,
        prescription_other: 0.03,
      },
      // judgement, after chainalysis2021's P2P share: klad buyers mostly pay through instant exchangers.
      buyerFunding: { instant_exchanger: 0.6, p2p: 0.25, kyc_exchange: 0.1, own_wallet: 0.05 },
      depositSweepHours: 3,
    },
  },
  vendors: {
    // Median judgement within the brief's 4-8. sigma derived: soshnikov2024 counts 58,563 postings by
    // 3,045 Hydra sellers, a mean of ~19; a lognormal with median 6 has that mean at sigma 1.5.
    listingsPerVendor: { median: 6, sigma: 1.5, max: 400 },
    // judgement: soska2015 documents uneven and slowly improving vendor security practice.
    opsecShares: { low: 0.45, medium: 0.4, high: 0.15 },
    // All judgement. Low-OPSEC vendors cash out straight to an exchange address they reuse; high-OPSEC
    // vendors mix or CoinJoin first and never reuse.
    withdrawal: {
      low: {
        cadenceDays: { median: 2, sigma: 0.6 },
        minUsd: 100,
        routes: { kyc_exchange: 0.55, instant_exchanger: 0.25, p2p: 0.15, mixer: 0, coinjoin: 0, hold: 0.05 },
        addressReuse: 0.6,
      },
      medium: {
        cadenceDays: { median: 4, sigma: 0.6 },
        minUsd: 300,
        routes: { kyc_exchange: 0.2, instant_exchanger: 0.35, p2p: 0.25, mixer: 0.1, coinjoin: 0, hold: 0.1 },
        addressReuse: 0.2,
      },
      high: {
        cadenceDays: { median: 7, sigma: 0.5 },
        minUsd: 1_000,
        routes: { kyc_exchange: 0, instant_exchanger: 0.15, p2p: 0.15, mixer: 0.35, coinjoin: 0.25, hold: 0.1 },
        addressReuse: 0.02,
      },
    },
  },
  mixer: {
    // src: bitcoinFogAffidavit (2%-2.5%); the brief's 1-3% range around it.
    fee: { min: 0.01, max: 0.03 },
    // judgement: custodial mixers let the user pick a delay of hours to days.
    delayHours: { min: 1, max: 72 },
    // judgement.
    outputsPerWithdrawal: { min: 1, max: 5 },
  },
  whirlpool: {
    // src: samouraiWhirlpool. The 0.001 pool appears only in later guides, not in the 2020-era pool
    // table, so it is marked closed in early 2020 and its fee is unknown.
    pools: [
      { denominationBtc: 0.001, poolFeeBtc: null, openInEarly2020: false },
      { denominationBtc: 0.01, poolFeeBtc: 0.0005, openInEarly2020: true },
      { denominationBtc: 0.05, poolFeeBtc: 0.0025, openInEarly2020: true },
      { denominationBtc: 0.5, poolFeeBtc: 0.025, openInEarly2020: true },
    ],
    // src: planbWhirlpool (5 in / 5 out, 2 new entrants, 3 remixers).
    inputsPerMix: 5,
    newEntrantsPerMix: 2,
  },
  wasabi: {
    // src: wasabiDocs.
    baseDenominationBtc: 0.1,
    maxParticipants: 100,
    // judgement: rounds often closed below the 100 maximum.
    typicalParticipants: { min: 50, max: 100 },
    coordinatorFeePerAnonSet: 0.00003,
    roundIntervalMinutes: 60,
    minChangeFractionOfBase: 0.007,
  },
  exchange: {
    // src: optechNewsletter89 (Coinbase: one batch every 10 minutes, from March 2020).
    withdrawalBatchIntervalMinutes: 10,
    // Derived: coinbaseBatching2020's 95% fewer transactions is ~20 payments per batch; lognormal
    // median 15, sigma 0.7 has mean ~19.
    withdrawalsPerBatch: { median: 15, sigma: 0.7, min: 2, max: 200 },
    // judgement: not every exchange batched in early 2020.
    batchingShare: 0.5,
    // judgement.
    depositSweepHours: 12,
    sweepMaxInputs: 100,
    // judgement: P2SH was the common exchange hot-wallet type (multisig or wrapped segwit).
    hotWalletKind: 'p2sh-p2wpkh',
    // judgement: customers reuse a deposit address; consistent with bitmexAddressReuse's ~50% of outputs
    // paying used addresses.
    depositAddressReuse: 0.6,
  },
  instantExchanger: {
    // judgement: no-KYC exchangers charge well above exchange trading fees.
    fee: { min: 0.02, max: 0.07 },
    processingMinutes: { median: 20, sigma: 0.7 },
  },
  addresses: {
    // src: bip341 for the taproot era (block 709,632, 14 Nov 2021); the other boundaries are calendar years.
    eraStarts: { '2019': '2019-01-01', '2020': '2020-01-01', '2021': '2021-01-01', taproot: '2021-11-14' },
    // Share of newly paid outputs by type. 'p2sh-p2wpkh' stands for every P2SH output (wrapped segwit
    // and multisig look alike until spent). judgement, bracketed by: optechBech32Stats2019 (~200 bech32
    // outputs/block and ~1,400 nested-segwit outputs/block in March 2019, out of what we estimate at
    // 5-6 thousand outputs a block), bech32 support spreading through 2019-2020 (optechNewsletter89),
    // and bip341 (P2TR is 0 before Nov 2021 and tiny after).
    mix: {
      '2019': { p2pkh: 0.58, 'p2sh-p2wpkh': 0.36, p2wpkh: 0.05, p2wsh: 0.01, p2tr: 0 },
      '2020': { p2pkh: 0.46, 'p2sh-p2wpkh': 0.4, p2wpkh: 0.12, p2wsh: 0.02, p2tr: 0 },
      '2021': { p2pkh: 0.35, 'p2sh-p2wpkh': 0.35, p2wpkh: 0.27, p2wsh: 0.03, p2tr: 0 },
      taproot: { p2pkh: 0.33, 'p2sh-p2wpkh': 0.34, p2wpkh: 0.295, p2wsh: 0.03, p2tr: 0.005 },
    },
  },
  txShape: {
    // judgement: ordinary wallet spends; one input is the common case, consolidations are rare.
    inputCounts: [1, 2, 3, 4, 5, 6, 8, 10, 15, 20],
    inputWeights: [0.6, 0.19, 0.08, 0.04, 0.03, 0.02, 0.015, 0.01, 0.01, 0.005],
    // judgement: a payment is usually payee + change (one input, two outputs is the typical payment shape);
    // one output is a sweep or exact spend.
    paymentOutputCounts: [1, 2, 3],
    paymentOutputWeights: [0.15, 0.78, 0.07],
  },
  fees: {
    // 2020-01-01 is derived: bitinfochartsFees2020's USD 0.28 average fee at USD 7,200 is ~3,900 sat,
    // ~15.6 sat/vB over a 250 vB transaction, so a median of ~10 at sigma 0.9. 2020-05-20 takes the
    // post-halving congestion (USD 6.64 average) but well under the naive 186 sat/vB, since big
    // transactions dominate the average. Every other anchor is judgement.
    medianAnchors: [
      ['2019-01-01', 3],
      ['2019-06-25', 40],
      ['2019-10-01', 8],
      ['2020-01-01', 10],
      ['2020-02-15', 15],
      ['2020-03-20', 8],
      ['2020-05-20', 100],
      ['2020-07-01', 20],
      ['2020-08-15', 50],
      ['2020-10-01', 40],
      ['2021-01-10', 100],
      ['2021-04-20', 120],
      ['2021-07-01', 5],
      ['2021-12-31', 3],
    ],
    sigma: 0.9,
    // Bitcoin Core's default minimum relay fee rate, 1 sat/vB.
    minSatVb: 1,
  },
  amounts: {
    // judgement bracketed by bitmexPrecision2020: > 70% of outputs use 1-sat precision and 0.6% are whole
    // bitcoins; an output is "round" here when it is a multiple of 0.001 BTC (five trailing zeros).
    roundOutputShare: 0.06,
    roundTrailingZeros: 5,
  },
  change: {
    // judgement: bip69's motivation ("many wallets ... change outputs second"), achowFingerprints (Core
    // randomises the change position, Electrum sorts by BIP 69), moserNarayanan2021 (position as a fingerprint).
    orderShares: { last: 0.45, random: 0.35, bip69: 0.12, first: 0.08 },
  },
  finality: {
    // judgement: the share of transactions built by Core- or Electrum-like wallets (b10c2020).
    antiFeeSnipingShare: 0.25,
    // src: achowFingerprints (10% of the time, a random height up to 100 blocks back).
    antiFeeSnipingFurtherBackShare: 0.1,
    antiFeeSnipingMaxBlocksBack: 100,
    // src: optechRbf (~10% by 2020), wasabiIssue1543 (5.8-8.5% in 2019).
    rbfShare: 0.1,
    // judgement: Core and Electrum build version 2; many older wallets and services build version 1.
    version2Share: 0.6,
  },
  addressReuse: {
    // src: bitmexAddressReuse (~50% of outputs pay a used address).
    outputsToUsedAddressShare: 0.5,
    // judgement, after typerbole2021 (~25% of a day's addresses were used before, early in the 2020 run).
    ordinaryUserReceiveReuse: 0.25,
  },
} as const satisfies Calibration;
