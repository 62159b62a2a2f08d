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
      return;
    }
    banner.className = left <= warnSeconds ? 'webknock-banner webknock-warning' : 'webknock-banner';
    var time = text.querySelector('.webknock-time');
    if (!time) {
      text.textContent = 'Access closes in ';
      time = document.createElement('span');
      time.className = 'webknock-time';
      text.appendChild(time);
    }
    time.textContent = format(left);
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
  render();
  refresh();
  setInterval(render, 1000);
  setInterval(refresh, refreshSeconds * 1000);
})();
