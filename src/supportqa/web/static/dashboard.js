// Draws the dashboard's charts from the JSON embedded in <script type="application/json"
// id="chart-data"> (the same figures as the tables beside them). plotly reads a few tags in
// labels (<b>, <br>, <a href>), so every label is escaped first: it then shows them literally.
"use strict";
(function () {
  var holder = document.getElementById("chart-data");
  if (!holder || typeof Plotly === "undefined") return;
  var data = JSON.parse(holder.textContent || "{}");
  var config = { displayModeBar: false, responsive: true, staticPlot: false };
  var layout = { margin: { t: 10, r: 10, b: 40, l: 40 }, height: 260,
    yaxis: { range: [0, 100], title: { text: "IQS" } }, legend: { orientation: "h" } };

  function label(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }
  function byKind(rows, x) {
    var kinds = {};
    rows.forEach(function (row) {
      var k = row.kind || "ai";
      (kinds[k] = kinds[k] || { x: [], y: [] });
      kinds[k].x.push(label(row[x]));
      kinds[k].y.push(row.iqs);
    });
    return kinds;
  }
  function draw(id, traces) {
    var el = document.getElementById(id);
    if (!el || !traces.length) return;
    Plotly.newPlot(el, traces, layout, config).then(function () {
      el.setAttribute("data-drawn", "true");
    });
  }
  var trends = data.trends && data.trends.data ? data.trends.data.weeks : [];
  var kinds = byKind(trends || [], "week");
  draw("chart-trends", Object.keys(kinds).map(function (k) {
    return { type: "scatter", mode: "lines+markers", name: k + " IQS",
      x: kinds[k].x, y: kinds[k].y };
  }));
  var teams = data.teams && data.teams.data ? data.teams.data.teams : [];
  var perTeam = byKind(teams || [], "team");
  draw("chart-teams", Object.keys(perTeam).map(function (k) {
    return { type: "bar", name: k + " IQS", x: perTeam[k].x, y: perTeam[k].y };
  }));
})();
