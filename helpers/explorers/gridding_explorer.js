// The dilated-stack explorer (notebook 05): controls, four pictures and the read-out, on gridding_arith.js.
//
// Used two ways from this one module (see helpers/explorers/gridding.py):
//   * anywidget: `export default { render }`, state synced with Python;
//   * standalone: mount(el, state) with a small in-page model, in a stored HTML output.
import * as A from "./gridding_arith.js";

// Okabe–Ito, by role: the same as helpers.plots.COLORS (and the convolution explorer).
const COLORS = { input: "#56B4E9", output: "#E69F00", kernel: "#D55E00", highlight: "#009E73", hole: "#000000", accent: "#0072B2" };
// helpers.plots.gridding.PATHS_CMAP: few paths pale, many paths dark orange.
const PATHS = ["#FFE8B0", COLORS.output, COLORS.kernel];

const CSS = `
.sh-gx{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;background:#fff;max-width:980px;border:1px solid #ddd;border-radius:6px;padding:10px 12px;box-sizing:border-box}
.sh-gx h4{margin:0 0 4px;font-size:16px}
.sh-gx .sh-cap{margin:0 0 8px;color:#333}
.sh-gx .sh-ctl{display:flex;flex-wrap:wrap;gap:2px 18px;margin:4px 0}
.sh-gx .sh-row{display:flex;flex-wrap:wrap;gap:2px 18px;width:100%}
.sh-gx label{display:flex;align-items:center;gap:6px;font-size:13px;margin:2px 0;flex:0 1 210px}
.sh-gx label>span{display:inline-block;min-width:52px;font-weight:600}
.sh-gx label.sh-off{opacity:.45}
.sh-gx input[type=range]{flex:1;min-width:80px;accent-color:${COLORS.accent}}
.sh-gx output{min-width:20px;text-align:right;font-variant-numeric:tabular-nums;font-weight:600}
.sh-gx .sh-panels{display:flex;flex-wrap:wrap;gap:10px;margin:6px 0}
.sh-gx figure{margin:0;width:200px}
.sh-gx figcaption{font-size:12px;color:#333;margin-top:2px}
.sh-gx canvas{display:block;image-rendering:pixelated}
.sh-gx canvas:focus-visible,.sh-gx input:focus-visible{outline:3px solid ${COLORS.accent};outline-offset:1px}
.sh-gx .sh-out{font-size:13px;margin:4px 0 0}
.sh-gx .sh-out p{margin:2px 0}
`;

function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

function hex(c) {
  return [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
}
const RAMP = PATHS.map(hex);
// The colour of a path count divided by the largest one (0 < f <= 1).
export function pathColour(f) {
  const x = Math.min(1, Math.max(0, f)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x)), u = x - i;
  return RAMP[i].map((a, j) => Math.round(a + (RAMP[i + 1][j] - a) * u));
}

// ---------------------------------------------------------------- the state and what it shows (pure)

export function readState(model) {
  const layers = model.get("layers");
  const all = (model.get("rates") || []).slice();
  return { layers, all, rates: all.slice(0, layers), kernel: model.get("kernel") };
}

// The stack's numbers and pictures, kept for the last stack shown (a traced output changes nothing here).
let memo = { key: "", stack: null };
function stackView(rates, kernel) {
  const key = `${rates.join(",")}|${kernel}`;
  if (memo.key !== key) {
    const n = A.IMAGE_SIZE;
    const v = A.stackNumbers(rates, kernel);
    const picture = A.probeImage(n), board = A.checkerboard(n);
    const pictureOut = A.stackResponse(picture, n, rates, kernel);
    let top = 0;
    for (const x of pictureOut) if (x > top) top = x;
    memo = { key, stack: { numbers: v, n, picture, pictureOut, pictureTop: top,
      boardOut: A.stackResponse(board, n, rates, kernel), sentence: A.griddingSentence(v) } };
  }
  return memo.stack;
}

// Everything the pictures and the read-out show, for a state and an optional traced output [y, x].
export function explain(state, trace) {
  const view = Object.assign({ key: memo.key, trace: null, footprint: null, read: 0 }, stackView(state.rates, state.kernel));
  view.key = memo.key;
  if (trace) {
    view.trace = trace;
    view.footprint = A.footprint(state.rates, state.kernel, view.n, trace[0], trace[1]);
    let read = 0;
    for (const x of view.footprint) read += x;
    view.read = read;
  }
  return view;
}

