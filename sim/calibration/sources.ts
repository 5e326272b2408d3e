// The published material the defaults are calibrated from. Each default in defaults.ts names the
// sources it rests on by these ids; docs/calibration.md prints the same list. "Seen via" says when
// the figure was read in a secondary copy (a news report, a mirror) rather than the primary text.

export interface Source {
  title: string;
  author: string;
  year: number | null;
  /** Where in the source the figure is, and how it was read. */
  where: string;
}

export const SOURCES = {
  christin2013: {
    title: 'Traveling the Silk Road: A measurement analysis of a large anonymous online marketplace',
    author: 'N. Christin (Carnegie Mellon), WWW 2013; arXiv:1207.7139, CMU-CyLab-12-018',
    year: 2013,
    where: 'Abstract: 24,400 items, revenue ~USD 1.2 million/month, ~USD 92,000/month commissions, core of 112 sellers, most items listed < 3 weeks',
  },
  dprCommission2012: {
    title: 'Silk Road commission announcement (flat 6.23% commission replaced by a price-tiered schedule; finalizing early "common practice")',
    author: 'Dread Pirate Roberts (Silk Road operator), quoted in E. Ormsby, "Silk Road" (2014)',
    year: 2012,
    where: 'Quoted forum announcement; seen via an online copy of the book',
  },
  soska2015: {
    title: 'Measuring the Longitudinal Evolution of the Online Anonymous Marketplace Ecosystem',
    author: 'K. Soska, N. Christin, USENIX Security 2015',
    year: 2015,
    where: 'Abstract: 16 marketplaces 2013-2015, vendors replicating across markets, evolving vendor security practices (PGP); used qualitatively',
  },
  emcddaEuropol2017: {
    title: 'Drugs and the darknet: perspectives for enforcement, research and policy',
    author: 'EMCDDA and Europol',
    year: 2017,
    where: 'Press release and summary, 28 Nov 2017: "around two thirds of the offers on darknet markets are drug-related"; 16 markets 2011-15',
  },
  ndarc2020: {
    title: 'Trends in the availability and type of drugs sold on the internet via cryptomarkets, September 2019 - September 2020',
    author: 'R. Katyal, N. Man, A. Mathur, R. Bruno, M. J. Barratt, A. Peacock (NDARC Drug Trends, UNSW)',
    year: 2020,
    where: 'Key findings: share of drug listings cannabis 29%, MDMA 14%, cocaine 8.9%, benzodiazepines 6.8%, meth/amphetamine 6.3%, opioids excl. heroin 5.6% (English-language markets)',
  },
  unodcWaly2020: {
    title: 'CND side event "SCO and UNODC in the fight against the illicit drug threat: countering drug trafficking via darknet"',
    author: 'G. Waly, UNODC Executive Director (CND Blog summary)',
    year: 2020,
    where: 'March 2020: darknet drug "single transaction is usually no more than 100 dollars"',
  },
  unodcCentralAsia2017: {
    title: 'Central Asia Synthetic Drugs Situation Assessment',
    author: 'UNODC Global SMART Programme',
    year: 2017,
    where: 'Ch. 2 "Emergence of NPS", "NPS seizures in Kazakhstan"; used qualitatively for the klad market mix',
  },
  unodcGsda2020: {
    title: 'Global Synthetic Drugs Assessment 2020',
    author: 'UNODC',
    year: 2020,
    where: 'Regional overview Central Asia and Transcaucasia: 119 NPS identified by Aug 2020; number of substances +65% in 2019',
  },
  chainalysis2020: {
    title: 'The 2020 Crypto Crime Report',
    author: 'Chainalysis',
    year: 2020,
    where: 'Darknet markets chapter, seen via CryptoGlobe / Modern Consensus coverage: > USD 790 million received in 2019, 0.08% of transaction volume, 49 active markets, exchanges the main on- and off-ramp',
  },
  chainalysis2021: {
    title: 'The 2021 Crypto Crime Report',
    author: 'Chainalysis',
    year: 2021,
    where: 'Darknet markets chapter, seen via AMBCrypto / Bloomberg coverage: USD 1.7 billion in 2020, Hydra > 75% (~USD 1.37 billion), P2P exchanges 46% of funds sent to markets in 2020 (30% in 2019)',
  },
  chainalysis2022: {
    title: 'The 2022 Crypto Crime Report',
    author: 'Chainalysis',
    year: 2022,
    where: 'Darknet markets chapter, seen via coverage: average darknet payment USD 160 (2016) rising to USD 493 (2021); 3.7 million drug-market transactions in 2021',
  },
  bkaHydra2022: {
    title: 'Hydra Market takedown announcement',
    author: 'Bundeskriminalamt (BKA) and ZIT Frankfurt, with US DOJ / OFAC',
    year: 2022,
    where: 'April 2022, seen via Computing / Coinpaper: ~17 million customer and > 19,000 seller accounts, 2020 turnover >= EUR 1.23 billion, commission on every transaction, in-house "Bitcoin Bank Mixer"',
  },
  soshnikov2024: {
    title: 'Association of Drugs for Sale on the Internet and Official Health Indicators: Darknet Parsing and Correlational Study',
    author: 'S. Soshnikov et al., JMIR Formative Research 8 (2024) e56006',
    year: 2024,
    where: 'Methods/Results: Hydra parsed Aug-Dec 2019: 3,045 sellers, 6,721 products, 58,563 postings; cannabis ~10x opiates',
  },
  kaganskikh2020: {
    title: 'Hydra order counts during COVID-19 (investigation by A. Kaganskikh)',
    author: 'A. Kaganskikh, seen via Exploit One',
    year: 2020,
    where: 'Hydra orders: 995,580 in March 2020, 747,226 in April 2020; mephedrone and alpha-PVP among the most sold',
  },
  drugstat: {
    title: 'DrugStat study of Hydra sales in St Petersburg (summer)',
    author: 'DrugStat project, seen via luna-info.ru',
    year: null,
    where: 'Hashish most bought (110,307 purchases), alpha-PVP second, mephedrone third; "salts" together outsell marijuana',
  },
  meiklejohn2013: {
    title: 'A Fistful of Bitcoins: Characterizing Payments Among Men with No Names',
    author: 'S. Meiklejohn et al., IMC 2013',
    year: 2013,
    where: 'Multi-input and one-time-change clustering heuristics; used for what the simulator must keep detectable',
  },
  moserNarayanan2021: {
    title: 'Resurrecting Address Clustering in Bitcoin',
    author: 'M. Möser, A. Narayanan, arXiv:2107.05749 (FC 2022)',
    year: 2021,
    where: 'Change heuristics and wallet fingerprints evaluated on ground truth; used qualitatively for change and fingerprint habits',
  },
  achowFingerprints: {
    title: 'wallet-fingerprinting: list of known fingerprints (fingerprints.md)',
    author: 'A. Chow, GitHub achow101/wallet-fingerprinting',
    year: null,
    where: 'Bitcoin Core: locktime = current height or, 10% of the time, up to 100 blocks back; nSequence MAX-1 or MAX-2 (RBF); version 2. Electrum: same locktime, BIP 69 ordering',
  },
  b10c2020: {
    title: 'The stair-pattern in time-locked Bitcoin transactions',
    author: '0xB10C',
    year: 2020,
    where: '27 Apr 2020: Bitcoin Core and Electrum set nLockTime to the current height (anti-fee-sniping)',
  },
  bip69: {
    title: 'BIP 69: Lexicographical Indexing of Transaction Inputs and Outputs',
    author: 'K. Atlas',
    year: 2015,
    where: 'Motivation: "Many wallets will place spending outputs first and change outputs second"',
  },
  bip125: {
    title: 'BIP 125: Opt-in Full Replace-by-Fee Signaling',
    author: 'D. A. Harding, P. Todd',
    year: 2015,
    where: 'Signal: any input nSequence < 0xfffffffe',
  },
  bip341: {
    title: 'BIP 341: Taproot (deployment)',
    author: 'P. Wuille, J. Nick, A. Towns',
    year: 2020,
    where: 'Activated at block 709,632 on 14 November 2021; no P2TR outputs are spendable as such before',
  },
  optechRbf: {
    title: 'Bitcoin Optech RBF usage statistics',
    author: 'Bitcoin Optech, seen via CryptoNews / Bitcoin Info Zone coverage',
    year: 2021,
    where: 'RBF-signalling share: > 5% in 2018, ~10% by 2020, 14% on 1 Jan 2021, 15% in Oct 2020, 27.5% in Nov 2021',
  },
  wasabiIssue1543: {
    title: 'Allow RBF in Transaction Builder (issue #1543)',
    author: 'zkSNACKs/WalletWasabi GitHub issue',
    year: 2019,
    where: 'Measurement over 200 blocks: 5.8%-8.5% of transactions replaceable',
  },
  optechBech32Stats2019: {
    title: 'Bech32 sending support, part 2: bech32 usage statistics (Optech Newsletter, March 2019)',
    author: 'Bitcoin Optech (bitcoinops.github.io _includes/specials/bech32/02-stats.md)',
    year: 2019,
    where: '~200 outputs/block to native segwit; ~37% of transactions spend a nested-segwit (P2SH-wrapped) output, ~1,400 such outputs/block',
  },
  optechNewsletter89: {
    title: 'Bitcoin Optech Newsletter #89',
    author: 'Bitcoin Optech',
    year: 2020,
    where: '18 Mar 2020: Coinbase batches withdrawals into one transaction every 10 minutes; Bitstamp supports bech32',
  },
  coinbaseBatching2020: {
    title: 'Reflections on Bitcoin Transaction Batching',
    author: 'B. Miller, Coinbase blog',
    year: 2020,
    where: '100% of customer sends batched; daily transaction count -95%; fees -75.2%',
  },
  bitmexAddressReuse: {
    title: 'Bitcoin Address Re-use Statistics',
    author: 'BitMEX Research',
    year: null,
    where: 'Abstract: "around 50% of transaction outputs are sent to previously used addresses" (above 75% in 2013)',
  },
  typerbole2021: {
    title: 'Quantifying Address Reuse',
    author: 'typerbole, Stack Stats newsletter',
    year: 2021,
    where: '29 Jun 2021: share of daily unique addresses that were used before rose from 25% to 35% over the 2020-21 bull run',
  },
  bitmexPrecision2020: {
    title: 'Growth in the level of precision of Bitcoin spending',
    author: 'BitMEX Research',
    year: 2020,
    where: '27 Jan 2020 (data to block 613,999): > 70% of outputs use 1-satoshi precision; since 2019 only 0.6% are whole bitcoins',
  },
  bitinfochartsFees2020: {
    title: 'Average Bitcoin transaction fee (Bitinfocharts), as reported in May 2020',
    author: 'Bitinfocharts, seen via Decrypt-syndicated coverage',
    year: 2020,
    where: 'Average fee USD 0.28 on 1 Jan 2020 and USD 6.64 on 20 May 2020 (post-halving congestion)',
  },
  samouraiWhirlpool: {
    title: 'Whirlpool: understanding pools and pool fees',
    author: 'Samourai Wallet documentation',
    year: null,
    where: 'Pools 0.01 BTC (fee 0.0005), 0.05 BTC (0.0025), 0.5 BTC (0.025); later guides (EconoAlchemist, Sparrow/Samourai) also list a 0.001 BTC pool',
  },
  planbWhirlpool: {
    title: 'Privacy on Bitcoin course, chapter on Whirlpool',
    author: 'PlanB Network',
    year: null,
    where: 'Whirlpool coinjoins are 5 inputs / 5 outputs (2 new entrants, 3 remixers) until 2023 "surge cycles"',
  },
  wasabiDocs: {
    title: 'Wasabi Wallet white paper and FAQ (Wasabi 1.x, ZeroLink)',
    author: 'zkSNACKs',
    year: 2019,
    where: 'CoinJoins of up to 100 peers, roughly hourly; fee 0.003% x anonymity set; base denomination ~0.1 BTC; minimum change 0.7% of base denomination',
  },
  bitcoinFogAffidavit: {
    title: 'Affidavit in support of criminal complaint, United States v. Roman Sterlingov (Bitcoin Fog)',
    author: 'IRS-CI Special Agent D. Beckett, seen via The Block / Daily Informer',
    year: 2021,
    where: 'Bitcoin Fog charged 2% to 2.5% per transaction; > 1.2 million BTC mixed since Oct 2011, largest senders darknet markets',
  },
  escrowExplainer: {
    title: 'How darknet escrow works (explainer)',
    author: 'Dark Web Insight research desk (anonymous web page)',
    year: null,
    where: '"auto-finalize window ... typically 14-21 days"; market commission "typically 2-5%". Weak source, used only to bracket a judgement',
  },
} as const satisfies Record<string, Source>;

export type SourceId = keyof typeof SOURCES;
