// What the forum's regulars know about the world: the markets and their public addresses, when the
// world began and where it is now, and the public side of its events — a market's "maintenance"
// notice, a seizure banner, a hack, vendors who stopped shipping or moved elsewhere — read from
// gt_events and the status flags events leave on market entities. Only what a forum could know is
// taken: dates, handles, banner text; never who stands behind an entity.
import type { Db } from '../../../chain/store/open.ts';
import { getMeta } from '../../../chain/store/open.ts';

export interface WorldEvent {
  id: number;
  kind: string;
  /** The event module's phase ('freeze', 'sweep', 'seizure', 'selective_scam', …). */
  phase: string | null;
  time: number;
  height: number;
  entityId: number | null;
  attrs: Record<string, unknown>;
}

/** Status flags the events left on a market entity (sim/events). */
export interface MarketStatus {
  status: string | null;
  noticeSince: number | null;
  exitAt: number | null;
  seizedAt: number | null;
  hackedAt: number | null;
  banner: { agency: string; country: string } | null;
}

function parseJson(text: unknown): Record<string, unknown> {
  try {
    const v = JSON.parse(String(text ?? '{}'));
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function hasTable(db: Db, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** Every event of the world up to `until` (unix seconds), in order. */
export function worldEvents(db: Db, until = Number.MAX_SAFE_INTEGER): WorldEvent[] {
  if (!hasTable(db, 'gt_events')) return [];
  const rows = db.prepare('SELECT id, kind, time, height, entity_id, attrs FROM gt_events WHERE time <= ? ORDER BY time, id').all(until) as {
    id: number; kind: string; time: number; height: number; entity_id: number | null; attrs: string;
  }[];
  return rows.map((r) => {
    const attrs = parseJson(r.attrs);
    return { id: r.id, kind: r.kind, phase: typeof attrs.phase === 'string' ? attrs.phase : null, time: r.time, height: r.height, entityId: r.entity_id, attrs };
  });
}

export function marketStatus(db: Db, entityId: number): MarketStatus {
  const row = hasTable(db, 'gt_entities') ? (db.prepare('SELECT attrs FROM gt_entities WHERE id = ?').get(entityId) as { attrs: string } | undefined) : undefined;
  const a = parseJson(row?.attrs);
  const banner = a.banner && typeof a.banner === 'object' ? (a.banner as Record<string, unknown>) : null;
  return {
    status: typeof a.status === 'string' ? a.status : null,
    noticeSince: num(a.noticeSince),
    exitAt: num(a.exitAt),
    seizedAt: num(a.seizedAt),
    hackedAt: num(a.hackedAt),
    banner: banner ? { agency: String(banner.agency ?? ''), country: String(banner.country ?? '') } : null,
  };
}

/** When the world's activity began (its start date at 00:00 UTC), or the first stored block's time. */
export function worldStart(db: Db): number {
  try {
    const meta = JSON.parse(getMeta(db, 'world') ?? '{}') as { options?: { startDate?: string } };
    const day = Date.parse(`${meta.options?.startDate ?? ''}T00:00:00Z`);
    if (Number.isFinite(day)) return day / 1000;
  } catch {
    // fall through to the chain
  }
  const first = db.prepare('SELECT MIN(time) AS t FROM blocks').get() as { t: number | null };
  return first.t ?? 0;
}
