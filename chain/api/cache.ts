// Serialised responses for the heavy address routes, kept until the chain or the mempool changes.
// A class of trainees tends to look at the same few addresses at once; the answer only changes
// when a block is mined or a transaction enters the mempool.
import type { ChainReader } from '../store/reader.ts';

export class ResponseCache {
  private readonly entries = new Map<string, Buffer>();
  private state = '';

  constructor(
    private readonly reader: ChainReader,
    private readonly max = 500,
  ) {}

  /** The JSON body for `key`, computed by `compute` unless the chain state is unchanged since it was cached. */
  json(key: string, compute: () => unknown): Buffer {
    const state = this.reader.stateKey();
    if (state !== this.state) {
      this.entries.clear();
      this.state = state;
    }
    const hit = this.entries.get(key);
    if (hit) {
      // Refresh recency: Map keeps insertion order, so the first key is the least recently used.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const body = Buffer.from(JSON.stringify(compute()));
    this.entries.set(key, body);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return body;
  }
}
