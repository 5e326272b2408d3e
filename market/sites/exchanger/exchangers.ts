// The world's instant exchangers ("obmenniki") as their own sites know themselves: name, fee,
// language, and the hot and deposit wallets the exchanger runs (gt_wallets), which its site needs
// to quote reserves and hand out deposit addresses.
import type { Db } from '../../../chain/store/open.ts';
import type { AddressKind } from '../../../chain/types.ts';

function parseJson(text: unknown): Record<string, unknown> {
  try {
    const v = JSON.parse(String(text ?? '{}'));
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export interface InstantExchangerInfo {
  entityId: number;
  /** 'bystrokoin' */
  id: string;
  name: string;
  fee: number;
  language: 'en' | 'ru';
  /** gt_wallets ids and address kinds of its hot and deposit wallets. */
  hotWallet: { id: number; kind: AddressKind } | null;
  depositWallet: { id: number; kind: AddressKind } | null;
}

/** The world's instant exchangers ("obmenniki"), in the order the world made them. */
export function instantExchangers(db: Db): InstantExchangerInfo[] {
  const tables = db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('gt_entities', 'gt_wallets')").get() as { n: number };
  if (tables.n < 2) return [];
  const rows = db.prepare("SELECT id, name, attrs FROM gt_entities WHERE kind = 'instant_exchanger' ORDER BY id").all() as { id: number; name: string; attrs: string }[];
  const wallet = db.prepare('SELECT id, address_kind FROM gt_wallets WHERE entity_id = ? AND label = ? ORDER BY id LIMIT 1');
  return rows.flatMap((r) => {
    const a = parseJson(r.attrs);
    if (typeof a.id !== 'string' || !/^[a-z0-9-]{2,30}$/.test(a.id)) return [];
    const w = (label: string) => {
      const x = wallet.get(r.id, label) as { id: number; address_kind: AddressKind } | undefined;
      return x ? { id: x.id, kind: x.address_kind } : null;
    };
    return [{ entityId: r.id, id: a.id, name: r.name, fee: typeof a.fee === 'number' ? a.fee : 0.05, language: a.language === 'ru' ? 'ru' : 'en', hotWallet: w('hot'), depositWallet: w('deposit') }];
  });
}
