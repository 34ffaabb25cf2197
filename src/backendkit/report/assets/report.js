/* backendkit report: zoom/pan, search and module selection for the import graph.
   Plain DOM code, no libraries; all text goes through textContent (never innerHTML). */
(function () {
  "use strict";
  var svg = document.getElementById("graph-svg");
  var dataElement = document.getElementById("graph-data");
  if (!svg || !dataElement) { return; }
  var data = JSON.parse(dataElement.textContent);
  var words = data.words;
  var full = { w: parseFloat(svg.dataset.width), h: parseFloat(svg.dataset.height) };
  var view = { x: 0, y: 0, w: full.w, h: full.h };
  var nodeEls = data.nodes.map(function (n) { return document.getElementById("n" + n.id); });
  var edgeEls = Array.prototype.slice.call(svg.querySelectorAll(".edge"));
  var info = document.getElementById("graph-info");
  var search = document.getElementById("graph-search");
  var counter = document.getElementById("graph-count");
  var selected = -1;

  function apply() { svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].join(" ")); }
  function fit() {
    var box = svg.getBoundingClientRect();
    var ratio = box.width > 0 && box.height > 0 ? box.width / box.height : full.w / full.h;
    view.w = Math.max(full.w, full.h * ratio);
    view.h = view.w / ratio;
    view.x = (full.w - view.w) / 2;
    view.y = (full.h - view.h) / 2;
    apply();
  }
  function toGraph(clientX, clientY) {
    var box = svg.getBoundingClientRect();
    return { x: view.x + (clientX - box.left) / box.width * view.w,
             y: view.y + (clientY - box.top) / box.height * view.h };
  }
  function zoom(factor, cx, cy) {
    var w = Math.min(Math.max(view.w * factor, 40), full.w * 20);
    var f = w / view.w;
    view.x = cx - (cx - view.x) * f;
    view.y = cy - (cy - view.y) * f;
    view.w *= f;
    view.h *= f;
    apply();
  }
  function centre(i) {
    var n = nodeEls[i];
    var t = n.transform.baseVal.consolidate().matrix;
    var w = Math.min(view.w, Math.max(600, full.w / 3));
    view.h = view.h * w / view.w;
    view.w = w;
    view.x = t.e - view.w / 2;
    view.y = t.f - view.h / 2;
    apply();
  }

  svg.addEventListener("wheel", function (event) {
    event.preventDefault();
    var p = toGraph(event.clientX, event.clientY);
    zoom(event.deltaY > 0 ? 1.15 : 1 / 1.15, p.x, p.y);
  }, { passive: false });
  var drag = null;
  svg.addEventListener("mousedown", function (event) {
    drag = { x: event.clientX, y: event.clientY, vx: view.x, vy: view.y, moved: false };
    svg.classList.add("dragging");
  });
  window.addEventListener("mousemove", function (event) {
    if (!drag) { return; }
    var box = svg.getBoundingClientRect();
    var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) { drag.moved = true; }
    view.x = drag.vx - dx / box.width * view.w;
    view.y = drag.vy - dy / box.height * view.h;
    apply();
  });
  window.addEventListener("mouseup", function () {
    svg.classList.remove("dragging");
    setTimeout(function () { drag = null; }, 0);
  });
  function button(id, action) {
    var el = document.getElementById(id);
    if (el) { el.addEventListener("click", action); }
  }
  button("zoom-in", function () { zoom(1 / 1.3, view.x + view.w / 2, view.y + view.h / 2); });
  button("zoom-out", function () { zoom(1.3, view.x + view.w / 2, view.y + view.h / 2); });
  button("zoom-fit", fit);

  function element(tag, text, cls) {
    var el = document.createElement(tag);
    if (text !== undefined) { el.textContent = text; }
    if (cls) { el.className = cls; }
    return el;
  }
  function list(title, indexes, cls) {
    var frag = document.createDocumentFragment();
    frag.appendChild(element("b", title + " (" + indexes.length + ")"));
    var ul = element("ul");
    ul.className = cls;
    indexes.sort(function (a, b) { return data.nodes[a].name < data.nodes[b].name ? -1 : 1; });
    indexes.forEach(function (i) {
      var li = element("li", data.nodes[i].name);
      li.dataset.i = i;
      li.addEventListener("click", function () { select(i); centre(i); });
      ul.appendChild(li);
    });
    frag.appendChild(ul);
    return frag;
  }
  function clearSelection() {
    selected = -1;
    svg.classList.remove("focused");
    nodeEls.forEach(function (el) { el.classList.remove("selected", "neighbour"); });
    edgeEls.forEach(function (el) { el.classList.remove("in", "out"); });
    info.replaceChildren(element("p", words.hint, "muted"));
  }
  function select(i) {
    clearSelection();
    selected = i;
    var outs = [], ins = [];
    edgeEls.forEach(function (el) {
      var s = +el.dataset.s, t = +el.dataset.t;
      if (s === i) { el.classList.add("out"); outs.push(t); nodeEls[t].classList.add("neighbour"); }
      if (t === i) { el.classList.add("in"); ins.push(s); nodeEls[s].classList.add("neighbour"); }
    });
    nodeEls[i].classList.add("selected");
    svg.classList.add("focused");
    var n = data.nodes[i];
    var facts = "fan-in " + n.fan_in + ", fan-out " + n.fan_out +
      (n.lines ? ", " + n.lines + " lines" : "") + (n.findings ? ", " + n.findings + " findings" : "") +
      (n.members > 1 ? ", " + n.members + " " + words.units : "") +
      (n.cycle ? ", " + words.cycle : "") + (n.detail ? ", " + n.detail : "");
    info.replaceChildren(element("h4", n.name, "mono"), element("p", facts, "muted"),
      list(words.out, outs, "edges-out"), list(words.into, ins, "edges-in"));
  }
  nodeEls.forEach(function (el, i) {
    el.addEventListener("click", function (event) {
      event.stopPropagation();
      if (drag && drag.moved) { return; }
      select(i);
    });
  });
  svg.addEventListener("click", function () { if (!(drag && drag.moved)) { clearSelection(); } });

  function runSearch() {
    var q = search.value.trim().toLowerCase();
    var hits = [];
    nodeEls.forEach(function (el, i) {
      var hit = q !== "" && data.nodes[i].name.toLowerCase().indexOf(q) !== -1;
      el.classList.toggle("match", hit);
      if (hit) { hits.push(i); }
    });
    svg.classList.toggle("searching", q !== "");
    counter.textContent = q === "" ? "" : hits.length + (hits.length === 1 ? " match" : " matches");
    return hits;
  }
  if (search) {
    search.addEventListener("input", function () { clearSelection(); runSearch(); });
    search.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") { return; }
      var hits = runSearch();
      if (hits.length) { select(hits[0]); centre(hits[0]); }
    });
  }
  window.addEventListener("resize", fit);
  svg.style.height = Math.round(Math.min(Math.max(full.h + 40, 260), 640)) + "px";
  fit();
  window.backendkitGraph = { select: select, selected: function () { return selected; } };
}());
