// Hidden ground truth of a generated world, stored beside the ledger in the same SQLite file.
// Every table starts with gt_: no trainee-facing query reads them (chain/store/reader.ts never
// does), and the lab serves them only to instructors. Keys are the ledger's surrogate ids
// (addresses.id, txs.id) so that truth joins cheaply to the chain.

export const TRUTH_SCHEMA_VERSION = 1;

export const TRUTH_TABLES_SQL = `
-- Who exists: markets, vendors, buyers, exchanges, mixers, users, … (fictional).
CREATE TABLE IF NOT EXISTS gt_entities (
  id        INTEGER PRIMARY KEY,
  kind      TEXT NOT NULL,     -- see EntityKind in sim/truth/types.ts
  name      TEXT NOT NULL,     -- display name or handle (fictional)
  parent_id INTEGER,           -- e.g. a vendor's market, an exchange customer's exchange
  attrs     TEXT NOT NULL DEFAULT '{}'  -- JSON: opsec level, language, country, …
);

-- Wallets: one key-derivation wallet number each (chain/keys.ts), owned by one entity.
CREATE TABLE IF NOT EXISTS gt_wallets (
  id           INTEGER PRIMARY KEY,  -- the KeyDeriver wallet number
  entity_id    INTEGER NOT NULL,
  label        TEXT NOT NULL,        -- hot, cold, deposit, escrow, personal, pool, …
  address_kind TEXT NOT NULL
);

-- Every address the world created, with its owner and why it exists.
CREATE TABLE IF NOT EXISTS gt_addresses (
  address_id INTEGER PRIMARY KEY,    -- addresses.id
  wallet_id  INTEGER NOT NULL,
  key_index  INTEGER NOT NULL,
  role       TEXT NOT NULL           -- receive, change, deposit, escrow, payout, coinbase, …
);

-- Why each transaction happened.
CREATE TABLE IF NOT EXISTS gt_txs (
  tx_id       INTEGER PRIMARY KEY,   -- txs.id
  intent      TEXT NOT NULL,         -- see TxIntent in sim/truth/types.ts
  entity_id   INTEGER,               -- who initiated it
  change_vout INTEGER,               -- the change output, if any (-1 none)
  trail_id    TEXT,                  -- planted trail this tx belongs to, if any
  hop         INTEGER,               -- position in that trail (0-based)
  attrs       TEXT NOT NULL DEFAULT '{}'
);

-- Planted trails (typologies placed on an actor), which cases point at.
CREATE TABLE IF NOT EXISTS gt_trails (
  id             TEXT PRIMARY KEY,
  typology       TEXT NOT NULL,      -- peel_chain, fan_in, mixer_pass, …
  actor_id       INTEGER,            -- the entity the typology was placed on
  end_entity_id  INTEGER,            -- where the money ends (e.g. the cash-out exchange)
  params         TEXT NOT NULL DEFAULT '{}',
  summary        TEXT NOT NULL DEFAULT '{}'  -- JSON: start/end txids, amounts, hop count
);

-- Exchange customer records (KYC), answered to a trainee's records request in a later issue.
CREATE TABLE IF NOT EXISTS gt_exchange_accounts (
  exchange_id INTEGER NOT NULL,
  account     TEXT NOT NULL,
  entity_id   INTEGER NOT NULL,      -- the customer
  full_name   TEXT NOT NULL,
  attrs       TEXT NOT NULL DEFAULT '{}',  -- JSON: date of birth, city, phone, id document (all fictional)
  PRIMARY KEY (exchange_id, account)
);

-- World events: exit scams, seizures, hacks, vendor exits, migrations.
CREATE TABLE IF NOT EXISTS gt_events (
  id        INTEGER PRIMARY KEY,
  kind      TEXT NOT NULL,
  time      INTEGER NOT NULL,
  height    INTEGER NOT NULL,
  entity_id INTEGER,
  attrs     TEXT NOT NULL DEFAULT '{}'
);
`;

export const TRUTH_INDEXES_SQL = `
CREATE INDEX IF NOT EXISTS gt_wallets_entity ON gt_wallets(entity_id);
CREATE INDEX IF NOT EXISTS gt_addresses_wallet ON gt_addresses(wallet_id);
CREATE INDEX IF NOT EXISTS gt_txs_trail ON gt_txs(trail_id, hop) WHERE trail_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS gt_txs_intent ON gt_txs(intent);
CREATE INDEX IF NOT EXISTS gt_entities_kind ON gt_entities(kind);
`;
