/* Bar chart of the offer totals on the admin comparison page (Chart.js, vendored). */
(function () {
  "use strict";
  var source = document.getElementById("offer-comparison-data");
  var canvas = document.getElementById("offer-comparison-chart");
  if (!source || !canvas || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  if (!data.datasets || !data.datasets.length) { return; }
  var palette = ["#417690", "#e5a00d", "#79aec8", "#ba2121", "#70bf2b", "#8a5db0"];
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: data.datasets.map(function (set, i) {
        return {
          label: set.label,
          // Amounts arrive as exact decimal strings; numbers are only for drawing bars.
          data: set.data.map(Number),
          backgroundColor: palette[i % palette.length]
        };
      })
    },
    options: {
      responsive: true,
      plugins: { title: { display: true, text: data.currency } },
      scales: { y: { beginAtZero: true, title: { display: true, text: data.currency } } }
    }
  });
})();
