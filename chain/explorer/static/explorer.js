// Onion Range explorer: progressive enhancements only. Every page reads fine without this script.
(function () {
  'use strict';
  document.documentElement.classList.remove('no-js');
  document.documentElement.classList.add('js');

  // Copy buttons. The classroom LAN is plain http, where navigator.clipboard is unavailable,
  // so fall back to a hidden textarea and execCommand.
  function copyWithTextarea(text) {
    var area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.left = '-9999px';
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }
  function copyText(text) {
    var viaApi = navigator.clipboard && window.isSecureContext
      ? navigator.clipboard.writeText(text)
      : Promise.reject(new Error('no clipboard API'));
    return viaApi.catch(function () {
      if (!copyWithTextarea(text)) throw new Error('copy refused');
    });
  }

  document.addEventListener('click', function (event) {
    var button = event.target instanceof Element ? event.target.closest('button.copy') : null;
    if (!button) return;
    var text = button.getAttribute('data-copy') || '';
    copyText(text).then(function () {
      button.classList.add('done');
      button.textContent = 'copied';
      setTimeout(function () { button.classList.remove('done'); button.textContent = 'copy'; }, 1500);
    }, function () {
      button.textContent = 'select & Ctrl+C';
    });
  });

  // Local time next to every UTC time. The UTC text stays; this only adds.
  function pad(n) { return n < 10 ? '0' + n : String(n); }
  function localLabel(date) {
    var offset = -date.getTimezoneOffset();
    var sign = offset >= 0 ? '+' : '-';
    var abs = Math.abs(offset);
    return date.getFullYear() + '-' + pad(date.getMonth() + 1) + '-' + pad(date.getDate()) + ' ' +
      pad(date.getHours()) + ':' + pad(date.getMinutes()) + ':' + pad(date.getSeconds()) +
      ' local (UTC' + sign + pad(Math.floor(abs / 60)) + ':' + pad(abs % 60) + ')';
  }
  function addLocalTimes(root) {
    var times = root.querySelectorAll('time[data-utc]:not([data-local-done])');
    for (var i = 0; i < times.length; i++) {
      var el = times[i];
      var date = new Date(el.getAttribute('datetime'));
      // Nothing to add where local time is UTC: the page already says it.
      if (isNaN(date.getTime()) || date.getTimezoneOffset() === 0) continue;
      var span = document.createElement('span');
      span.className = 'local';
      span.textContent = localLabel(date);
      el.appendChild(span);
      el.setAttribute('data-local-done', '');
    }
  }
  window.explorerLocalTimes = addLocalTimes;
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () { addLocalTimes(document); });
  } else {
    addLocalTimes(document);
  }
})();
