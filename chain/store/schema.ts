// SQLite layout of one world's ledger. Integer surrogate keys everywhere: 32-byte hashes are
// looked up once (by unique index) and never used to join, which keeps bulk loads fast.
// Secondary indexes are created by `createIndexes` after a bulk load, not before it.
//
// Tables whose names start with `gt_` hold hidden ground truth (owners, intents); they belong to
// the world simulator and no trainee-facing query may read them.

/** `address_txs.height` of a transaction still in the mempool; sorts above every real height. */
export const MEMPOOL_HEIGHT = 2147483647;

export const SCHEMA_VERSION = 1;

export const TABLES_SQL = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- One row per block in the stored range (the world starts at a height > 0; earlier blocks are not stored).
CREATE TABLE IF NOT EXISTS blocks (
  height      INTEGER PRIMARY KEY,
  hash        BLOB    NOT NULL,   -- internal byte order
  header      BLOB    NOT NULL,   -- the 80 bytes, served as-is
  time        INTEGER NOT NULL,
  median_time INTEGER NOT NULL,
  tx_count    INTEGER NOT NULL,
  size        INTEGER NOT NULL,
  weight      INTEGER NOT NULL,
  total_fee   INTEGER NOT NULL    -- a block's txs are found through txs(block_height, block_pos)
);

CREATE TABLE IF NOT EXISTS txs (
  id           INTEGER PRIMARY KEY,
  txid         BLOB    NOT NULL,  -- internal byte order
  block_height INTEGER,           -- NULL while in the mempool
  block_pos    INTEGER,           -- index within the block
  raw          BLOB    NOT NULL,  -- full serialisation with witness, served as-is
  size         INTEGER NOT NULL,
  weight       INTEGER NOT NULL,
  fee          INTEGER NOT NULL,  -- 0 for coinbase
  first_seen   INTEGER NOT NULL   -- unix seconds it entered the mempool (block time when mined directly)
);

-- Every distinct output script, with its address when it has one.
CREATE TABLE IF NOT EXISTS addresses (
  id         INTEGER PRIMARY KEY,
  script     BLOB NOT NULL,
  address    TEXT,               -- NULL for OP_RETURN and other address-less scripts
  type       TEXT NOT NULL,      -- Esplora's scriptpubkey_type
  scripthash BLOB NOT NULL       -- sha256(script); Esplora shows it as plain hex (only Electrum's protocol reverses it)
);

CREATE TABLE IF NOT EXISTS outputs (
  tx_id       INTEGER NOT NULL,
  vout        INTEGER NOT NULL,
  value       INTEGER NOT NULL,
  address_id  INTEGER NOT NULL,
  spent_tx_id INTEGER,           -- NULL while unspent (a mempool spend counts as spent); with
  spent_vin   INTEGER,           -- spent_vin it is also how a tx's inputs find their prevouts
  PRIMARY KEY (tx_id, vout)
) WITHOUT ROWID;

-- Address history: one row per (address, tx) that funds or spends it.
-- Ordered by (height, pos); a mempool tx has height = MEMPOOL_HEIGHT and pos = its txs.id.
CREATE TABLE IF NOT EXISTS address_txs (
  address_id INTEGER NOT NULL,
  height     INTEGER NOT NULL,
  pos        INTEGER NOT NULL,
  tx_id      INTEGER NOT NULL,
  PRIMARY KEY (address_id, height, pos)
) WITHOUT ROWID;
`;

export const INDEXES_SQL = `
CREATE UNIQUE INDEX IF NOT EXISTS blocks_hash ON blocks(hash);
CREATE UNIQUE INDEX IF NOT EXISTS txs_txid ON txs(txid);
CREATE INDEX IF NOT EXISTS txs_block ON txs(block_height, block_pos);
CREATE UNIQUE INDEX IF NOT EXISTS addresses_script ON addresses(script);
CREATE INDEX IF NOT EXISTS addresses_address ON addresses(address) WHERE address IS NOT NULL;
CREATE INDEX IF NOT EXISTS addresses_scripthash ON addresses(scripthash);
CREATE INDEX IF NOT EXISTS outputs_address ON outputs(address_id, spent_tx_id, value);
CREATE INDEX IF NOT EXISTS outputs_spender ON outputs(spent_tx_id, spent_vin) WHERE spent_tx_id IS NOT NULL;
`;
