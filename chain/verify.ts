// Re-derives everything a ledger file claims from its raw bytes: the `chain verify` command and a
// test oracle. It trusts nothing stored except the raw headers and transactions.
import type { Ledger } from './ledger.ts';
import { parseTx, encodeTx, txidHex } from './tx.ts';
import { parseHeader, blockHash } from './block.ts';
import { merkleRoot } from './merkle.ts';
import { blockSubsidy } from './consensus.ts';
import { equalBytes, reverseHex } from './bytes.ts';

export interface VerifyResult {
  blocks: number;
  txs: number;
  problems: string[];
  summary: string;
}

const MAX_PROBLEMS = 50;

export function verifyLedger(ledger: Ledger): VerifyResult {
  const db = ledger.db;
  const problems: string[] = [];
  const report = (p: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };
  const blockTxs = db.prepare('SELECT id, txid, raw, size, weight, fee FROM txs WHERE block_height = ? ORDER BY block_pos');
  const prevout = db.prepare(
    'SELECT o.value, o.spent_tx_id AS spentBy, o.spent_vin AS spentVin FROM txs t JOIN outputs o ON o.tx_id = t.id AND o.vout = ? WHERE t.txid = ?',
  );
  const spentBy = db.prepare('SELECT COUNT(*) AS n FROM outputs WHERE spent_tx_id = ?');
  const outputsOf = db.prepare('SELECT vout, value FROM outputs WHERE tx_id = ? ORDER BY vout');

  let prevHash: Uint8Array | null = null;
  let prevHeight: number | null = null;
  let blockCount = 0;
  let txCount = 0;
  type BlockRow = { height: number; hash: Uint8Array; header: Uint8Array; time: number; tx_count: number; total_fee: number };
  type TxRow = { id: number; txid: Uint8Array; raw: Uint8Array; size: number; weight: number; fee: number };
  for (const b of db.prepare('SELECT height, hash, header, time, tx_count, total_fee FROM blocks ORDER BY height').iterate() as Iterable<BlockRow>) {
    blockCount++;
    const where = `block ${b.height}`;
    if (prevHeight !== null && b.height !== prevHeight + 1) report(`${where}: follows height ${prevHeight}`);
    const header = parseHeader(new Uint8Array(b.header));
    const hash = blockHash(new Uint8Array(b.header));
    if (!equalBytes(hash, new Uint8Array(b.hash))) report(`${where}: stored hash differs from the header's hash ${reverseHex(hash)}`);
    if (prevHash && !equalBytes(header.prevHash, prevHash)) report(`${where}: previous-block hash does not link to block ${prevHeight}`);
    if (header.time !== b.time) report(`${where}: stored time differs from the header`);
    const txs = blockTxs.all(b.height) as TxRow[];
    if (txs.length !== b.tx_count) report(`${where}: tx_count ${b.tx_count} but ${txs.length} transactions stored`);
    const txids: Uint8Array[] = [];
    let fees = 0;
    let coinbaseOut = 0;
    txs.forEach((row, pos) => {
      txCount++;
      let enc;
      let tx;
      try {
        tx = parseTx(new Uint8Array(row.raw));
        enc = encodeTx(tx);
      } catch (err) {
        report(`${where} tx ${pos}: raw bytes do not parse: ${(err as Error).message}`);
        return;
      }
      const id = txidHex(enc.txid);
      txids.push(enc.txid);
      if (!equalBytes(enc.txid, new Uint8Array(row.txid))) report(`${where} tx ${pos}: stored txid differs from the raw bytes' txid ${id}`);
      if (enc.size !== row.size || enc.weight !== row.weight) report(`${id}: stored size/weight differ from the raw bytes`);
      const outs = outputsOf.all(row.id) as { vout: number; value: number }[];
      const valueOut = tx.outputs.reduce((s, o) => s + o.value, 0);
      if (outs.length !== tx.outputs.length || outs.some((o, i) => o.value !== tx.outputs[i].value)) report(`${id}: output rows differ from the raw outputs`);
      if (pos === 0) {
        coinbaseOut = valueOut;
        return;
      }
      let valueIn = 0;
      for (let vin = 0; vin < tx.inputs.length; vin++) {
        const input = tx.inputs[vin];
        const p = prevout.get(input.prevVout, input.prevTxid) as { value: number; spentBy: number | null; spentVin: number | null } | undefined;
        if (!p) {
          report(`${id} input ${vin}: spends an output that is not in the ledger`);
          continue;
        }
        if (p.spentBy !== row.id || p.spentVin !== vin) report(`${id} input ${vin}: the output it spends is not marked spent by this input`);
        valueIn += p.value;
      }
      const marked = (spentBy.get(row.id) as { n: number }).n;
      if (marked !== tx.inputs.length) report(`${id}: ${marked} outputs are marked spent by it, but it has ${tx.inputs.length} inputs`);
      if (valueIn < valueOut) report(`${id}: outputs exceed inputs`);
      if (valueIn - valueOut !== row.fee) report(`${id}: stored fee ${row.fee} but inputs − outputs = ${valueIn - valueOut}`);
      fees += valueIn - valueOut;
    });
    if (txids.length === txs.length && !equalBytes(merkleRoot(txids), header.merkleRoot)) report(`${where}: merkle root does not match its transactions`);
    if (fees !== b.total_fee) report(`${where}: stored total fee ${b.total_fee} but transactions pay ${fees}`);
    if (coinbaseOut > blockSubsidy(b.height) + fees) report(`${where}: coinbase pays ${coinbaseOut}, more than subsidy + fees`);
    prevHash = hash;
    prevHeight = b.height;
  }
  const summary = problems.length
    ? `✗ ${problems.length}${problems.length === MAX_PROBLEMS ? '+' : ''} problems in ${blockCount} blocks and ${txCount} transactions`
    : `✓ ${blockCount} blocks and ${txCount} confirmed transactions verified`;
  return { blocks: blockCount, txs: txCount, problems, summary };
}

export function inspectLedger(ledger: Ledger): string {
  const db = ledger.db;
  const one = (sql: string) => (db.prepare(sql).get() as { n: number | null }).n ?? 0;
  const tip = ledger.tip();
  const s = ledger.settings;
  return [
    `network        ${s.network}`,
    `seed           ${s.seed}`,
    `start          height ${s.startHeight}, ${new Date(s.startTime * 1000).toISOString()}`,
    `tip            ${tip ? `height ${tip.height}, ${reverseHex(tip.hash)}, ${new Date(tip.time * 1000).toISOString()}` : 'no blocks'}`,
    `blocks         ${one('SELECT COUNT(*) AS n FROM blocks')}`,
    `transactions   ${one('SELECT COUNT(*) AS n FROM txs WHERE block_height IS NOT NULL')} confirmed, ${one('SELECT COUNT(*) AS n FROM txs WHERE block_height IS NULL')} in the mempool`,
    `scripts        ${one('SELECT COUNT(*) AS n FROM addresses')}`,
    `unspent        ${one('SELECT COUNT(*) AS n FROM outputs WHERE spent_tx_id IS NULL')} outputs`,
  ].join('\n');
}
