// Builds a world from its options and seed: the ledger file, the actors, the simulated month,
// and the hidden ground truth beside it.
import { Ledger } from '../chain/ledger.ts';
import { KeyDeriver } from '../chain/keys.ts';
import { Rng } from '../chain/rng.ts';
import { heightForDate } from '../chain/consensus.ts';
import { savePools } from '../chain/pools.ts';
import { setMeta } from '../chain/store/open.ts';
import { reverseHex } from '../chain/bytes.ts';
import { Engine } from './engine.ts';
import { TruthWriter } from './truth/writer.ts';
import { Names } from './names.ts';
import { resolveWorldOptions, type WorldOptions, type WorldOptionsInput } from './options.ts';
import { MiningPools } from './actors/mining.ts';
import { Exchange } from './actors/exchange.ts';
import { BackgroundEconomy } from './actors/background.ts';
import type { SimWallet, Receiver } from './sim-wallet.ts';
import type { Rng as RngType } from '../chain/rng.ts';
import { buildServices } from './services/index.ts';
import { buildMarkets } from './markets/index.ts';
import { placeTrails } from './typologies/index.ts';
import { scheduleEvents } from './events/index.ts';
import { createLabTreasury } from './live/treasury.ts';
import { feeRate as calibratedFeeRate } from './calibration/distributions.ts';

/** Where a shop payment goes; provided by the merchants service. */
export interface Checkout {
  checkout(rng: RngType): Receiver;
}

export class World {
  readonly names = new Names();
  readonly exchanges = new Map<string, Exchange>();
  readonly exchangeList: Exchange[] = [];
  /** Wallets of people who hold coins (typologies and services draw counterparties from them). */
  readonly holders: SimWallet[] = [];
  /** Named actors ('market:silkway', 'exchanger:bystrokoin', 'mixer:fogbank', …) for trails, events and cases. */
  readonly registry = new Map<string, unknown>();
  mining!: MiningPools;
  background!: BackgroundEconomy;
  merchants?: Checkout;

  constructor(
    readonly engine: Engine,
    readonly options: WorldOptions,
    readonly rng: Rng,
  ) {}

  register(ref: string, actor: unknown): void {
    if (this.registry.has(ref)) throw new Error(`two actors are named ${ref}`);
    this.registry.set(ref, actor);
  }

  resolve<T>(ref: string, what = 'actor'): T {
    const a = this.registry.get(ref);
    if (a === undefined) throw new Error(`no ${what} named ${JSON.stringify(ref)}; known: ${[...this.registry.keys()].join(', ')}`);
    return a as T;
  }

  /** Unix seconds at the start of day `day` of the world (day 0 = startDate). */
  dayTime(day: number): number {
    return Date.parse(`${this.options.startDate}T00:00:00Z`) / 1000 + Math.round(day * 86400);
  }
}

export interface WorldSummary {
  seed: string;
  startDate: string;
  days: number;
  startHeight: number;
  tipHeight: number;
  tipHash: string;
  blocks: number;
  transactions: number;
  entities: Record<string, number>;
  trails: Record<string, number>;
  seconds: number;
}

export interface GenerateOptions {
  onProgress?: (fraction: number, engine: Engine) => void;
}

/** The going fee rate (sat/vB) for the world's date (docs/calibration.md), with a daily cycle on top. */
function goingFeeRate(engine: Engine, rng: RngType): number {
  const hour = (engine.now % 86400) / 3600;
  const daily = 1 + 0.3 * Math.sin(((hour - 9) / 24) * 2 * Math.PI);
  return calibratedFeeRate(rng, engine.now) * daily;
}

/** A world built and ready to run: its actors exist, nothing is mined yet. */
export interface WorldBuild {
  world: World;
  ledger: Ledger;
  engine: Engine;
  services: ReturnType<typeof buildServices>;
  markets: ReturnType<typeof buildMarkets>;
  /** Runs the world's days (committing every 100 blocks); call once. */
  run(onProgress?: (fraction: number, engine: Engine) => void): void;
  /** Ends the bulk load, records the summary; the ledger stays open. */
  finish(): WorldSummary;
}

