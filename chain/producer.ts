// Mines live blocks while the lab is served, so that a trainee's payment confirms in class.
import type { Ledger, AppendedBlock } from './ledger.ts';
import { Rng } from './rng.ts';

export interface MiningPool {
  /** Coinbase tag, e.g. '/Fictional Pool/'. */
  tag: string;
  /** Output script the pool's coinbase pays. */
  payTo: Uint8Array;
  /** Share of blocks this pool finds. */
  weight: number;
}

export interface ProducerOptions {
  /** Wall-clock milliseconds between live blocks; 0 disables the timer (mineNow still works). */
  intervalMs: number;
  pools: MiningPool[];
  onBlock?: (block: AppendedBlock) => void;
  onError?: (err: unknown) => void;
}

export class BlockProducer {
  private timer: NodeJS.Timeout | null = null;
  private readonly rng: Rng;

  constructor(
    private readonly ledger: Ledger,
    private readonly opts: ProducerOptions,
  ) {
    if (opts.pools.length === 0) throw new RangeError('a block producer needs at least one mining pool');
    this.rng = Rng.fromSeed(ledger.settings.seed).fork('live-pools');
  }

  start(): void {
    if (this.timer || this.opts.intervalMs <= 0) return;
    this.timer = setInterval(() => {
      try {
        this.mineNow();
      } catch (err) {
        this.opts.onError?.(err);
      }
    }, this.opts.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  get running(): boolean {
    return this.timer !== null;
  }

  mineNow(): AppendedBlock {
    const tip = this.ledger.tip();
    const pool = this.rng.fork(`height/${tip ? tip.height + 1 : 0}`).weighted(
      this.opts.pools,
      this.opts.pools.map((p) => p.weight),
    );
    const block = this.ledger.mineBlock({ payTo: pool.payTo, tag: pool.tag });
    this.opts.onBlock?.(block);
    return block;
  }
}
