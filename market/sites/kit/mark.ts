// The training mark every darkweb page and image carries: a trainee can open a site's page in a
// tab of its own, outside the browser window's banner, and must still see that it is fictional.
export { TRAINING_MARK } from '../../browser/pages.ts';
import { TRAINING_MARK } from '../../browser/pages.ts';

/** Thrown when a page was rendered without the mark (a template forgot the partial). */
export class MissingMarkError extends Error {
  constructor(page: string) {
    super(`page ${JSON.stringify(page)} was rendered without the "${TRAINING_MARK}" mark; include {{> synthetic-mark}} in its layout`);
    this.name = 'MissingMarkError';
  }
}

/** The partial a site's layout includes right after <body>: `{{> synthetic-mark}}`. */
export const SYNTHETIC_MARK_PARTIAL = `<div class="synthetic-mark" id="synthetic-mark" role="note"><strong>${TRAINING_MARK}</strong> · {{t "mark.note"}}</div>`;
