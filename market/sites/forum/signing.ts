// Signed posts: the signed part of a post clear-signed with the key it names (a market's or a
// vendor's, from the Darkweb's key ring) at the post's own time. EdDSA signatures are
// deterministic, so a post reads the same every time; each is made once, on first view, and kept.
import { clearSign, type GeneratedKey } from '../../pgp/index.ts';
import type { Darkweb } from '../../darkweb.ts';
import type { KeyRef, SignedPart } from './model.ts';

export class PostSigner {
  private readonly cache = new Map<string, Promise<string>>();

  constructor(private readonly darkweb: Darkweb) {}

  /** The key a reference names, or null when the world no longer has its owner. */
  key(ref: KeyRef): Promise<GeneratedKey> | null {
    const data = this.darkweb.data;
    if (!data) return null;
    if (ref.kind === 'market') {
      const m = data.market(ref.marketId);
      return m ? this.darkweb.marketKey(m) : null;
    }
    const v = data.vendor(ref.vendorEntityId);
    return v ? this.darkweb.vendorKey(v) : null;
  }

  /** The armored clear-signed message of a post (cached by post id). */
  sign(postId: string, part: SignedPart): Promise<string> | null {
    let doc = this.cache.get(postId);
    if (!doc) {
      const key = this.key(part.key);
      if (!key) return null;
      doc = key.then((k) => {
        // A signature cannot predate its key: sign just after the key's creation if the post is older.
        const at = Math.max(part.at, Math.floor(k.created.getTime() / 1000) + 60);
        return clearSign(part.text, k.privateArmored, new Date(at * 1000));
      });
      doc.catch(() => this.cache.delete(postId));
      this.cache.set(postId, doc);
    }
    return doc;
  }
}
