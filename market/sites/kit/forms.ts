// Forms on the darkweb sites: an urlencoded body parser for the site's own context (the browser
// passes bodies through untouched), and field rules whose failures carry an i18n message key, so
// a bad form is answered with 400 and a sentence the trainee can act on, in the page's language.
import type { FastifyInstance } from 'fastify';

export const FORM_TYPE = 'application/x-www-form-urlencoded';
/** Generous for a message form (5,000 characters of Cyrillic, percent-encoded, is ~55 KB). */
export const FORM_BODY_LIMIT = 96 * 1024;

/** A parsed form: the first value of each field; no prototype, so '__proto__' is just a name. */
export type FormBody = Readonly<Record<string, string>>;

/** Registers the form parser in this (site) context unless the context already has one. */
export function registerFormParser(app: FastifyInstance): void {
  if (app.hasContentTypeParser(FORM_TYPE)) return;
  app.addContentTypeParser(FORM_TYPE, { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_req, body, done) => {
    const out: Record<string, string> = Object.create(null);
    for (const [k, v] of new URLSearchParams(body as string)) if (!(k in out)) out[k] = v;
    done(null, out);
  });
}

/** A value a trainee typed that a rule refused: `key` is the i18n message, `field` the i18n key of the field's label. */
export class FormError extends RangeError {
  constructor(
    readonly field: string,
    readonly key: string,
    readonly params: Readonly<Record<string, string | number>> = {},
  ) {
    super(`${field}: ${key}`);
    this.name = 'FormError';
  }
}

export interface TextRule {
  /** i18n key of the field's label, e.g. 'field.handle'. */
  label: string;
  required?: boolean;
  min?: number;
  max: number;
  pattern?: RegExp;
  /** i18n message when the pattern does not match. */
  patternKey?: string;
  /** Keep leading/trailing space (passwords). */
  raw?: boolean;
  /** Keep line breaks (message bodies); otherwise a value must be one line. */
  multiline?: boolean;
}

/** The first value of `name` as a string ('' when absent). */
export function formValue(body: unknown, name: string): string {
  if (body === null || typeof body !== 'object') return '';
  const v = (body as Record<string, unknown>)[name];
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return '';
}

/** Characters no form field may hold: C0/C1 controls other than tab and line breaks. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

export function readText(body: unknown, name: string, rule: TextRule): string {
  const given = formValue(body, name);
  const value = rule.raw ? given : given.trim();
  if (value === '') {
    if (rule.required === false) return '';
    throw new FormError(rule.label, 'form.required');
  }
  if (CONTROL.test(value) || (!rule.multiline && /[\r\n]/.test(value))) throw new FormError(rule.label, 'form.control');
  const length = [...value].length;
  if (rule.min !== undefined && length < rule.min) throw new FormError(rule.label, 'form.tooShort', { min: rule.min });
  if (length > rule.max) throw new FormError(rule.label, 'form.tooLong', { max: rule.max });
  if (rule.pattern && !rule.pattern.test(value)) throw new FormError(rule.label, rule.patternKey ?? 'form.invalid');
  return value;
}

/** A whole number in [min, max]; '' is `fallback` when one is given. */
export function readInt(body: unknown, name: string, label: string, min: number, max: number, fallback?: number): number {
  const value = formValue(body, name).trim();
  if (value === '' && fallback !== undefined) return fallback;
  if (value === '') throw new FormError(label, 'form.required');
  if (!/^-?\d{1,9}$/.test(value)) throw new FormError(label, 'form.wholeNumber');
  const n = Number(value);
  if (n < min || n > max) throw new FormError(label, 'form.range', { min, max });
  return n;
}

/** An optional decimal amount in [min, max] (price filters); '' is undefined. */
export function readAmount(body: unknown, name: string, label: string, min: number, max: number): number | undefined {
  const value = formValue(body, name).trim().replace(',', '.');
  if (value === '') return undefined;
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(value)) throw new FormError(label, 'form.amount');
  const n = Number(value);
  if (n < min || n > max) throw new FormError(label, 'form.range', { min, max });
  return n;
}

/** One of `choices` ('' is `fallback` when one is given). */
export function readChoice<T extends string>(body: unknown, name: string, label: string, choices: readonly T[], fallback?: T): T {
  const value = formValue(body, name).trim();
  if (value === '' && fallback !== undefined) return fallback;
  if (value === '') throw new FormError(label, 'form.required');
  if (!(choices as readonly string[]).includes(value)) throw new FormError(label, 'form.choice');
  return value as T;
}

/** A checkbox: present and not '0'/'off'. */
export function readCheckbox(body: unknown, name: string): boolean {
  const v = formValue(body, name);
  return v !== '' && v !== '0' && v !== 'off';
}
