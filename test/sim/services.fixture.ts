// A small world with the services and no markets, built the way sim/world.ts builds one, so that
// tests can call the services' APIs with known inputs on the simulated clock and then read the
// chain and the ground truth.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ledger } from '../../chain/ledger.ts';
import { parseTx } from '../../chain/tx.ts';
import { reverseHex } from '../../chain/bytes.ts';
import type { Tx } from '../../chain/types.ts';
import { createWorld, type World } from '../../sim/world.ts';
import type { WorldOptionsInput } from '../../sim/options.ts';
import type { Services } from '../../sim/services/index.ts';
import type { SimWallet } from '../../sim/sim-wallet.ts';

export const SERVICE_WORLD: WorldOptionsInput = {
  seed: 'services-test',
  days: 4,
  markets: [],
  background: { users: 400, paymentsPerDay: 250, purchasesPerDay: 100, salesPerDay: 50 },
  coinjoin: { whirlpoolRoundsPerDay: 24, wasabiRoundsPerDay: 4, whirlpoolUsers: 40, wasabiUsers: 120 },
  mixers: [{ id: 'fogbank', name: 'Fogbank Mixer', fee: [0.01, 0.03], delayHours: [2, 30], mixesPerDay: 12 }],
  services: { gambling: [{ id: 'lucky-anchor', name: 'Lucky Anchor Dice', depositsPerDay: 30 }], merchants: 12 },
};

export const tmpFile = (): string => join(mkdtempSync(join(tmpdir(), 'onion-services-')), 'world.sqlite');

export interface ServiceWorld {
  ledger: Ledger;
  world: World;
  services: Services;
  /** A test entity's wallet, funded at an exchange during the warm-up. */
  funded(label: string, btc: number): SimWallet;
}

/**
 * Builds the world, lets `script` schedule API calls (it runs before the first block), runs the
 * world's days and returns the ledger (bulk mode ended; close it when done).
 */
export function runServiceWorld(file: string, input: WorldOptionsInput, script: (w: ServiceWorld) => void = () => {}): ServiceWorld {
  const build = createWorld(input, file);
  const { engine, world } = build;
  const sw: ServiceWorld = {
    ledger: build.ledger,
    world,
    services: build.services,
    funded(label, btc) {
      const entityId = engine.entity('user', label);
      const wallet = engine.wallet(entityId, 'personal', 'p2wpkh');
      for (let i = 0; i < Math.ceil(btc / 5); i++) world.exchangeList[0].withdraw(wallet.freshAddress('receive'), Math.round(Math.min(5, btc - i * 5) * 1e8), { intent: 'background', entityId });
      return wallet;
    },
  };
  script(sw);
  build.run();
  build.finish();
  return sw;
}

export interface TxRow {
  id: number;
  /** Display-order hex. */
  txid: string;
  height: number;
  pos: number;
  intent: string;
  entity: number | null;
  change: number;
  attrs: Record<string, unknown>;
  tx: Tx;
}

/** Every transaction with one of these intents, in chain order, parsed, with its truth. */
export function txsWithIntent(ledger: Ledger, ...intents: string[]): TxRow[] {
  const rows = ledger.db
    .prepare(
      `SELECT t.id, t.txid, t.block_height AS height, t.block_pos AS pos, t.raw, g.intent, g.entity_id AS entity, g.change_vout AS change, g.attrs
       FROM txs t JOIN gt_txs g ON g.tx_id = t.id WHERE g.intent IN (${intents.map(() => '?').join(',')}) ORDER BY t.block_height, t.block_pos`,
    )
    .all(...intents) as { id: number; txid: Uint8Array; height: number; pos: number; raw: Uint8Array; intent: string; entity: number | null; change: number; attrs: string }[];
  return rows.map((r) => ({ id: r.id, txid: reverseHex(new Uint8Array(r.txid)), height: r.height, pos: r.pos, intent: r.intent, entity: r.entity, change: r.change, attrs: JSON.parse(r.attrs), tx: parseTx(new Uint8Array(r.raw)) }));
}

/** Values and owning wallet labels of the outputs a transaction spends. */
export function spentOutputs(ledger: Ledger, txId: number): { value: number; label: string | null; entity: number | null }[] {
  return ledger.db
    .prepare(
      `SELECT o.value, w.label, w.entity_id AS entity FROM outputs o
       LEFT JOIN gt_addresses ga ON ga.address_id = o.address_id LEFT JOIN gt_wallets w ON w.id = ga.wallet_id
       WHERE o.spent_tx_id = ? ORDER BY o.spent_vin`,
    )
    .all(txId) as { value: number; label: string | null; entity: number | null }[];
}

/** Outputs paying this script: value and the transaction's id. */
export function paymentsTo(ledger: Ledger, script: Uint8Array): { value: number; txId: number }[] {
  return ledger.db.prepare('SELECT o.value, o.tx_id AS txId FROM outputs o JOIN addresses a ON a.id = o.address_id WHERE a.script = ?').all(script) as { value: number; txId: number }[];
}
