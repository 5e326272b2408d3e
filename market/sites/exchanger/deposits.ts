// Deposit addresses of an exchanger's own deposit wallet for swaps ordered in the lab: the next key
// of that wallet (gt_wallets id, chain/keys.ts KeyDeriver) after every key the world used and every
// address the lab already handed out, so a trainee's payment lands in the same wallet as the
// world's customers' and clusters with them. (The kit's DepositAddresses does the same for a
// market's wallet; an exchanger has no orders table to count from, so the start is the highest key
// index the chain has seen for the wallet.)
import type { Db } from '../../../chain/store/open.ts';
import { KeyDeriver, outputFor } from '../../../chain/keys.ts';
import { scriptToAddress } from '../../../chain/address.ts';
import type { AddressKind } from '../../../chain/types.ts';
import type { ChainView } from '../kit/chain.ts';
import type { DepositAddress } from '../kit/deposits.ts';

export const EXCHANGER_DEPOSITS_SQL = `
CREATE TABLE IF NOT EXISTS lab_exchanger_deposits (
  wallet_id   INTEGER NOT NULL,
  key_index   INTEGER NOT NULL,
  address     TEXT NOT NULL UNIQUE,
  order_id    TEXT,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (wallet_id, key_index)
);
`;

export class WalletDeposits {
  private readonly deriver: KeyDeriver;
  private readonly st;

  constructor(worldDb: Db, labDb: Db, seed: string, private readonly chain: ChainView) {
    labDb.exec(EXCHANGER_DEPOSITS_SQL);
    this.deriver = new KeyDeriver(seed);
    const hasTruth = worldDb.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'gt_addresses'").get() !== undefined;
    this.st = {
      lastSeen: hasTruth ? worldDb.prepare('SELECT MAX(key_index) AS k FROM gt_addresses WHERE wallet_id = ?') : null,
      lastIssued: labDb.prepare('SELECT MAX(key_index) AS k FROM lab_exchanger_deposits WHERE wallet_id = ?'),
      issued: labDb.prepare('SELECT 1 FROM lab_exchanger_deposits WHERE address = ?'),
      insert: labDb.prepare('INSERT INTO lab_exchanger_deposits (wallet_id, key_index, address, order_id, created_at) VALUES (?, ?, ?, ?, ?)'),
    };
  }

  /** Key `index` of wallet `walletId` as an address of `kind`. */
  addressAt(walletId: number, kind: AddressKind, index: number): DepositAddress {
    const address = scriptToAddress(outputFor(kind, this.deriver.key(walletId, index)).script, this.chain.network);
    if (!address) throw new Error(`wallet ${walletId} has no address form (${kind})`);
    return { address, walletId, keyIndex: index, kind };
  }

  /** The next unused address of the wallet, recorded as issued (to `orderId` when given). */
  next(walletId: number, kind: AddressKind, orderId: string | null = null): DepositAddress {
    const seen = this.st.lastSeen ? (this.st.lastSeen.get(walletId) as { k: number | null }).k : null;
    const lab = (this.st.lastIssued.get(walletId) as { k: number | null }).k;
    let index = Math.max(seen === null ? 0 : seen + 1, lab === null ? 0 : lab + 1);
    for (;;) {
      const candidate = this.addressAt(walletId, kind, index);
      if (!this.chain.addressUsed(candidate.address) && !this.st.issued.get(candidate.address)) {
        this.st.insert.run(walletId, index, candidate.address, orderId, this.chain.now());
        return candidate;
      }
      index++;
    }
  }
}
