// Where trail money goes: other people's exchange deposit addresses, ordinary holders, shops, the
// actor's own KYC account at the end of the line, and money mules made for the trail.
import type { World } from '../world.ts';
import type { Receiver } from '../sim-wallet.ts';
import type { Exchange } from '../actors/exchange.ts';
import type { Rng } from '../../chain/rng.ts';
import { exchangeNamed } from './typology.ts';
import { newActor, type TrailActor } from './actor.ts';
import type { EndSpec } from './params.ts';

export type PeelDestination = 'exchange' | 'holder' | 'merchant';
export const PEEL_DESTINATIONS: readonly PeelDestination[] = ['exchange', 'holder', 'merchant'];

/** A deposit address of some other exchange customer (the person a peel pays). */
export function someonesDeposit(world: World, rng: Rng): Receiver | undefined {
  const people = world.background?.people ?? [];
  for (let t = 0; t < 6 && people.length; t++) {
    const p = rng.pick(people);
    const account = world.exchangeList[p.exchange]?.account(p.entityId);
    if (account) return account.deposit;
  }
  return undefined;
}

export function holderAddress(world: World, rng: Rng): Receiver | undefined {
  return world.holders.length ? rng.pick(world.holders).address('receive') : undefined;
}

/** A receiver of the given kind, falling back through the others when the world has none of it. */
export function destination(world: World, rng: Rng, kind: PeelDestination): Receiver {
  const tries: PeelDestination[] = [kind, 'exchange', 'holder'];
  for (const k of tries) {
    const r = k === 'exchange' ? someonesDeposit(world, rng) : k === 'holder' ? holderAddress(world, rng) : world.merchants?.checkout(rng);
    if (r) return r;
  }
  // An empty world: a stranger with a fresh wallet.
  return newActor(world, 'user', rng, undefined).wallet.address('receive');
}

/** The exchange a trail ends at: the named one, or a KYC exchange drawn for it. */
export function endExchange(world: World, end: Extract<EndSpec, { kind: 'exchange' }>, rng: Rng, path = 'params.end'): Exchange {
  if (end.exchange) return exchangeNamed(world, end.exchange, path);
  const kyc = world.exchangeList.filter((x) => x.options.kyc);
  return rng.pick(kyc.length ? kyc : world.exchangeList);
}

/** The actor's own account at an exchange (opened with a KYC record if new) and its deposit address. */
export function ownDeposit(_world: World, exchange: Exchange, entityId: number, rng: Rng): Receiver {
  return exchange.openAccount(entityId, rng).deposit;
}

/** A money mule working for `bossId`: a person with a wallet of their own (and often a KYC account). */
export function mule(world: World, bossId: number, rng: Rng, trailId: string): TrailActor {
  return newActor(world, 'user', rng, undefined, { role: 'mule', trail: trailId }, bossId);
}
