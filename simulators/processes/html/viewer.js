// Trace viewer (hand-written, offline). Reads the JSON embedded in #trace-data and draws one
// frame at a time: frame 0 is the initial canvas, frame f >= 1 is decoding step f drawn over the
// canvas before it (deleted masks stay visible, struck through; inserted masks appear after their
// position). A frame is whole (tokens + ops of every cell) or a delta (the positions a step
// without insert/delete changed); deltas are applied to the last whole frame's canvas. Only the
// rows in view are in the DOM (windowed rendering), so canvases of 10^5 cells step smoothly.
"use strict";
(function () {
  const D = JSON.parse(document.getElementById("trace-data").textContent);
  const OPS = { k: "keep", f: "filled", r: "remasked", d: "deleted", i: "inserted" };
  const LETTERS = "kfrdi";
  const GLYPH = { k: "", f: "\u25CF", r: "\u21BA", d: "\u2715", i: "+" };
  const $ = (id) => document.getElementById(id);
  const canvasEl = $("canvas"), spacer = $("spacer"), slider = $("slider");
  let cur = 0, sel = -1;   // index into D.frames; selected cell of the current frame
  let V = null;            // the current frame, materialised (see materialise)
  let cache = null;        // {index, canvas}: the canvas after the last materialised frame
  const css = (v) => parseFloat(getComputedStyle(document.documentElement).getPropertyValue(v));
  const CW = css("--cell-w"), CH = css("--cell-h");  // read once: getComputedStyle is not free
  const cellW = () => CW, cellH = () => CH;
  const cols = () => Math.max(1, Math.floor(canvasEl.clientWidth / cellW()));
  const name = (id) => (D.names[String(id)] !== undefined ? D.names[String(id)] : String(id));

  function text(tag, s, cls) { const e = document.createElement(tag); e.textContent = s; if (cls) e.className = cls; return e; }
  const show = (x) => (x !== null && typeof x === "object" ? JSON.stringify(x) : String(x));

  // Generic rendering of a decoded view or an explanation: dicts as labelled blocks, arrays of
  // arrays (or of records) as tables, arrays of scalars as one line, scalars as text. Every
  // scalar of a dict carries data-name (what the browser tests read).
  function render(v, depth) {
    if (v === null || v === undefined) return text("span", "\u2014");
    if (Array.isArray(v)) {
      if (v.length && v.every((r) => Array.isArray(r))) {
        const t = document.createElement("table"), head = document.createElement("tr");
        head.appendChild(text("th", "#"));
        const width = Math.max(...v.map((r) => r.length));
        for (let j = 0; j < width; j++) head.appendChild(text("th", String(j)));
        t.appendChild(head);
        v.forEach((r, i) => { const tr = document.createElement("tr"); tr.appendChild(text("th", String(i)));
          r.forEach((x) => tr.appendChild(text("td", show(x)))); t.appendChild(tr); });
        return t;
      }
      if (v.length && v.every((r) => r && typeof r === "object" && !Array.isArray(r))) {
        const keys = [...new Set(v.flatMap((r) => Object.keys(r)))];
        const t = document.createElement("table"), head = document.createElement("tr");
        keys.forEach((k) => head.appendChild(text("th", k, "k")));
        t.appendChild(head);
        v.forEach((r) => { const tr = document.createElement("tr");
          keys.forEach((k) => tr.appendChild(text("td", r[k] === undefined ? "" : show(r[k]), "k")));
          t.appendChild(tr); });
        return t;
      }
      return text("code", "[" + v.map(show).join(", ") + "]");
    }
    if (typeof v === "object") {
      const box = document.createElement("div"), entries = Object.entries(v);
      const flat = entries.every(([, x]) => x === null || typeof x !== "object");
      if (flat && entries.length > 3) {
        const t = document.createElement("table");
        entries.forEach(([k, x]) => { const tr = document.createElement("tr");
          tr.appendChild(text("td", k, "k")); const td = text("td", String(x)); td.dataset.name = k;
          tr.appendChild(td); t.appendChild(tr); });
        box.appendChild(t);
        return box;
      }
      entries.forEach(([k, x]) => {
        if (x !== null && typeof x === "object" && depth < 3) {
          const det = document.createElement("details"); det.open = depth < 2;
          det.appendChild(text("summary", k)); det.appendChild(render(x, depth + 1)); box.appendChild(det);
        } else {
          const row = document.createElement("div"); row.className = "kv";
          row.appendChild(text("b", k + ": ")); const val = render(x, depth + 1);
          if (x === null || typeof x !== "object") val.dataset.name = k;
          row.appendChild(val); box.appendChild(row);
        }
      });
      return box;
    }
    return text("span", String(v));
  }

  // The canvas *after* frame i (deleted cells dropped).
  function afterOf(fr, tokens) {
    if (fr.delta) return tokens;
    const out = [];
    for (let c = 0; c < fr.tokens.length; c++) if (fr.ops[c] !== "d") out.push(fr.tokens[c]);
    return out;
  }

  // Frame i as {tokens, op(c), src(c), changes}: cells to draw, their op letters, the position
  // before the step each came from (-1: inserted), and the changed cells in order.
  function materialise(i) {
    const fr = D.frames[i];
    if (!fr.delta) {
      if (!fr._src) {
        const src = new Int32Array(fr.tokens.length), changes = [];
        let p = 0;
        for (let c = 0; c < fr.tokens.length; c++) {
          src[c] = fr.ops[c] === "i" ? -1 : p++;
          if (fr.ops[c] !== "k") changes.push(c);
        }
        fr._src = src; fr._changes = changes;
      }
      cache = { index: i, canvas: afterOf(fr, fr.tokens) };
      return { fr, tokens: fr.tokens, op: (c) => fr.ops[c], src: (c) => fr._src[c], changes: fr._changes };
    }
    let tokens;
    if (cache && cache.index === i - 1) tokens = cache.canvas.slice();
    else {  // rebuild from the last whole frame, applying the deltas in between in place
      let j = i - 1; while (D.frames[j].delta) j--;
      tokens = afterOf(D.frames[j], D.frames[j].tokens).slice();
      for (let k = j + 1; k < i; k++) { const e = D.frames[k].delta; for (let n = 0; n < e.pos.length; n++) tokens[e.pos[n]] = e.tokens[n]; }
    }
    const ops = new Uint8Array(tokens.length), d = fr.delta;
    for (let n = 0; n < d.pos.length; n++) { tokens[d.pos[n]] = d.tokens[n]; ops[d.pos[n]] = LETTERS.indexOf(d.ops[n]); }
    cache = { index: i, canvas: tokens };
    return { fr, tokens, op: (c) => LETTERS[ops[c]], src: (c) => c, changes: d.pos };
  }

  function draw() {
    // Read the geometry first, then write: interleaving would force extra layouts.
    const n = V.tokens.length, w = cols(), rows = Math.ceil(n / w);
    const top = canvasEl.scrollTop, height = canvasEl.clientHeight;
    const first = Math.max(0, Math.floor(top / cellH()) - 2);
    const last = Math.min(rows, Math.ceil((top + height) / cellH()) + 2);
    const h = (rows * cellH()) + "px";
    if (spacer.style.height !== h) spacer.style.height = h;
    spacer.textContent = "";
    const frag = document.createDocumentFragment();
    for (let c = first * w; c < Math.min(n, last * w); c++) {
      const tok = V.tokens[c], op = V.op(c), src = V.src(c);
      const e = document.createElement("div");
      e.className = "cell op-" + op + (tok === D.mask_id ? " mask" : "") + (c === sel ? " selected" : "");
      e.style.left = ((c % w) * cellW()) + "px"; e.style.top = (Math.floor(c / w) * cellH()) + "px";
      e.dataset.cell = c; e.dataset.tok = tok; e.dataset.op = op; e.dataset.src = src;
      e.setAttribute("role", "button");
      const label = name(tok);
      e.title = "cell " + c + (src >= 0 ? " (position " + src + " before the step)" : " (inserted mask)") + ": " + label + (op !== "k" ? " \u2014 " + OPS[op] : "");
      e.setAttribute("aria-label", e.title);
      e.appendChild(text("span", String(c), "idx"));
      if (GLYPH[op]) e.appendChild(text("span", GLYPH[op], "glyph"));
      e.appendChild(document.createTextNode(label));
      frag.appendChild(e);
    }
    spacer.appendChild(frag);
  }

  function showCounts() {
    const fr = V.fr, c = fr.counts;
    $("step").textContent = fr.frame === 0 ? "initial canvas" : "step " + fr.frame + " of " + D.num_steps;
    $("counts").textContent = "filled " + c.filled + " \u00B7 remasked " + c.remasked + " \u00B7 inserted " + c.inserted + " \u00B7 deleted " + c.deleted + " \u00B7 length " + c.length;
    for (const k of ["filled", "remasked", "inserted", "deleted", "length"]) $("counts").dataset[k] = c[k];
  }

  function showView() {
    const box = $("view"); box.textContent = "";
    if (V.fr.view === null || V.fr.view === undefined) { box.appendChild(text("p", "(no decoded view for this construction)")); return; }
    box.appendChild(render(V.fr.view, 0));
  }

  function showExplain() {
    const box = $("explain"); box.textContent = ""; delete box.dataset.key;
    if (sel < 0 || sel >= V.tokens.length) { box.appendChild(text("p", "Click a cell (or use \u2191/\u2193) to see why its token appeared.")); return; }
    const src = V.src(sel), op = V.op(sel), fr = V.fr;
    box.appendChild(text("p", "cell " + sel + ": " + name(V.tokens[sel]) + (op !== "k" ? " (" + OPS[op] + " in this step)" : "")));
    if (fr.frame === 0) { box.appendChild(text("p", "The initial canvas: nothing has been decided yet. Step forward to see the step that fills it.")); return; }
    if (src < 0) { box.appendChild(text("p", "An inserted mask: the insert bit of the position before it added it.")); return; }
    const key = (fr.frame - 1) + ":" + src, ex = D.explain[key];
    if (!ex) {
      box.appendChild(text("p", !D.explain_cap ? "This page was written without the step network, so there is no explanation." :
        (D.explain_note || ("No explanation embedded for this position (the page keeps at most " + D.explain_cap + ", the positions each step changed first)."))));
      return;
    }
    box.dataset.key = key;
    box.appendChild(text("p", "The step network evaluated on the canvas before step " + fr.frame + ", at position " + src + ":"));
    box.appendChild(render(ex, 0));
  }

  function scrollTo(c) {
    const y = Math.floor(c / cols()) * cellH();
    if (y < canvasEl.scrollTop || y > canvasEl.scrollTop + canvasEl.clientHeight - cellH()) canvasEl.scrollTop = Math.max(0, y - cellH());
  }

  function goto(i) {
    cur = Math.max(0, Math.min(D.frames.length - 1, i));
    slider.value = cur;
    V = materialise(cur);
    if (sel >= V.tokens.length) sel = -1;
    // With nothing selected, keep the step's first change in view (a Theorem-1 step fills one
    // block far down the canvas; the lecturer should not have to scroll for it).
    if (sel < 0 && V.changes.length) scrollTo(V.changes[0]);
    draw(); showCounts(); showView(); showExplain();
  }

  function select(c) { sel = c; scrollTo(c); draw(); showExplain(); }

  function nextChange() {
    const ch = V.changes;
    if (!ch.length) return;
    const after = ch.find((c) => c > sel);
    select(after === undefined ? ch[0] : after);
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
    if (ev.key === "ArrowRight") { goto(cur + 1); ev.preventDefault(); }
    else if (ev.key === "ArrowLeft") { goto(cur - 1); ev.preventDefault(); }
    else if (ev.key === "Home") { goto(0); ev.preventDefault(); }
    else if (ev.key === "End") { goto(D.frames.length - 1); ev.preventDefault(); }
    else if (ev.key === "ArrowDown") { select(Math.min(V.tokens.length - 1, sel + 1)); ev.preventDefault(); }
    else if (ev.key === "ArrowUp") { select(Math.max(0, sel - 1)); ev.preventDefault(); }
    else if (ev.key === "n") { nextChange(); }
  });
  // A small API for the browser tests and for lecturers' own scripts.
  window.traceViewer = { goto, select, redraw: draw, frameIndex: () => cur, frame: () => V.fr.frame,
    frames: D.frames.length, selected: () => sel, length: () => V.tokens.length };
  goto(0);
})();