/**
 * Creates the ledger and every actor of a world from its options. generateWorld runs it straight
 * through; tests may schedule their own calls on `engine` before `run`.
 */
export function createWorld(input: WorldOptionsInput, file: string): WorldBuild {
  const started = performance.now();
  const options = resolveWorldOptions(input);
  const activityStart = Date.parse(`${options.startDate}T00:00:00Z`) / 1000;
  const warmupStart = activityStart - options.warmupBlocks * 600;
  const startHeight = heightForDate(activityStart) - options.warmupBlocks;
  const seed = String(options.seed);
  const ledger = Ledger.create(file, { network: options.network, startHeight, startTime: warmupStart, seed });
  try {
    ledger.beginBulk();
    const rng = Rng.fromSeed(seed).fork('world');
    const truth = new TruthWriter(ledger.db);
    let mining: MiningPools | undefined;
    const engine = new Engine({
      ledger,
      deriver: new KeyDeriver(seed),
      truth,
      rng: rng.fork('engine'),
      network: options.network,
      coinbase: (e) => mining!.coinbase(e),
      feeRate: goingFeeRate,
    });
    const world = new World(engine, options, rng);
    mining = world.mining = new MiningPools(world);
    for (const x of options.exchanges) {
      const exchange = new Exchange(world, x);
      world.exchanges.set(x.id, exchange);
      world.exchangeList.push(exchange);
      world.register(`exchange:${x.id}`, exchange);
    }
    mining.addMiners();
    world.background = new BackgroundEconomy(world);
    const services = buildServices(world);
    const markets = buildMarkets(world);
    placeTrails(world);
    scheduleEvents(world);
    engine.addActor(mining);
    for (const x of world.exchangeList) engine.addActor(x);
    engine.addActor(world.background);
    // Live lab (sim/live/treasury.ts): the lab's treasury, bought at a KYC exchange in the last warm-up blocks.
    engine.addActor(createLabTreasury(world));

    const end = activityStart + options.days * 86400;
    return {
      world,
      ledger,
      engine,
      services,
      markets,
      run(onProgress) {
        const span = end - warmupStart;
        // Commit every 100 blocks: each block stays atomic (a savepoint) without paying for a commit.
        const db = ledger.db;
        db.exec('BEGIN');
        engine.run(end, (e) => {
          if (e.blockCount % 100 === 0) {
            db.exec('COMMIT');
            db.exec('BEGIN');
            onProgress?.(Math.min(1, (e.now - warmupStart) / span), e);
          }
        });
        db.exec('COMMIT');
      },
      finish() {
        truth.finish();
        ledger.endBulk();
        savePools(ledger, mining!.livePools());
        const tip = ledger.tip()!;
        const count = (sql: string) => ledger.db.prepare(sql).all() as { k: string; n: number }[];
        const summary: WorldSummary = {
          seed,
          startDate: options.startDate,
          days: options.days,
          startHeight,
          tipHeight: tip.height,
          tipHash: reverseHex(tip.hash),
          blocks: engine.blockCount,
          transactions: engine.txCount,
          entities: Object.fromEntries(count('SELECT kind AS k, COUNT(*) AS n FROM gt_entities GROUP BY kind ORDER BY kind').map((r) => [r.k, r.n])),
          trails: Object.fromEntries(count('SELECT typology AS k, COUNT(*) AS n FROM gt_trails GROUP BY typology ORDER BY typology').map((r) => [r.k, r.n])),
          seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
        };
        setMeta(ledger.db, 'world', JSON.stringify({ options, summary }));
        return summary;
      },
    };
  } catch (err) {
    ledger.close();
    throw err;
  }
}

/** Generates a whole world into `file` and closes it. */
export function generateWorld(input: WorldOptionsInput, file: string, gen: GenerateOptions = {}): WorldSummary {
  const build = createWorld(input, file);
  try {
    build.run(gen.onProgress);
    return build.finish();
  } finally {
    if (build.ledger.db.open) build.ledger.close();
  }
}
