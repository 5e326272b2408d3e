// What a typology module is, and the one way they are placed: check the parameters, resolve the
// actor, write the gt_trails row, buy a fresh actor's coins, and start the flow on the trail's day.
import type { World } from '../world.ts';
import type { TrailOptions } from '../options.ts';
import type { Exchange } from '../actors/exchange.ts';
import type { Rng } from '../../chain/rng.ts';
import { resolveActor, type TrailActor } from './actor.ts';
import { COMMON_PARAMS, COMMON_PARAM_DOCS, ParamReader, TrailParamError, readCommon, type Amount, type CommonParams } from './params.ts';
import { TrailRun } from './run.ts';

export interface Typology<P extends CommonParams = CommonParams> {
  readonly name: string;
  /** One line: the money flow it plants. */
  readonly summary: string;
  /** Parameter name → type, default and meaning (for scenario authors). */
  readonly params: Readonly<Record<string, string>>;
  /** Checks a scenario's params; throws TrailParamError naming the field path. */
  validate(params: unknown, path?: string): P;
  /** validate, then checks that the world has what the params name (exchanges, services). */
  check(world: World, params: unknown, path?: string): P;
  /** Schedules the flow at trail.day on the actor trail.actor names. */
  place(world: World, trail: TrailOptions, path?: string): TrailRun;
}

export interface TypologySpec<P extends CommonParams> {
  name: string;
  summary: string;
  params: Record<string, string>;
  /** Default amount when neither amountBtc nor amountUsd is given. */
  amount: Amount;
  read(r: ParamReader, common: CommonParams): P;
  /** The actor spends coins (false: it only receives, e.g. a fan-in's collector). Default true. */
  spends?: boolean;
  /** A fresh actor's coins as separate exchange withdrawals (default: one of `amount`). */
  funding?(run: TrailRun, p: P, amount: number): number[];
  /** Who the trail is placed on, when that is not simply the actor trail.actor names. */
  actor?(world: World, trail: TrailOptions, p: P, path: string, rng: Rng): TrailActor;
  /** Checks the world can host the trail (named services exist); throws TrailParamError. */
  check?(world: World, p: P, path: string): void;
  start(run: TrailRun, p: P, amount: number): void;
}

export function defineTypology<P extends CommonParams>(spec: TypologySpec<P>): Typology<P> {
  const own = Object.keys(spec.params);
  const known = [...new Set([...own, ...COMMON_PARAMS])];
  const validate = (params: unknown, path = 'params'): P => {
    const r = new ParamReader(params, path, known);
    return spec.read(r, readCommon(r, spec.amount));
  };
  return {
    name: spec.name,
    summary: spec.summary,
    // A typology's own note on a common parameter (e.g. "ignored") wins over the general one.
    params: { ...spec.params, ...Object.fromEntries(Object.entries(COMMON_PARAM_DOCS).filter(([k]) => !(k in spec.params))) },
    validate,
    check(world: World, params: unknown, path = 'params'): P {
      const p = validate(params, path);
      spec.check?.(world, p, path);
      if (p.fundingExchange) exchangeNamed(world, p.fundingExchange, `${path}.fundingExchange`);
      return p;
    },
    place(world: World, trail: TrailOptions, path = 'trail'): TrailRun {
      const p = validate(trail.params, `${path}.params`);
      spec.check?.(world, p, `${path}.params`);
      const rng = world.rng.fork(`typologies/${trail.id}`);
      const funding = p.fundingExchange ? exchangeNamed(world, p.fundingExchange, `${path}.params.fundingExchange`) : undefined;
      const actor = spec.actor
        ? spec.actor(world, trail, p, path, rng.fork('actor'))
        : resolveActor(world, trail.actor, trail.id, `${path}.actor`, rng.fork('actor'), p.addressKind);
      const startTime = world.dayTime(trail.day) + rng.int(0, 3_600);
      const run = new TrailRun(world, trail, actor, p, rng, startTime);
      const amount = run.drawAmount(p.amount);
      run.amounts.planned = amount;
      run.record();
      if (actor.fresh && spec.spends !== false) {
        const pieces = spec.funding ? spec.funding(run, p, amount) : [amount];
        run.fund(pieces, startTime, funding ?? rng.pick(world.exchangeList));
      }
      run.at(startTime, () => spec.start(run, p, amount));
      return run;
    },
  };
}

/** The exchange a ref ('exchange:<id>') names; a TrailParamError at `path` when there is none. */
export function exchangeNamed(world: World, ref: string, path: string): Exchange {
  const id = ref.startsWith('exchange:') ? ref.slice('exchange:'.length) : ref;
  const x = world.exchanges.get(id);
  if (!x) throw new TrailParamError(path, `no exchange named ${JSON.stringify(ref)}; known: ${[...world.exchanges.keys()].map((k) => `exchange:${k}`).join(', ')}`);
  return x;
}
