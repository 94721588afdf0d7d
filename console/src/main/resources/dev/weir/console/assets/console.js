// Draws the uPlot charts of a page from their data-series attribute (numbers only, written by the server),
// and again whenever htmx swaps in a fresh live part.
(function () {
  "use strict";
  var palette = { rate: ["#2f6fde"], err: ["#d83a3a"], latency: ["#1f9d55", "#d98b00", "#d83a3a"] };

  function opts(kind, width) {
    var series = [{}];
    var y = {};
    if (kind === "rate") {
      series.push({ label: "req/s", stroke: palette.rate[0], width: 1.5, fill: "rgba(47,111,222,0.08)", points: { show: false } });
    } else if (kind === "err") {
      series.push({ label: "5xx %", stroke: palette.err[0], width: 1.5, fill: "rgba(216,58,58,0.08)" });
      y = { range: function (u, min, max) { return [0, Math.max(1, max)]; } };
    } else {
      ["p50", "p95", "p99"].forEach(function (n, i) {
        series.push({ label: n + " ms", stroke: palette.latency[i], width: 1.5, spanGaps: true, points: { show: true, size: 4 } });
      });
    }
    return { width: width, height: 170, series: series, scales: { y: y }, legend: { show: true },
             axes: [{ stroke: "#6b7686", grid: { stroke: "#eef1f5" } }, { stroke: "#6b7686", grid: { stroke: "#eef1f5" }, size: 52 }] };
  }

  function draw(root) {
    if (typeof uPlot === "undefined") { return; }
    root.querySelectorAll(".chart[data-series]").forEach(function (el) {
      var d;
      try { d = JSON.parse(el.getAttribute("data-series")); } catch (e) { return; }
      if (!d || !d.t) { return; }
      var kind = el.getAttribute("data-chart");
      var data = kind === "rate" ? [d.t, d.rate] : kind === "err" ? [d.t, d.err] : [d.t, d.p50, d.p95, d.p99];
      el.textContent = "";
      new uPlot(opts(kind, Math.max(200, el.clientWidth)), data, el);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (e) { draw(e.target); });
})();
