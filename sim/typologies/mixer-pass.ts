// Mixer pass: the actor pays a custodial mixer's fresh deposit address; hours later the mixer pays
// the actor's fresh addresses from its pool of other customers' coins (no on-chain link to the
// deposit), less its fee; the mixed coins are then deposited at the actor's exchange account.
import { defineTypology, exchangeNamed } from './typology.ts';
import type { CommonParams, EndSpec, Range } from './params.ts';
import { cashOut, serviceNamed, type MixerApi } from './services.ts';
import { sideWallet } from './scatter-gather.ts';
import type { SimWallet } from '../sim-wallet.ts';
import type { TrailRun } from './run.ts';

export interface MixerPassParams extends CommonParams {
  mixer?: string;
  outputs: Range;
  end: EndSpec;
  delayMinutes: Range;
}

/** Sats a fresh actor buys on top of the amount, for the network fee of its deposit. */
const FEE_MARGIN = 30_000;

export const mixerPass = defineTypology<MixerPassParams>({
  name: 'mixer_pass',
  summary: "the actor's coins go through a custodial mixer: deposit, then payouts from unrelated pool coins to fresh addresses, then an exchange deposit",
  params: {
    mixer: "'mixer:<id>' (default: the world's first mixer) — the mixer used",
    outputs: 'whole number | [min, max], 1–10 (default [1, 3]) — fresh addresses the mixer pays out to (it may split further)',
    end: "'none' | 'exchange' | 'exchange:<id>' (default 'exchange') — where the mixed coins are deposited, each payout separately",
    delayMinutes: 'number | [min, max] (default [60, 4320]) — wait after a payout before its deposit',
  },
  amount: { unit: 'usd', range: [3_000, 30_000] },
  read: (r, common) => ({
    ...common,
    mixer: r.ref('mixer', 'mixer', undefined),
    outputs: r.range('outputs', 1, 10, [1, 3], true),
    end: r.end('end', { kind: 'exchange' }),
    delayMinutes: r.range('delayMinutes', 0, 43_200, [60, 4_320]),
  }),
  check(world, p, path) {
    serviceNamed<MixerApi>(world, 'mixer', p.mixer, 'mix', `${path}.mixer`);
    if (p.end.kind === 'exchange' && p.end.exchange) exchangeNamed(world, p.end.exchange, `${path}.end`);
  },
  funding: (_run, _p, amount) => [amount + FEE_MARGIN],
  start(run, p, amount) {
    const mixer = serviceNamed<MixerApi>(run.world, 'mixer', p.mixer, 'mix', 'params.mixer');
    run.source(amount, 'wallet', (src) => {
      const value = run.actor.fresh ? src.value - FEE_MARGIN : src.value;
      mixThrough(run, mixer, src.wallet, value, run.base, p.outputs, p.end, p.delayMinutes);
    });
  },
});

/**
 * Mixes `value` from `wallet` (the deposit is hop `hop`, the payouts hop + 1) to fresh addresses of
 * a side wallet of the actor, then cashes the payouts out (hop + 2).
 */
export function mixThrough(run: TrailRun, mixer: MixerApi, wallet: SimWallet, value: number, hop: number, outputs: Range, end: EndSpec, delayMinutes: Range): void {
  const postmix = sideWallet(run, 'postmix', 'mixed');
  const n = run.rng.int(outputs[0], outputs[1]);
  const destinations = Array.from({ length: n }, () => postmix.freshAddress('receive'));
  let noted = 0;
  const order = mixer.mix(wallet, value, destinations, { intent: 'mixer_in', entityId: run.actor.entityId, trailId: run.id, hop }, run.rng, {
    onPaidOut: (payouts) => {
      run.amounts.paidOut = payouts.map((s) => s.tx.outputs.reduce((sum, o, vout) => (vout === s.changeVout ? sum : sum + o.value), 0));
      for (const s of payouts) {
        run.noteSealed(s, hop + 1, 'mixer_out', () => {
          if (++noted < payouts.length) return;
          const coins = run.engine.spendable(postmix);
          postmix.take(coins);
          cashOut(run, postmix, coins, end, hop + 2, delayMinutes, false);
        });
      }
    },
  });
  if (!order) return run.fail('stalled', 'the deposit to the mixer could not be paid');
  run.extras.mix = order.id;
  run.amounts.mixed = value;
  run.amounts.mixerFee = order.fee;
  run.noteSealed(order.depositTx, hop, 'mixer_in');
}
