// The onion browser's window: keeps the address bar on the page the frame shows, drives
// back/forward/reload, and keeps bookmarks and a history of visited addresses in localStorage.
// The frame is same-origin (every page comes from the lab server), so its location and title can
// be read on each load. Back and forward use the window's own session history, which holds the
// frame's navigations: the browser's native buttons and ours move through the same list. To know
// where in that list we are, each frame entry is stamped (history.replaceState) with this
// window's session id and its position.
(function () {
  'use strict';

  var BOOKMARKS_KEY = 'onion-range/browser/bookmarks';
  var HISTORY_KEY = 'onion-range/browser/history';
  var HISTORY_LIMIT = 200;
  // Identifies entries made by this window (not by an earlier load of it); not data, just a tag.
  var SESSION = 'w' + Date.now().toString(36) + Math.floor(Math.random() * 1e9).toString(36);

  var frame = document.getElementById('view');
  var form = document.getElementById('address-form');
  var input = document.getElementById('address');
  var identity = document.getElementById('identity');
  var backButton = document.getElementById('back');
  var forwardButton = document.getElementById('forward');
  var reloadButton = document.getElementById('reload');
  var star = document.getElementById('bookmark-toggle');
  var bookmarksBar = document.getElementById('bookmarks-bar');
  var bookmarkList = document.getElementById('bookmark-list');
  var historyToggle = document.getElementById('history-toggle');
  var historyPanel = document.getElementById('history-panel');
  var historyList = document.getElementById('history-list');
  var historyClear = document.getElementById('history-clear');

  /** Entries of this window's frame history: display URLs by position. */
  var entries = [];
  var position = -1;
  /** What the frame shows: { url, title, kind } where kind is 'site' or a browser page kind. */
  var current = { url: '', title: '', kind: 'start' };

  // ----- storage (falls back to memory when localStorage is unavailable) -----
  var memory = {};
  function load(key) {
    var text;
    try {
      text = window.localStorage.getItem(key);
    } catch (e) {
      text = memory[key];
    }
    if (!text) return [];
    try {
      var value = JSON.parse(text);
      return Array.isArray(value) ? value : [];
    } catch (e) {
      return [];
    }
  }
  function save(key, list) {
    var text = JSON.stringify(list);
    try {
      window.localStorage.setItem(key, text);
    } catch (e) {
      memory[key] = text;
    }
  }

  // ----- URLs -----
  /** The frame's location as Tor Browser would show it: http://<address>.onion/<path>. */
  function displayUrl(loc) {
    if (loc.pathname === '/browser/start') return '';
    var m = /^\/onion\/([^/]*)(\/.*)?$/.exec(loc.pathname);
    if (!m) return loc.href;
    var host;
    try {
      host = decodeURIComponent(m[1]);
    } catch (e) {
      host = m[1];
    }
    if (host.indexOf('.') < 0) host += '.onion';
    return 'http://' + host + (m[2] || '/') + loc.search + loc.hash;
  }
  function goHref(url) {
    return '/browser/go?to=' + encodeURIComponent(url);
  }
  function pageKind(doc, loc) {
    var meta = doc && doc.querySelector('meta[name="onion-range-page"]');
    if (meta) return meta.getAttribute('content');
    return /^\/onion\//.test(loc.pathname) ? 'site' : 'other';
  }

  // ----- the frame -----
  function sync() {
    var win = frame.contentWindow;
    var loc;
    var doc;
    try {
      loc = win.location;
      doc = frame.contentDocument;
      if (!loc || loc.href === 'about:blank') return;
    } catch (e) {
      return; // not ours to read
    }
    var url = displayUrl(loc);
    var state = null;
    try {
      state = win.history.state;
    } catch (e) {
      state = null;
    }
    if (state && state.onionRangeSession === SESSION && typeof state.onionRangePosition === 'number') {
      position = state.onionRangePosition; // back, forward or reload: an entry we know
    } else {
      position += 1; // a new entry: whatever was ahead of us is gone
      entries.length = position;
      try {
        var stamped = {};
        if (state && typeof state === 'object') for (var k in state) stamped[k] = state[k];
        stamped.onionRangeSession = SESSION;
        stamped.onionRangePosition = position;
        win.history.replaceState(stamped, '');
      } catch (e) {
        /* a page that forbids it: position is still right until it navigates */
      }
    }
    entries[position] = url;

    var kind = pageKind(doc, loc);
    var title = (doc && doc.title) || url;
    current = { url: url, title: title, kind: kind };
    if (document.activeElement !== input || input.value === '') input.value = url;
    input.setAttribute('data-url', url);
    document.title = (kind === 'start' ? 'Onion Browser' : title) + ' — Onion Browser (SYNTHETIC TRAINING ENVIRONMENT)';
    identity.setAttribute('data-state', kind === 'site' || kind === 'seized' ? 'onion' : kind === 'start' ? 'none' : 'error');
    identity.title = kind === 'site' || kind === 'seized' ? 'Onion site' : kind === 'start' ? '' : 'Problem loading onion site';
    backButton.disabled = position <= 0;
    forwardButton.disabled = position >= entries.length - 1;
    if (kind === 'site' || kind === 'seized') remember(url, title);
    renderStar();
    // Keep the window's URL on the page shown, so a reload or a copied link reopens it.
    try {
      history.replaceState(history.state, '', url ? '/browser/?url=' + encodeURIComponent(url) : '/browser/');
    } catch (e) {
      /* ignore */
    }
    try {
      win.removeEventListener('hashchange', sync);
      win.addEventListener('hashchange', sync);
    } catch (e) {
      /* ignore */
    }
  }
  frame.addEventListener('load', sync);

  form.addEventListener('submit', function (event) {
    var text = input.value.trim();
    if (text === '') {
      event.preventDefault();
      return;
    }
    // The form itself submits into the frame (target="onion-view"); /browser/go redirects.
    input.blur();
  });
  input.addEventListener('focus', function () {
    input.select();
  });
  input.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') {
      input.value = current.url;
      input.blur();
    }
  });

  backButton.addEventListener('click', function () {
    if (position > 0) history.back();
  });
  forwardButton.addEventListener('click', function () {
    if (position < entries.length - 1) history.forward();
  });
  reloadButton.addEventListener('click', function () {
    try {
      frame.contentWindow.location.reload();
    } catch (e) {
      frame.src = frame.src;
    }
  });

  // ----- bookmarks -----
  function bookmarks() {
    return load(BOOKMARKS_KEY).filter(function (b) {
      return b && typeof b.url === 'string';
    });
  }
  function isBookmarked(url) {
    return bookmarks().some(function (b) {
      return b.url === url;
    });
  }
  function renderStar() {
    var can = current.kind === 'site' || current.kind === 'seized';
    var on = can && isBookmarked(current.url);
    star.disabled = !can;
    star.setAttribute('aria-pressed', on ? 'true' : 'false');
    star.textContent = on ? '\u2605' : '\u2606';
    star.title = on ? 'Remove this bookmark' : 'Bookmark this page';
  }
  function renderBookmarks() {
    var list = bookmarks();
    bookmarkList.textContent = '';
    bookmarksBar.classList.toggle('has-bookmarks', list.length > 0);
    list.forEach(function (b) {
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = goHref(b.url);
      a.target = 'onion-view';
      a.textContent = b.title || b.url;
      a.title = b.url;
      a.className = 'bookmark';
      a.setAttribute('data-url', b.url);
      var remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'remove';
      remove.textContent = '\u00d7';
      remove.title = 'Remove bookmark';
      remove.setAttribute('aria-label', 'Remove bookmark ' + (b.title || b.url));
      remove.addEventListener('click', function () {
        removeBookmark(b.url);
      });
      li.appendChild(a);
      li.appendChild(remove);
      bookmarkList.appendChild(li);
    });
    renderStar();
  }
  function removeBookmark(url) {
    save(
      BOOKMARKS_KEY,
      bookmarks().filter(function (b) {
        return b.url !== url;
      }),
    );
    renderBookmarks();
  }
  star.addEventListener('click', function () {
    if (star.disabled) return;
    if (isBookmarked(current.url)) removeBookmark(current.url);
    else {
      var list = bookmarks();
      list.push({ url: current.url, title: current.title });
      save(BOOKMARKS_KEY, list);
      renderBookmarks();
    }
  });

  // ----- history of visited addresses -----
  function remember(url, title) {
    var list = load(HISTORY_KEY);
    if (list.length && list[0].url === url) list[0].title = title;
    else list.unshift({ url: url, title: title });
    save(HISTORY_KEY, list.slice(0, HISTORY_LIMIT));
    if (!historyPanel.hidden) renderHistory();
  }
  function renderHistory() {
    var list = load(HISTORY_KEY);
    historyList.textContent = '';
    if (!list.length) {
      var empty = document.createElement('li');
      empty.className = 'empty';
      empty.textContent = 'No onion sites visited yet.';
      historyList.appendChild(empty);
      return;
    }
    list.forEach(function (h) {
      if (!h || typeof h.url !== 'string') return;
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = goHref(h.url);
      a.target = 'onion-view';
      a.setAttribute('data-url', h.url);
      var t = document.createElement('span');
      t.className = 'title';
      t.textContent = h.title || h.url;
      var u = document.createElement('span');
      u.className = 'url';
      u.textContent = h.url;
      a.appendChild(t);
      a.appendChild(u);
      a.addEventListener('click', function () {
        showHistory(false);
      });
      li.appendChild(a);
      historyList.appendChild(li);
    });
  }
  function showHistory(show) {
    historyPanel.hidden = !show;
    historyToggle.setAttribute('aria-expanded', show ? 'true' : 'false');
    if (show) renderHistory();
  }
  historyToggle.addEventListener('click', function () {
    showHistory(historyPanel.hidden);
  });
  historyClear.addEventListener('click', function () {
    save(HISTORY_KEY, []);
    renderHistory();
  });

  // Another tab of the browser changed the bookmarks.
  window.addEventListener('storage', function (event) {
    if (event.key === BOOKMARKS_KEY) renderBookmarks();
    if (event.key === HISTORY_KEY && !historyPanel.hidden) renderHistory();
  });

  renderBookmarks();
  document.documentElement.classList.add('js');
  // The frame may have finished loading before this script ran.
  try {
    if (frame.contentDocument && frame.contentDocument.readyState === 'complete') sync();
  } catch (e) {
    /* ignore */
  }
})();
