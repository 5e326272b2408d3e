// Reading planted trails back out of a generated world: each trail's transactions with their
// inputs and outputs, the wallets and entities behind the addresses (ground truth), and the
// public links between hops.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ledger } from '../../chain/ledger.ts';
import { reverseHex } from '../../chain/bytes.ts';
import type { WorldOptionsInput } from '../../sim/options.ts';

export const tmpWorld = (): string => join(mkdtempSync(join(tmpdir(), 'onion-trails-')), 'world.sqlite');

/** A small world: exchanges, the default services, a few hundred people; no markets unless asked. */
export const SMALL_WORLD: WorldOptionsInput = {
  days: 5,
  warmupBlocks: 110,
  background: { users: 200, paymentsPerDay: 80, purchasesPerDay: 50, salesPerDay: 20 },
  markets: [],
};

export interface Out {
  vout: number;
  value: number;
  addressId: number;
  address: string | null;
  spentBy: number | null;
  walletId: number | null;
  entityId: number | null;
}

export interface In {
  prevTx: number;
  vout: number;
  value: number;
  addressId: number;
  walletId: number | null;
  entityId: number | null;
}

export interface TrailTx {
  id: number;
  txid: string;
  hop: number;
  intent: string;
  entityId: number | null;
  height: number;
  inputs: In[];
  outputs: Out[];
}

export interface TrailRow {
  id: string;
  typology: string;
  actorId: number;
  endEntityId: number | null;
  params: Record<string, unknown>;
  summary: Record<string, any>;
}

export class WorldReader {
  readonly ledger: Ledger;

  constructor(file: string) {
    this.ledger = Ledger.open(file, { readonly: true });
  }

  close(): void {
    this.ledger.close();
  }

  all<T>(sql: string, ...args: unknown[]): T[] {
    return this.ledger.db.prepare(sql).all(...args) as T[];
  }

  one<T>(sql: string, ...args: unknown[]): T {
    return this.ledger.db.prepare(sql).get(...args) as T;
  }

  trail(id: string): TrailRow {
    const r = this.one<{ id: string; typology: string; actor_id: number; end_entity_id: number | null; params: string; summary: string } | undefined>('SELECT * FROM gt_trails WHERE id = ?', id);
    if (!r) throw new Error(`no gt_trails row ${id}`);
    return { id: r.id, typology: r.typology, actorId: r.actor_id, endEntityId: r.end_entity_id, params: JSON.parse(r.params), summary: JSON.parse(r.summary) };
  }

  /** The trail's transactions in hop order (then chain order). */
  trailTxs(id: string): TrailTx[] {
    const rows = this.all<{ tx_id: number; txid: Uint8Array; hop: number; intent: string; entity_id: number | null; height: number }>(
      `SELECT g.tx_id, t.txid, g.hop, g.intent, g.entity_id, t.block_height AS height FROM gt_txs g JOIN txs t ON t.id = g.tx_id
       WHERE g.trail_id = ? ORDER BY g.hop, t.block_height, t.block_pos`,
      id,
    );
    return rows.map((r) => this.tx(r.tx_id, { hop: r.hop, intent: r.intent, entityId: r.entity_id, height: r.height, txid: reverseHex(new Uint8Array(r.txid)) }));
  }

  tx(id: number, head?: Omit<TrailTx, 'id' | 'inputs' | 'outputs'>): TrailTx {
    const h =
      head ??
      (() => {
        const r = this.one<{ txid: Uint8Array; height: number; hop: number | null; intent: string; entity_id: number | null }>(
          'SELECT t.txid, t.block_height AS height, g.hop, g.intent, g.entity_id FROM txs t JOIN gt_txs g ON g.tx_id = t.id WHERE t.id = ?',
          id,
        );
        return { txid: reverseHex(new Uint8Array(r.txid)), height: r.height, hop: r.hop ?? -1, intent: r.intent, entityId: r.entity_id };
      })();
    const owner = `LEFT JOIN gt_addresses ga ON ga.address_id = o.address_id LEFT JOIN gt_wallets w ON w.id = ga.wallet_id`;
    const outputs = this.all<{ vout: number; value: number; address_id: number; address: string | null; spent_tx_id: number | null; wallet_id: number | null; entity_id: number | null }>(
      `SELECT o.vout, o.value, o.address_id, a.address, o.spent_tx_id, ga.wallet_id, w.entity_id FROM outputs o JOIN addresses a ON a.id = o.address_id ${owner} WHERE o.tx_id = ? ORDER BY o.vout`,
      id,
    ).map((o) => ({ vout: o.vout, value: o.value, addressId: o.address_id, address: o.address, spentBy: o.spent_tx_id, walletId: o.wallet_id, entityId: o.entity_id }));
    const inputs = this.all<{ tx_id: number; vout: number; value: number; address_id: number; wallet_id: number | null; entity_id: number | null }>(
      `SELECT o.tx_id, o.vout, o.value, o.address_id, ga.wallet_id, w.entity_id FROM outputs o ${owner} WHERE o.spent_tx_id = ? ORDER BY o.spent_vin`,
      id,
    ).map((i) => ({ prevTx: i.tx_id, vout: i.vout, value: i.value, addressId: i.address_id, walletId: i.wallet_id, entityId: i.entity_id }));
    return { id, ...h, inputs, outputs };
  }

  entity(id: number): { id: number; kind: string; name: string; parentId: number | null; attrs: Record<string, any> } {
    const r = this.one<{ id: number; kind: string; name: string; parent_id: number | null; attrs: string }>('SELECT * FROM gt_entities WHERE id = ?', id);
    return { id: r.id, kind: r.kind, name: r.name, parentId: r.parent_id, attrs: JSON.parse(r.attrs) };
  }

  /** Wallet ids of an entity by label. */
  wallets(entityId: number): { id: number; label: string; kind: string }[] {
    return this.all('SELECT id, label, address_kind AS kind FROM gt_wallets WHERE entity_id = ? ORDER BY id', entityId);
  }

  hasKycAccount(exchangeEntityId: number, customerId: number): boolean {
    return this.one<{ n: number }>('SELECT COUNT(*) AS n FROM gt_exchange_accounts WHERE exchange_id = ? AND entity_id = ?', exchangeEntityId, customerId).n > 0;
  }
}

/** Every trail tx after the first hop spends an output of an earlier hop of the same trail. */
export function linkedHops(txs: TrailTx[]): boolean {
  const ids = new Map(txs.map((t) => [t.id, t.hop]));
  const first = Math.min(...txs.map((t) => t.hop));
  return txs.every((t) => t.hop === first || t.inputs.some((i) => ids.has(i.prevTx) && ids.get(i.prevTx)! < t.hop));
}
