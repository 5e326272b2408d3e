// Buffers ground-truth rows and writes them beside the ledger, one transaction per block.
import type { Db } from '../../chain/store/open.ts';
import { TRUTH_INDEXES_SQL, TRUTH_TABLES_SQL } from './schema.ts';
import type { AddressRole, EntityKind, TxIntent } from './types.ts';

export interface TxTruth {
  intent: TxIntent;
  entityId?: number;
  trailId?: string;
  hop?: number;
  attrs?: Record<string, unknown>;
}

export class TruthWriter {
  private readonly st;
  private nextEntity = 1;
  private nextEvent = 1;
  private txRows: Array<[number, string, number | null, number, string | null, number | null, string]> = [];
  private addressRows: Array<[number, number, number, string]> = [];

  constructor(private readonly db: Db) {
    db.exec(TRUTH_TABLES_SQL);
    this.st = {
      entity: db.prepare('INSERT INTO gt_entities (id, kind, name, parent_id, attrs) VALUES (?, ?, ?, ?, ?)'),
      entityAttrs: db.prepare('UPDATE gt_entities SET attrs = ? WHERE id = ?'),
      wallet: db.prepare('INSERT INTO gt_wallets (id, entity_id, label, address_kind) VALUES (?, ?, ?, ?)'),
      address: db.prepare('INSERT OR IGNORE INTO gt_addresses (address_id, wallet_id, key_index, role) VALUES (?, ?, ?, ?)'),
      tx: db.prepare('INSERT INTO gt_txs (tx_id, intent, entity_id, change_vout, trail_id, hop, attrs) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      trail: db.prepare(
        `INSERT INTO gt_trails (id, typology, actor_id, end_entity_id, params, summary) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET end_entity_id = excluded.end_entity_id, summary = excluded.summary`,
      ),
      account: db.prepare('INSERT INTO gt_exchange_accounts (exchange_id, account, entity_id, full_name, attrs) VALUES (?, ?, ?, ?, ?)'),
      event: db.prepare('INSERT INTO gt_events (id, kind, time, height, entity_id, attrs) VALUES (?, ?, ?, ?, ?, ?)'),
    };
  }

  entity(kind: EntityKind, name: string, parentId: number | null = null, attrs: Record<string, unknown> = {}): number {
    const id = this.nextEntity++;
    this.st.entity.run(id, kind, name, parentId, JSON.stringify(attrs));
    return id;
  }

  setEntityAttrs(id: number, attrs: Record<string, unknown>): void {
    this.st.entityAttrs.run(JSON.stringify(attrs), id);
  }

  wallet(id: number, entityId: number, label: string, addressKind: string): void {
    this.st.wallet.run(id, entityId, label, addressKind);
  }

  account(exchangeId: number, account: string, entityId: number, fullName: string, attrs: Record<string, unknown> = {}): void {
    this.st.account.run(exchangeId, account, entityId, fullName, JSON.stringify(attrs));
  }

  event(kind: string, time: number, height: number, entityId: number | null, attrs: Record<string, unknown> = {}): void {
    this.st.event.run(this.nextEvent++, kind, time, height, entityId, JSON.stringify(attrs));
  }

  trail(id: string, typology: string, actorId: number | null, endEntityId: number | null, params: unknown, summary: unknown = {}): void {
    this.st.trail.run(id, typology, actorId, endEntityId, JSON.stringify(params ?? {}), JSON.stringify(summary ?? {}));
  }

  address(addressId: number, walletId: number, keyIndex: number, role: AddressRole): void {
    this.addressRows.push([addressId, walletId, keyIndex, role]);
  }

  tx(txId: number, t: TxTruth, changeVout: number): void {
    this.txRows.push([txId, t.intent, t.entityId ?? null, changeVout, t.trailId ?? null, t.hop ?? null, t.attrs ? JSON.stringify(t.attrs) : '{}']);
  }

  flush(): void {
    if (this.txRows.length === 0 && this.addressRows.length === 0) return;
    const txRows = this.txRows;
    const addressRows = this.addressRows;
    this.txRows = [];
    this.addressRows = [];
    this.db.transaction(() => {
      for (const r of addressRows) this.st.address.run(...r);
      for (const r of txRows) this.st.tx.run(...r);
    })();
  }

  finish(): void {
    this.flush();
    this.db.exec(TRUTH_INDEXES_SQL);
  }
}
