// The convolution explorer: controls, canvas picture and read-out, on conv_arith.js.
//
// Used two ways from this one module (see helpers/explorers/__init__.py):
//   * anywidget: `export default { render }`, state synced with Python;
//   * standalone: mount(el, state) with a small in-page model, in a stored HTML output.
import * as A from "./conv_arith.js";

// Okabe–Ito, by role: the same as helpers.plots.COLORS.
const COLORS = {
  input: "#56B4E9",
  padding: "#E0E0E0",
  output: "#E69F00",
  kernel: "#D55E00",
  highlight: "#009E73",
  unvisited: "#CC79A7",
  hole: "#000000",
  accent: "#0072B2",
  neutral: "#999999",
};
const PALE = { input: "#D5ECF9", output: "#F8E3B5" };
const ROLE_FILL = {
  selected: COLORS.highlight, read: COLORS.input, path: COLORS.output, hole: COLORS.hole,
  "hole-never": COLORS.hole, never: COLORS.unvisited,
};
function roleFill(role, l) {
  return ROLE_FILL[role] || (l === 0 ? PALE.input : PALE.output);
}
const KIND_NAMES = { conv: "convolution", pool: "pooling", transposed: "transposed convolution" };
const LABELS = { kernel: "K", stride: "S", padding: "P", dilation: "d", output_padding: "op" };
const TITLES = {
  kernel: "kernel taps K",
  stride: "stride S",
  padding: "padding P (zeros on each side)",
  dilation: "dilation d",
  output_padding: "output padding op",
};

const CSS = `
.sh-xp{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;background:#fff;max-width:980px;border:1px solid #ddd;border-radius:6px;padding:10px 12px;box-sizing:border-box}
.sh-xp h4{margin:0 0 4px;font-size:16px}
.sh-xp .sh-cap{margin:0 0 8px;color:#333}
.sh-xp .sh-top,.sh-xp .sh-play{display:flex;flex-wrap:wrap;gap:6px 16px;align-items:center;margin:4px 0}
.sh-xp .sh-layers{display:flex;flex-wrap:wrap;gap:8px;margin:6px 0}
.sh-xp fieldset{border:1px solid #ccc;border-radius:5px;padding:4px 8px 6px;margin:0;min-width:200px;flex:1 1 210px}
.sh-xp legend{font-weight:600;font-size:13px}
.sh-xp label{display:flex;align-items:center;gap:6px;font-size:13px;margin:2px 0}
.sh-xp label>span.sh-k{display:inline-block;min-width:24px;font-weight:600}
.sh-xp input[type=range]{flex:1;min-width:80px;accent-color:${COLORS.accent}}
.sh-xp output{min-width:20px;text-align:right;font-variant-numeric:tabular-nums;font-weight:600}
.sh-xp output.sh-limited{text-decoration:underline dotted #888;cursor:help}
.sh-xp button{font:inherit;font-size:13px;padding:2px 10px;border:1px solid #888;border-radius:4px;background:#f6f6f6;cursor:pointer}
.sh-xp button:disabled{opacity:.45;cursor:default}
.sh-xp button:focus-visible,.sh-xp canvas:focus-visible,.sh-xp select:focus-visible,.sh-xp input:focus-visible{outline:3px solid ${COLORS.accent};outline-offset:1px}
.sh-xp canvas{display:block;margin:6px 0}
.sh-xp .sh-scroll{overflow-x:auto;max-width:100%}
.sh-xp .sh-out{font-size:13px;margin:4px 0 0}
.sh-xp .sh-out p{margin:2px 0}
.sh-xp .sh-out .sh-err{color:#a33;font-weight:600}
.sh-xp .sh-legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px;margin:2px 0}
.sh-xp .sh-legend i{display:inline-block;width:12px;height:12px;border:1px solid #555;vertical-align:-2px;margin-right:4px}
.sh-xp code{font-size:12.5px}
`;

import { h } from "./explorer_dom.js";

function layerName(L) {
  const parts = [`K=${L.kernel}`, `S=${L.stride}`, `P=${L.padding}`, `d=${L.dilation}`];
  if (L.kind === "transposed") parts.push(`op=${L.output_padding}`);
  if (L.kind === "pool" && L.ceil_mode) parts.push("ceil");
  return `${L.kind} ${parts.join(" ")}`;
}

function listCells(xs) {
  if (!xs.length) return "none";
  // runs of consecutive cells as a–b
  const runs = [];
  let a = xs[0], b = xs[0];
  for (const x of xs.slice(1)) {
    if (x === b + 1) b = x;
    else { runs.push(a === b ? `${a}` : `${a}–${b}`); a = b = x; }
  }
  runs.push(a === b ? `${a}` : `${a}–${b}`);
  return runs.join(", ");
}

// "rows 1, 3 or in column 2": a 2-D cell belongs if its row or its column is listed.
function axesText(rows, cols) {
  const parts = [];
  if (rows.length) parts.push(`${rows.length > 1 ? "rows" : "row"} ${listCells(rows)}`);
  if (cols.length) parts.push(`${cols.length > 1 ? "columns" : "column"} ${listCells(cols)}`);
  return parts.join(" or in ");
}

function fmt(x) {
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}

// ---------------------------------------------------------------- the state

function readState(model) {
  const dims = model.get("dims") === 2 ? 2 : 1;
  const layers = (model.get("layers") || []).map(A.normalizeLayer);
  const sel = model.get("selected") || {};
  const index = Array.isArray(sel.index) ? sel.index.slice() : [0, 0];
  while (index.length < 2) index.push(index[0] || 0);
  return { dims, n: model.get("n"), layers, level: sel.level || layers.length, index };
}

