// Who a trail is placed on: a named actor from the world's registry (a vendor, a market, a
// service, an exchange) reduced to the entity and the wallet the trail spends from, or a fresh
// actor ('new:<kind>') made for the trail, which buys its coins at an exchange.
import type { World } from '../world.ts';
import type { Rng } from '../../chain/rng.ts';
import type { AddressKind } from '../../chain/types.ts';
import type { EntityKind } from '../truth/types.ts';
import { SimWallet, type WalletHabits } from '../sim-wallet.ts';
import { addressEraAt, pickAddressKind } from '../calibration/distributions.ts';
import { TrailParamError } from './params.ts';

export interface TrailActor {
  ref: string;
  entityId: number;
  name: string;
  /** The wallet the trail spends from (and, for a fresh actor, the one its coins are bought into). */
  wallet: SimWallet;
  /** Made for this trail by 'new:<kind>': its wallet holds nothing but the trail's coins. */
  fresh: boolean;
  /** The registry object, when the actor was named. */
  object?: unknown;
}

/** Kinds a 'new:<kind>' actor may be. */
export const NEW_ACTOR_KINDS = ['user', 'vendor', 'buyer', 'phisher', 'p2p_trader', 'exchange_customer', 'market', 'merchant'] as const satisfies readonly EntityKind[];
export type NewActorKind = (typeof NEW_ACTOR_KINDS)[number];

/** Single-signature output types an ordinary wallet hands out. */
const WALLET_KINDS: readonly AddressKind[] = ['p2pkh', 'p2sh-p2wpkh', 'p2wpkh'];

/**
 * The wallet a registry object pays from. Objects may name it `trailWallet` to choose; otherwise the
 * first SimWallet among `wallet`, `hot`, `personal`, `pool` is used.
 */
export function walletOf(obj: unknown): SimWallet | undefined {
  if (obj instanceof SimWallet) return obj;
  if (!obj || typeof obj !== 'object') return undefined;
  const o = obj as Record<string, unknown>;
  for (const key of ['trailWallet', 'wallet', 'hot', 'personal', 'pool']) {
    if (o[key] instanceof SimWallet) return o[key] as SimWallet;
  }
  return undefined;
}

export function parseNewRef(ref: string, path: string): NewActorKind | null {
  if (!ref.startsWith('new:')) return null;
  const kind = ref.slice(4);
  if (!(NEW_ACTOR_KINDS as readonly string[]).includes(kind)) {
    throw new TrailParamError(path, `'new:<kind>' takes one of ${NEW_ACTOR_KINDS.join(', ')}; got ${JSON.stringify(ref)}`);
  }
  return kind as NewActorKind;
}

/** Resolves `ref` to an actor; 'new:<kind>' makes one (registered as `trail:<trailId>/actor`). */
export function resolveActor(world: World, ref: string, trailId: string, path: string, rng: Rng, addressKind?: AddressKind): TrailActor {
  const kind = parseNewRef(ref, path);
  if (kind) {
    const actor = newActor(world, kind, rng, addressKind, { trail: trailId });
    world.register(`trail:${trailId}/actor`, actor);
    return actor;
  }
  const obj = world.registry.get(ref);
  if (obj === undefined) throw new TrailParamError(path, `no actor named ${JSON.stringify(ref)}; known: ${[...world.registry.keys()].join(', ') || 'none'} (or 'new:<kind>')`);
  const wallet = walletOf(obj);
  if (!wallet) throw new TrailParamError(path, `${JSON.stringify(ref)} has no wallet a trail can spend from`);
  const o = obj as Record<string, unknown>;
  const entityId = typeof o.entityId === 'number' ? o.entityId : wallet.entityId;
  const name = typeof o.name === 'string' ? o.name : ref;
  return { ref, entityId, name, wallet, fresh: false, object: obj };
}

/** A person (or group) of `kind` with one personal wallet whose habits are drawn like an ordinary user's. */
export function newActor(world: World, kind: EntityKind, rng: Rng, addressKind: AddressKind | undefined, attrs: Record<string, unknown> = {}, parentId: number | null = null): TrailActor {
  const e = world.engine;
  const handleKinds: EntityKind[] = ['vendor', 'phisher', 'market', 'p2p_trader'];
  const name = handleKinds.includes(kind) ? world.names.handle(rng) : world.names.person(rng);
  const entityId = e.entity(kind, name, parentId, attrs);
  const kindOfWallet = addressKind ?? drawWalletKind(world, rng);
  const wallet = e.wallet(entityId, 'personal', kindOfWallet, drawHabits(rng, kindOfWallet));
  return { ref: `new:${kind}`, entityId, name, wallet, fresh: true };
}

export function drawWalletKind(world: World, rng: Rng): AddressKind {
  const era = addressEraAt(world.engine.now);
  for (let i = 0; i < 8; i++) {
    const k = pickAddressKind(rng, era);
    if (WALLET_KINDS.includes(k)) return k;
  }
  return 'p2wpkh';
}

/** Habits of an ordinary wallet; legacy (P2PKH) wallets are rarely Core-like, so no anti-fee-sniping there. */
export function drawHabits(rng: Rng, kind: AddressKind): Partial<WalletHabits> {
  return {
    reuseAddress: false,
    shuffleOutputs: rng.bool(0.7),
    rbf: rng.bool(0.12),
    antiFeeSniping: kind !== 'p2pkh' && rng.bool(0.3),
    feeFactor: Math.min(3, Math.max(0.5, rng.lognormal(1, 0.3))),
  };
}
