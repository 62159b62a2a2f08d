// WebKnock knock page: knocks from the browser, then checks that the webmail answers and goes there.
//
// A knock is a connection attempt (a TCP SYN) to each knock port in order. The page starts a
// fetch('https://HOST:PORT/', {mode: 'no-cors'}) and aborts it after a short while: the SYN is what
// counts, nothing ever answers it. What browsers really send (measured with Chromium): only https URLs
// leave an https page (http ones are blocked as mixed content before any SYN); each fetch makes two
// connection attempts, the second about 250 ms after the first, so a step is given 300 ms before the
// next one starts; the attempts keep being retransmitted for seconds after the abort, which the
// gateway tolerates; the order holds when the page waits between steps.
//
// The check that the door is open loads a small image that the gateway serves under its own path,
// /.webknock/knock-ok.gif. An image is used rather than fetch(..., {mode: 'no-cors'}) because a no-cors
// fetch succeeds on ANY answer (the gateway's "404 without a window" mode, a captive portal's page)
// and tells nothing about what answered, and because Chromium's opaque-response blocking may fail
// cross-origin fetches of non-image types; an image loads cross-origin without CORS and fires onload
// only when a real image came back, which the gateway sends only to an address with an open window.
(function () {
  'use strict';

  var root = document.getElementById('knock');
  if (!root) { return; }
  var statusText = document.getElementById('knock-status');
  var progress = document.getElementById('knock-progress');
  var button = document.getElementById('knock-button');
  var webmailLink = document.getElementById('knock-webmail');
  var config = null;
  var running = false;

  function attr(name) { return (root.getAttribute('data-' + name) || '').trim(); }

  function number(value, fallback) {
    var n = parseInt(value, 10);
    return isFinite(n) && n >= 0 ? n : fallback;
  }

  function sleep(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  function say(text, state) {
    statusText.textContent = text;
    root.setAttribute('data-state', state);
  }

  function fromAttributes() {
    return {
      host: attr('host'),
      ports: attr('ports'),
      webmail: attr('webmail'),
      check: attr('check'),
      gap: attr('gap'),
      abort: attr('abort'),
      redirectDelay: attr('redirect-delay'),
      autostart: attr('autostart')
    };
  }

  // Values from knock-config.json (when the page names one and it exists) win over the attributes.
  function load() {
    var raw = fromAttributes();
    var file = attr('config');
    if (!file) { return Promise.resolve(raw); }
    return fetch(file, { cache: 'no-store', credentials: 'same-origin' })
      .then(function (response) { return response.ok ? response.json() : {}; })
      .catch(function () { return {}; })
      .then(function (json) {
        Object.keys(raw).forEach(function (key) {
          if (json && json[key] !== undefined && json[key] !== null && json[key] !== '') { raw[key] = json[key]; }
        });
        return raw;
      });
  }

  // Checks the configuration; returns the settings or throws with a message for the page.
  function parse(raw) {
    var host = String(raw.host || '').trim();
    if (!/^(\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*|[A-Za-z0-9.-]+)$/.test(host)) {
      throw new Error('no valid host (data-host or "host" in knock-config.json)');
    }
    if (host.indexOf(':') >= 0 && host.charAt(0) !== '[') { host = '[' + host + ']'; }

    var list = Array.isArray(raw.ports) ? raw.ports : String(raw.ports || '').split(',');
    list = list.filter(function (p) { return String(p).trim() !== ''; });
    var ports = list.map(function (p) { return parseInt(String(p).trim(), 10); });
    if (ports.some(function (p) { return !(p >= 1 && p <= 65535); }) || (ports.length < 1 && !credential)) {
      throw new Error('no valid knock ports (data-ports or "ports" in knock-config.json), and no enrolment on this browser');
    }

    var webmail;
    try { webmail = new URL(String(raw.webmail || '')); } catch (e) { webmail = null; }
    if (!webmail || (webmail.protocol !== 'https:' && webmail.protocol !== 'http:')) {
      throw new Error('no valid webmail address (data-webmail or "webmail" in knock-config.json)');
    }

    var check = String(raw.check || '') || webmail.origin + '/.webknock/knock-ok.gif';
    return {
      host: host,
      ports: ports,
      webmail: webmail.href,
      check: new URL(check, webmail.href).href,
      gap: number(raw.gap, 100),
      abort: number(raw.abort, 300),
      redirectDelay: number(raw.redirectDelay, 1000),
      autostart: String(raw.autostart) === 'true'
    };
  }

  // ---- TOTP credential --------------------------------------------------------------------------------
  // An enrolment link carries the user's secret in the URL fragment (#enrol=NAME:BASE32&pool=A-B&n=3&x=...),
  // which the browser never sends to any server. The page keeps it in this browser's storage, removes it from
  // the address bar at once, and derives the current knock sequence from it as the gateway does (RFC 6238 step,
  // HMAC-SHA256 with WebCrypto; see the README): the secret is never in the page's files.
  var STORE = 'webknock-totp';
  var credential = null;

  function base32(text) {
    var alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    var bytes = [];
    var buffer = 0;
    var bits = 0;
    text = text.replace(/[=\s-]/g, '').toUpperCase();
    for (var i = 0; i < text.length; i++) {
      var value = alphabet.indexOf(text.charAt(i));
      if (value < 0) { return null; }
      buffer = ((buffer << 5) | value) & 0xffff;
      bits += 5;
      if (bits >= 8) {
        bytes.push((buffer >> (bits - 8)) & 0xff);
        bits -= 8;
      }
    }
    return bytes;
  }

  function readEnrolment(hash) {
    var params = new URLSearchParams(hash.replace(/^#/, ''));
    var enrol = params.get('enrol');
    if (!enrol) { return null; }
    var colon = enrol.lastIndexOf(':');
    var range = /^(\d+)-(\d+)$/.exec(params.get('pool') || '');
    var n = parseInt(params.get('n') || '3', 10);
    var secret = colon > 0 ? base32(enrol.slice(colon + 1)) : null;
    if (!secret || secret.length < 10 || !range || !(n >= 3 && n <= 8)) { return null; }
    var excluded = (params.get('x') || '').split(',').filter(Boolean).map(function (p) { return parseInt(p, 10); });
    return { name: enrol.slice(0, colon), secret: enrol.slice(colon + 1), start: +range[1], end: +range[2], n: n, x: excluded, used: -1 };
  }

  function loadCredential() {
    var fromLink = location.hash ? readEnrolment(location.hash) : null;
    if (location.hash && /(^#|&)enrol=/.test(location.hash)) {
      // Forget the fragment whatever it held: it must not stay in the address bar or the history.
      history.replaceState(null, '', location.pathname + location.search);
    }
    try {
      if (fromLink) { localStorage.setItem(STORE, JSON.stringify(fromLink)); }
      var stored = JSON.parse(localStorage.getItem(STORE) || 'null');
      return stored && stored.secret ? stored : null;
    } catch (e) {
      return fromLink;
    }
  }

  function saveCredential() {
    try { localStorage.setItem(STORE, JSON.stringify(credential)); } catch (e) { /* private mode: kept for this page only */ }
  }

  function pool() {
    var skip = {};
    credential.x.forEach(function (p) { skip[p] = true; });
    var ports = [];
    for (var p = credential.start; p <= credential.end; p++) {
      if (!skip[p]) { ports.push(p); }
    }
    return ports;
  }

  // The sequence of a step counter: HMAC-SHA256(secret, counter as 8 bytes big-endian [, round byte]) read as
  // 32-bit big-endian numbers; each picks pool[number mod size], skipping numbers past the last whole multiple of
  // the size and ports already taken; an ascending or descending result has its first two ports swapped.
  async function sequence(counter) {
    var ports = pool();
    var size = ports.length;
    var limit = 4294967296 - (4294967296 % size);
    var key = await crypto.subtle.importKey('raw', new Uint8Array(base32(credential.secret)), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    var out = [];
    for (var round = 0; out.length < credential.n; round++) {
      var message = new Uint8Array(round === 0 ? 8 : 9);
      var view = new DataView(message.buffer);
      view.setUint32(0, Math.floor(counter / 4294967296));
      view.setUint32(4, counter % 4294967296);
      if (round > 0) { message[8] = round; }
      var mac = new DataView(await crypto.subtle.sign('HMAC', key, message));
      for (var i = 0; i + 4 <= mac.byteLength && out.length < credential.n; i += 4) {
        var number = mac.getUint32(i);
        if (number >= limit) { continue; }
        var port = ports[number % size];
        if (out.indexOf(port) < 0) { out.push(port); }
      }
    }
    var ascending = true;
    var descending = true;
    for (var j = 1; j < out.length; j++) {
      ascending = ascending && out[j] > out[j - 1];
      descending = descending && out[j] < out[j - 1];
    }
    if (ascending || descending) { var first = out[0]; out[0] = out[1]; out[1] = first; }
    return out;
  }

  // A step's sequence opens once: a second knock within the same step uses the next step's (the gateway accepts
  // t+1), and after that waits for a fresh step.
  async function totpPorts() {
    var counter = Math.floor(Date.now() / 30000);
    if (credential.used >= counter) {
      counter = credential.used + 1;
      var wait = counter * 30000 - Date.now() - 30000;
      if (wait > 0) {
        say('Waiting ' + Math.ceil(wait / 1000) + ' s for a fresh code...', 'knocking');
        await sleep(wait);
      }
    }
    credential.used = counter;
    saveCredential();
    return sequence(counter);
  }

  // One knock: start the connection and end the step when it fails or when its time is up, whichever comes first.
  // A gateway that answers closed ports with a reset (ClosedPorts=Reset) refuses the SYN at once, after the kernel
  // counted it, so the next step may start right away; one that drops (ClosedPorts=Drop) is waited for until the abort.
  // Errors are expected and ignored.
  function knockOnce(port) {
    var controller = new AbortController();
    var url = 'https://' + config.host + ':' + port + '/';
    var attempt = fetch(url, {
      mode: 'no-cors',
      cache: 'no-store',
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
      signal: controller.signal
    }).catch(function () { return null; });
    return Promise.race([attempt, sleep(config.abort)]).then(function () {
      controller.abort();
    });
  }

  // Resolves true when the gateway's image loads within the time given.
  function probe(timeoutMs) {
    return new Promise(function (resolve) {
      var image = new Image();
      var done = false;
      function finish(ok) {
        if (done) { return; }
        done = true;
        clearTimeout(timer);
        image.onload = image.onerror = null;
        resolve(ok);
      }
      var timer = setTimeout(function () { finish(false); }, timeoutMs);
      image.onload = function () { finish(image.naturalWidth > 0); };
      image.onerror = function () { finish(false); };
      image.referrerPolicy = 'no-referrer';
      image.src = config.check + (config.check.indexOf('?') >= 0 ? '&' : '?') + 'k=' + Date.now();
    });
  }

  async function run() {
    if (running || !config) { return; }
    running = true;
    button.disabled = true;
    webmailLink.hidden = true;
    var ports = config.ports;
    if (credential && window.crypto && crypto.subtle) {
      ports = await totpPorts();
    }
    var steps = ports.length;
    progress.max = steps + 1;
    progress.value = 0;
    progress.textContent = '0';

    for (var i = 0; i < steps; i++) {
      say('Knocking ' + (i + 1) + '/' + steps + '...', 'knocking');
      await knockOnce(ports[i]);
      progress.value = i + 1;
      progress.textContent = String(i + 1);
      await sleep(config.gap);
    }

    say('Checking that your webmail answers...', 'checking');
    var open = false;
    for (var attempt = 0; attempt < 3 && !open; attempt++) {
      if (attempt > 0) { await sleep(500); }
      open = await probe(3000);
    }

    running = false;
    if (open) {
      progress.value = steps + 1;
      progress.textContent = String(steps + 1);
      say('Open - taking you to your webmail.', 'open');
      webmailLink.hidden = false;
      setTimeout(function () { window.location.assign(config.webmail); }, config.redirectDelay);
      return;
    }

    say('No answer - try again.', 'failed');
    button.textContent = 'Try again';
    button.disabled = false;
    button.focus();
  }

  button.addEventListener('click', function () { run(); });
  button.disabled = true;
  credential = loadCredential();
  if (credential && !(window.crypto && crypto.subtle)) {
    say('This page must be opened over https to use your enrolment (the browser computes the code only there).', 'misconfigured');
    return;
  }
  if (credential) { root.setAttribute('data-user', credential.name); }
  load().then(function (raw) {
    try {
      config = parse(raw);
    } catch (e) {
      say('This page is not set up yet: ' + e.message + '.', 'misconfigured');
      return;
    }
    webmailLink.href = config.webmail;
    button.disabled = false;
    if (config.autostart) {
      run();
    } else {
      say('Ready: press Knock.', 'ready');
    }
  });
}());