// Both axes share the layers (square maps, square kernels): 2-D numbers are outer products.
export function explain(state) {
  const rows = A.explainAxis(state.n, state.layers, state.level, state.index[0]);
  if (!rows.ok || state.dims === 1) return { dims: state.dims, rows, cols: null };
  const cols = A.explainAxis(state.n, state.layers, rows.level, state.index[1]);
  return { dims: 2, rows, cols };
}

// ---------------------------------------------------------------- the read-out (pure: tests run it in node)

function plural(count, one, many) {
  return count === 1 ? one : many;
}

// "rows 0–2 and columns 4–6" (2-D) or "cells 0–2" (1-D); cells are 0-based like the course's prose.
function cellsText(dims, rows, cols) {
  if (dims === 1) return `${plural(rows.length, "cell", "cells")} ${listCells(rows)}`;
  return `${plural(rows.length, "row", "rows")} ${listCells(rows)} and ${plural(cols.length, "column", "columns")} ${listCells(cols)}`;
}

function uniqueSorted(xs) {
  return [...new Set(xs)].sort((a, b) => a - b);
}

// The facts the read-out states about the selected output, per axis (2-D: rows, then columns).
export function readoutFacts(state, view) {
  state = Object.assign({}, state, { layers: state.layers.map(A.normalizeLayer) });
  const axes = view.dims === 2 ? [view.rows, view.cols] : [view.rows];
  const v = view.rows;
  const layer = state.layers[v.level - 1];
  const k = layer.kernel;
  const inside = axes.map((a) => uniqueSorted(a.taps.filter((t) => t.inside).map((t) => t.pos)));
  const insideTaps = axes.reduce((m, a) => m * a.taps.filter((t) => t.inside).length, 1);
  const aligned = axes.reduce((m, a) => m * a.taps.length, 1); // conv, pool: every tap
  const reached = axes.map((a) => a.paths[0].flatMap((c, x) => (c > 0 ? [x] : [])));
  return {
    dims: view.dims,
    level: v.level,
    index: axes.map((a) => a.index),
    kind: layer.kind,
    taps: k ** view.dims, // taps of the kernel
    aligned, // taps that line up with an input position (transposed; = taps otherwise)
    outside: aligned - insideTaps, // of those, taps on padding or past the end
    inside, // per axis: the cells of the previous map the output reads
    emptyWindow: inside.some((xs) => xs.length === 0),
    reached, // per axis: input cells with a path from the output
    box: axes.map((a) => a.box),
    holes: axes.map((a) => a.holes),
    never: axes.map((a) => a.neverVisited),
  };
}

// The read-out's sentences, [{role, text}], from readoutFacts.
export function readout(state, view) {
  state = Object.assign({}, state, { layers: state.layers.map(A.normalizeLayer) });
  const v = view.rows;
  if (!v.ok) return [{ role: "error", text: `Not possible: ${v.error}.` }];
  const f = readoutFacts(state, view);
  const dims = f.dims;
  const lines = [];
  state.layers.forEach((L, i) => lines.push({ role: `size${i + 1}`, label: `layer ${i + 1} `, text: `(${layerName(L)}): `, code: v.formulas[i] }));
  const name = dims === 2 ? `(${f.index[0]}, ${f.index[1]})` : `${f.index[0]}`;
  const prev = f.level === 1 ? "the input" : `layer ${f.level - 1}`;
  const layer = state.layers[f.level - 1];
  const kTaps = dims === 2 ? `${layer.kernel}×${layer.kernel} = ${f.taps}` : `${f.taps}`;
  let taps = `Output ${name} of layer ${f.level} `;
  if (f.kind === "transposed") {
    if (f.aligned === 0) {
      taps += `reads no cell of ${prev}: no tap of its kernel lines up with an input cell at stride ${layer.stride} (o + P − t·d is never a multiple of S).`;
    } else if (f.emptyWindow) {
      taps += `reads no cell of ${prev}: the ${f.aligned} of its ${kTaps} taps that line up with an input position (stride ${layer.stride}) all fall outside it.`;
    } else {
      const used = f.aligned - f.outside, between = f.taps - f.aligned;
      taps += `reads ${cellsText(dims, ...f.inside)} of ${prev} through ${used} of its kernel's ${kTaps} taps`;
      const others = [];
      if (f.outside) others.push(`${f.outside} line${f.outside === 1 ? "s" : ""} up with ${plural(f.outside, "a position", "positions")} outside it`);
      if (between) others.push(`${between} fall${between === 1 ? "s" : ""} between input cells (stride ${layer.stride})`);
      if (others.length) taps += `; of the others, ${others.join(" and ")}`;
      taps += ".";
    }
  } else if (f.emptyWindow) {
    taps += `reads no cell of ${prev}: all ${kTaps} taps of its window fall on padding or past the end.`;
  } else {
    taps += `reads ${cellsText(dims, ...f.inside)} of ${prev}`;
    if (f.outside) taps += `; ${f.outside} of its ${kTaps} taps ${plural(f.outside, "falls", "fall")} outside it (padding or past the end)`;
    taps += ".";
  }
  lines.push({ role: "taps", text: taps });
  if (f.kind === "pool" && f.emptyWindow) {
    lines.push({ role: "empty", text: "Its window holds no input cell: PyTorch's max pooling outputs −inf here." });
  }
  if (f.box[0]) {
    const S = v.rf[f.level - 1].S, P = v.rf[f.level - 1].P;
    const b = dims === 2
      ? `rows ${f.box[0].start}…${f.box[0].end} × columns ${f.box[1].start}…${f.box[1].end}, centre (${fmt(f.box[0].center)}, ${fmt(f.box[1].center)})`
      : `cells ${f.box[0].start}…${f.box[0].end}, centre ${fmt(f.box[0].center)}`;
    lines.push({ role: "rf", text: `Receptive field r = ${f.box[0].r} (jump S = ${S}, offset P = ${P}): ${b}.` });
  } else {
    const what = f.reached.some((xs) => xs.length === 0) ? "this output reads no input cell" : `this output reads input ${cellsText(dims, ...f.reached)}`;
    lines.push({ role: "rf", text: `With a transposed layer the receptive-field recurrences do not apply; ${what}.` });
  }
  if (f.box[0]) {
    if (dims === 2) {
      const count = countHoles2d(view, state.n);
      lines.push({ role: "holes", text: count
        ? `${count} ${plural(count, "hole", "holes")} in the receptive field (inside it, no path): every cell of it in ${axesText(f.holes[0], f.holes[1])}.`
        : "No holes: a path reaches every input cell of the receptive field." });
    } else {
      lines.push({ role: "holes", text: f.holes[0].length
        ? `Holes (in the receptive field, no path): ${plural(f.holes[0].length, "cell", "cells")} ${listCells(f.holes[0])}.`
        : "No holes: a path reaches every input cell of the receptive field." });
    }
  }
  const last = state.layers.length;
  const never = dims === 2 ? f.never[0].length + f.never[1].length : f.never[0].length;
  lines.push({ role: "never", text: never
    ? `Input cells no output of layer ${last} reads (never visited): ${dims === 2 ? `every cell in ${axesText(f.never[0], f.never[1])}` : listCells(f.never[0])}.`
    : `Every input cell is read by some output of layer ${last}.` });
  if (dims === 1 && f.reached[0].length) {
    const a = f.reached[0][0], b = f.reached[0][f.reached[0].length - 1];
    lines.push({ role: "paths", text: `Paths from the selected output to input cells ${a}…${b}: `, code: v.paths[0].slice(a, b + 1).join(" ") });
  }
  return lines;
}

