// "Try Again" on the browser's error pages: reload the same address, as Tor Browser does.
(function () {
  'use strict';
  var button = document.getElementById('try-again');
  if (button) {
    button.addEventListener('click', function () {
      window.location.reload();
    });
  }
})();
