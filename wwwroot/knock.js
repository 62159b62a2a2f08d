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
    var ports = list.map(function (p) { return parseInt(String(p).trim(), 10); });
    if (ports.length < 1 || ports.some(function (p) { return !(p >= 1 && p <= 65535); })) {
      throw new Error('no valid knock ports (data-ports or "ports" in knock-config.json)');
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

  // One knock: start the connection, give it its time, abort it. Errors are expected and ignored.
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
    return sleep(config.abort).then(function () {
      controller.abort();
      return attempt;
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
    var steps = config.ports.length;
    progress.max = steps + 1;
    progress.value = 0;
    progress.textContent = '0';

    for (var i = 0; i < steps; i++) {
      say('Knocking ' + (i + 1) + '/' + steps + '...', 'knocking');
      await knockOnce(config.ports[i]);
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