function countHoles2d(view, n) {
  const r = view.rows, c = view.cols;
  let count = 0;
  for (let i = Math.max(0, r.box.start); i <= Math.min(n - 1, r.box.end); i++)
    for (let j = Math.max(0, c.box.start); j <= Math.min(n - 1, c.box.end); j++)
      if (r.paths[0][i] * c.paths[0][j] === 0) count++;
  return count;
}

// What a cell of map l is painted as: "selected", "read" (input, on a path), "path" (an inner map's
// cell on a path), "hole" (input, in the receptive field, no path), "hole-never" (a hole no output
// reads either), "never" (no output of the last layer reads it), or "plain".
export function cellRole(view, l, i, j) {
  const r = view.rows, c = view.cols;
  const two = view.dims === 2;
  const sel = r.level;
  if (l === sel && i === r.index && (!two || j === c.index)) return "selected";
  const paths = l <= sel ? r.paths[l][i] * (two ? c.paths[l][j] : 1) : 0;
  const never = r.total[l][i] * (two ? c.total[l][j] : 1) === 0;
  if (l === 0) {
    if (paths) return "read";
    const inBox = r.box && i >= r.box.start && i <= r.box.end && (!two || (j >= c.box.start && j <= c.box.end));
    if (inBox) return never ? "hole-never" : "hole";
    return never ? "never" : "plain";
  }
  if (paths && l < sel) return "path";
  return never ? "never" : "plain";
}

// ---------------------------------------------------------------- drawing

import { setupCanvas } from "./explorer_dom.js";

// Geometry of the 1-D picture: one row per map, input at the bottom.
function layout1d(view, state, width) {
  const v = view.rows;
  const L = state.layers.length;
  const label = 170;
  const extents = [];
  for (let l = 0; l <= L; l++) {
    const next = state.layers[l];
    let before = 0, after = 0;
    if (next && next.kind !== "transposed") {
      before = next.padding;
      after = next.padding;
      // ceil_mode: the last window may run past the padded end
      const size = v.sizes[l + 1];
      const endTap = (size - 1) * next.stride + A.span(next.kernel, next.dilation) - 1 - next.padding;
      after = Math.max(after, endTap - (v.sizes[l] - 1));
    }
    extents.push({ before, after });
  }
  let minX = 0, maxX = 0;
  if (v.box) { minX = Math.min(0, v.box.start); maxX = Math.max(0, v.box.end - (state.n - 1)); }
  const cols = Math.max(...v.sizes.map((s, l) => s + extents[l].before + extents[l].after), state.n - minX + maxX);
  const cell = Math.max(5, Math.min(30, Math.floor((width - label - 16) / cols)));
  // a long map makes the picture wider than the page: the canvas grows and its box scrolls
  width = Math.max(width, label + cols * cell + 16);
  const gap = Math.max(46, Math.round(cell * 1.8));
  const top = 18;
  const rowY = (l) => top + (L - l) * (cell + gap);
  const height = rowY(0) + cell + 52;
  const areaW = width - label - 8;
  const x0 = v.sizes.map((s) => label + Math.round((areaW - s * cell) / 2));
  return { label, cell, gap, rowY, width, height, x0, extents, cols };
}

