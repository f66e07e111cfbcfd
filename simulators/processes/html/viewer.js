// Trace viewer (hand-written, offline). Reads the JSON embedded in #trace-data and draws one
// frame at a time: frame 0 is the initial canvas, frame f >= 1 is decoding step f drawn over the
// canvas before it (deleted masks stay visible, struck through; inserted masks appear after their
// position). Only the rows in view are in the DOM (windowed rendering), so canvases of tens of
// thousands of cells step smoothly.
"use strict";
(function () {
  const D = JSON.parse(document.getElementById("trace-data").textContent);
  const OPS = { k: "keep", f: "filled", r: "remasked", d: "deleted", i: "inserted" };
  const GLYPH = { k: "", f: "\u25CF", r: "\u21BA", d: "\u2715", i: "+" };
  const $ = (id) => document.getElementById(id);
  const canvasEl = $("canvas"), spacer = $("spacer"), slider = $("slider");
  let cur = 0, sel = -1;   // index into D.frames; selected cell index of the current frame
  const cellW = () => parseFloat(getComputedStyle(document.documentElement).getPropertyValue("--cell-w"));
  const cellH = () => parseFloat(getComputedStyle(document.documentElement).getPropertyValue("--cell-h"));
  const name = (id) => (D.names[String(id)] !== undefined ? D.names[String(id)] : String(id));

  function text(tag, s, cls) { const e = document.createElement(tag); e.textContent = s; if (cls) e.className = cls; return e; }

  // Generic rendering of a decoded view or an explanation: dicts as labelled blocks, arrays of
  // arrays as tables, arrays of scalars as one row, scalars as text.
  function render(v, depth) {
    if (v === null || v === undefined) return text("span", "\u2014");
    if (Array.isArray(v)) {
      if (v.length && v.every((r) => Array.isArray(r))) {
        const t = document.createElement("table");
        const head = document.createElement("tr");
        head.appendChild(text("th", "#"));
        const width = Math.max(...v.map((r) => r.length));
        for (let j = 0; j < width; j++) head.appendChild(text("th", String(j)));
        t.appendChild(head);
        v.forEach((r, i) => { const tr = document.createElement("tr"); tr.appendChild(text("th", String(i)));
          r.forEach((x) => tr.appendChild(text("td", typeof x === "object" ? JSON.stringify(x) : String(x)))); t.appendChild(tr); });
        return t;
      }
      if (v.length && v.every((r) => r && typeof r === "object" && !Array.isArray(r))) {
        const keys = [...new Set(v.flatMap((r) => Object.keys(r)))];
        const t = document.createElement("table");
        const head = document.createElement("tr");
        keys.forEach((k) => head.appendChild(text("th", k, "k")));
        t.appendChild(head);
        v.forEach((r) => { const tr = document.createElement("tr");
          keys.forEach((k) => tr.appendChild(text("td", r[k] === undefined ? "" : (typeof r[k] === "object" ? JSON.stringify(r[k]) : String(r[k])), "k")));
          t.appendChild(tr); });
        return t;
      }
      return text("code", "[" + v.map((x) => (typeof x === "object" ? JSON.stringify(x) : String(x))).join(", ") + "]");
    }
    if (typeof v === "object") {
      const box = document.createElement("div");
      const entries = Object.entries(v);
      const flat = entries.every(([, x]) => x === null || typeof x !== "object");
      if (flat && entries.length > 3) {
        const t = document.createElement("table");
        entries.forEach(([k, x]) => { const tr = document.createElement("tr");
          tr.appendChild(text("td", k, "k")); const td = text("td", String(x)); td.dataset.name = k; tr.appendChild(td); t.appendChild(tr); });
        box.appendChild(t);
        return box;
      }
      entries.forEach(([k, x]) => {
        if (x !== null && typeof x === "object" && depth < 3) {
          const det = document.createElement("details"); det.open = depth < 2;
          det.appendChild(text("summary", k)); det.appendChild(render(x, depth + 1)); box.appendChild(det);
        } else {
          const row = document.createElement("div"); row.className = "kv";
          row.appendChild(text("b", k + ": ")); const val = render(x, depth + 1); if (val.dataset) val.dataset.name = k; row.appendChild(val); box.appendChild(row);
        }
      });
      return box;
    }
    return text("span", String(v));
  }

  function frame() { return D.frames[cur]; }

  // Position in the canvas before the step that each cell comes from (-1: an inserted mask).
  function sources(fr) {
    if (fr._src) return fr._src;
    const src = new Int32Array(fr.tokens.length);
    let p = 0;
    for (let c = 0; c < fr.tokens.length; c++) { if (fr.ops[c] === "i") src[c] = -1; else src[c] = p++; }
    fr._src = src;
    return src;
  }

  function draw() {
    const fr = frame();
    const cols = Math.max(1, Math.floor(canvasEl.clientWidth / cellW()));
    const rows = Math.ceil(fr.tokens.length / cols);
    spacer.style.height = (rows * cellH()) + "px";
    const top = canvasEl.scrollTop, first = Math.max(0, Math.floor(top / cellH()) - 2);
    const last = Math.min(rows, Math.ceil((top + canvasEl.clientHeight) / cellH()) + 2);
    spacer.textContent = "";
    const src = sources(fr), frag = document.createDocumentFragment();
    for (let c = first * cols; c < Math.min(fr.tokens.length, last * cols); c++) {
      const tok = fr.tokens[c], op = fr.ops[c];
      const e = document.createElement("div");
      e.className = "cell op-" + op + (tok === D.mask_id ? " mask" : "") + (c === sel ? " selected" : "");
      e.style.left = ((c % cols) * cellW()) + "px"; e.style.top = (Math.floor(c / cols) * cellH()) + "px";
      e.dataset.cell = c; e.dataset.tok = tok; e.dataset.op = op; e.dataset.src = src[c];
      e.setAttribute("role", "button"); e.tabIndex = -1;
      const label = name(tok);
      e.title = "cell " + c + (src[c] >= 0 ? " (position " + src[c] + " before the step)" : " (inserted mask)") + ": " + label + (op !== "k" ? " \u2014 " + OPS[op] : "");
      e.setAttribute("aria-label", e.title);
      e.appendChild(text("span", String(c), "idx"));
      if (GLYPH[op]) e.appendChild(text("span", GLYPH[op], "glyph"));
      e.appendChild(document.createTextNode(label));
      frag.appendChild(e);
    }
    spacer.appendChild(frag);
  }

  function showCounts() {
    const fr = frame(), c = fr.counts;
    $("step").textContent = fr.frame === 0 ? "initial canvas" : "step " + fr.frame + " of " + D.num_steps;
    $("counts").textContent = "filled " + c.filled + " \u00B7 remasked " + c.remasked + " \u00B7 inserted " + c.inserted + " \u00B7 deleted " + c.deleted + " \u00B7 length " + c.length;
    for (const k of ["filled", "remasked", "inserted", "deleted", "length"]) $("counts").dataset[k] = c[k];
  }

  function showView() {
    const box = $("view"); box.textContent = "";
    const fr = frame();
    if (fr.view === null || fr.view === undefined) { box.appendChild(text("p", "(no decoded view for this construction)")); return; }
    box.appendChild(render(fr.view, 0));
  }

  function showExplain() {
    const box = $("explain"); box.textContent = "";
    const fr = frame();
    if (sel < 0 || sel >= fr.tokens.length) { box.appendChild(text("p", "Click a cell (or use \u2191/\u2193) to see why its token appeared.")); return; }
    const src = sources(fr)[sel], op = fr.ops[sel];
    box.appendChild(text("p", "cell " + sel + ": " + name(fr.tokens[sel]) + (op !== "k" ? " (" + OPS[op] + " in this step)" : "")));
    if (fr.frame === 0) { box.appendChild(text("p", "The initial canvas: nothing has been decided yet. Step forward to see the step that fills it.")); return; }
    if (src < 0) { box.appendChild(text("p", "An inserted mask: it was added by the insert bit of the position before it.")); return; }
    const key = (fr.frame - 1) + ":" + src;
    const ex = D.explain[key];
    if (!ex) {
      box.appendChild(text("p", D.explain_cap ? "No explanation embedded for this position (the page keeps at most " + D.explain_cap + ", the positions each step changed first)." : "This page was written without the step network, so there is no explanation."));
      return;
    }
    box.dataset.key = key;
    box.appendChild(text("p", "The step network evaluated on the canvas before step " + fr.frame + ", at position " + src + ":"));
    box.appendChild(render(ex, 0));
  }

  function goto(i) {
    cur = Math.max(0, Math.min(D.frames.length - 1, i));
    slider.value = cur;
    if (sel >= frame().tokens.length) sel = -1;
    follow();
    draw(); showCounts(); showView(); showExplain();
  }

  // With nothing selected, keep the step's first changed cell in view (a Theorem-1 step fills
  // one block far down the canvas; the lecturer should not have to scroll for it).
  function follow() {
    if (sel >= 0) return;
    const first = frame().ops.search(/[frdi]/);
    if (first < 0) return;
    const cols = Math.max(1, Math.floor(canvasEl.clientWidth / cellW()));
    const y = Math.floor(first / cols) * cellH();
    if (y < canvasEl.scrollTop || y > canvasEl.scrollTop + canvasEl.clientHeight - cellH()) canvasEl.scrollTop = Math.max(0, y - cellH());
  }

  function select(c) {
    sel = c; draw(); showExplain();
    const cols = Math.max(1, Math.floor(canvasEl.clientWidth / cellW()));
    const y = Math.floor(c / cols) * cellH();
    if (y < canvasEl.scrollTop || y > canvasEl.scrollTop + canvasEl.clientHeight - cellH()) { canvasEl.scrollTop = y - cellH(); draw(); }
  }

  function nextChange() {
    const fr = frame();
    for (let c = sel + 1; c < fr.ops.length; c++) if (fr.ops[c] !== "k") { select(c); return; }
    for (let c = 0; c <= sel && c < fr.ops.length; c++) if (fr.ops[c] !== "k") { select(c); return; }
  }

  slider.max = D.frames.length - 1;
  slider.addEventListener("input", () => goto(parseInt(slider.value, 10)));
  $("prev").addEventListener("click", () => goto(cur - 1));
  $("next").addEventListener("click", () => goto(cur + 1));
  $("change").addEventListener("click", nextChange);
  canvasEl.addEventListener("scroll", draw);
  window.addEventListener("resize", draw);
  spacer.addEventListener("click", (ev) => { const e = ev.target.closest(".cell"); if (e) select(parseInt(e.dataset.cell, 10)); });
  document.addEventListener("keydown", (ev) => {
    if (ev.target && ev.target.tagName === "INPUT" && ev.target.type !== "range") return;
    if (ev.key === "ArrowRight") { goto(cur + 1); ev.preventDefault(); }
    else if (ev.key === "ArrowLeft") { goto(cur - 1); ev.preventDefault(); }
    else if (ev.key === "Home") { goto(0); ev.preventDefault(); }
    else if (ev.key === "End") { goto(D.frames.length - 1); ev.preventDefault(); }
    else if (ev.key === "ArrowDown") { select(Math.min(frame().tokens.length - 1, sel + 1)); ev.preventDefault(); }
    else if (ev.key === "ArrowUp") { select(Math.max(0, sel - 1)); ev.preventDefault(); }
    else if (ev.key === "n") { nextChange(); }
  });
  // A small API for the browser tests and for lecturers' own scripts.
  window.traceViewer = { goto, select, redraw: draw, frameIndex: () => cur, frame: () => frame().frame,
    frames: D.frames.length, selected: () => sel };
  goto(0);
})();
