// The design lab (notebook 07): controls, canvas picture and read-out, on design_arith.js.
//
// Used two ways from this one module (see helpers/explorers/design.py):
//   * anywidget: `export default { render }`, state synced with Python;
//   * standalone: mount(el, state) with a small in-page model, in a stored HTML output.
import * as A from "./design_arith.js";

const C = A.DATA.colors;
const KEYS = ["input_size", "output_stride", "rates", "upsampling", "distance"];

const CSS = `
.sh-dl{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;background:#fff;max-width:980px;border:1px solid #ddd;border-radius:6px;padding:10px 12px;box-sizing:border-box}
.sh-dl h4{margin:0 0 6px;font-size:16px}
.sh-dl .sh-top{display:flex;flex-wrap:wrap;gap:6px 18px;align-items:center;margin:4px 0}
.sh-dl label{display:flex;align-items:center;gap:6px;font-size:13px}
.sh-dl input[type=range]{width:150px;accent-color:${C.accent}}
.sh-dl output{min-width:34px;text-align:right;font-variant-numeric:tabular-nums;font-weight:600}
.sh-dl select{font:inherit;font-size:13px}
.sh-dl select:focus-visible,.sh-dl input:focus-visible{outline:3px solid ${C.accent};outline-offset:1px}
.sh-dl canvas{display:block;margin:6px 0}
.sh-dl .sh-out{font-size:13px;margin:4px 0 0}
.sh-dl .sh-out p{margin:2px 0}
.sh-dl .sh-out .sh-warn{color:#8a3b00}
`;

import { h } from "./explorer_dom.js";

// ---------------------------------------------------------------- the numbers shown (pure: tests run it in node)

export function explain(state) {
  const rates = A.DATA.rates[state.rates];
  const [up, mode] = A.DATA.upsampling[state.upsampling];
  const d = A.designNumbers(state.input_size, state.output_stride, rates, up, mode);
  const factor = mode === "bilinear" ? up : 1;
  const objects = A.twoObjects(state.distance, d.peak_stride, factor);
  const shown = objects.picture; // the map and peaks at the offset drawn (A.objectsPeaks, cached)
  return { design: d, objects, shown, factor };
}

// The read-out's sentences, [{role, text}].
export function readout(state, v) {
  const d = v.design, o = v.objects;
  const lines = [];
  lines.push({ role: "sizes", text: `Heatmap ${d.heatmap_size}×${d.heatmap_size} (${d.heatmap_stride} px per cell; last learned layer every ${d.peak_stride} px); receptive field ${d.receptive_field} px (TF-Slim ResNet-50, head and upsampling).` });
  if (d.rates.length) {
    const hdc = d.hdc === null ? "" : `, HDC rule ${d.hdc ? "met" : "not met"}`;
    lines.push({ role: "head", text: `Head: ${d.holes} holes (${A.pct(d.hole_fraction)}) in its coverage${hdc}; an output and its neighbour share ${A.pct(d.neighbour_share)} of the pixels they read.` });
    lines.push({ role: "rate", text: `Largest rate ${d.largest_rate} on the ${d.feature_size}×${d.feature_size} feature map: all 9 taps inside at ${A.pct(d.full_kernel_share)} of positions, 4 or fewer at ${A.pct(d.few_taps_share)}, only the centre at ${A.pct(d.centre_only_share)}.` });
  } else {
    lines.push({ role: "head", text: "No dilated head: no holes, no rates." });
  }
  lines.push({ role: "objects", text: verdictText(state.distance, d.peak_stride, o.counts) });
  if (d.warnings.length) lines.push({ role: "warnings", text: `Warnings: ${d.warnings.join(", ")} (see report.warnings).` });
  return lines;
}