function drawCell(ctx, x, y, c, fill, stroke, dashed) {
  ctx.fillStyle = fill;
  ctx.fillRect(x, y, c, c);
  ctx.lineWidth = 1;
  ctx.strokeStyle = stroke || "#666";
  if (dashed) ctx.setLineDash([3, 2]);
  ctx.strokeRect(x + 0.5, y + 0.5, c - 1, c - 1);
  if (dashed) ctx.setLineDash([]);
}

// A hole no output reads either: black with a pink frame inside.
function neverFrame(ctx, x, y, w, hgt) {
  const t = Math.max(1, Math.round(w / 6));
  ctx.strokeStyle = COLORS.unvisited;
  ctx.lineWidth = t;
  ctx.strokeRect(x + t * 1.5, y + t * 1.5, w - 3 * t, hgt - 3 * t);
}

function textColor(fill) {
  return fill === COLORS.hole || fill === COLORS.accent ? "#fff" : "#000";
}

function draw1d(ctx, view, state, g, hover) {
  const v = view.rows;
  const L = state.layers.length;
  const c = g.cell;
  const sel = v.level;
  const fontSize = Math.max(9, Math.min(13, c - 6));
  ctx.textBaseline = "middle";
  // connections: every reached cell to the cells it reads
  ctx.lineWidth = 1;
  for (let l = sel; l >= 1; l--) {
    const layer = state.layers[l - 1];
    for (let o = 0; o < v.sizes[l]; o++) {
      const w = v.paths[l][o];
      if (!w) continue;
      const xo = g.x0[l] + o * c + c / 2, yo = g.rowY(l) + c;
      for (const r of A.reads(v.sizes[l - 1], layer, o)) {
        const xi = g.x0[l - 1] + r.pos * c + c / 2, yi = g.rowY(l - 1);
        ctx.strokeStyle = r.inside ? (l === sel ? COLORS.kernel : "rgba(213,94,0,0.55)") : "#aaa";
        ctx.setLineDash(r.inside ? [] : [3, 3]);
        ctx.beginPath();
        ctx.moveTo(xo, yo);
        ctx.lineTo(xi, yi);
        ctx.stroke();
      }
    }
  }
  ctx.setLineDash([]);
  // maps
  for (let l = 0; l <= L; l++) {
    const y = g.rowY(l);
    const { before, after } = g.extents[l];
    for (let x = -before; x < v.sizes[l] + after; x++) {
      const px = g.x0[l] + x * c;
      if (x < 0 || x >= v.sizes[l]) {
        const beyond = x >= v.sizes[l] + state.layers[l].padding || x < -state.layers[l].padding;
        drawCell(ctx, px, y, c, beyond ? "#fff" : COLORS.padding, "#999", beyond);
        continue;
      }
      const paths = l <= sel ? v.paths[l][x] : 0;
      const role = cellRole(view, l, x, 0);
      const fill = roleFill(role, l);
      drawCell(ctx, px, y, c, fill);
      if (role === "hole-never") neverFrame(ctx, px, y, c, c);
      if (paths && l < sel && c >= 12) {
        ctx.fillStyle = textColor(fill);
        ctx.font = `${fontSize}px system-ui,sans-serif`;
        ctx.textAlign = "center";
        ctx.fillText(String(paths), px + c / 2, y + c / 2 + 0.5);
      } else if (l === 0 && fill === COLORS.hole && c >= 12) {
        ctx.fillStyle = "#fff";
        ctx.font = `${fontSize}px system-ui,sans-serif`;
        ctx.textAlign = "center";
        ctx.fillText("0", px + c / 2, y + c / 2 + 0.5);
      }
    }
    // taps of the selected output
    if (l === sel - 1) {
      for (const r of v.taps) {
        ctx.fillStyle = r.inside ? COLORS.kernel : COLORS.neutral;
        ctx.beginPath();
        ctx.arc(g.x0[l] + r.pos * c + c / 2, y - 5, Math.max(2.5, Math.min(4, c / 5)), 0, 2 * Math.PI);
        ctx.fill();
      }
    }
    if (hover && hover.level === l) {
      ctx.lineWidth = 2;
      ctx.strokeStyle = "#000";
      ctx.strokeRect(g.x0[l] + hover.index * c + 1, y + 1, c - 2, c - 2);
    }
    // label
    ctx.fillStyle = "#222";
    ctx.textAlign = "left";
    ctx.font = "600 13px system-ui,sans-serif";
    ctx.fillText(l === 0 ? "input" : `layer ${l}`, 4, y + c / 2 - 7);
    ctx.font = "12px system-ui,sans-serif";
    ctx.fillText(l === 0 ? `n = ${v.sizes[0]}` : `${state.layers[l - 1].kind} → ${v.sizes[l]}`, 4, y + c / 2 + 8);
  }
  // receptive-field box and centre on the input row
  const y0 = g.rowY(0);
  if (v.box) {
    const bx = g.x0[0] + v.box.start * c;
    ctx.lineWidth = 2.5;
    ctx.strokeStyle = COLORS.accent;
    ctx.strokeRect(bx - 2, y0 - 3, v.box.r * c + 4, c + 6);
    const cx = g.x0[0] + (v.box.center + 0.5) * c;
    ctx.fillStyle = COLORS.accent;
    ctx.beginPath();
    ctx.moveTo(cx, y0 + c + 5);
    ctx.lineTo(cx - 6, y0 + c + 15);
    ctx.lineTo(cx + 6, y0 + c + 15);
    ctx.closePath();
    ctx.fill();
    ctx.font = "12px system-ui,sans-serif";
    ctx.textAlign = "center";
    ctx.fillText(`centre ${fmt(v.box.center)}`, cx, y0 + c + 26);
  }
  // index ticks under the input
  ctx.fillStyle = "#444";
  ctx.font = "11px system-ui,sans-serif";
  ctx.textAlign = "center";
  const every = c >= 18 ? 1 : c >= 10 ? 2 : c >= 7 ? 4 : 8;
  for (let x = 0; x < state.n; x += every) {
    if (v.box && Math.abs(x - v.box.center) < every * 0.9 && c < 18) continue;
    ctx.fillText(String(x), g.x0[0] + x * c + c / 2, y0 + c + 42);
  }
}

