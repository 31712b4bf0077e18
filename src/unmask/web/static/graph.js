/* Draws a campaign's account network as SVG from /api/campaigns/{id}/graph.
 * Positions come from the server (igraph); this file only draws, zooms, pans and links nodes to
 * account pages. Labels are set with textContent, never as markup: account names are hostile data.
 * Colours come from the stylesheet through the class sig-<signal>. */
(function () {
  "use strict";
  var SVG_NS = "http://www.w3.org/2000/svg";
  var WIDTH = 800;
  var HEIGHT = 560;
  var LABELS_UP_TO = 60;

  function svgEl(name, attrs) {
    var node = document.createElementNS(SVG_NS, name);
    Object.keys(attrs || {}).forEach(function (key) {
      node.setAttribute(key, String(attrs[key]));
    });
    return node;
  }

  function classToken(text) {
    return "sig-" + String(text).replace(/[^A-Za-z0-9_-]/g, "_");
  }

  function legend(target, signals) {
    if (!target) return;
    signals.forEach(function (signal) {
      var item = document.createElement("span");
      item.className = "legend-item";
      var swatch = document.createElement("span");
      swatch.className = "swatch " + classToken(signal);
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(signal));
      target.appendChild(item);
    });
  }

  function enablePanZoom(svg, viewport) {
    var scale = 1, tx = 0, ty = 0, dragging = null;
    function apply() {
      viewport.setAttribute("transform", "translate(" + tx + " " + ty + ") scale(" + scale + ")");
    }
    function toSvg(event) {
      var box = svg.getBoundingClientRect();
      return { x: (event.clientX - box.left) * WIDTH / box.width, y: (event.clientY - box.top) * HEIGHT / box.height };
    }
    svg.addEventListener("wheel", function (event) {
      event.preventDefault();
      var p = toSvg(event);
      var factor = event.deltaY < 0 ? 1.15 : 1 / 1.15;
      var next = Math.min(8, Math.max(0.5, scale * factor));
      tx = p.x - (p.x - tx) * next / scale;
      ty = p.y - (p.y - ty) * next / scale;
      scale = next;
      apply();
    }, { passive: false });
    svg.addEventListener("pointerdown", function (event) {
      if (event.target.classList && event.target.classList.contains("node")) return;
      dragging = { start: toSvg(event), tx: tx, ty: ty };
    });
    window.addEventListener("pointermove", function (event) {
      if (!dragging) return;
      var p = toSvg(event);
      tx = dragging.tx + p.x - dragging.start.x;
      ty = dragging.ty + p.y - dragging.start.y;
      apply();
    });
    window.addEventListener("pointerup", function () { dragging = null; });
  }

  function draw(container, graph) {
    var accountBase = container.getAttribute("data-account-base") || "/accounts/";
    var svg = svgEl("svg", { viewBox: "0 0 " + WIDTH + " " + HEIGHT, class: "graph-svg", role: "img",
      "aria-label": "Network of " + graph.nodes.length + " accounts" });
    var viewport = svgEl("g", { class: "viewport" });
    var edgeLayer = svgEl("g", { class: "edges" });
    var nodeLayer = svgEl("g", { class: "nodes" });
    var position = {};
    var neighbours = {};
    graph.nodes.forEach(function (n) {
      position[n.id] = { x: n.x * WIDTH, y: n.y * HEIGHT };
      neighbours[n.id] = [];
    });
    graph.edges.forEach(function (e) {
      var a = position[e.source], b = position[e.target];
      if (!a || !b) return;
      var line = svgEl("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: "edge " + classToken(e.signal),
        "stroke-width": (0.6 + 2.4 * Math.min(1, e.weight)).toFixed(2) });
      var title = svgEl("title");
      title.textContent = e.signals.join(", ") + " (weight " + e.weight + ")";
      line.appendChild(title);
      edgeLayer.appendChild(line);
      neighbours[e.source].push(line);
      neighbours[e.target].push(line);
    });
    graph.nodes.forEach(function (n) {
      var p = position[n.id];
      var circle = svgEl("circle", { cx: p.x, cy: p.y, r: (7 + 9 * n.score).toFixed(1),
        class: "node " + classToken(n.signal), tabindex: 0, "data-id": n.id });
      var title = svgEl("title");
      title.textContent = n.label + " · " + n.signal + " · score " + n.score;
      circle.appendChild(title);
      function open() { window.location.assign(accountBase + encodeURIComponent(n.id)); }
      circle.addEventListener("click", open);
      circle.addEventListener("keydown", function (event) { if (event.key === "Enter") open(); });
      circle.addEventListener("mouseenter", function () {
        neighbours[n.id].forEach(function (line) { line.classList.add("lit"); });
      });
      circle.addEventListener("mouseleave", function () {
        neighbours[n.id].forEach(function (line) { line.classList.remove("lit"); });
      });
      nodeLayer.appendChild(circle);
      if (graph.nodes.length <= LABELS_UP_TO) {
        var label = svgEl("text", { x: p.x + 14, y: p.y + 5, class: "node-label" });
        label.textContent = n.label;
        nodeLayer.appendChild(label);
      }
    });
    viewport.appendChild(edgeLayer);
    viewport.appendChild(nodeLayer);
    svg.appendChild(viewport);
    container.replaceChildren(svg);
    if (graph.truncated) {
      var note = document.createElement("p");
      note.className = "hint";
      note.textContent = "Showing the " + graph.nodes.length + " highest-scoring of " + graph.total_accounts + " accounts.";
      container.appendChild(note);
    }
    container.setAttribute("data-drawn-nodes", String(graph.nodes.length));
    legend(document.getElementById("graph-legend"), graph.signals);
    enablePanZoom(svg, viewport);
  }

  function load(container) {
    var src = container.getAttribute("data-src");
    if (!src || src.charAt(0) !== "/" || src.charAt(1) === "/") return;
    fetch(src, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (graph) { draw(container, graph); })
      .catch(function (error) {
        var status = document.createElement("p");
        status.className = "graph-status error-message";
        status.textContent = "Could not load the network: " + error.message;
        container.replaceChildren(status);
      });
  }

  var container = document.getElementById("graph");
  if (container) load(container);
})();
