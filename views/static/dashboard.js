// The home page's chart: units in stock by location, drawn from the figures the page carries as JSON.
(function () {
  "use strict";
  var canvas = document.getElementById("stock-by-location");
  var source = document.getElementById("stock-by-location-data");
  if (!canvas || !source || typeof window.Chart === "undefined") {
    return;  // no stock yet, or the script did not load: the table under the chart says the same
  }
  var data = JSON.parse(source.textContent);
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [{label: "Units in stock", data: data.counts, backgroundColor: "#2c7be5", maxBarThickness: 64}]
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      plugins: {legend: {display: false}},
      scales: {y: {beginAtZero: true, ticks: {precision: 0}}}
    }
  });
  canvas.dataset.drawn = "yes";
})();