function layout2d(view, state, width) {
  const v = view.rows;
  const L = state.layers.length;
  const pads = state.layers.map((Lr) => (Lr.kind === "transposed" ? 0 : Lr.padding));
  const sides = v.sizes.map((s, l) => s + 2 * (pads[l] || 0));
  const gapX = 22;
  const total = sides.reduce((a, b) => a + b, 0);
  const cell = Math.max(3, Math.min(24, Math.floor((width - gapX * L - 8) / total)));
  const x0 = [];
  let x = 4;
  for (let l = 0; l <= L; l++) { x0.push(x + (pads[l] || 0) * cell); x += sides[l] * cell + gapX; }
  const top = 24;
  const height = top + Math.max(...sides) * cell + 30;
  return { cell, x0, top, width: Math.max(width, x + 4), height, pads };
}

function draw2d(ctx, view, state, g, hover) {
  const { rows, cols } = view;
  const L = state.layers.length;
  const c = g.cell;
  const sel = rows.level;
  const fontSize = Math.max(9, Math.min(12, c - 6));
  ctx.textBaseline = "middle";
  for (let l = 0; l <= L; l++) {
    const n = rows.sizes[l];
    const p = g.pads[l] || 0;
    const y0 = g.top + p * c;
    for (let i = -p; i < n + p; i++) {
      for (let j = -p; j < n + p; j++) {
        const px = g.x0[l] + j * c, py = y0 + i * c;
        if (i < 0 || j < 0 || i >= n || j >= n) { ctx.fillStyle = COLORS.padding; ctx.fillRect(px, py, c, c); continue; }
        const paths = l <= sel ? rows.paths[l][i] * cols.paths[l][j] : 0;
        const role = cellRole(view, l, i, j);
        ctx.fillStyle = roleFill(role, l);
        ctx.fillRect(px, py, c, c);
        if (role === "hole-never" && c >= 5) neverFrame(ctx, px, py, c, c);
        if (paths && l < sel && c >= 16) {
          ctx.fillStyle = "#000";
          ctx.font = `${fontSize}px system-ui,sans-serif`;
          ctx.textAlign = "center";
          ctx.fillText(String(paths), px + c / 2, py + c / 2 + 0.5);
        }
      }
    }
    // grid lines
    if (c >= 5) {
      ctx.strokeStyle = "rgba(0,0,0,0.35)";
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (let k = -p; k <= n + p; k++) {
        ctx.moveTo(g.x0[l] + k * c + 0.5, y0 - p * c);
        ctx.lineTo(g.x0[l] + k * c + 0.5, y0 + (n + p) * c);
        ctx.moveTo(g.x0[l] - p * c, y0 + k * c + 0.5);
        ctx.lineTo(g.x0[l] + (n + p) * c, y0 + k * c + 0.5);
      }
      ctx.stroke();
    }
    if (l === sel - 1) {
      ctx.fillStyle = COLORS.kernel;
      for (const a of rows.taps) for (const b of cols.taps) {
        ctx.beginPath();
        ctx.arc(g.x0[l] + b.pos * c + c / 2, y0 + a.pos * c + c / 2, Math.max(1.5, Math.min(4, c / 5)), 0, 2 * Math.PI);
        ctx.fill();
      }
    }
    if (hover && hover.level === l) {
      ctx.lineWidth = 2;
      ctx.strokeStyle = "#000";
      ctx.strokeRect(g.x0[l] + hover.index[1] * c + 1, y0 + hover.index[0] * c + 1, c - 2, c - 2);
    }
    ctx.fillStyle = "#222";
    ctx.textAlign = "left";
    ctx.font = "600 13px system-ui,sans-serif";
    ctx.fillText(l === 0 ? `input ${n}×${n}` : `layer ${l} → ${n}×${n}`, g.x0[l] - p * c, g.top - 12);
  }
  if (rows.box) {
    const p = g.pads[0] || 0;
    ctx.lineWidth = 2.5;
    ctx.strokeStyle = COLORS.accent;
    ctx.strokeRect(g.x0[0] + cols.box.start * c - 1, g.top + (p + rows.box.start) * c - 1, cols.box.r * c + 2, rows.box.r * c + 2);
  }
}

// ---------------------------------------------------------------- the explorer

const LEGEND = [
  ["selected output", COLORS.highlight],
  ["read by it (paths)", COLORS.input],
  ["on its paths", COLORS.output],
  ["hole: in the receptive field, no path (pink frame: no output reads it either)", COLORS.hole],
  ["never visited by any output", COLORS.unvisited],
  ["padding", COLORS.padding],
  ["receptive field", COLORS.accent],
];

