// The lab's onion "network": which onion address reaches which in-lab site. A site is an ordinary
// fastify plugin mounted at an in-lab path (e.g. '/sites/silkway'); the browser serves it to
// trainees only as http://<address>.onion/…, that is at /onion/<address>/… on the lab server.
// Several addresses may share a mount (market mirrors); a site can go offline (exit scam, DDoS)
// or be seized, and the browser answers as Tor Browser would, or with the seizure banner.
import { OnionAddressError, normalizeOnion } from '../onion/address.ts';

/** The path prefix under which the lab serves onion sites to the browser frame. */
export const ONION_PREFIX = '/onion';
/** The path of the browser itself. */
export const BROWSER_PREFIX = '/browser';

export type OnionStatus = 'online' | 'offline' | 'seized';

export interface SeizureNotice {
  /** Default: 'This hidden site has been seized'. */
  heading?: string;
  /** Agencies named on the banner; in the lab they are fictional. */
  agencies?: string[];
  /** e.g. 'Operation Bayonet'. */
  operation?: string;
  /** Paragraphs under the heading; a default names the site. */
  text?: string[];
}

export interface OnionSite {
  /** The site's name, e.g. 'Silkway Market'; its pages' own <title> wins in the browser. */
  title: string;
  /** Absolute in-lab path where the site's fastify plugin is registered, e.g. '/sites/silkway'. */
  mount: string;
}

export interface OnionEntry extends OnionSite {
  /** 56 lowercase characters, no ".onion". */
  address: string;
  status: OnionStatus;
  seizure?: SeizureNotice;
}

/** What the browser asks: the site behind a (canonical, valid) address, if the lab has one. */
export interface OnionResolver {
  resolve(address: string): Readonly<OnionEntry> | undefined;
}

/** The mount without a trailing slash; refuses paths the browser itself serves. */
function checkMount(mount: string): string {
  if (typeof mount !== 'string' || !mount.startsWith('/') || /[?#\s]/.test(mount)) {
    throw new RangeError(`a site's mount is an absolute path such as '/sites/silkway', got ${JSON.stringify(mount)}`);
  }
  const trimmed = mount.replace(/\/+$/, '');
  if (trimmed === '') throw new RangeError("a site cannot be mounted at '/'");
  for (const reserved of [ONION_PREFIX, BROWSER_PREFIX]) {
    if (trimmed === reserved || trimmed.startsWith(`${reserved}/`)) {
      throw new RangeError(`a site cannot be mounted under ${reserved}/, which the browser serves`);
    }
  }
  return trimmed;
}

export class OnionRegistry implements OnionResolver {
  private readonly entries = new Map<string, OnionEntry>();

  /** Publishes a site at an address. Throws OnionAddressError for an invalid address, RangeError for a taken one or a bad mount. */
  add(address: string, site: OnionSite): Readonly<OnionEntry> {
    const canonical = normalizeOnion(address);
    if (this.entries.has(canonical)) throw new RangeError(`${canonical}.onion is already registered`);
    if (typeof site?.title !== 'string' || site.title.trim() === '') throw new TypeError('a site needs a title');
    const entry: OnionEntry = { address: canonical, title: site.title, mount: checkMount(site.mount), status: 'online' };
    this.entries.set(canonical, entry);
    return entry;
  }

  /** The entry for an address in any spelling (case, ".onion"); undefined for unknown or invalid ones. */
  resolve(address: string): Readonly<OnionEntry> | undefined {
    let canonical: string;
    try {
      canonical = normalizeOnion(address);
    } catch (e) {
      if (e instanceof OnionAddressError) return undefined;
      throw e;
    }
    return this.entries.get(canonical);
  }

  /** Unpublishes an address; the browser then says "Onion site not found". */
  remove(address: string): boolean {
    return this.entries.delete(this.mustGet(address).address);
  }

  /** The service stops answering (exit scam, takedown without banner): "Onion site not found". */
  takeOffline(address: string): void {
    const entry = this.mustGet(address);
    entry.status = 'offline';
    delete entry.seizure;
  }

  bringOnline(address: string): void {
    const entry = this.mustGet(address);
    entry.status = 'online';
    delete entry.seizure;
  }

  /** Law enforcement took over the service: every page shows the seizure banner. */
  seize(address: string, notice: SeizureNotice = {}): void {
    const entry = this.mustGet(address);
    entry.status = 'seized';
    entry.seizure = { ...notice };
  }

  list(): Readonly<OnionEntry>[] {
    return [...this.entries.values()];
  }

  private mustGet(address: string): OnionEntry {
    const canonical = normalizeOnion(address);
    const entry = this.entries.get(canonical);
    if (!entry) throw new RangeError(`${canonical}.onion is not registered`);
    return entry;
  }
}

function pathPart(path: string): string {
  if (typeof path !== 'string') throw new TypeError('a path is a string');
  return path.startsWith('/') ? path : `/${path}`;
}

/**
 * The link a site puts in its pages for an onion URL: '/onion/<address>/<path>'. Inside the
 * browser frame it reaches the site and shows as http://<address>.onion/<path>.
 */
export function onionHref(address: string, path = '/'): string {
  return `${ONION_PREFIX}/${normalizeOnion(address)}${pathPart(path)}`;
}

/** The URL as Tor Browser shows it, for text that trainees copy: 'http://<address>.onion/<path>'. */
export function onionUrl(address: string, path = '/'): string {
  return `http://${normalizeOnion(address)}.onion${pathPart(path)}`;
}
