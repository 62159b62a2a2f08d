// WebKnock banner: counts down the time left in the access window, re-reads it from the gateway
// (so everybody behind one NAT address sees each other's extensions) and extends it on request.
(function () {
  'use strict';
  var banner = document.getElementById('webknock-banner');
  if (!banner || banner.getAttribute('data-started')) { return; }
  banner.setAttribute('data-started', '1');

  var statusUrl = banner.getAttribute('data-status');
  var extendUrl = banner.getAttribute('data-extend');
  var tokenUrl = banner.getAttribute('data-token');
  var warnSeconds = parseInt(banner.getAttribute('data-warn'), 10) || 300;
  var refreshSeconds = parseInt(banner.getAttribute('data-refresh'), 10) || 30;
  var deadline = Date.now() + (parseInt(banner.getAttribute('data-remaining'), 10) || 0) * 1000;
  var open = deadline > Date.now();
  var sessions = 0;
  var text = banner.querySelector('.webknock-text');
  var button = banner.querySelector('.webknock-extend');

  var fold = banner.querySelector('.webknock-fold');
  var folded = false;
  try { folded = window.sessionStorage.getItem('webknock-folded') === '1'; } catch (e) { /* storage refused */ }

  // Folded, the banner is only the time left and the button to unfold it: small screens keep their content.
  function setFolded(value) {
    folded = value;
    try { window.sessionStorage.setItem('webknock-folded', value ? '1' : '0'); } catch (e) { /* storage refused */ }
    if (fold) {
      fold.setAttribute('aria-expanded', value ? 'false' : 'true');
      fold.title = value ? 'Show the banner' : 'Fold the banner away';
      fold.textContent = value ? '\u2196' : '\u2198';
    }
    render();
    reserve();
  }

  // A page that scrolls gets room below its last line, so the banner never hides it. Pages laid out to the window's
  // height (body overflow hidden, as Roundcube's) are left alone: there folding is the way.
  var basePadding = null;
  function reserve() {
    var body = document.body;
    if (!body) { return; }
    var style = window.getComputedStyle(body);
    if (style.overflowY === 'hidden' || style.overflow === 'hidden') { return; }
    if (basePadding === null) { basePadding = parseFloat(style.paddingBottom) || 0; }
    body.style.paddingBottom = (basePadding + banner.offsetHeight + 20) + 'px';
  }

  function pad(n) { return (n < 10 ? '0' : '') + n; }

  function format(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    return h > 0 ? h + ':' + pad(m) + ':' + pad(s) : pad(m) + ':' + pad(s);
  }

  function render() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    if (!open || left === 0) {
      banner.className = 'webknock-banner webknock-closed';
      text.textContent = 'Access closed. Knock again to continue.';
      if (button) { button.hidden = true; }
      if (fold) { fold.hidden = true; }
      return;
    }
    banner.className = left <= warnSeconds ? 'webknock-banner webknock-warning' : 'webknock-banner';
    if (folded) { banner.className += ' webknock-folded'; }
    var time = text.querySelector('.webknock-time');
    if (!time) {
      text.textContent = '';
      var label = document.createElement('span');
      label.className = 'webknock-label';
      label.textContent = 'Access closes in ';
      time = document.createElement('span');
      time.className = 'webknock-time';
      text.appendChild(label);
      text.appendChild(time);
    }
    time.textContent = format(left);
    if (fold) { fold.hidden = false; }
    if (button) {
      button.hidden = false;
      button.disabled = sessions === 0;
    }
  }

  function apply(status) {
    open = !!status.open;
    sessions = status.sessions || 0;
    deadline = Date.now() + (status.remainingSeconds || 0) * 1000;
    render();
  }

  function refresh() {
    fetch(statusUrl, { credentials: 'same-origin', cache: 'no-store' })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(apply)
      .catch(function () { open = false; render(); });
  }

  function extend() {
    button.disabled = true;
    fetch(tokenUrl, { credentials: 'same-origin', cache: 'no-store' })
      .then(function (r) { return r.json(); })
      .then(function (t) {
        var headers = {};
        headers[t.headerName] = t.token;
        return fetch(extendUrl, { method: 'POST', credentials: 'same-origin', headers: headers });
      })
      .then(function (r) {
        if (!r.ok) { throw new Error(r.status); }
        return r.json();
      })
      .then(apply)
      .catch(function () { refresh(); });
  }

  if (button) { button.addEventListener('click', extend); }
  if (fold) { fold.addEventListener('click', function () { setFolded(!folded); }); }
  // The page came with the state of a moment ago (time left, and an Extend button enabled only for an address with a
  // live session): no request to the gateway until the first refresh.
  sessions = button && !button.disabled ? 1 : 0;
  setFolded(folded);
  // A page brought back from the back-forward cache holds an old state: ask at once.
  window.addEventListener('pageshow', function (e) { if (e.persisted) { refresh(); } });
  setInterval(render, 1000);
  setInterval(refresh, refreshSeconds * 1000);
})();
