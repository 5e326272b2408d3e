// The browser's own pages: the frame (toolbar, address bar, bookmarks, history, the page frame),
// the start page, Tor Browser's onion error pages and the seizure banner. Every one carries the
// SYNTHETIC TRAINING ENVIRONMENT mark and loads only this server's files.
// The error wording is Tor Browser's (its "onion-neterror-*" strings) and the codes are Tor's
// SOCKS extended errors (proposal 304): 0xF0 descriptor not found, 0xF6 invalid address.
import type { SeizureNotice } from './registry.ts';

export const STATIC_BASE = '/browser/static';
export const FRAME_NAME = 'onion-view';
export const TRAINING_MARK = 'SYNTHETIC TRAINING ENVIRONMENT';

/** What an in-frame page is, for the frame's script (and tests): absent on the sites' own pages. */
export type BrowserPageKind = 'start' | 'not-found' | 'invalid' | 'off-lab' | 'seized';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The full bar on the browser window; a corner badge on pages inside its frame, which show under the bar. */
function banner(inFrame = true): string {
  if (inFrame) return `<div id="training-banner" class="badge" role="note"><strong>${TRAINING_MARK}</strong> · all fictional</div>`;
  return `<div id="training-banner" role="note"><strong>${TRAINING_MARK}</strong> — Onion Range training lab. Every site, person and transaction here is fictional; nothing leaves the lab. <a href="/">Lab home</a></div>`;
}

