// What an event module is, and what every event shares: checked parameters, the target resolved
// from the registry, the moment it happens, gt_events rows per phase, entity status updates, and
// optionally a laundering trail (a typology from sim/typologies/) placed on whoever ends up with
// the money.
import type { World } from '../world.ts';
import type { Sent } from '../engine.ts';
import type { SimWallet } from '../sim-wallet.ts';
import type { EventOptions, TrailOptions } from '../options.ts';
import type { Rng } from '../../chain/rng.ts';
import { txidHex } from '../../chain/tx.ts';
import { ParamError, ParamReader, type Range } from '../typologies/params.ts';
import { TYPOLOGIES } from '../typologies/registry.ts';

export type EventKind = EventOptions['kind'];

export interface EventModule<P = unknown> {
  readonly kind: EventKind;
  /** One line: what happens. */
  readonly summary: string;
  /** What the target must be. */
  readonly target: string;
  /** Parameter name → type, default and meaning. */
  readonly params: Readonly<Record<string, string>>;
  /** Checks a scenario's params; throws ParamError naming the field path. */
  validate(params: unknown, path?: string): P;
  /** Resolves the target and schedules the event at event.day. */
  schedule(world: World, event: EventOptions, index: number, path?: string): EventRun;
}

export interface EventSpec<P, T> {
  kind: EventKind;
  summary: string;
  target: string;
  params: Record<string, string>;
  read(r: ParamReader): P;
  /** The target object; throws ParamError at `path` when the target is not of the right kind. */
  resolve(world: World, ref: string, path: string, p: P): T;
  start(run: EventRun, target: T, p: P): void;
}

/** A laundering trail to place on whoever holds the money after the event. */
export interface LaunderSpec {
  typology: string;
  params: Record<string, unknown>;
  /** Days after the event's money move. */
  afterDays: Range;
}

export const LAUNDER_DOC =
  "{ typology, params?, afterDays? } (optional) — a typology (see sim/typologies) placed on the party that took the money, afterDays [min, max] (default [1, 5]) after the event; amountBtc defaults to everything it took";

export function readLaunder(r: ParamReader, name = 'launder'): LaunderSpec | undefined {
  const v = r.raw(name);
  if (v === undefined) return undefined;
  const path = `${r.path}.${name}`;
  const inner = new ParamReader(v, path, ['typology', 'params', 'afterDays']);
  const typology = inner.raw('typology');
  const t = typeof typology === 'string' ? TYPOLOGIES.get(typology) : undefined;
  if (!t) throw new ParamError(`${path}.typology`, `expected one of ${[...TYPOLOGIES.keys()].join(', ')}, got ${JSON.stringify(typology)}`);
  const params = (inner.raw('params') ?? {}) as Record<string, unknown>;
  t.validate(params, `${path}.params`);
  return { typology: t.name, params, afterDays: inner.range('afterDays', 0, 60, [1, 5]) };
}

export function defineEvent<P, T>(spec: EventSpec<P, T>): EventModule<P> {
  const validate = (params: unknown, path = 'params'): P => spec.read(new ParamReader(params, path, Object.keys(spec.params)));
  return {
    kind: spec.kind,
    summary: spec.summary,
    target: spec.target,
    params: spec.params,
    validate,
    schedule(world, event, index, path = 'event') {
      const p = validate(event.params, `${path}.params`);
      const target = spec.resolve(world, event.target, `${path}.target`, p);
      const launder = (p as { launder?: LaunderSpec }).launder;
      if (launder) TYPOLOGIES.get(launder.typology)!.check(world, launder.params, `${path}.params.launder.params`);
      const rng = world.rng.fork(`events/${index}/${event.kind}`);
      const time = world.dayTime(event.day) + rng.int(0, 6 * 3_600);
      const run = new EventRun(world, event, `${event.kind}:${index}`, rng, time);
      world.engine.at(time, () => spec.start(run, target, p));
      return run;
    },
  };
}

/** An event while it happens: its id, clock and truth rows. */
export class EventRun {
  constructor(
    readonly world: World,
    readonly event: EventOptions,
    /** 'exit_scam:0': the event's kind and index in the world's options. */
    readonly id: string,
    readonly rng: Rng,
    /** When it starts (unix seconds). */
    readonly time: number,
  ) {}

  /** Writes one gt_events row for a phase of the event. */
  record(phase: string, entityId: number | null, attrs: Record<string, unknown>): void {
    const e = this.world.engine;
    e.truth.event(this.event.kind, e.now, e.height, entityId, { event: this.id, phase, target: this.event.target, ...attrs });
  }

  /** Seconds for a range of days, drawn uniformly. */
  days(range: Range): number {
    return Math.round((range[0] + (range[1] - range[0]) * this.rng.float()) * 86_400);
  }

  later(seconds: number, fn: () => void): void {
    this.world.engine.after(Math.max(0, seconds), () => fn());
  }

  /** Calls `fn` with the txids once every transaction in `sents` is in a sealed block. */
  whenSealed(sents: Sent[], fn: (txids: string[], heights: number[]) => void): void {
    const check = () => {
      if (sents.some((s) => s.height === undefined)) return this.world.engine.after(1, check);
      fn(
        sents.map((s) => txidHex(s.enc.txid)),
        sents.map((s) => s.height!),
      );
    };
    check();
  }

  /** The status an event last set on an entity (attrs.status), if any. */
  status(entityId: number): unknown {
    const row = this.world.engine.ledger.db.prepare('SELECT attrs FROM gt_entities WHERE id = ?').get(entityId) as { attrs: string } | undefined;
    return row ? (JSON.parse(row.attrs) as Record<string, unknown>).status : undefined;
  }

  /** Merges `patch` into an entity's attrs (status flags the market web pages read). */
  setStatus(entityId: number, patch: Record<string, unknown>): void {
    const db = this.world.engine.ledger.db;
    const row = db.prepare('SELECT attrs FROM gt_entities WHERE id = ?').get(entityId) as { attrs: string } | undefined;
    const attrs = row ? (JSON.parse(row.attrs) as Record<string, unknown>) : {};
    this.world.engine.truth.setEntityAttrs(entityId, { ...attrs, ...patch });
  }

  /**
   * Places a laundering trail on `holder` (registered as `event:<id>/<label>`) some days from now,
   * moving everything the wallet holds unless the spec names an amount. Returns the trail id.
   */
  launder(spec: LaunderSpec, label: string, holder: { entityId: number; wallet: SimWallet; name: string }): string {
    const world = this.world;
    const ref = `event:${this.id}/${label}`;
    if (!world.registry.has(ref)) world.register(ref, holder);
    const trailId = `${this.id}/${label}/${spec.typology}`;
    const at = world.engine.now + this.days(spec.afterDays);
    world.engine.at(at, () => {
      const params = { ...spec.params };
      if (params.amountBtc === undefined && params.amountUsd === undefined) {
        // Everything it holds, less what the fees and the trail's own reserve need.
        const free = world.engine.balance(holder.wallet) - 250_000;
        if (free < 1_000_000) return this.record('launder_skipped', holder.entityId, { trail: trailId, reason: 'nothing left to launder' });
        params.amountBtc = Math.floor(free / 1_000) / 100_000;
      }
      const day = (world.engine.now - world.dayTime(0)) / 86_400;
      const trail: TrailOptions = { id: trailId, typology: spec.typology, actor: ref, day, params };
      TYPOLOGIES.get(spec.typology)!.place(world, trail, `events[${this.id.split(':')[1]}].params.launder`);
      this.record('launder', holder.entityId, { trail: trailId, typology: spec.typology });
    });
    return trailId;
  }
}
