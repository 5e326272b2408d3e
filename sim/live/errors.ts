// Why a live-world call was refused: a RangeError (the lab's convention for input an API shows as a
// 400 body) with a one-line message and a code callers can branch on.

export type LiveErrorCode =
  | 'insufficient-funds'
  | 'invalid-address'
  | 'invalid-amount'
  | 'invalid-fee-rate'
  | 'invalid-input'
  | 'unknown-wallet'
  | 'unknown-market'
  | 'unknown-listing'
  | 'unknown-order'
  | 'market-closed'
  | 'order-state'
  | 'allowance-used'
  | 'no-treasury'
  | 'duplicate';

export class LiveError extends RangeError {
  constructor(
    readonly code: LiveErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'LiveError';
  }
}
