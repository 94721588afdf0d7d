/*
 * Weir browser snippet: reports Web Vitals (LCP, INP, CLS, TTFB, FCP) and JavaScript errors of this page to the
 * Weir agent that served this file. Include it with
 *   <script src="https://AGENT:8090/v1/browser/weir.js" data-service="shop-web" defer></script>
 * The page's origin must be listed in the agent's http.browser.origins.
 * Errors are sent within a second; vitals when the page is hidden or left (as the web-vitals library does).
 * CLS is the sum of the page's layout shifts without recent input; INP the longest interaction seen.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !window.JSON || !window.URL) {
    return;
  }
  var endpoint = new URL('/v1/browser', script.src).href;
  var service = script.getAttribute('data-service') || undefined;
  var page = location.pathname;
  var vitals = {};
  var errors = [];
  var timer = null;

  function send() {
    timer = null;
    var names = Object.keys(vitals);
    if (!names.length && !errors.length) {
      return;
    }
    var body = JSON.stringify({
      page: page,
      service: service,
      vitals: names.map(function (n) { return {name: n, value: vitals[n]}; }),
      errors: errors.splice(0, 20)
    });
    vitals = {};
    // text/plain: a simple request, no preflight; sendBeacon survives the page being closed
    if (navigator.sendBeacon && navigator.sendBeacon(endpoint, new Blob([body], {type: 'text/plain'}))) {
      return;
    }
    if (window.fetch) {
      fetch(endpoint, {method: 'POST', body: body, keepalive: true, mode: 'cors', credentials: 'omit',
        headers: {'Content-Type': 'text/plain'}}).catch(function () {});
    }
  }

  function vital(name, value) {
    if (typeof value === 'number' && isFinite(value) && value >= 0) {
      vitals[name] = Math.round(value * 1000) / 1000;
    }
  }

  function error(message, stack) {
    if (errors.length < 20) {
      errors.push({message: String(message).slice(0, 4096), stack: stack ? String(stack).slice(0, 16384) : undefined});
    }
    if (!timer) {
      timer = setTimeout(send, 1000);
    }
  }

  window.addEventListener('error', function (e) {
    error(e.error && e.error.name && e.message.indexOf(e.error.name) < 0 ? e.error.name + ': ' + e.message : e.message,
      e.error && e.error.stack);
  });
  window.addEventListener('unhandledrejection', function (e) {
    var r = e.reason;
    error(r && r.message ? (r.name ? r.name + ': ' : '') + r.message : 'Unhandled rejection: ' + r, r && r.stack);
  });

  function observe(type, each, options) {
    try {
      var o = new PerformanceObserver(function (list) { list.getEntries().forEach(each); });
      var opts = {type: type, buffered: true};
      for (var k in options || {}) { opts[k] = options[k]; }
      o.observe(opts);
    } catch (e) {
      // this browser does not report this entry type
    }
  }

  observe('largest-contentful-paint', function (e) { vital('LCP', e.startTime); });
  observe('paint', function (e) {
    if (e.name === 'first-contentful-paint') {
      vital('FCP', e.startTime);
    }
  });
  var cls = 0;
  observe('layout-shift', function (e) {
    if (!e.hadRecentInput) {
      cls += e.value;
      vital('CLS', cls);
    }
  });
  var inp = 0;
  observe('event', function (e) {
    if (e.interactionId && e.duration > inp) {
      inp = e.duration;
      vital('INP', inp);
    }
  }, {durationThreshold: 16});
  var nav = performance.getEntriesByType ? performance.getEntriesByType('navigation')[0] : null;
  if (nav) {
    vital('TTFB', nav.responseStart);
  }

  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'hidden') {
      send();
    }
  });
  window.addEventListener('pagehide', send);
  window.weir = {flush: send};
})();
