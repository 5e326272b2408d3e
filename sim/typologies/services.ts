// The world's services as trails see them: the methods sim/services/ documents at the top of each
// file, typed structurally here so a trail depends on the behaviour, not on a class. Also the last
// step many trails share: depositing what is left at the actor's own exchange account.
import type { World } from '../world.ts';
import type { Sent } from '../engine.ts';
import type { SimWallet, Receiver } from '../sim-wallet.ts';
import type { TxTruth } from '../truth/writer.ts';
import type { WalletUtxo } from '../../chain/wallet.ts';
import type { Rng } from '../../chain/rng.ts';
import { txidHex } from '../../chain/tx.ts';
import { TrailParamError, type EndSpec, type Range } from './params.ts';
import { endExchange, ownDeposit } from './destinations.ts';
import type { TrailRun } from './run.ts';

export interface MixerApi {
  entityId: number;
  mix(from: SimWallet, value: number, destinations: Receiver[], truth: TxTruth, rng: Rng, opts?: { onPaidOut?: (payouts: Sent[]) => void }): { id: string; depositTx: Sent; fee: number } | null;
}

export interface ExchangerApi {
  entityId: number;
  options: { fee: number };
  depositAddress(rng: Rng): Receiver;
  swapToBtc(payTo: Receiver, valueSats: number, truth: TxTruth, onSent?: (s: Sent) => void): string;
}

export interface GamblingApi {
  entityId: number;
  deposit(from: SimWallet, value: number, truth?: Partial<TxTruth>): Sent | null;
  withdraw(to: Receiver, value: number, truth?: Partial<TxTruth>, onSent?: (s: Sent) => void): void;
}

export interface JoinTicketView {
  id: string;
  postmix: SimWallet;
  tx0?: Sent;
  rounds: Sent[];
}

export interface CoinJoinApi {
  join(
    wallet: SimWallet,
    value: number,
    rng: Rng,
    opts?: { style?: 'whirlpool' | 'wasabi'; truth?: Partial<Omit<TxTruth, 'intent'>>; onMixed?: (ticket: JoinTicketView) => void },
  ): JoinTicketView | null;
}

/**
 * The service `ref` names (or, when ref is undefined, the first registered one with `prefix`),
 * checked to have `method`. A TrailParamError at `path` when the world has none.
 */
export function serviceNamed<T>(world: World, prefix: string, ref: string | undefined, method: string, path: string): T {
  const refs = [...world.registry.keys()].filter((k) => k === prefix || (k.startsWith(`${prefix}:`) && !k.includes('/')));
  const pick = ref ?? refs[0];
  const obj = pick === undefined ? undefined : (world.registry.get(pick) as Record<string, unknown> | undefined);
  if (!obj) {
    const known = refs.length ? `known: ${refs.join(', ')}` : `the world has no ${prefix} service`;
    throw new TrailParamError(path, ref ? `no service named ${JSON.stringify(ref)}; ${known}` : known);
  }
  if (typeof obj[method] !== 'function') throw new TrailParamError(path, `${JSON.stringify(pick)} cannot ${method}()`);
  return obj as T;
}

/**
 * Deposits `coins` (held by the trail, owned by `wallet`) at the actor's own account at the end
 * exchange — each coin on its own after its own delay, or all together — and finishes the trail.
 * With end 'none' the coins go back to the wallet.
 */
export function cashOut(run: TrailRun, wallet: SimWallet, coins: WalletUtxo[], end: EndSpec, hop: number, delayMinutes: Range, together: boolean): void {
  if (end.kind === 'none' || coins.length === 0) {
    for (const c of coins) wallet.credit(c);
    run.amounts.kept = coins.reduce((s, c) => s + c.value, 0);
    return run.finish();
  }
  const exchange = endExchange(run.world, end, run.rng);
  const deposit = ownDeposit(run.world, exchange, run.actor.entityId, run.rng);
  run.endEntityId = exchange.entityId;
  const groups = together ? [coins] : coins.map((c) => [c]);
  const deposited: number[] = [];
  run.amounts.cashedOut = deposited;
  let left = groups.length;
  let lastTxid = '';
  groups.forEach((group) => {
    run.later(run.delay(delayMinutes), () => {
      const sent = run.pay(wallet, [{ to: deposit, value: 0 }], {
        stage: hop - run.base,
        intent: 'exchange_deposit',
        coins: group,
        sweep: true,
        then: (s) => {
          deposited.push(s.tx.outputs[0].value);
          lastTxid = txidHex(s.enc.txid);
          if (--left === 0) run.finish(lastTxid);
        },
      });
      if (!sent && --left === 0) run.finish(lastTxid || undefined);
    });
  });
}
