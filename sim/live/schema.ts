// The live world's own tables, beside the ledger and the ground truth in the world's SQLite file.
// They hold what happens after generation, while the lab is served: keys handed out, trainees'
// lab wallets, live market orders and every transaction the live world made. Like the gt_* tables
// they are never read by trainee-facing chain queries (chain/store/reader.ts).

export const LIVE_TABLES_SQL = `
CREATE TABLE IF NOT EXISTS lab_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- Every key the live world handed out, of any wallet (world or lab): key indexes continue above
-- everything the generated world used, so a live address never collides with a world address.
CREATE TABLE IF NOT EXISTS live_keys (
  wallet_id      INTEGER NOT NULL,      -- gt_wallets.id / KeyDeriver wallet number
  key_index      INTEGER NOT NULL,
  role           TEXT NOT NULL,         -- receive, change, deposit, escrow, hot, payout
  address        TEXT NOT NULL UNIQUE,
  script         BLOB NOT NULL,
  address_id     INTEGER,               -- addresses.id once the chain has seen it
  created_height INTEGER NOT NULL,
  PRIMARY KEY (wallet_id, key_index)
) WITHOUT ROWID;

-- One lab wallet per trainee (owner), in the reserved wallet range (LAB_WALLET_BASE + n).
CREATE TABLE IF NOT EXISTS lab_wallets (
  owner_id        TEXT PRIMARY KEY,
  wallet_id       INTEGER NOT NULL UNIQUE,
  entity_id       INTEGER NOT NULL,      -- gt_entities.id (kind 'lab')
  created_height  INTEGER NOT NULL,
  allowance_txid  TEXT                   -- the one allowance it was granted, if any
);

-- Orders placed live on the world's markets (by trainees, through the market sites).
CREATE TABLE IF NOT EXISTS live_orders (
  id                TEXT PRIMARY KEY,
  market_id         TEXT NOT NULL,       -- 'silkway'
  market_entity_id  INTEGER NOT NULL,
  model             TEXT NOT NULL,       -- escrow | shop
  vendor_entity_id  INTEGER NOT NULL,
  listing_id        TEXT NOT NULL,
  quantity          INTEGER NOT NULL,
  amount_usd        REAL NOT NULL,
  amount_sats       INTEGER NOT NULL,
  commission_sats   INTEGER NOT NULL,
  finalize_early    INTEGER NOT NULL,
  buyer_ref         TEXT NOT NULL,       -- who placed it, as the caller names them ('site:silkway/account:3')
  deposit_wallet    INTEGER NOT NULL,
  deposit_index     INTEGER NOT NULL,
  deposit_address   TEXT NOT NULL UNIQUE,
  state             TEXT NOT NULL,       -- see LiveOrderState in sim/live/orders.ts
  created_at        INTEGER NOT NULL,    -- world time (the tip's)
  created_height    INTEGER NOT NULL,
  expires_at        INTEGER NOT NULL,
  expires_height    INTEGER NOT NULL,
  received_sats     INTEGER NOT NULL DEFAULT 0,
  payment_txid      TEXT,
  paid_height       INTEGER,
  shipped_height    INTEGER,
  klad_height       INTEGER,
  finalized_height  INTEGER,
  finalized_by      TEXT,                -- buyer | auto | early
  release_txid      TEXT,                -- finalize early: the deposit spent straight to the vendor
  sweep_txid        TEXT,
  hold_txid         TEXT,                -- the hot-wallet coin that holds the order's money now
  hold_vout         INTEGER,
  payout_txid       TEXT,
  payout_vout       INTEGER,
  history           TEXT NOT NULL DEFAULT '[]',
  attrs             TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS live_orders_state ON live_orders(state);
CREATE INDEX IF NOT EXISTS live_orders_buyer ON live_orders(buyer_ref);

-- Every transaction the live world made, and why (gt_txs holds the same intent for the instructor).
CREATE TABLE IF NOT EXISTS live_txs (
  txid        TEXT PRIMARY KEY,          -- display hex
  tx_id       INTEGER NOT NULL,          -- txs.id
  intent      TEXT NOT NULL,
  wallet_id   INTEGER NOT NULL,          -- the paying wallet
  entity_id   INTEGER,
  order_id    TEXT,
  created_height INTEGER NOT NULL,
  attrs       TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS live_txs_order ON live_txs(order_id) WHERE order_id IS NOT NULL;
`;