function head(title: string, css: string, meta: Record<string, string> = {}): string {
  const metas = Object.entries(meta)
    .map(([name, content]) => `<meta name="${escapeHtml(name)}" content="${escapeHtml(content)}">`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
${metas}
<title>${escapeHtml(title)}</title>
<link rel="icon" href="${STATIC_BASE}/onion.svg" type="image/svg+xml">
<link rel="stylesheet" href="${STATIC_BASE}/${css}">
</head>`;
}

/** The browser window. `frameSrc` is the in-lab path the page frame opens first. */
export function framePage(frameSrc: string): string {
  return `${head(`Onion Browser — ${TRAINING_MARK}`, 'browser.css')}
<body>
${banner(false)}
<header class="toolbar" role="toolbar" aria-label="Navigation">
  <button type="button" id="back" class="nav" title="Back" aria-label="Back" disabled>&#x2190;</button>
  <button type="button" id="forward" class="nav" title="Forward" aria-label="Forward" disabled>&#x2192;</button>
  <button type="button" id="reload" class="nav" title="Reload" aria-label="Reload">&#x21bb;</button>
  <form id="address-form" action="/browser/go" method="get" target="${FRAME_NAME}" role="search">
    <span id="identity" data-state="none" title="Not an onion site"></span>
    <input id="address" name="to" type="text" autocomplete="off" autocapitalize="off" spellcheck="false"
      placeholder="Enter an onion address" aria-label="Address">
    <button type="submit" id="go" title="Go">Go</button>
  </form>
  <button type="button" id="bookmark-toggle" class="nav" title="Bookmark this page" aria-label="Bookmark this page" aria-pressed="false" disabled>&#x2606;</button>
  <button type="button" id="history-toggle" class="menu" aria-expanded="false" aria-controls="history-panel">History</button>
</header>
<nav id="bookmarks-bar" aria-label="Bookmarks"><span class="empty">No bookmarks yet: press &#x2606; to add the page you are on.</span><ul id="bookmark-list"></ul></nav>
<section id="history-panel" hidden aria-label="History">
  <div class="panel-head"><h2>History</h2><button type="button" id="history-clear">Clear history</button></div>
  <p class="note">Real Tor Browser keeps no history between sessions; the lab keeps one so you can retrace your steps.</p>
  <ol id="history-list"></ol>
</section>
<iframe id="view" name="${FRAME_NAME}" src="${escapeHtml(frameSrc)}" title="Page"
  sandbox="allow-same-origin allow-scripts allow-forms allow-popups allow-modals allow-downloads"></iframe>
<script src="${STATIC_BASE}/browser.js"></script>
</body>
</html>
`;
}

export function startPage(): string {
  return `${head('Onion Browser', 'pages.css', { 'onion-range-page': 'start' })}
<body class="start">
${banner()}
<main class="start-container">
  <img class="start-logo" src="${STATIC_BASE}/onion.svg" alt="" width="96" height="96">
  <h1>Explore. Privately.</h1>
  <p class="lead">You are using the lab's onion browser. Type an onion address in the bar above:
  56 letters a–z and digits 2–7, followed by <code>.onion</code>.</p>
  <ul class="tips">
    <li>Onion sites have no search engine here: addresses come from forums, chats, seized devices and case files.</li>
    <li>Phishing copies of markets share the first (and sometimes the last) characters of the real address. Compare the whole address.</li>
    <li>An address with a mistyped character fails its checksum: the browser tells you it is invalid.</li>
  </ul>
</main>
</body>
</html>
`;
}

interface NetErrorParts {
  kind: BrowserPageKind;
  code?: string;
  header: string;
  description: string;
  details?: string;
  note?: string;
  noteTitle?: string;
  address: string;
}

function netErrorPage(p: NetErrorParts): string {
  const meta: Record<string, string> = { 'onion-range-page': p.kind };
  if (p.code) meta['onion-error'] = p.code;
  const details = p.code && p.details ? `<p class="details"><strong>Details:</strong> <code id="error-code">${p.code}</code> — ${escapeHtml(p.details)}</p>` : '';
  const note = p.note
    ? `<aside class="lab-note"><h2>${escapeHtml(p.noteTitle ?? 'Training note')}</h2><p id="reason">${escapeHtml(p.note)}</p></aside>`
    : '';
  return `${head('Problem loading onion site', 'pages.css', meta)}
<body class="neterror">
${banner()}
<main class="error-container">
  <img class="error-icon" src="${STATIC_BASE}/onion-error.svg" alt="" width="64" height="64">
  <h1 id="error-title">${escapeHtml(p.header)}</h1>
  <p class="description">${escapeHtml(p.description)}</p>
  ${details}
  <p class="address">${escapeHtml(p.address)}</p>
  <button type="button" id="try-again">Try Again</button>
  ${note}
</main>
<script src="${STATIC_BASE}/neterror.js"></script>
</body>
</html>
`;
}

/** 0xF0: a valid address no service answers for (never existed here, offline, or gone). */
export function notFoundPage(address: string): string {
  return netErrorPage({
    kind: 'not-found',
    code: '0xF0',
    header: 'Onion site not found',
    description: 'The most likely cause is that the onion site is offline. Contact the onion site administrator.',
    details: "The requested onion service descriptor can't be found on the hashring and therefore the service is not reachable by the client.",
    address,
  });
}

/** 0xF6: the address itself is wrong; `reason` says how, as Tor's own checks would. */
export function invalidAddressPage(address: string, reason: string): string {
  return netErrorPage({
    kind: 'invalid',
    code: '0xF6',
    header: 'Invalid onion site address',
    description: 'The provided onion site address is invalid. Please check that you entered it correctly.',
    details:
      "The provided .onion address is invalid. This error is returned due to one of the following reasons: the address checksum doesn't match, the ed25519 public key is invalid, or the encoding is invalid.",
    noteTitle: 'Why this address is invalid',
    note: reason,
    address,
  });
}

/** Not part of Tor Browser: the lab has no clearnet, and says so. */
export function offLabPage(host: string): string {
  return netErrorPage({
    kind: 'off-lab',
    header: 'Not reachable from the training lab',
    description: 'The lab is offline: only the .onion sites hosted inside it can be opened.',
    noteTitle: 'Why this page',
    note: `"${host}" is not an onion address. A real Tor Browser would open clearnet sites through an exit relay; this lab has none.`,
    address: host,
  });
}

/** The banner law enforcement puts on a seized hidden service; the same on every path of the site. */
export function seizedPage(siteTitle: string, address: string, notice: SeizureNotice = {}): string {
  const heading = notice.heading ?? 'This hidden site has been seized';
  const agencies = notice.agencies?.length
    ? `<ul class="agencies">${notice.agencies.map((a) => `<li>${escapeHtml(a)}</li>`).join('')}</ul>`
    : '';
  const text = notice.text?.length
    ? notice.text
    : [`${siteTitle} and its servers have been seized as part of a coordinated law enforcement action.`];
  const operation = notice.operation ? `<p class="operation">${escapeHtml(notice.operation)}</p>` : '';
  return `${head(heading, 'pages.css', { 'onion-range-page': 'seized' })}
<body class="seized">
${banner()}
<main class="seized-container">
  <h1 id="seized-title">${escapeHtml(heading)}</h1>
  ${operation}
  ${text.map((t) => `<p>${escapeHtml(t)}</p>`).join('\n  ')}
  ${agencies}
  <p class="address">${escapeHtml(address)}.onion</p>
</main>
</body>
</html>
`;
}