// Counts per grid offset, grouped: "two peaks at 7 of 8 grid offsets, 3 peaks at 1." (2 first, then ascending)
export function verdictText(distance, s, counts) {
  const head = `Two objects ${distance} px apart side by side, on the ${s}-px grid of the last learned layer (box model): `;
  const label = (v) => (v === 1 ? "one peak" : v === 2 ? "two peaks" : `${v} peaks`);
  const groups = new Map();
  for (const c of counts) groups.set(c, (groups.get(c) || 0) + 1);
  const order = [...groups.keys()].sort((a, b) => (a === 2 ? -1 : b === 2 ? 1 : a - b));
  if (order.length === 1) return head + `${label(order[0])} at each of the ${counts.length} grid offsets.`;
  return head + order.map((v, i) => `${label(v)} at ${groups.get(v)}${i === 0 ? ` of ${counts.length} grid offsets` : ""}`).join(", ") + ".";
}

// ---------------------------------------------------------------- drawing

import { setupCanvas } from "./explorer_dom.js";

function title(ctx, x, y, lines) {
  ctx.fillStyle = "#222";
  ctx.textAlign = "left";
  ctx.textBaseline = "alphabetic";
  lines.forEach((t, i) => {
    ctx.font = i === 0 ? "600 13px system-ui,sans-serif" : "12px system-ui,sans-serif";
    ctx.fillText(t, x, y + i * 16);
  });
}

// (a) the tile, the heatmap grid, the middle cell and its receptive field (dashed)
function drawGrid(ctx, d, x, y, size) {
  const n = d.input_size, step = d.heatmap_stride, half = d.receptive_field / 2;
  const centre = Math.floor(d.heatmap_size / 2), cx = (centre + 0.5) * step;
  const lo = Math.min(0, cx - half), hi = Math.max(n, cx + half);
  const k = size / (hi - lo);
  const X = (v) => x + (v - lo) * k, Y = (v) => y + (v - lo) * k;
  ctx.fillStyle = "rgba(86,180,233,0.35)";
  ctx.fillRect(X(0), Y(0), n * k, n * k);
  const every = Math.max(1, Math.ceil(d.heatmap_size / 32));
  ctx.strokeStyle = "rgba(0,0,0,0.45)";
  ctx.lineWidth = 0.6;
  ctx.beginPath();
  for (let c = 0; c <= d.heatmap_size; c += every) {
    const v = Math.min(n, c * step);
    ctx.moveTo(X(v), Y(0)); ctx.lineTo(X(v), Y(n));
    ctx.moveTo(X(0), Y(v)); ctx.lineTo(X(n), Y(v));
  }
  ctx.stroke();
  ctx.strokeStyle = "#555";
  ctx.strokeRect(X(0), Y(0), n * k, n * k);
  ctx.fillStyle = C.highlight;
  ctx.fillRect(X(centre * step), Y(centre * step), Math.max(2, step * k), Math.max(2, step * k));
  ctx.setLineDash([6, 4]);
  ctx.lineWidth = 2;
  ctx.strokeStyle = C.kernel;
  ctx.strokeRect(X(cx - half), Y(cx - half), 2 * half * k, 2 * half * k);
  ctx.setLineDash([]);
  const note = every === 1 ? "" : ` (line every ${every})`;
  title(ctx, x, y - 44, [`${n}×${n} input`, `${d.heatmap_size}×${d.heatmap_size} heatmap, ${d.heatmap_stride} px/cell`,
    `dashed: one cell's field, ${d.receptive_field} px${note}`]);
}

// (b) the head's coverage (feature cells one output reads; holes black)
function drawCoverage(ctx, d, x, y, size) {
  if (!d.rates.length) {
    title(ctx, x, y - 44, ["head coverage", "no dilated head"]);
    ctx.strokeStyle = "#ccc";
    ctx.strokeRect(x, y, size, size);
    return;
  }
  const c = d.coverage, side = c.length;
  const cell = size / side;
  let top = 0;
  for (const a of c) for (const b of c) top = Math.max(top, a * b);
  for (let i = 0; i < side; i++) for (let j = 0; j < side; j++) {
    const v = c[i] * c[j];
    if (v === 0) ctx.fillStyle = C.hole;
    else { const t = 0.25 + 0.75 * v / top; ctx.fillStyle = `rgba(0,114,178,${t.toFixed(3)})`; }
    ctx.fillRect(x + j * cell, y + i * cell, Math.ceil(cell), Math.ceil(cell));
  }
  ctx.strokeStyle = "#555";
  ctx.lineWidth = 1;
  ctx.strokeRect(x, y, side * cell, side * cell);
  title(ctx, x, y - 44, [`head rates ${d.rates.join(", ")}`, `${side}×${side} cells, ${d.holes} holes (black)`,
    `neighbours share ${A.pct(d.neighbour_share)}`]);
}

