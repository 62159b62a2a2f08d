// Drives Debian's headless Chromium through the DevTools protocol in real time (no virtual time: a knock
// is about real connection attempts and real delays). Node 20 with --experimental-websocket; no packages.
//
//   node --experimental-websocket bench/ops/page.mjs URL [--until open|failed|landed] [--timeout MS]
//        [--screenshot FILE] [--landed-text TEXT] [--network]
//
// Prints every change of the knock page's state and status text with the time since navigation, then
// exits 0 when --until was reached (landed: the page went elsewhere and shows --landed-text).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const url = args[0];
const option = (name, fallback) => {
  const i = args.indexOf('--' + name);
  return i >= 0 ? args[i + 1] : fallback;
};
const until = option('until', 'open');
const timeout = parseInt(option('timeout', '20000'), 10);
const screenshot = option('screenshot', '');
const landedText = option('landed-text', 'login_username');
const showNetwork = args.includes('--network');

const profile = mkdtempSync(join(tmpdir(), 'wk-cdp-'));
const chrome = spawn('chromium', [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--ignore-certificate-errors', '--window-size=720,560',
  '--hide-scrollbars', '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank',
], { stdio: ['ignore', 'ignore', 'ignore'] });

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let exitCode = 1;
try {
  const portFile = join(profile, 'DevToolsActivePort');
  for (let i = 0; i < 200 && !existsSync(portFile); i++) { await sleep(50); }
  const port = readFileSync(portFile, 'utf8').split('\n')[0];
  let target;
  for (let i = 0; i < 100 && !target; i++) {
    const list = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
    target = list.find((t) => t.type === 'page');
    if (!target) { await sleep(50); }
  }

  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
  let id = 0;
  const pending = new Map();
  const requests = new Map();
  const start = Date.now();
  ws.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (showNetwork && message.method === 'Network.requestWillBeSent') {
      requests.set(message.params.requestId, message.params.request.url);
    } else if (showNetwork && message.method === 'Network.responseReceived') {
      const r = message.params.response;
      console.log(`${String(Date.now() - start).padStart(6)} ms    net: ${r.status} ${r.mimeType} ${r.url}`);
    } else if (showNetwork && message.method === 'Network.loadingFailed') {
      console.log(`${String(Date.now() - start).padStart(6)} ms    net: ${message.params.errorText}${message.params.blockedReason ? ' ' + message.params.blockedReason : ''} ${requests.get(message.params.requestId) || ''}`);
    }
    if (message.id && pending.has(message.id)) {
      pending.get(message.id)(message);
      pending.delete(message.id);
    }
  };
  const send = (method, params = {}) => new Promise((resolve) => {
    const n = ++id;
    pending.set(n, resolve);
    ws.send(JSON.stringify({ id: n, method, params }));
  });
  const evaluate = async (expression) => (await send('Runtime.evaluate', { expression, returnByValue: true })).result?.result?.value;

  await send('Page.enable');
  if (showNetwork) { await send('Network.enable'); }
  await send('Page.navigate', { url });
  let last = '';
  let reached = false;
  while (Date.now() - start < timeout) {
    const seen = await evaluate(`(() => {
      const k = document.getElementById('knock'), s = document.getElementById('knock-status');
      return JSON.stringify({ state: k ? k.getAttribute('data-state') : null, status: s ? s.textContent : null,
        href: location.href, landed: document.documentElement ? document.documentElement.outerHTML.includes(${JSON.stringify(landedText)}) : false });
    })()`).catch(() => null);
    if (seen) {
      const now = JSON.parse(seen);
      const line = now.state === null ? `left the page: ${now.href}` : `${now.state}: ${now.status}`;
      if (line !== last) {
        console.log(`${String(Date.now() - start).padStart(6)} ms  ${line}`);
        last = line;
      }

      if ((until === 'landed' && now.state === null && now.landed) || (until !== 'landed' && now.state === until)) {
        reached = true;
        break;
      }

      if (until !== 'landed' && (now.state === 'failed' || now.state === 'misconfigured') && until !== now.state) {
        break;
      }
    }

    await sleep(25);
  }

  if (screenshot) {
    const shot = await send('Page.captureScreenshot', { format: 'png' });
    writeFileSync(screenshot, Buffer.from(shot.result.data, 'base64'));
  }

  exitCode = reached ? 0 : 1;
  if (!reached) { console.log(`did not reach "${until}" within ${timeout} ms`); }
  ws.close();
} catch (e) {
  console.log(`page.mjs: ${e.message}`);
} finally {
  chrome.kill('SIGTERM');
  await sleep(300);
  rmSync(profile, { recursive: true, force: true });
}

process.exit(exitCode);