// The read-out's lines, [{role, text}].
export function readout(view) {
  const lines = [{ role: "sentence", text: view.sentence }];
  if (view.trace) {
    const [y, x] = view.trace;
    lines.push({ role: "trace", text: `Output (${y}, ${x}) reads the ${view.read} input ${view.read === 1 ? "pixel" : "pixels"} painted blue: the pixels of its ${view.numbers.r}×${view.numbers.r} receptive field joined to it by a path that stays inside the picture.` });
  } else {
    lines.push({ role: "trace", text: "Hover the filtered picture (or focus it and use the arrow keys) to see which input pixels one output reads." });
  }
  if (view.numbers.counts[view.numbers.centre] === 0) {
    lines.push({ role: "centre", text: "The green + is a hole: no path reaches the input pixel at the output's own position. " +
      "With 'same' padding a layer's taps are centred on its output; an even K has no middle tap, so at a rate above 1 " +
      "no tap falls on the output's position (at rate 1 the tap just before the middle does), and here no path " +
      "through the layers adds up to it either." });
  }
  return lines;
}

// ---------------------------------------------------------------- drawing

function setupCanvas(canvas, size) {
  const ratio = window.devicePixelRatio || 1;
  const px = Math.round(size * ratio);
  if (canvas.width !== px) {
    canvas.width = px;
    canvas.height = px;
    canvas.style.width = `${size}px`;
    canvas.style.height = `${size}px`;
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.clearRect(0, 0, size, size);
  return ctx;
}

// Blit an r×r RGBA buffer scaled to size×size (nearest neighbour), through a scratch canvas per size.
const scratches = new Map();
function blit(ctx, rgba, r, size) {
  let scratch = scratches.get(r);
  if (!scratch) {
    scratch = document.createElement("canvas");
    scratch.width = r;
    scratch.height = r;
    scratches.set(r, scratch);
  }
  scratch.getContext("2d").putImageData(new ImageData(rgba, r, r), 0, 0);
  ctx.drawImage(scratch, 0, 0, size, size);
}

// Grey levels, black 0 to white `top` (1, or the largest value: brightness stretched); the traced
// output's input pixels tinted blue.
const BLUE = hex(COLORS.input);
function grey(values, n, footprint, top = 1) {
  const rgba = new Uint8ClampedArray(n * n * 4);
  const scale = top > 0 ? 255 / top : 0;
  for (let i = 0, o = 0; i < n * n; i++, o += 4) {
    const g = Math.round(Math.min(255, Math.max(0, values[i] * scale)));
    if (footprint && footprint[i]) {
      rgba[o] = 0.35 * g + 0.65 * BLUE[0]; rgba[o + 1] = 0.35 * g + 0.65 * BLUE[1]; rgba[o + 2] = 0.35 * g + 0.65 * BLUE[2];
    } else {
      rgba[o] = g; rgba[o + 1] = g; rgba[o + 2] = g;
    }
    rgba[o + 3] = 255;
  }
  return rgba;
}

// 256 steps of the path colours, and the coverage map as RGBA (holes black).
const LUT = Array.from({ length: 256 }, (_, i) => pathColour(i / 255));
function coverageRGBA(v) {
  const r = v.r, rgba = new Uint8ClampedArray(r * r * 4);
  for (let i = 0, o = 0; i < r; i++) {
    for (let j = 0; j < r; j++, o += 4) {
      const p = v.counts[i] * v.counts[j];
      if (p) { const c = LUT[Math.round((255 * p) / v.max)]; rgba[o] = c[0]; rgba[o + 1] = c[1]; rgba[o + 2] = c[2]; }
      rgba[o + 3] = 255; // a hole stays black
    }
  }
  return rgba;
}

function plus(ctx, x, y, arm) {
  ctx.strokeStyle = COLORS.highlight;
  ctx.lineWidth = 2.5;
  ctx.beginPath();
  ctx.moveTo(x - arm, y); ctx.lineTo(x + arm, y);
  ctx.moveTo(x, y - arm); ctx.lineTo(x, y + arm);
  ctx.stroke();
}

function square(ctx, y, x, cell) {
  ctx.strokeStyle = COLORS.highlight;
  ctx.lineWidth = 2;
  ctx.strokeRect(x * cell - 1, y * cell - 1, cell + 2, cell + 2);
}

// ---------------------------------------------------------------- the explorer

export const PANEL = 192; // pixels per picture: 3 per image pixel
const COVERAGE = 200; // the coverage map: at least one pixel per cell (r <= 193)

function createExplorer(model, el) {
  if (!document.getElementById("sh-gx-style")) {
    document.head.append(h("style", { id: "sh-gx-style", text: CSS }));
  }
  const root = h("div", { class: "sh-gx" });
  const title = h("h4", {});
  const caption = h("p", { class: "sh-cap" });
  const ctl = h("div", { class: "sh-ctl" });
  const panels = h("div", { class: "sh-panels" });
  const out = h("div", { class: "sh-out", "aria-live": "polite" });
  root.append(title, caption, ctl, panels, out);
  // JupyterLab's shortcuts (arrows move between cells) must not take them from a slider or a picture.
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  root.addEventListener("keydown", (evt) => evt.stopPropagation());
  el.append(root);

  let state = readState(model);
  let view = null;
  let trace = null;
  let frame = 0;

  function commit(changes) {
    for (const [k, v] of Object.entries(changes)) model.set(k, v);
    model.save_changes();
  }

  // --- controls: layers, K, rate 1..4 (a rate beyond the number of layers is kept but unused)
  const sliders = {};
  const rows = [h("div", { class: "sh-row" }), h("div", { class: "sh-row" })];
  ctl.append(...rows);
  function slider(id, label, tip, lo, hi, onValue) {
    const input = h("input", { type: "range", min: String(lo), max: String(hi), step: "1", "aria-label": tip });
    const output = h("output", {});
    const row = h("label", { title: tip }, h("span", { text: label }), input, output);
    input.addEventListener("input", () => onValue(Number(input.value)));
    sliders[id] = { input, output, row, tip };
    rows[id.startsWith("rate") ? 1 : 0].append(row);
  }
  const [l0, l1] = A.LIMITS.layers, [r0, r1] = A.LIMITS.rate, [k0, k1] = A.LIMITS.kernel;
  slider("layers", "layers", `number of dilated layers (${l0}–${l1})`, l0, l1, (v) => commit({ layers: v }));
  slider("kernel", "kernel K", `taps per axis of every layer, K×K averages (${k0}–${k1})`, k0, k1, (v) => commit({ kernel: v }));
  for (let i = 0; i < l1; i++) {
    slider(`rate${i}`, `rate ${i + 1}`, `dilation rate of layer ${i + 1} (${r0}–${r1})`, r0, r1, (v) => {
      const rates = state.all.slice();
      rates[i] = v;
      commit({ rates });
    });
  }

  function figure(name, text) {
    const canvas = h("canvas", { "data-panel": name, role: "img" });
    const cap = h("figcaption", { text });
    panels.append(h("figure", {}, canvas, cap));
    return { canvas, cap };
  }
  const cov = figure("coverage", "");
  const pic = figure("picture", "input: probe image (thin lines, a pixel checkerboard, a disc)");
  const picOut = figure("picture-out", "the picture through the stack (K×K averages), white = its largest value");
  const boardOut = figure("board-out", "a one-pixel checkerboard (0 and 1) through the stack, white = 1");
  for (const f of [picOut, boardOut]) f.canvas.setAttribute("tabindex", "0");

  function refreshControls() {
    const set = (id, value, off, why) => {
      const s = sliders[id];
      if (s.input.value !== String(value)) s.input.value = String(value);
      if (s.output.textContent !== String(value)) s.output.textContent = String(value);
      if (s.input.disabled !== off) s.input.disabled = off;
      s.row.classList.toggle("sh-off", off);
      const tip = off ? `${s.tip}. Unused: the stack has ${state.layers} layers; raise "layers" to use it` : s.tip;
      if (s.row.title !== tip) s.row.title = tip;
      s.input.setAttribute("aria-valuetext", off ? `${value} (unused)` : String(value));
    };
    set("layers", state.layers, false);
    set("kernel", state.kernel, false);
    for (let i = 0; i < A.LIMITS.layers[1]; i++) set(`rate${i}`, state.all[i], i >= state.layers);
  }

  let drawn = ""; // the stack whose coverage map is on the canvas
  function draw() {
    view = explain(state, trace);
    const v = view.numbers, n = view.n, cell = PANEL / n;
    let ctx;
    if (drawn !== view.key) {
      ctx = setupCanvas(cov.canvas, COVERAGE);
      blit(ctx, coverageRGBA(v), v.r, COVERAGE);
      const unit = COVERAGE / v.r;
      if (unit >= 8) { // few cells: draw their borders
        ctx.strokeStyle = "rgba(0,0,0,0.25)";
        ctx.lineWidth = 1;
        ctx.beginPath();
        for (let i = 1; i < v.r; i++) {
          ctx.moveTo(i * unit, 0); ctx.lineTo(i * unit, COVERAGE);
          ctx.moveTo(0, i * unit); ctx.lineTo(COVERAGE, i * unit);
        }
        ctx.stroke();
      }
      plus(ctx, (v.centre + 0.5) * unit, (v.centre + 0.5) * unit, Math.max(6, Math.min(12, 0.4 * unit)));
      cov.canvas.setAttribute("aria-label", `coverage map, ${v.r}×${v.r}, ${v.holes} holes`);
      cov.cap.textContent = `coverage of an output far from any border (green +), ${v.r}×${v.r}: colour = paths, black = hole`;
      drawn = view.key;
    }
    ctx = setupCanvas(pic.canvas, PANEL);
    blit(ctx, grey(view.picture, n, view.footprint), n, PANEL);
    for (const [f, values, top] of [[picOut, view.pictureOut, view.pictureTop], [boardOut, view.boardOut, 1]]) {
      ctx = setupCanvas(f.canvas, PANEL);
      blit(ctx, grey(values, n, null, top), n, PANEL);
      if (trace) square(ctx, trace[0], trace[1], cell);
    }
    const lines = readout(view);
    if (out.childElementCount !== lines.length) {
      out.textContent = "";
      for (const line of lines) out.append(h("p", { "data-role": line.role }));
    }
    lines.forEach((line, i) => { if (out.children[i].textContent !== line.text) out.children[i].textContent = line.text; });
    frame += 1;
    root.dataset.frame = String(frame);
    // for tests and benchmarks: what is shown
    root.__explorer = { state, view, frame, pixelCenter };
  }

  function pixelCenter(y, x) {
    const cell = PANEL / A.IMAGE_SIZE;
    return { x: (x + 0.5) * cell, y: (y + 0.5) * cell };
  }

  function update() {
    state = readState(model);
    title.textContent = model.get("title") || "Dilated stack on a picture";
    caption.textContent = model.get("caption") || "";
    caption.style.display = caption.textContent ? "" : "none";
    refreshControls();
    draw();
  }

  // --- pointer and keyboard on the filtered pictures: trace one output back to the input pixels it reads
  function at(canvas, evt) {
    const rect = canvas.getBoundingClientRect();
    const cell = rect.width / A.IMAGE_SIZE;
    const x = Math.floor((evt.clientX - rect.left) / cell), y = Math.floor((evt.clientY - rect.top) / cell);
    return x >= 0 && y >= 0 && x < A.IMAGE_SIZE && y < A.IMAGE_SIZE ? [y, x] : null;
  }
  for (const f of [picOut, boardOut]) {
    f.canvas.addEventListener("pointermove", (evt) => {
      const p = at(f.canvas, evt);
      if (p && trace && p[0] === trace[0] && p[1] === trace[1]) return;
      trace = p;
      draw();
    });
    f.canvas.addEventListener("pointerleave", () => { if (trace) { trace = null; draw(); } });
    f.canvas.addEventListener("keydown", (evt) => {
      const steps = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
      if (!(evt.key in steps)) return;
      const n = A.IMAGE_SIZE, [dy, dx] = steps[evt.key];
      const [y, x] = trace || [n / 2, n / 2];
      trace = [Math.min(n - 1, Math.max(0, y + dy)), Math.min(n - 1, Math.max(0, x + dx))];
      evt.preventDefault();
      draw();
    });
    f.canvas.addEventListener("blur", () => { if (trace) { trace = null; draw(); } });
  }

  const names = ["layers", "rates", "kernel", "title", "caption"];
  for (const name of names) model.on(`change:${name}`, update);
  update();
  return () => {
    for (const name of names) model.off && model.off(`change:${name}`, update);
  };
}

// anywidget entry point
function render({ model, el }) {
  return createExplorer(model, el);
}

// Standalone: a model that lives in the page (no kernel); one redraw per commit.
export function mount(el, initial) {
  const data = Object.assign({}, initial);
  const listeners = {};
  let pending = null;
  const model = {
    get: (k) => data[k],
    set: (k, v) => { data[k] = v; pending = pending || new Set(); pending.add(k); },
    save_changes: () => {
      if (!pending) return;
      const keys = [...pending];
      pending = null;
      const fired = new Set();
      for (const k of keys) for (const f of listeners[`change:${k}`] || []) if (!fired.has(f)) { fired.add(f); f(); }
    },
    on: (evt, f) => { (listeners[evt] = listeners[evt] || []).push(f); },
    off: (evt, f) => { listeners[evt] = (listeners[evt] || []).filter((g) => g !== f); },
  };
  createExplorer(model, el);
  return model;
}

// the arithmetic, for the tests (node) and the page
export { A };
export default { render };