// (c) the two objects along their row: the blobs, the learned grid, the rendered heatmap row, its peaks
function drawObjects(ctx, v, state, x, y, w, hgt) {
  const d = v.design, s = d.peak_stride, f = v.factor;
  const g = v.shown.layout, hm = v.shown.heatmap;
  const rowIndex = Math.floor(hm.length / 2) - (f > 1 && hm.length % 2 === 0 ? 1 : 0);
  let best = 0;
  hm.forEach((r, i) => { if (Math.max(...r) > Math.max(...hm[best])) best = i; });
  const row = hm[f > 1 ? best : rowIndex];
  const widthPx = g.cols * s;
  const k = w / widthPx;
  const X = (px) => x + (px + 0.5) * k;
  const base = y + hgt, tall = hgt - 8;
  let top = 0;
  for (const r of hm) for (const val of r) top = Math.max(top, val);
  // heatmap samples: bars at the final cells' width
  const fine = s / f;
  ctx.fillStyle = "rgba(230,159,0,0.75)";
  row.forEach((val, j) => {
    const bh = (val / top) * tall;
    ctx.fillRect(x + j * fine * k + 1, base - bh, Math.max(1, fine * k - 2), bh);
  });
  // the objects (continuous Gaussians, peak height = tall)
  ctx.strokeStyle = C.kernel;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  for (let i = 0; i <= 400; i++) {
    const px = -0.5 + (widthPx * i) / 400;
    const gv = Math.exp(-((px - g.x0) ** 2) / 4.5) + Math.exp(-((px - g.x1) ** 2) / 4.5);
    const yy = base - Math.min(1, gv) * tall;
    if (i === 0) ctx.moveTo(X(px) - 0.5 * k, yy); else ctx.lineTo(X(px) - 0.5 * k, yy);
  }
  ctx.stroke();
  // the learned grid's cell borders
  ctx.strokeStyle = "rgba(0,0,0,0.5)";
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let c = 0; c <= g.cols; c++) { ctx.moveTo(x + c * s * k, base + 6); ctx.lineTo(x + c * s * k, y); }
  ctx.stroke();
  // peaks of the rendered map (first pixel of each plateau)
  ctx.fillStyle = C.accent;
  for (const [, j] of v.shown.peaks) {
    const px = x + (j + 0.5) * fine * k;
    ctx.beginPath();
    ctx.moveTo(px, y - 2); ctx.lineTo(px - 6, y - 12); ctx.lineTo(px + 6, y - 12); ctx.closePath(); ctx.fill();
  }
  // the distance
  ctx.strokeStyle = "#333";
  ctx.beginPath();
  ctx.moveTo(X(g.x0), base + 14); ctx.lineTo(X(g.x1), base + 14);
  ctx.stroke();
  ctx.fillStyle = "#222";
  ctx.font = "12px system-ui,sans-serif";
  ctx.textAlign = "center";
  ctx.fillText(`${state.distance} px`, (X(g.x0) + X(g.x1)) / 2, base + 28);
  const n = v.shown.peaks.length;
  const resized = f > 1 ? `, resized bilinear ×${f}` : "";
  title(ctx, x, y - 64, [`two objects, ${s}-px learned grid${resized}`,
    `grid offset ${v.objects.shown} px${v.objects.two === v.objects.offsets ? "" : " (least favourable)"}: ${n} peak${n === 1 ? "" : "s"} (▼)`,
    `bars: heatmap row through the objects; curve: the objects`]);
}

function drawAll(canvas, v, state, width) {
  const height = 300;
  const ctx = setupCanvas(canvas, width, height);
  const sq = Math.min(200, Math.floor((width - 40) * 0.24));
  const top = 68;
  drawGrid(ctx, v.design, 8, top, sq);
  const cs = Math.min(sq, 170);
  drawCoverage(ctx, v.design, sq + 64, top, cs);
  const ox = sq + 64 + cs + 44;
  drawObjects(ctx, v, state, ox, top + 20, Math.max(200, width - ox - 10), sq - 30);
  return { width, height };
}

