// The mining pools a world's live blocks pay; stored with the ledger so a restarted lab keeps them.
import type { Ledger } from './ledger.ts';
import type { MiningPool } from './producer.ts';
import { getMeta, setMeta } from './store/open.ts';
import { bytesToHex, hexToBytes } from './bytes.ts';

export function savePools(ledger: Ledger, pools: MiningPool[]): void {
  setMeta(ledger.db, 'pools', JSON.stringify(pools.map((p) => ({ tag: p.tag, payTo: bytesToHex(p.payTo), weight: p.weight }))));
}

export function loadPools(ledger: Ledger): MiningPool[] {
  const raw = getMeta(ledger.db, 'pools');
  if (!raw) throw new Error('this ledger names no mining pools, so it cannot mine live blocks');
  return (JSON.parse(raw) as { tag: string; payTo: string; weight: number }[]).map((p) => ({
    tag: p.tag,
    payTo: hexToBytes(p.payTo),
    weight: p.weight,
  }));
}
