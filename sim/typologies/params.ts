// Reading a scenario's loosely typed `params` object into typed typology parameters. Every problem
// is a TrailParamError naming the field path (trails[2].params.peelShare[1]) and what was expected,
// so a scenario author sees exactly which line to fix.
import { WorldOptionsError } from '../options.ts';

/** A bad trail or event parameter: `path: message`, e.g. "trails[2].params.hops: expected …". */
export class ParamError extends WorldOptionsError {
  constructor(path: string, message: string) {
    super(path, message);
    this.name = 'ParamError';
  }
}

/** The same error, under the name trail code uses. */
export const TrailParamError = ParamError;

/** A closed range [min, max]; a single number n in a scenario means [n, n]. */
export type Range = readonly [number, number];

/** How much money a trail moves: a BTC or a USD amount (range, drawn log-uniformly). */
export interface Amount {
  unit: 'btc' | 'usd';
  range: Range;
}

/** Where a trail ends: a named exchange, any KYC exchange (drawn), or nowhere (the coins stay). */
export type EndSpec = { kind: 'exchange'; exchange?: string } | { kind: 'none' };

const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v));

export class ParamReader {
  private readonly params: Record<string, unknown>;

  constructor(
    params: unknown,
    readonly path: string,
    known: readonly string[],
  ) {
    if (params === undefined || params === null) params = {};
    if (typeof params !== 'object' || Array.isArray(params)) throw new TrailParamError(path, `expected an object of parameters, got ${show(params)}`);
    this.params = params as Record<string, unknown>;
    for (const key of Object.keys(this.params)) {
      if (!known.includes(key)) throw new TrailParamError(`${path}.${key}`, `unknown parameter; expected one of ${known.join(', ')}`);
    }
  }

  /** The raw value of a parameter (for parameters with special spellings). */
  raw(name: string): unknown {
    return this.params[name];
  }

  has(name: string): boolean {
    return this.params[name] !== undefined;
  }

  private at(name: string): string {
    return `${this.path}.${name}`;
  }

  /** A number or [min, max] pair within [lo, hi]; whole numbers when `integer`. */
  range(name: string, lo: number, hi: number, fallback: Range, integer = false): Range {
    const v = this.params[name];
    if (v === undefined) return fallback;
    const what = integer ? 'whole number' : 'number';
    const check = (p: string, x: unknown): number => {
      if (typeof x !== 'number' || !Number.isFinite(x) || (integer && !Number.isInteger(x)) || x < lo || x > hi) {
        throw new TrailParamError(p, `expected a ${what} from ${lo} to ${hi}, got ${show(x)}`);
      }
      return x;
    };
    if (typeof v === 'number') {
      const n = check(this.at(name), v);
      return [n, n];
    }
    if (!Array.isArray(v) || v.length !== 2) throw new TrailParamError(this.at(name), `expected a ${what} or a [min, max] pair, got ${show(v)}`);
    const a = check(`${this.at(name)}[0]`, v[0]);
    const b = check(`${this.at(name)}[1]`, v[1]);
    if (b < a) throw new TrailParamError(`${this.at(name)}[1]`, `max ${b} is below min ${a}`);
    return [a, b];
  }

