// The live world runtime: what acts in a generated world while the lab serves it (docs/live-world.md).
export { LiveWorld, type LiveOptions } from './live-world.ts';
export { LiveError, type LiveErrorCode } from './errors.ts';
export { parseBtc, formatBtc } from './amounts.ts';
export { LAB_WALLET_BASE, LAB_WALLET_KIND, MAX_FEE_RATE, type LabWallet, type TreasuryInfo } from './lab-wallets.ts';
export { OPEN_ORDER_STATES, DEFAULT_LIVE_TIMING, type LiveOrder, type LiveOrderState, type CreateOrderInput, type CreatedOrder, type OrderStep, type LiveTiming } from './orders.ts';
export type { Balance, HistoryEntry, SentTx, WalletInfo, PayRequest, LiveTxTruth } from './wallets.ts';
export { LAB_TREASURY, LAB_TREASURY_REF, createLabTreasury, LabTreasury } from './treasury.ts';