export function createExplorer(model, el) {
  const root = h("div", { class: "sh-xp" });
  root.append(h("style", { text: CSS }));
  const title = h("h4", {});
  const caption = h("p", { class: "sh-cap" });
  const top = h("div", { class: "sh-top" });
  const layersBox = h("div", { class: "sh-layers" });
  const play = h("div", { class: "sh-play" });
  const legend = h("div", { class: "sh-legend", "aria-hidden": "true" });
  for (const [name, color] of LEGEND) legend.append(h("span", {}, h("i", { style: `background:${color}` }), name));
  const canvas = h("canvas", {
    tabindex: "0",
    role: "img",
    "aria-label": "Feature maps of the stack, input at the bottom. Arrow keys: left/right choose the output, up/down the layer.",
  });
  const out = h("div", { class: "sh-out", "aria-live": "polite" });
  root.append(title, caption, top, layersBox, play, h("div", { class: "sh-scroll" }, canvas), legend, out);
  // Keys pressed in the explorer belong to it: JupyterLab's shortcuts (arrows move between cells)
  // must not take them from a slider or the canvas.
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  root.addEventListener("keydown", (evt) => evt.stopPropagation());
  el.append(root);

  let state = readState(model);
  let view = null;
  let hover = null; // transient selection under the pointer
  let geometry = null;
  let timer = null;
  let frame = 0;
  let structure = "";

  function commit(changes) {
    for (const [k, v] of Object.entries(changes)) model.set(k, v);
    model.save_changes();
  }
  function setLayers(layers) {
    commit({ layers: layers.map((L) => Object.assign({}, L)) });
  }
  function setSelected(level, index) {
    commit({ selected: { level, index: state.dims === 2 ? index.slice(0, 2) : [index[0]] } });
  }

  // --- controls
  const controls = {}; // key -> {input, output, values, why}
  function slider(id, label, title, onValue) {
    const input = h("input", { type: "range", min: "0", max: "0", step: "1", "aria-label": title });
    const output = h("output", {});
    const row = h("label", { title }, h("span", { class: "sh-k", text: label }), input, output);
    const c = { input, output, values: [], row, title };
    input.addEventListener("input", () => onValue(c.values[Number(input.value)]));
    controls[id] = c;
    return row;
  }
  // A slider offers the allowed values; the refused ones are named on hover (the row's title).
  function refreshSlider(id, allowed, value, why) {
    const c = controls[id];
    // a state no value of this control mends (set from Python): offer the whole range, never a dead slider
    c.values = allowed.values.length ? allowed.values : allowed.values.concat(allowed.refused.map((r) => r.value));
    allowed = { values: c.values };
    const title = why ? `${c.title}. ${why}` : c.title;
    if (c.row.title !== title) c.row.title = title;
    c.output.classList.toggle("sh-limited", Boolean(why));
    const idx = String(Math.max(0, allowed.values.indexOf(value)));
    const max = String(Math.max(0, allowed.values.length - 1));
    if (c.input.max !== max) c.input.max = max;
    if (c.input.value !== idx) c.input.value = idx;
    const off = allowed.values.length <= 1;
    if (c.input.disabled !== off) c.input.disabled = off;
    if (c.input.getAttribute("aria-valuetext") !== String(value)) c.input.setAttribute("aria-valuetext", String(value));
    setText(c.output, String(value));
  }

  function buildControls() {
    top.textContent = "";
    layersBox.textContent = "";
    const dimsSel = h("select", { "aria-label": "dimensions", onchange: (e) => commit({ dims: Number(e.target.value) }) },
      h("option", { value: "1", text: "1-D", selected: state.dims === 1 }),
      h("option", { value: "2", text: "2-D", selected: state.dims === 2 }));
    top.append(h("label", {}, "view", dimsSel));
    const nRow = slider("n", "n", "input size n", (v) => commit({ n: v }));
    nRow.style.minWidth = "260px";
    top.append(nRow);
    state.layers.forEach((L, i) => {
      const fs = h("fieldset", {}, h("legend", { text: `layer ${i + 1}` }));
      const kind = h("select", {
        "aria-label": `layer ${i + 1} kind`,
        onchange: (e) => {
          const layers = state.layers.map((x) => Object.assign({}, x));
          const choice = A.kindChoice(state.n, layers, i, e.target.value);
          if (!choice.possible) { e.target.value = state.layers[i].kind; return; }
          layers[i] = choice.layer;
          setLayers(layers);
        },
      });
      for (const k of A.KINDS) kind.append(h("option", { value: k, text: KIND_NAMES[k], selected: L.kind === k }));
      controls[`kind${i}`] = kind;
      fs.append(h("label", {}, h("span", { class: "sh-k", text: "" }), kind));
      for (const key of A.LAYER_KEYS) {
        if (key === "output_padding" && L.kind !== "transposed") continue;
        fs.append(slider(`${key}${i}`, LABELS[key], `layer ${i + 1} ${TITLES[key]}`, (v) => {
          const layers = state.layers.map((x) => Object.assign({}, x));
          layers[i][key] = v;
          setLayers(layers);
        }));
      }
      if (L.kind === "pool") {
        const box = h("input", { type: "checkbox", checked: L.ceil_mode, "aria-label": `layer ${i + 1} ceil_mode` });
        box.addEventListener("change", () => {
          // the nearest valid numbers with ceil_mode switched (a window longer than the input needs ceil_mode)
          const layers = state.layers.map((x) => Object.assign({}, x));
          const fit = A.fitLayer(state.n, layers, i, Object.assign({}, layers[i], { ceil_mode: box.checked }));
          if (!fit) { box.checked = !box.checked; return; }
          layers[i] = fit;
          setLayers(layers);
        });
        controls[`ceil${i}`] = box;
        controls[`ceilRow${i}`] = h("label", {}, box, "ceil_mode (round the size up)");
        fs.append(controls[`ceilRow${i}`]);
      }
      layersBox.append(fs);
    });
    const add = h("button", { type: "button", text: "+ layer", onclick: () => {
      setLayers(state.layers.concat([{ kind: "conv", kernel: 3, stride: 1, padding: 1, dilation: 1 }]));
    } });
    const remove = h("button", { type: "button", text: "− layer", onclick: () => setLayers(state.layers.slice(0, -1)) });
    controls.add = add;
    controls.remove = remove;
    layersBox.append(h("div", {}, add, " ", remove));
  }

  play.append(
    h("button", { type: "button", "aria-label": "previous output", text: "◀ step", onclick: () => step(-1) }),
  );
  const playBtn = h("button", { type: "button", "aria-label": "play: slide the window", text: "▶ play", onclick: () => toggle() });
  play.append(playBtn, h("button", { type: "button", "aria-label": "next output", text: "step ▶", onclick: () => step(1) }));
  const where = h("span", {});
  play.append(where);

  function step(delta) {
    if (!view || !view.rows.ok) return;
    const size = view.rows.sizes[view.rows.level];
    const idx = state.index.slice();
    if (state.dims === 2) {
      let flat = idx[0] * size + idx[1] + delta;
      flat = ((flat % (size * size)) + size * size) % (size * size);
      setSelected(view.rows.level, [Math.floor(flat / size), flat % size]);
    } else {
      setSelected(view.rows.level, [(((idx[0] + delta) % size) + size) % size]);
    }
  }
  function toggle() {
    if (timer) { clearInterval(timer); timer = null; playBtn.textContent = "▶ play"; return; }
    playBtn.textContent = "❚❚ pause";
    timer = setInterval(() => step(1), 600);
  }

  // --- read-out
  function writeOut() {
    out.textContent = "";
    for (const line of readout(state, view)) {
      const p = h("p", { "data-role": line.role, class: line.role === "error" ? "sh-err" : null });
      if (line.label) p.append(h("b", { text: line.label }));
      p.append(line.text);
      if (line.code !== undefined) p.append(h("code", { text: line.code }));
      out.append(p);
    }
  }

  // --- update
  // A change of the state: controls (ranges, reasons) and the picture.
  function update() {
    state = readState(model);
    title.textContent = model.get("title") || "Convolution explorer";
    caption.textContent = model.get("caption") || "";
    caption.style.display = caption.textContent ? "" : "none";
    const key = `${state.dims}|${state.layers.map((L) => L.kind).join(",")}`;
    if (key !== structure) { buildControls(); structure = key; }
    refreshControls();
    renderPicture();
  }

  function refreshControls() {
    const nAllowed = A.allowedValues(state, 0, "n");
    refreshSlider("n", nAllowed, state.n, A.refusalSentence("n", nAllowed));
    state.layers.forEach((L, i) => {
      for (const key of A.LAYER_KEYS) {
        if (!controls[`${key}${i}`]) continue;
        const allowed = A.allowedValues(state, i, key);
        refreshSlider(`${key}${i}`, allowed, L[key], A.refusalSentence(LABELS[key], allowed));
      }
      // a kind is greyed out only when no setting of this layer's numbers makes the stack valid
      const sel = controls[`kind${i}`];
      for (const opt of sel.options) {
        const choice = opt.value === L.kind ? { possible: true, reason: "" } : A.kindChoice(state.n, state.layers, i, opt.value, { nearest: false });
        if (opt.disabled !== !choice.possible) opt.disabled = !choice.possible;
        const title = choice.possible ? "" : `${KIND_NAMES[opt.value]} is out: ${choice.reason}`;
        if (opt.title !== title) opt.title = title;
      }
      if (sel.value !== L.kind) sel.value = L.kind;
      const box = controls[`ceil${i}`];
      if (box) {
        box.checked = L.ceil_mode;
        const fit = A.fitLayer(state.n, state.layers, i, Object.assign({}, L, { ceil_mode: !L.ceil_mode }), true);
        box.disabled = !fit;
        controls[`ceilRow${i}`].title = fit ? "" : `ceil_mode cannot be ${L.ceil_mode ? "switched off" : "switched on"} here: no setting of this layer's numbers gives a valid stack`;
      }
    });
    const full = state.layers.length >= A.LIMITS.layers[1];
    controls.add.disabled = full;
    controls.add.title = full ? `at most ${A.LIMITS.layers[1]} layers` : "add a layer (conv K=3, S=1, P=1)";
    controls.remove.disabled = state.layers.length <= A.LIMITS.layers[0];
  }

  // The picture and the read-out, for the state or the output under the pointer.
  function renderPicture() {
    const shown = hover ? Object.assign({}, state, { level: hover.level || state.level, index: hover.index }) : state;
    view = explain(hover && hover.level >= 1 ? shown : state);
    if (!view.rows.ok) {
      setupCanvas(canvas, 10, 10);
      where.textContent = "";
      writeOut();
      publish();
      return;
    }
    if (state.dims === 2) {
      geometry = layout2d(view, state, width);
      draw2d(setupCanvas(canvas, geometry.width, geometry.height), view, state, geometry, hover);
    } else {
      geometry = layout1d(view, state, width);
      draw1d(setupCanvas(canvas, geometry.width, geometry.height), view, state, geometry, hover);
    }
    const sz = view.rows.sizes[view.rows.level];
    // outputs are numbered from 0, as in the read-out and the course's prose
    const which = state.dims === 2 ? `(${view.rows.index}, ${view.cols.index}) of rows and columns 0–${sz - 1}` : `${view.rows.index} of 0–${sz - 1}`;
    setText(where, `selected: layer ${view.rows.level}, output ${which}` + (hover ? " (under the pointer; click to keep)" : ""));
    writeOut();
    publish();
  }
  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }
  // The drawing width follows the container without reading layout on every update.
  let width = 760;
  function measureWidth() {
    const w = Math.max(320, Math.min(960, (root.clientWidth || 784) - 24));
    if (w !== width) { width = w; return true; }
    return false;
  }
  if (typeof ResizeObserver !== "undefined") {
    new ResizeObserver(() => { if (measureWidth() && view) renderPicture(); }).observe(root);
  }
  function publish() {
    frame += 1;
    root.dataset.frame = String(frame);
    // for tests and benchmarks: what is shown, and where a cell is on the canvas
    root.__explorer = { state, view, frame, cellCenter };
  }

  function cellCenter(level, i, j) {
    const g = geometry, c = g.cell;
    if (state.dims === 2) {
      const p = g.pads[level] || 0;
      return { x: g.x0[level] + (j + 0.5) * c, y: g.top + (p + i + 0.5) * c };
    }
    return { x: g.x0[level] + (i + 0.5) * c, y: g.rowY(level) + c / 2 };
  }

  // --- pointer and keyboard
  function cellAt(evt) {
    if (!geometry || !view || !view.rows.ok) return null;
    const rect = canvas.getBoundingClientRect();
    const x = evt.clientX - rect.left, y = evt.clientY - rect.top;
    const c = geometry.cell;
    const L = state.layers.length;
    for (let l = 1; l <= L; l++) {
      const n = view.rows.sizes[l];
      if (state.dims === 2) {
        const p = geometry.pads[l] || 0;
        const j = Math.floor((x - geometry.x0[l]) / c), i = Math.floor((y - geometry.top - p * c) / c);
        if (i >= 0 && j >= 0 && i < n && j < n) return { level: l, index: [i, j] };
      } else {
        const y0 = geometry.rowY(l);
        const i = Math.floor((x - geometry.x0[l]) / c);
        if (y >= y0 && y < y0 + c && i >= 0 && i < n) return { level: l, index: [i, 0] };
      }
    }
    return null;
  }
  canvas.addEventListener("pointermove", (evt) => {
    const cell = cellAt(evt);
    const same = (a, b) => (a && b && a.level === b.level && a.index[0] === b.index[0] && a.index[1] === b.index[1]) || (!a && !b);
    if (same(cell, hover)) return;
    hover = cell;
    renderPicture();
  });
  canvas.addEventListener("pointerleave", () => { if (hover) { hover = null; renderPicture(); } });
  canvas.addEventListener("click", (evt) => {
    const cell = cellAt(evt);
    if (cell) { hover = null; setSelected(cell.level, cell.index); }
  });
  canvas.addEventListener("keydown", (evt) => {
    if (!view || !view.rows.ok) return;
    const level = view.rows.level;
    const keys = { ArrowLeft: -1, ArrowRight: 1 };
    if (evt.key in keys) { step(keys[evt.key]); evt.preventDefault(); }
    else if (evt.key === "ArrowUp" || evt.key === "ArrowDown") {
      const next = Math.max(1, Math.min(state.layers.length, level + (evt.key === "ArrowUp" ? 1 : -1)));
      setSelected(next, [0, 0]);
      evt.preventDefault();
    }
  });

  const names = ["n", "dims", "layers", "selected", "title", "caption"];
  for (const name of names) model.on(`change:${name}`, update);
  measureWidth();
  update();
  return () => {
    if (timer) clearInterval(timer);
    for (const name of names) model.off && model.off(`change:${name}`, update);
  };
}

// anywidget entry point
function render({ model, el }) {
  return createExplorer(model, el);
}

// Standalone: a model that lives in the page (no kernel).
export function mount(el, initial) {
  const data = Object.assign({}, initial);
  const listeners = {};
  const model = {
    get: (k) => data[k],
    set: (k, v) => { data[k] = v; (listeners[`change:${k}`] || []).forEach((f) => f()); },
    save_changes: () => {},
    on: (evt, f) => { (listeners[evt] = listeners[evt] || []).push(f); },
    off: (evt, f) => { listeners[evt] = (listeners[evt] || []).filter((g) => g !== f); },
  };
  // one redraw per commit: batch the change events of a commit into one update
  let pending = null;
  const batched = {
    get: model.get,
    set: (k, v) => { data[k] = v; pending = pending || new Set(); pending.add(k); },
    save_changes: () => {
      if (!pending) return;
      const keys = [...pending];
      pending = null;
      const fired = new Set();
      for (const k of keys) for (const f of listeners[`change:${k}`] || []) if (!fired.has(f)) { fired.add(f); f(); }
    },
    on: model.on,
    off: model.off,
  };
  createExplorer(batched, el);
  return batched;
}

// the arithmetic, for the tests (node) and the page
export { A };
export default { render };