  number(name: string, lo: number, hi: number, fallback: number): number {
    const v = this.params[name];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) throw new TrailParamError(this.at(name), `expected a number from ${lo} to ${hi}, got ${show(v)}`);
    return v;
  }

  oneOf<T extends string>(name: string, values: readonly T[], fallback: T): T {
    const v = this.params[name];
    if (v === undefined) return fallback;
    if (typeof v !== 'string' || !values.includes(v as T)) throw new TrailParamError(this.at(name), `expected one of ${values.map((x) => `'${x}'`).join(', ')}, got ${show(v)}`);
    return v as T;
  }

  /** A non-empty list of distinct values from `values`; a single string means a list of one. */
  listOf<T extends string>(name: string, values: readonly T[], fallback: readonly T[]): T[] {
    let v = this.params[name];
    if (v === undefined) return [...fallback];
    if (typeof v === 'string') v = [v];
    if (!Array.isArray(v) || v.length === 0) throw new TrailParamError(this.at(name), `expected a non-empty list of ${values.map((x) => `'${x}'`).join(', ')}, got ${show(v)}`);
    v.forEach((x, i) => {
      if (typeof x !== 'string' || !values.includes(x as T)) throw new TrailParamError(`${this.at(name)}[${i}]`, `expected one of ${values.map((y) => `'${y}'`).join(', ')}, got ${show(x)}`);
    });
    return [...new Set(v as T[])];
  }

  string(name: string, fallback: string, maxLength = 200): string {
    const v = this.params[name];
    if (v === undefined) return fallback;
    if (typeof v !== 'string' || v.length === 0 || v.length > maxLength) throw new TrailParamError(this.at(name), `expected a non-empty string of at most ${maxLength} characters, got ${show(v)}`);
    return v;
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.params[name];
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') throw new TrailParamError(this.at(name), `expected true or false, got ${show(v)}`);
    return v;
  }

  /** An actor reference with a given prefix ('mixer:fogbank'); a bare id gets the prefix added. */
  ref(name: string, prefix: string, fallback: string | undefined): string | undefined {
    const v = this.params[name];
    if (v === undefined) return fallback;
    if (typeof v !== 'string' || v.length === 0) throw new TrailParamError(this.at(name), `expected a name such as '${prefix}:<id>', got ${show(v)}`);
    const ref = v.includes(':') ? v : `${prefix}:${v}`;
    if (!ref.startsWith(`${prefix}:`) || ref.length === prefix.length + 1) throw new TrailParamError(this.at(name), `expected a name such as '${prefix}:<id>', got ${show(v)}`);
    return ref;
  }

  /** amountBtc or amountUsd (not both), each a number or a range. */
  amount(fallback: Amount): Amount {
    if (this.has('amountBtc') && this.has('amountUsd')) throw new TrailParamError(this.at('amountUsd'), 'give amountBtc or amountUsd, not both');
    if (this.has('amountBtc')) return { unit: 'btc', range: this.range('amountBtc', 0.0001, 10_000, [0, 0]) };
    if (this.has('amountUsd')) return { unit: 'usd', range: this.range('amountUsd', 1, 100_000_000, [0, 0]) };
    return fallback;
  }

  /** 'exchange' (any KYC exchange) or 'exchange:<id>' (that one). */
  exchange(name: string): Extract<EndSpec, { kind: 'exchange' }> {
    const v = this.params[name];
    if (v === undefined || v === 'exchange') return { kind: 'exchange' };
    if (typeof v === 'string' && /^exchange:[a-z0-9][a-z0-9-]*$/.test(v)) return { kind: 'exchange', exchange: v };
    throw new TrailParamError(this.at(name), `expected 'exchange' (any KYC exchange) or 'exchange:<id>', got ${show(v)}`);
  }

  /** 'exchange' (any KYC exchange), 'exchange:<id>' (that one) or 'none'. */
  end(name: string, fallback: EndSpec): EndSpec {
    const v = this.params[name];
    if (v === undefined) return fallback;
    if (v === 'none') return { kind: 'none' };
    if (v === 'exchange') return { kind: 'exchange' };
    if (typeof v === 'string' && /^exchange:[a-z0-9][a-z0-9-]*$/.test(v)) return { kind: 'exchange', exchange: v };
    throw new TrailParamError(this.at(name), `expected 'exchange' (any KYC exchange), 'exchange:<id>' or 'none', got ${show(v)}`);
  }
}

/** Parameters every typology accepts besides its own. */
export const COMMON_PARAMS = ['amountBtc', 'amountUsd', 'fundingExchange', 'addressKind', 'maxWaitDays'] as const;

export const COMMON_PARAM_DOCS: Record<(typeof COMMON_PARAMS)[number], string> = {
  amountBtc: 'number | [min, max] — BTC the trail moves (drawn log-uniformly); exclusive with amountUsd',
  amountUsd: 'number | [min, max] — USD the trail moves, converted at the day\'s BTC/USD close; exclusive with amountBtc',
  fundingExchange: "'exchange:<id>' — for 'new:' actors: the exchange their coins are bought at (default: drawn)",
  addressKind: "'p2pkh' | 'p2sh-p2wpkh' | 'p2wpkh' — for 'new:' actors: their wallet's address type (default: drawn from the era's mix)",
  maxWaitDays: 'number 0–60 (default 5) — how long the trail waits for the actor to hold enough coins before it is recorded as unfunded',
};

export interface CommonParams {
  amount: Amount;
  /** The scenario named the amount (else a named actor may move less: what it holds). */
  explicitAmount: boolean;
  fundingExchange?: string;
  addressKind?: 'p2pkh' | 'p2sh-p2wpkh' | 'p2wpkh';
  maxWaitDays: number;
}

export function readCommon(r: ParamReader, amount: Amount): CommonParams {
  return {
    amount: r.amount(amount),
    explicitAmount: r.has('amountBtc') || r.has('amountUsd'),
    fundingExchange: r.ref('fundingExchange', 'exchange', undefined),
    addressKind: r.has('addressKind') ? r.oneOf('addressKind', ['p2pkh', 'p2sh-p2wpkh', 'p2wpkh'] as const, 'p2wpkh') : undefined,
    maxWaitDays: r.number('maxWaitDays', 0, 60, 5),
  };
}
