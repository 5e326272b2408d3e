// Page numbers for long lists (search results, feedback): which rows to read and which links to
// show. Links keep the rest of the query string, so filters survive paging.

export interface PageLink {
  page: number;
  href: string;
  current: boolean;
  /** Pages are skipped between this link and the next (show an ellipsis). */
  gapAfter: boolean;
}

export interface Pager {
  page: number;
  pages: number;
  perPage: number;
  total: number;
  /** Rows to skip for this page. */
  offset: number;
  /** First and last row shown, 1-based (0 and 0 for an empty list). */
  from: number;
  to: number;
  prevHref: string | null;
  nextHref: string | null;
  /** A window of page links around the current one, plus the first and last. */
  links: PageLink[];
}

export const MAX_PAGE = 10_000;

/** A page number from a query value: undefined/'' → 1; anything else must be a whole number 1..MAX_PAGE. */
export function parsePage(value: unknown): number {
  if (value === undefined || value === '') return 1;
  const s = String(value);
  if (!/^\d{1,5}$/.test(s) || Number(s) < 1 || Number(s) > MAX_PAGE) throw new RangeError(`page must be a whole number from 1 to ${MAX_PAGE}`);
  return Number(s);
}

/**
 * The pager for `total` rows, `perPage` a page, showing `page` (past the end shows the last page).
 * `hrefFor(n)` builds the link to page n.
 */
export function paginate(total: number, page: number, perPage: number, hrefFor: (page: number) => string, window = 2): Pager {
  if (!Number.isInteger(perPage) || perPage < 1) throw new RangeError('perPage must be a positive whole number');
  const pages = Math.max(1, Math.ceil(total / perPage));
  const p = Math.min(Math.max(1, Math.floor(page)), pages);
  const offset = (p - 1) * perPage;
  const shown = new Set<number>([1, pages]);
  for (let n = p - window; n <= p + window; n++) if (n >= 1 && n <= pages) shown.add(n);
  const numbers = [...shown].sort((a, b) => a - b);
  return {
    page: p,
    pages,
    perPage,
    total,
    offset,
    from: total === 0 ? 0 : offset + 1,
    to: Math.min(total, offset + perPage),
    prevHref: p > 1 ? hrefFor(p - 1) : null,
    nextHref: p < pages ? hrefFor(p + 1) : null,
    links: numbers.map((n, i) => ({ page: n, href: hrefFor(n), current: n === p, gapAfter: i + 1 < numbers.length && numbers[i + 1] - n > 1 })),
  };
}

/** `path?query` with `page` set (page 1 drops the parameter), other parameters kept in order. */
export function withQuery(path: string, query: Readonly<Record<string, string | undefined>>, set: Readonly<Record<string, string | number | undefined>>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '' && !(k in set)) params.append(k, v);
  for (const [k, v] of Object.entries(set)) if (v !== undefined && v !== '' && !(k === 'page' && Number(v) === 1)) params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}
