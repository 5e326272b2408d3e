// Opens a world's ledger file with the settings every process uses.
import Database from 'better-sqlite3';
import { INDEXES_SQL, SCHEMA_VERSION, TABLES_SQL } from './schema.ts';

export type Db = Database.Database;

export function openDb(file: string, opts: { create: boolean; readonly?: boolean }): Db {
  const db = new Database(file, { fileMustExist: !opts.create, readonly: opts.readonly ?? false });
  if (!opts.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('cache_size = -65536'); // 64 MiB page cache
  db.pragma('temp_store = MEMORY');
  if (opts.create) {
    db.exec(TABLES_SQL);
    db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('schema_version', String(SCHEMA_VERSION));
  } else {
    const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
    if (!row) throw new Error(`${file} is not an Onion Range ledger (no schema_version)`);
    if (Number(row.value) !== SCHEMA_VERSION) {
      throw new Error(`${file} has ledger schema ${row.value}; this version reads schema ${SCHEMA_VERSION}`);
    }
  }
  return db;
}

export function createIndexes(db: Db): void {
  db.exec(INDEXES_SQL);
  // Sampled statistics are enough for the planner and keep ANALYZE from rereading every index.
  db.pragma('analysis_limit = 1000');
  db.exec('ANALYZE');
}

export function getMeta(db: Db, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

export function setMeta(db: Db, key: string, value: string): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}