// ---------------------------------------------------------------- the explorer

export function createExplorer(model, el) {
  const root = h("div", { class: "sh-dl" });
  root.append(h("style", { text: CSS }));
  root.append(h("h4", { text: "Design lab: heatmap size, receptive field, holes and two close objects" }));
  const top = h("div", { class: "sh-top" });
  const canvas = h("canvas", { role: "img", "aria-label": "the design: heatmap grid, head coverage, two objects" });
  const out = h("div", { class: "sh-out", "aria-live": "polite" });
  root.append(top, canvas, out);
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  root.addEventListener("keydown", (evt) => evt.stopPropagation());
  el.append(root);

  const controls = {};
  function commit(key, value) { model.set(key, value); model.save_changes(); }
  function slider(key, label, lo, hi, step = 1) {
    const input = h("input", { type: "range", min: String(lo), max: String(hi), step: String(step), "aria-label": label });
    const output = h("output", {});
    input.addEventListener("input", () => commit(key, Number(input.value)));
    controls[key] = { input, output };
    top.append(h("label", { title: label }, label, input, output));
  }
  function select(key, label, options, asNumber) {
    const sel = h("select", { "aria-label": label, onchange: (e) => commit(key, asNumber ? Number(e.target.value) : e.target.value) });
    for (const o of options) sel.append(h("option", { value: String(o), text: String(o) }));
    controls[key] = { input: sel };
    top.append(h("label", {}, label, sel));
  }
  const L = A.DATA.limits;
  slider("input_size", "input (px)", L.input_size[0], L.input_size[1]);
  select("output_stride", "output stride", L.output_stride, true);
  select("rates", "head rates", Object.keys(A.DATA.rates), false);
  select("upsampling", "upsampling", Object.keys(A.DATA.upsampling), false);
  slider("distance", "objects apart (px)", L.distance[0], L.distance[1], A.DATA.distance_step);

  let state = null, view = null, frame = 0;
  let width = 900;
  function readState() {
    const st = {};
    for (const k of KEYS) st[k] = model.get(k);
    return st;
  }
  function update() {
    state = readState();
    for (const k of KEYS) {
      const c = controls[k];
      if (String(c.input.value) !== String(state[k])) c.input.value = String(state[k]);
      if (c.output) c.output.textContent = String(state[k]);
    }
    view = explain(state);
    drawAll(canvas, view, state, width);
    out.textContent = "";
    for (const line of readout(state, view)) out.append(h("p", { "data-role": line.role, class: line.role === "warnings" ? "sh-warn" : null, text: line.text }));
    frame += 1;
    root.dataset.frame = String(frame);
    root.__explorer = { state, view, frame };
  }
  function measure() {
    const w = Math.max(640, Math.min(960, (root.clientWidth || 924) - 24));
    if (w !== width) { width = w; return true; }
    return false;
  }
  if (typeof ResizeObserver !== "undefined") new ResizeObserver(() => { if (measure() && view) update(); }).observe(root);
  for (const k of KEYS) model.on(`change:${k}`, update);
  measure();
  update();
  return () => { for (const k of KEYS) model.off && model.off(`change:${k}`, update); };
}

function render({ model, el }) {
  return createExplorer(model, el);
}

// Standalone: a model that lives in the page (no kernel).
export function mount(el, initial) {
  const data = Object.assign({}, initial);
  const listeners = {};
  const model = {
    get: (k) => data[k],
    set: (k, v) => { data[k] = v; },
    save_changes: () => { for (const f of new Set(Object.values(listeners).flat())) f(); },
    on: (evt, f) => { (listeners[evt] = listeners[evt] || []).push(f); },
    off: (evt, f) => { listeners[evt] = (listeners[evt] || []).filter((g) => g !== f); },
  };
  // one redraw per commit: every listener is the same update function
  model.save_changes = () => { const fs = new Set(Object.values(listeners).flat()); for (const f of fs) f(); };
  createExplorer(model, el);
  return model;
}

export { A };
export default { render };
