// The deposit addresses a phishing clone shows on its order pages: the phisher's own addresses,
// the very ones the world's ground truth lists as swapped in (so a trainee who follows one on the
// chain finds the victims' payments and the phisher's sweep), handed out in turn, as address-swap
// kits cycle through a small pool. When the ground truth lists none, keys of the phisher's
// 'phishing' wallet are derived as the generator would. Each hand-out is kept in the lab's table
// with the tip height at that moment, so an order counts only payments made after it was placed.
import type { Db } from '../../../chain/store/open.ts';
import { KeyDeriver, outputFor } from '../../../chain/keys.ts';
import { scriptToAddress } from '../../../chain/address.ts';
import type { AddressKind } from '../../../chain/types.ts';
import type { AddressPayment, ChainView } from '../kit/chain.ts';
import type { DepositAddress } from '../kit/deposits.ts';
import type { PhishingClonePlan } from './clones.ts';

export const PHISHING_DEPOSITS_SQL = `
CREATE TABLE IF NOT EXISTS lab_phishing_deposits (
  onion         TEXT NOT NULL,
  seq           INTEGER NOT NULL,
  address       TEXT NOT NULL,
  wallet_id     INTEGER NOT NULL,
  key_index     INTEGER NOT NULL,
  order_id      TEXT,
  issued_height INTEGER NOT NULL,
  created_at    INTEGER NOT NULL,
  PRIMARY KEY (onion, seq)
);
CREATE INDEX IF NOT EXISTS lab_phishing_deposits_address ON lab_phishing_deposits(address, issued_height);
`;

/** Keys of the phishing wallet to derive when the ground truth lists no swapped address. */
const FALLBACK_POOL = 12;

export class PhishingDeposits {
  private readonly st;
  private readonly pool: { address: string; keyIndex: number }[];

  constructor(
    worldDb: Db,
    labDb: Db,
    seed: string,
    private readonly plan: PhishingClonePlan,
    private readonly chain: ChainView,
  ) {
    labDb.exec(PHISHING_DEPOSITS_SQL);
    this.st = {
      count: labDb.prepare('SELECT COUNT(*) AS n FROM lab_phishing_deposits WHERE onion = ?'),
      insert: labDb.prepare('INSERT INTO lab_phishing_deposits (onion, seq, address, wallet_id, key_index, order_id, issued_height, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      issuedAt: labDb.prepare('SELECT MAX(issued_height) AS h FROM lab_phishing_deposits WHERE onion = ? AND address = ?'),
    };
    this.pool = plan.addresses.length ? this.fromTruth(worldDb, plan.addresses) : this.derive(seed, plan.walletId, plan.walletKind);
    if (this.pool.length === 0) throw new RangeError(`phishing clone ${plan.trailId} has no swapped addresses and no phishing wallet`);
  }

  /** Key indexes of the listed addresses, where the chain saw them (-1 for an address never paid). */
  private fromTruth(db: Db, addresses: string[]): { address: string; keyIndex: number }[] {
    const keyOf = db.prepare('SELECT g.key_index AS k FROM addresses a JOIN gt_addresses g ON g.address_id = a.id WHERE a.address = ?');
    return addresses.map((address) => ({ address, keyIndex: (keyOf.get(address) as { k: number } | undefined)?.k ?? -1 }));
  }

  private derive(seed: string, walletId: number | null, kind: AddressKind | null): { address: string; keyIndex: number }[] {
    if (walletId === null) return [];
    const deriver = new KeyDeriver(seed);
    const out: { address: string; keyIndex: number }[] = [];
    for (let i = 0; i < FALLBACK_POOL; i++) {
      const address = scriptToAddress(outputFor(kind ?? 'p2pkh', deriver.key(walletId, i)).script, this.chain.network);
      if (address) out.push({ address, keyIndex: i });
    }
    return out;
  }

  /** The addresses the clone hands out, in turn. */
  addresses(): string[] {
    return this.pool.map((p) => p.address);
  }

  /** The next address of the pool for an order, recorded with the tip height. */
  next(orderId: string | null): DepositAddress {
    const seq = (this.st.count.get(this.plan.onion) as { n: number }).n;
    const pick = this.pool[seq % this.pool.length];
    const tip = this.chain.tip()?.height ?? 0;
    this.st.insert.run(this.plan.onion, seq, pick.address, this.plan.walletId ?? -1, pick.keyIndex, orderId, tip, this.chain.now());
    return { address: pick.address, walletId: this.plan.walletId ?? -1, keyIndex: pick.keyIndex, kind: this.plan.walletKind ?? 'p2pkh' };
  }

  /** Payments to `address` made after the clone last handed it out (earlier ones were other victims'). */
  paymentsSinceIssued(address: string, payments: AddressPayment[]): AddressPayment[] {
    const issued = (this.st.issuedAt.get(this.plan.onion, address) as { h: number | null }).h;
    if (issued === null) return payments;
    return payments.filter((p) => p.height === null || p.height > issued);
  }
}
