// The answer key for the sites the lab plants: phishing clones, vendor shops and scam shops, one
// row per onion address with what makes it what it is (the evidence a trainee should find). The
// table is ground truth (gt_): no trainee-facing page reads it; instructors and graded cases do.
// It is written beside the world's own ground truth when the world database is writable, else in
// the lab's database, and rewritten on every start (the sites are a pure function of the world).
import type { Db } from '../../../chain/store/open.ts';

export const PLANTED_SITES_SQL = `
CREATE TABLE IF NOT EXISTS gt_planted_sites (
  onion       TEXT PRIMARY KEY,        -- 56 characters, no ".onion"
  kind        TEXT NOT NULL,           -- phishing-clone | vendor-shop | scam-vendor-shop
  ref         TEXT NOT NULL,           -- who runs it: 'trail:clone/phisher', 'market:silkway/vendor:3', …
  real_onion  TEXT,                    -- the site it imitates or belongs to (the real market)
  title       TEXT NOT NULL,
  evidence    TEXT NOT NULL DEFAULT '{}'  -- JSON: what gives it away (or proves it genuine)
);
`;

export type PlantedKind = 'phishing-clone' | 'vendor-shop' | 'scam-vendor-shop';

export interface PlantedSite {
  onion: string;
  kind: PlantedKind;
  ref: string;
  realOnion: string | null;
  title: string;
  evidence: Record<string, unknown>;
}

/** Where the answer key goes: the world database unless it is read-only. */
export function plantedDb(worldDb: Db, labDb: Db): Db {
  return worldDb.readonly ? labDb : worldDb;
}

export function recordPlantedSite(db: Db, site: PlantedSite): void {
  db.exec(PLANTED_SITES_SQL);
  db.prepare('INSERT OR REPLACE INTO gt_planted_sites (onion, kind, ref, real_onion, title, evidence) VALUES (?, ?, ?, ?, ?, ?)').run(
    site.onion,
    site.kind,
    site.ref,
    site.realOnion,
    site.title,
    JSON.stringify(site.evidence),
  );
}

/** Every planted site recorded in `db`, in address order. */
export function plantedSites(db: Db): PlantedSite[] {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'gt_planted_sites'").get();
  if (!exists) return [];
  return (db.prepare('SELECT onion, kind, ref, real_onion, title, evidence FROM gt_planted_sites ORDER BY onion').all() as {
    onion: string; kind: PlantedKind; ref: string; real_onion: string | null; title: string; evidence: string;
  }[]).map((r) => ({ onion: r.onion, kind: r.kind, ref: r.ref, realOnion: r.real_onion, title: r.title, evidence: JSON.parse(r.evidence) as Record<string, unknown> }));
}
