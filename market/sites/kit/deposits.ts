// Order deposit addresses for orders placed in the lab: the next unused address of the market's
// own deposit wallet, derived from the world seed exactly as the world generator derived the
// world's orders' addresses (chain/keys.ts KeyDeriver, wallet = gt_markets.deposit_wallet, which is
// the gt_wallets id). So a trainee's payment lands in the same wallet as every world buyer's, and
// the market's later sweeps can spend it. Each address is handed out once: the lab records it in
// lab_market_deposits and skips any key the chain has already seen.
import type { Db } from '../../../chain/store/open.ts';
import { KeyDeriver, outputFor } from '../../../chain/keys.ts';
import { scriptToAddress } from '../../../chain/address.ts';
import type { AddressKind } from '../../../chain/types.ts';
import type { ChainView } from './chain.ts';
import type { MarketData, MarketInfo } from './data.ts';

export interface DepositAddress {
  address: string;
  /** gt_wallets.id / KeyDeriver wallet number. */
  walletId: number;
  keyIndex: number;
  kind: AddressKind;
}

const KINDS: readonly AddressKind[] = ['p2pkh', 'p2sh-p2wpkh', 'p2wpkh', 'p2wsh', 'p2tr'];

export class DepositAddresses {
  private readonly deriver: KeyDeriver;
  private readonly st;

  constructor(
    worldDb: Db,
    labDb: Db,
    seed: string,
    private readonly data: MarketData,
    private readonly chain: ChainView,
  ) {
    this.deriver = new KeyDeriver(seed);
    this.st = {
      walletKind: worldDb.prepare('SELECT address_kind FROM gt_wallets WHERE id = ?'),
      lastIssued: labDb.prepare('SELECT MAX(key_index) AS k FROM lab_market_deposits WHERE market_entity_id = ?'),
      issued: labDb.prepare('SELECT 1 FROM lab_market_deposits WHERE address = ?'),
      insert: labDb.prepare('INSERT INTO lab_market_deposits (market_entity_id, key_index, address, order_id, created_at) VALUES (?, ?, ?, ?, ?)'),
    };
  }

  private kindOf(walletId: number): AddressKind {
    const row = this.st.walletKind.get(walletId) as { address_kind: string } | undefined;
    const kind = row?.address_kind as AddressKind | undefined;
    return kind && KINDS.includes(kind) ? kind : 'p2pkh';
  }

  /** Key `index` of the market's deposit wallet as an address. */
  addressAt(market: MarketInfo, index: number): DepositAddress {
    const kind = this.kindOf(market.depositWallet);
    const key = this.deriver.key(market.depositWallet, index);
    const address = scriptToAddress(outputFor(kind, key).script, this.chain.network);
    if (!address) throw new Error(`deposit wallet ${market.depositWallet} of ${market.ref} has no address form (${kind})`);
    return { address, walletId: market.depositWallet, keyIndex: index, kind };
  }

  /**
   * The next unused deposit address of market `marketId` ('silkway'), recorded as issued (to
   * `orderId` when given). The world's orders used keys 0..n-1 of the wallet, one per order in
   * order; the lab continues after them and after anything it issued before.
   */
  next(marketId: string, orderId: string | null = null): DepositAddress {
    const market = this.data.market(marketId);
    if (!market) throw new RangeError(`no market ${JSON.stringify(marketId)} in this world (markets: ${this.data.markets().map((m) => m.id).join(', ') || 'none'})`);
    const world = this.data.orderNumbering(market).count;
    const lab = (this.st.lastIssued.get(market.entityId) as { k: number | null }).k;
    let index = Math.max(world, lab === null ? 0 : lab + 1);
    for (;;) {
      const candidate = this.addressAt(market, index);
      if (!this.chain.addressUsed(candidate.address) && !this.st.issued.get(candidate.address)) {
        this.st.insert.run(market.entityId, index, candidate.address, orderId, this.chain.now());
        return candidate;
      }
      index++;
    }
  }
}
