// enrollflow console: the only script of the console (served from the jar; the CSP allows no other).
// 1. "select all" for the dead-letter checkboxes;
// 2. live refresh: every few seconds the page is fetched again and each region marked data-live is swapped for its
//    fresh copy, unless the operator is busy in it (a checked box, the focus). The server escaped everything in
//    that HTML, and DOMParser runs no script, so a swap shows text exactly as a page load would.
(function () {
  'use strict';

  function wireSelectAll(root) {
    Array.prototype.forEach.call(root.querySelectorAll('input[data-select-all]'), function (box) {
      box.addEventListener('change', function () {
        Array.prototype.forEach.call(document.querySelectorAll('input[name="id"][type="checkbox"]'), function (b) {
          b.checked = box.checked;
        });
      });
    });
  }
  wireSelectAll(document);

  var period = Number(document.body.getAttribute('data-refresh') || 0);
  if (!period || !window.DOMParser) {
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

  function stamp(text) {
    var element = document.getElementById('refreshed');
    if (element) {
      element.textContent = text;
    }
  }

  function swap(html) {
    var fresh = new DOMParser().parseFromString(html, 'text/html');
    var regions = document.querySelectorAll('[data-live]');
    Array.prototype.forEach.call(regions, function (region) {
      var copy = region.id ? fresh.getElementById(region.id) : null;
      if (copy && !busy(region)) {
        var imported = document.importNode(copy, true);
        region.parentNode.replaceChild(imported, region);
        wireSelectAll(imported);
      }
    });
  }

  // XMLHttpRequest rather than fetch: the oldest browsers and HtmlUnit have it too
  function refresh() {
    if (document.hidden) {
      schedule();
      return;
    }
    var request = new XMLHttpRequest();
    request.open('GET', window.location.href);
    request.setRequestHeader('Cache-Control', 'no-store');
    request.onload = function () {
      var signedOut = request.responseURL && /\/sign-in$/.test(request.responseURL);
      if (request.status === 200 && !signedOut) {
        swap(request.responseText);
        stamp('live: updated ' + new Date().toLocaleTimeString());
      } else {
        stamp('live: not updated (signed out or unreachable); reload to sign in');
      }
      schedule();
    };
    request.onerror = function () {
      stamp('live: not updated (unreachable); retrying');
      schedule();
    };
    request.send();
  }

  schedule();
})();
