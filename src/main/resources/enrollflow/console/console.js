// enrollflow console: the only script of the console (served from the jar; the CSP allows no other).
// 1. "select all" for the dead-letter checkboxes;
// 2. live refresh: every few seconds the page is fetched again and each region marked data-live is swapped for its
//    fresh copy, unless the operator is busy in it (a checked box, the focus). The server escaped everything in
//    that HTML, and DOMParser runs no script, so a swap shows text exactly as a page load would.
(function () {
  'use strict';

  function wireSelectAll(root) {
    root.querySelectorAll('input[data-select-all]').forEach(function (box) {
      box.addEventListener('change', function () {
        document.querySelectorAll('input[name="id"][type="checkbox"]').forEach(function (b) { b.checked = box.checked; });
      });
    });
  }
  wireSelectAll(document);

  var period = Number(document.body.getAttribute('data-refresh') || 0);
  if (!period || !window.fetch || !window.DOMParser) {
    return;
  }

  function busy(region) {
    var active = document.activeElement;
    if (active && active !== document.body && region.contains(active)) {
      return true;
    }
    return region.querySelector('input[type="checkbox"]:checked') !== null;
  }

  function schedule() {
    window.setTimeout(refresh, period * 1000);
  }

  function refresh() {
    if (document.hidden) {
      schedule();
      return;
    }
    window.fetch(window.location.href, { credentials: 'same-origin', redirect: 'manual', cache: 'no-store' })
      .then(function (response) {
        if (response.status !== 200) {
          throw new Error('status ' + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, 'text/html');
        document.querySelectorAll('[data-live]').forEach(function (region) {
          var copy = region.id ? fresh.getElementById(region.id) : null;
          if (copy && !busy(region)) {
            var imported = document.importNode(copy, true);
            region.replaceWith(imported);
            wireSelectAll(imported);
          }
        });
        var stamp = document.getElementById('refreshed');
        if (stamp) {
          stamp.textContent = 'live: updated ' + new Date().toLocaleTimeString();
        }
      })
      .catch(function () {
        var stamp = document.getElementById('refreshed');
        if (stamp) {
          stamp.textContent = 'live: not updated (signed out or unreachable); reload to sign in';
        }
      })
      .then(schedule);
  }

  schedule();
})();
