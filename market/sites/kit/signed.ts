// Clear-signed documents a market publishes (mirror lists, warrant canaries): signed with the
// market's key on the world's date, and kept per day, since they change only when the date does.
// EdDSA signatures are deterministic, so a document is the same bytes every time for a world and a day.
import { clearSign, type GeneratedKey } from '../../pgp/index.ts';
import { dayStart, formatDate } from './format.ts';

export class SignedDocuments {
  private readonly cache = new Map<string, Promise<string>>();

  constructor(private readonly max = 64) {}

  /**
   * `build(date)` clear-signed by `key`, dated at the start of the world day of `now` (or just after
   * the key's creation, for a key made that same day). Cached by `name` and day.
   */
  get(name: string, now: number, key: GeneratedKey, build: (day: string, signedAt: Date) => string): Promise<string> {
    const day = formatDate(now);
    const cacheKey = `${name}/${key.fingerprint}/${day}`;
    let doc = this.cache.get(cacheKey);
    if (!doc) {
      const created = Math.floor(key.created.getTime() / 1000);
      const signedAt = new Date(Math.max(dayStart(now), created + 60) * 1000);
      doc = clearSign(build(day, signedAt), key.privateArmored, signedAt);
      this.cache.set(cacheKey, doc);
      doc.catch(() => this.cache.delete(cacheKey));
      while (this.cache.size > this.max) this.cache.delete(this.cache.keys().next().value as string);
    }
    return doc;
  }
}
