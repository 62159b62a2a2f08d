// WebKnock admin pages: keeps the page current without a reload.
// - Every second, each element with data-deadline (Unix ms) shows the time left, mm:ss (h:mm:ss from an hour),
//   counted on the server's clock: data-server-now on the live region gives the offset to this browser's clock.
// - Every few seconds, the page is fetched again and its live regions ([data-live] with an id) are swapped in.
//   Only those regions: the forms keep what is being typed. The request carries X-WebKnock-Refresh, so it does
//   not keep the administrator's session alive; when the session has ended the fetch lands on the sign-in page,
//   and this page goes there too.
(() => {
  'use strict';
  const refreshMs = 5000;
  let offset = 0;
  let busy = false;

  const format = (seconds) => {
    const s = Math.max(0, seconds);
    const h = Math.floor(s / 3600);
    const m = Math.floor(s / 60) % 60;
    const ss = String(s % 60).padStart(2, '0');
    return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${String(m).padStart(2, '0')}:${ss}`;
  };

  const readOffset = () => {
    const live = document.querySelector('[data-server-now]');
    if (live) {
      offset = Number(live.getAttribute('data-server-now')) - Date.now();
    }
  };

  const tick = () => {
    const now = Date.now() + offset;
    for (const el of document.querySelectorAll('[data-deadline]')) {
      const left = Math.ceil((Number(el.getAttribute('data-deadline')) - now) / 1000);
      el.textContent = format(left);
      el.classList.toggle('expired', left <= 0);
    }
  };

  const refresh = async () => {
    const regions = document.querySelectorAll('[data-live][id]');
    if (busy || regions.length === 0 || document.hidden) {
      return;
    }

    busy = true;
    try {
      const response = await fetch(location.href, {
        headers: { 'Accept': 'text/html', 'X-WebKnock-Refresh': '1' },
        credentials: 'same-origin',
        cache: 'no-store',
      });
      if (response.redirected && new URL(response.url).pathname !== location.pathname) {
        location.assign(response.url);
        return;
      }

      if (!response.ok) {
        return;
      }

      const fresh = new DOMParser().parseFromString(await response.text(), 'text/html');
      for (const region of regions) {
        const replacement = fresh.getElementById(region.id);
        if (replacement) {
          region.replaceWith(document.importNode(replacement, true));
        }
      }

      readOffset();
      tick();
    } catch {
      // Offline for a moment: the countdown goes on, the next refresh tries again.
    } finally {
      busy = false;
    }
  };

  readOffset();
  tick();
  setInterval(tick, 1000);
  setInterval(refresh, refreshMs);
  // Blazor's enhanced navigation swaps pages without reloading this script.
  document.addEventListener('DOMContentLoaded', () => { readOffset(); tick(); });
  if (window.Blazor && typeof window.Blazor.addEventListener === 'function') {
    window.Blazor.addEventListener('enhancedload', () => { readOffset(); tick(); });
  }
})();
