// `onion-range`: the one command-line entry point. Subcommands parse their own flags.
import { parseArgs } from 'node:util';
import { mkdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ledger } from '../chain/ledger.ts';
import { generateWorldFile, loadScenarioOptions, formatSummary, reportWorld, exportWorld, CommandError } from './commands/world.ts';
import { BlockProducer } from '../chain/producer.ts';
import { loadPools } from '../chain/pools.ts';
import { inspectLedger, verifyLedger } from '../chain/verify.ts';
import { buildServer } from './server.ts';
import { lanUrls } from './lan-urls.ts';

const USAGE = `Onion Range — offline training lab for darkweb and cryptocurrency investigations

Usage:
  onion-range serve [--data DIR] [--host HOST] [--port PORT] [--block-interval SECONDS]
      Serve the lab. Defaults: --data ./data, HOST 0.0.0.0 (all interfaces, so the classroom
      LAN can reach it), PORT 8080, a live block every 120 s (0 = no live blocks).
      Environment: HOST, PORT, DATA_DIR, BLOCK_INTERVAL.
  onion-range world generate [--scenario default|FILE.json] [--seed SEED] [--days N] --out FILE
      Generate a world (ledger + hidden ground truth) from a scenario and seed; prints a summary
      with the standard heuristics' precision and recall against the ground truth.
  onion-range world report <world.sqlite>
      Precision and recall of each tracing heuristic against the world's ground truth.
  onion-range world export <world.sqlite> --format tagpack|elliptic --out PATH
      The ground truth as labelled data: a GraphSense TagPack (YAML file) or Elliptic-shaped
      CSVs (a folder). For instructors and researchers; never give it to trainees.
  onion-range chain inspect <ledger.sqlite>
      Print a ledger's settings, height range and counts.
  onion-range chain verify <ledger.sqlite>
      Re-check every block and transaction of a ledger file: hashes, merkle roots, links,
      spends and amounts. Exits 1 on the first inconsistency.
  onion-range help
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serve(rest);
      case 'chain':
        return chain(rest);
      case 'world':
        return world(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return 0;
      default:
        process.stderr.write(`onion-range: unknown command '${command}'\n\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof UsageError || err instanceof CommandError) {
      process.stderr.write(`onion-range: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`onion-range: ${(err as Error).message}\n`);
    return 1;
  }
}

class UsageError extends Error {}

function parse(args: string[], options: NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function intFlag(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${name} must be a whole number from ${min} to ${max}, got '${value}'`);
  return n;
}

/** The world the lab serves; built on first start (into a temporary file, renamed when complete). */
function ensureDefaultWorld(dataDir: string): string {
  const dir = join(dataDir, 'worlds');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'default.sqlite');
  if (existsSync(file)) return file;
  process.stdout.write('Generating the default world (first start only)…\n');
  const summary = generateWorldFile(loadScenarioOptions('default'), file, true);
  process.stdout.write(`${formatSummary(summary, file)}\n`);
  return file;
}

async function serve(args: string[]): Promise<number> {
  const { values } = parse(args, {
    data: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    'block-interval': { type: 'string' },
  });
  const dataDir = resolve((values.data as string | undefined) ?? process.env.DATA_DIR ?? './data');
  const host = (values.host as string | undefined) ?? process.env.HOST ?? '0.0.0.0';
  const port = intFlag('PORT', (values.port as string | undefined) ?? process.env.PORT, 8080, 0, 65535);
  const interval = intFlag('--block-interval', (values['block-interval'] as string | undefined) ?? process.env.BLOCK_INTERVAL, 120, 0, 86400);

  const worldFile = ensureDefaultWorld(dataDir);
  const ledger = Ledger.open(worldFile);
  const app = await buildServer({ ledger, logger: { level: process.env.LOG_LEVEL ?? 'info' } });
  const producer = new BlockProducer(ledger, {
    intervalMs: interval * 1000,
    pools: loadPools(ledger),
    onBlock: (b) => {
      app.log.info({ height: b.height, txs: b.txids.length }, 'live block mined');
      // The world goes on: lab wallets and live orders follow each live block.
      app.live.onBlock(b);
    },
    onError: (err) => app.log.error({ err }, 'live block failed'),
  });

  await app.listen({ host, port });
  producer.start();
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  process.stdout.write(`\nOnion Range is serving the lab. Trainees on the classroom network can open:\n`);
  for (const url of lanUrls(host, actualPort)) process.stdout.write(`  ${url}\n`);
  process.stdout.write(`Data: ${dataDir}  ·  live blocks: ${interval ? `every ${interval} s` : 'off'}  ·  Ctrl-C stops\n\n`);

  await new Promise<void>((resolveStop) => {
    const stop = async (signal: string) => {
      app.log.info({ signal }, 'shutting down');
      producer.stop();
      await app.close();
      ledger.close();
      resolveStop();
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
  });
  return 0;
}

function world(args: string[]): number {
  const [sub, ...rest] = args;
  if (sub === 'generate') {
    const { values } = parse(rest, { scenario: { type: 'string' }, seed: { type: 'string' }, days: { type: 'string' }, out: { type: 'string' } });
    const out = values.out as string | undefined;
    if (!out) throw new UsageError('world generate needs --out FILE');
    const options = loadScenarioOptions((values.scenario as string | undefined) ?? 'default');
    if (values.seed !== undefined) options.seed = values.seed as string;
    if (values.days !== undefined) options.days = intFlag('--days', values.days as string, 30, 1, 365);
    const summary = generateWorldFile(options, resolve(out), true);
    process.stdout.write(`${formatSummary(summary, out)}\n\n${reportWorld(resolve(out))}\n`);
    return 0;
  }
  if (sub === 'report') {
    const { positionals } = parse(rest, {});
    if (!positionals[0]) throw new UsageError('usage: onion-range world report <world.sqlite>');
    process.stdout.write(`${reportWorld(positionals[0])}\n`);
    return 0;
  }
  if (sub === 'export') {
    const { values, positionals } = parse(rest, { format: { type: 'string' }, out: { type: 'string' } });
    const file = positionals[0];
    const format = values.format as string | undefined;
    const out = values.out as string | undefined;
    if (!file || !out || (format !== 'tagpack' && format !== 'elliptic')) throw new UsageError('usage: onion-range world export <world.sqlite> --format tagpack|elliptic --out PATH');
    process.stdout.write(`${exportWorld(file, format, resolve(out))}\n`);
    return 0;
  }
  throw new UsageError('usage: onion-range world generate|report|export …');
}

function chain(args: string[]): number {
  const [sub, ...rest] = args;
  const { positionals } = parse(rest, {});
  const file = positionals[0];
  if ((sub !== 'inspect' && sub !== 'verify') || !file) throw new UsageError(`usage: onion-range chain inspect|verify <ledger.sqlite>`);
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  const ledger = Ledger.open(file, { readonly: true });
  try {
    if (sub === 'inspect') {
      process.stdout.write(`${inspectLedger(ledger)}\n`);
      return 0;
    }
    const result = verifyLedger(ledger);
    process.stdout.write(`${result.summary}\n`);
    for (const p of result.problems) process.stdout.write(`  ✗ ${p}\n`);
    return result.problems.length ? 1 : 0;
  } finally {
    ledger.close();
  }
}
