// Notebook 04's heatmap explorer: the scene, the heatmap cells, one cell's receptive field,
// a keypoint and where a decoder reports it. All numbers come from heatmap_arith.js.
//
// Used two ways (see helpers/explorers/heatmap.py):
//   * anywidget: `export default { render }`, state synced with Python;
//   * standalone: mount(el, state) with a small in-page model, in a stored HTML output.
// NET (the network's data and the scene) is inlined by heatmap.py next to the arithmetic.
import * as A from "./heatmap_arith.js";

// Okabe–Ito, by role: the same as helpers.plots.COLORS (and the convolution explorer).
const COLORS = {
  input: "#56B4E9",
  padding: "#E0E0E0",
  output: "#E69F00",
  kernel: "#D55E00",
  highlight: "#009E73",
  accent: "#0072B2",
  neutral: "#999999",
};

const CSS = `
.sh-xp{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;background:#fff;max-width:980px;border:1px solid #ddd;border-radius:6px;padding:10px 12px;box-sizing:border-box}
.sh-xp h4{margin:0 0 4px;font-size:16px}
.sh-xp .sh-cap{margin:0 0 8px;color:#333}
.sh-xp .sh-top{display:flex;flex-wrap:wrap;gap:6px 18px;align-items:center;margin:4px 0}
.sh-xp label{display:flex;align-items:center;gap:6px;font-size:13px;margin:2px 0}
.sh-xp input[type=range]{min-width:140px;accent-color:${COLORS.accent}}
.sh-xp output{min-width:34px;text-align:right;font-variant-numeric:tabular-nums;font-weight:600}
.sh-xp select,.sh-xp button{font:inherit;font-size:13px}
.sh-xp button{padding:2px 10px;border:1px solid #888;border-radius:4px;background:#f6f6f6;cursor:pointer}
.sh-xp button:focus-visible,.sh-xp canvas:focus-visible,.sh-xp select:focus-visible,.sh-xp input:focus-visible{outline:3px solid ${COLORS.accent};outline-offset:1px}
.sh-xp canvas{display:block;margin:6px 0;touch-action:none}
.sh-xp .sh-out{font-size:13px;margin:4px 0 0}
.sh-xp .sh-out p{margin:2px 0}
.sh-xp .sh-out .sh-err{color:#a33;font-weight:600}
.sh-xp .sh-legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px;margin:2px 0}
.sh-xp .sh-legend i{display:inline-block;width:12px;height:12px;border:1px solid #555;vertical-align:-2px;margin-right:4px}
.sh-xp .sh-hint{font-size:12px;color:#555;margin:2px 0}
`;

import { h } from "./explorer_dom.js";

const MAIN = 460, SIDE = 250, GAP = 24, W = MAIN + GAP + SIDE, HGT = MAIN + 4;

function createExplorer(model, el) {
  const L = NET.limits;
  const root = h("div", { class: "sh-xp" });
  root.append(h("style", { text: CSS }));
  el.append(root);
  const title = h("h4", { text: model.get("title") || "Output stride, atrous rate and the heatmap" });
  const cap = h("p", { class: "sh-cap", text: model.get("caption") || "" });
  root.append(title, cap);

  const state = () => ({
    n: model.get("n"), os: model.get("os"), rate: model.get("rate"), padding: model.get("padding"),
    decoder: model.get("decoder"), key: model.get("key"), cell: model.get("cell"),
  });
  function commit(fields) {
    for (const [k, v] of Object.entries(fields)) model.set(k, v);
    model.save_changes();
  }

  // ---- controls
  function slider(name, label, lo, hi) {
    const input = h("input", { type: "range", min: lo, max: hi, step: 1, value: model.get(name), "aria-label": label });
    const out = h("output", { text: String(model.get(name)) });
    input.addEventListener("input", () => commit({ [name]: Number(input.value) }));
    return { node: h("label", {}, h("span", { text: label }), input, out), input, out };
  }
  function select(name, label, options, parse) {
    const sel = h("select", { "aria-label": label });
    for (const [value, text] of options) sel.append(h("option", { value: String(value), text }));
    sel.value = String(model.get(name));
    sel.addEventListener("change", () => commit({ [name]: parse(sel.value) }));
    return { node: h("label", {}, h("span", { text: label }), sel), sel };
  }
  const cN = slider("n", "input size N", L.n[0], L.n[1]);
  const cOS = select("os", "output stride", L.os.map((v) => [v, String(v)]), Number);
  const cRate = slider("rate", "head atrous rate d", L.rate[0], L.rate[1]);
  const cPad = select("padding", "head padding P", L.padding.map((v) => [v, NET.paddingLabels[v]]), String);
  const cDec = select("decoder", "decoder", L.decoder.map((v) => [v, NET.decoders[v]]), String);
  const reset = h("button", { type: "button", text: "reset keypoint and cell" });
  reset.addEventListener("click", () => commit({ key: [NET.scene.fx, NET.scene.fy], cell: null }));
  root.append(h("div", { class: "sh-top" }, cN.node, cOS.node, cRate.node, cPad.node), h("div", { class: "sh-top" }, cDec.node, reset));

  const canvas = h("canvas", { tabindex: "0", role: "img", "aria-label": "the scene with the heatmap cells; arrow keys move the selected cell, shift+arrow keys the keypoint" });
  const dpr = Math.min(2, (typeof window !== "undefined" && window.devicePixelRatio) || 1);
  canvas.width = W * dpr; canvas.height = HGT * dpr;
  canvas.style.width = W + "px"; canvas.style.height = HGT + "px";
  const ctx = canvas.getContext("2d");
  const legend = h("div", { class: "sh-legend" });
  const items = [
    ["selected cell (filled) and its centre", COLORS.highlight],
    ["its receptive field (dashed)", COLORS.accent],
    ["keypoint ×", COLORS.kernel],
    ["reported position ○, arg-max cell outlined", COLORS.output],
  ];
  for (const [text, color] of items) legend.append(h("span", {}, h("i", { style: `background:${color}` }), text));
  const hint = h("p", { class: "sh-hint", text: "Hover or click a cell (or focus the picture and use the arrow keys); drag the keypoint (or shift + arrow keys, 1 px)." });
  const out = h("div", { class: "sh-out", "aria-live": "polite" });
  root.append(canvas, legend, hint, out);

  const img = new Image();
  let imgReady = false;
  img.onload = () => { imgReady = true; draw(); };
  if (NET.scene.png) img.src = NET.scene.png;

  let view = null, hover = null, drag = false;
  const frame = { count: 0, ms: 0 };

  // world (input pixel) -> canvas, for the main panel: pixel i covers [i - 0.5, i + 0.5]
  const toMain = (n) => (v) => ((v + 0.5) / n) * MAIN;
  const fromMain = (n) => (p) => (p / MAIN) * n - 0.5;

  function draw() {
    const t0 = (typeof performance !== "undefined" ? performance : Date).now();
    const st = state();
    if (hover && !drag) st.cell = hover;
    view = A.compute(NET, st);
    root.__explorer = { state: st, view: strip(view), frame, randomPoint: (u, v) => ({ x: u * MAIN, y: v * MAIN }) };
    const n = st.n, m = toMain(n);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, HGT);
    // main panel
    ctx.save();
    ctx.beginPath(); ctx.rect(0, 0, MAIN, MAIN); ctx.clip();
    ctx.fillStyle = "#888"; ctx.fillRect(0, 0, MAIN, MAIN);
    if (imgReady) { ctx.imageSmoothingEnabled = true; ctx.drawImage(img, 0, 0, MAIN, MAIN); }
    if (view.ok) {
      const g = view.g, S = g.S;
      const first = g.center - S / 2, last = g.center + (g.cells - 1) * S + S / 2;
      const thin = S / n * MAIN < 6;
      ctx.strokeStyle = thin ? "rgba(255,255,255,0.35)" : "rgba(255,255,255,0.6)";
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (let u = 0; u <= g.cells; u++) {
        const e = m(first + u * S);
        ctx.moveTo(e, m(first)); ctx.lineTo(e, m(last));
        ctx.moveTo(m(first), e); ctx.lineTo(m(last), e);
      }
      ctx.stroke();
      ctx.fillStyle = "rgba(255,255,255,0.75)";
      if (!thin) for (let i = 0; i < g.cells; i++) for (let j = 0; j < g.cells; j++) {
        ctx.fillRect(m(g.center + j * S) - 1, m(g.center + i * S) - 1, 2, 2);
      }
      // selected cell
      const [cx, cy] = view.cellCentre;
      const side = S / n * MAIN;
      ctx.fillStyle = "rgba(0,158,115,0.6)";
      ctx.fillRect(m(cx - S / 2), m(cy - S / 2), side, side);
      ctx.strokeStyle = COLORS.highlight; ctx.lineWidth = 2;
      ctx.strokeRect(m(cx - S / 2), m(cy - S / 2), side, side);
      // arg-max cell outline
      const [ai, aj] = view.dec.cell;
      ctx.strokeStyle = COLORS.output; ctx.lineWidth = 2.5;
      ctx.strokeRect(m(g.center + aj * S - S / 2), m(g.center + ai * S - S / 2), side, side);
      // receptive field box (may run far past the image)
      const [x0, x1, y0, y1] = view.box;
      ctx.setLineDash([6, 4]); ctx.strokeStyle = COLORS.accent; ctx.lineWidth = 2;
      ctx.strokeRect(m(x0 - 0.5), m(y0 - 0.5), m(x1 + 0.5) - m(x0 - 0.5), m(y1 + 0.5) - m(y0 - 0.5));
      ctx.setLineDash([]);
      dot(m(cx), m(cy), 4, COLORS.highlight);
      // reported position and keypoint
      const [rx, ry] = view.dec.at, [kx, ky] = view.key;
      ctx.strokeStyle = COLORS.output; ctx.lineWidth = 1.5;
      ctx.beginPath(); ctx.moveTo(m(kx), m(ky)); ctx.lineTo(m(rx), m(ry)); ctx.stroke();
      ctx.lineWidth = 3; ctx.beginPath(); ctx.arc(m(rx), m(ry), 8, 0, 2 * Math.PI); ctx.stroke();
    }
    cross(m(view.key[0]), m(view.key[1]));
    ctx.restore();
    ctx.strokeStyle = "#555"; ctx.lineWidth = 1; ctx.strokeRect(0.5, 0.5, MAIN - 1, MAIN - 1);
    // side panel: the receptive field zoomed out (grey: zero padding)
    const ox = MAIN + GAP, oy = 30;
    ctx.fillStyle = "#222"; ctx.font = "13px system-ui,sans-serif"; ctx.textBaseline = "top";
    ctx.fillText("zoomed out: the selected cell's", ox, 0);
    ctx.fillText("receptive field (grey: zero padding)", ox, 15);
    if (view.ok) {
      const [x0, x1, y0, y1] = view.box;
      const lo = Math.min(-0.5, x0 - 0.5, y0 - 0.5), hi = Math.max(n - 0.5, x1 + 0.5, y1 + 0.5);
      const z = (v) => oy + ((v - lo) / (hi - lo)) * SIDE, zx = (v) => ox + ((v - lo) / (hi - lo)) * SIDE;
      ctx.fillStyle = COLORS.padding; ctx.fillRect(ox, oy, SIDE, SIDE);
      if (imgReady) ctx.drawImage(img, zx(-0.5), z(-0.5), zx(n - 0.5) - zx(-0.5), z(n - 0.5) - z(-0.5));
      else { ctx.fillStyle = "#888"; ctx.fillRect(zx(-0.5), z(-0.5), zx(n - 0.5) - zx(-0.5), z(n - 0.5) - z(-0.5)); }
      ctx.setLineDash([6, 4]); ctx.strokeStyle = COLORS.accent; ctx.lineWidth = 2;
      ctx.strokeRect(zx(x0 - 0.5), z(y0 - 0.5), zx(x1 + 0.5) - zx(x0 - 0.5), z(y1 + 0.5) - z(y0 - 0.5));
      ctx.setLineDash([]);
      dot(zx(view.cellCentre[0]), z(view.cellCentre[1]), 4, COLORS.highlight);
      ctx.fillStyle = "#222";
      ctx.fillText(`r = ${view.g.r} px; input ${n} px`, ox, oy + SIDE + 8);
      ctx.fillText(`OS ${st.os}: ${view.g.cells}×${view.g.cells} cells`, ox, oy + SIDE + 24);
    }
    // controls and read-out
    cN.input.value = st.n; cN.out.textContent = String(st.n);
    cRate.input.value = st.rate; cRate.out.textContent = String(st.rate);
    cOS.sel.value = String(st.os); cPad.sel.value = st.padding; cDec.sel.value = st.decoder;
    out.replaceChildren(...view.lines.map((line) => h("p", { class: view.ok ? "" : "sh-err", text: line })));
    frame.count += 1;
    frame.ms = (typeof performance !== "undefined" ? performance : Date).now() - t0;
  }
  function dot(x, y, r, color) {
    ctx.fillStyle = color; ctx.strokeStyle = "#fff"; ctx.lineWidth = 1.5;
    ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
  }
  function cross(x, y) {
    ctx.lineCap = "round";
    for (const [color, w] of [["#fff", 6], [COLORS.kernel, 3]]) {
      ctx.strokeStyle = color; ctx.lineWidth = w;
      ctx.beginPath(); ctx.moveTo(x - 8, y - 8); ctx.lineTo(x + 8, y + 8); ctx.moveTo(x - 8, y + 8); ctx.lineTo(x + 8, y - 8); ctx.stroke();
    }
    ctx.lineCap = "butt";
  }
  function strip(v) {
    const { g, ...rest } = v;
    return { ...rest, cells: g.cells, backbone: g.backbone, ceil: g.ceil, r: g.r, S: g.S, P: g.P, center: g.center, pad: g.pad };
  }

  // ---- pointer and keyboard
  function local(evt) {
    const r = canvas.getBoundingClientRect();
    return [evt.clientX - r.left, evt.clientY - r.top];
  }
  function cellAt(px, py) {
    if (!view || !view.ok || px < 0 || py < 0 || px >= MAIN || py >= MAIN) return null;
    const n = state().n, g = view.g, f = fromMain(n);
    const idx = (v) => Math.max(0, Math.min(g.cells - 1, Math.round((v - g.center) / g.S)));
    return [idx(f(py)), idx(f(px))];
  }
  function nearKey(px, py) {
    const n = state().n, m = toMain(n);
    return view && Math.hypot(px - m(view.key[0]), py - m(view.key[1])) <= 12;
  }
  function moveKey(px, py) {
    const f = (p) => Math.max(0, Math.min(1, p / MAIN));
    commit({ key: [f(px), f(py)], cell: null });
  }
  canvas.addEventListener("pointerdown", (evt) => {
    const [px, py] = local(evt);
    if (nearKey(px, py)) { drag = true; canvas.setPointerCapture && canvas.setPointerCapture(evt.pointerId); evt.preventDefault(); }
  });
  canvas.addEventListener("pointermove", (evt) => {
    const [px, py] = local(evt);
    if (drag) { moveKey(px, py); return; }
    canvas.style.cursor = nearKey(px, py) ? "grab" : "pointer";
    const c = cellAt(px, py);
    const same = (a, b) => (a && b && a[0] === b[0] && a[1] === b[1]) || (!a && !b);
    if (same(c, hover)) return;
    hover = c;
    draw();
  });
  canvas.addEventListener("pointerup", (evt) => {
    if (drag) { drag = false; return; }
    const [px, py] = local(evt);
    const c = cellAt(px, py);
    if (c) { hover = null; commit({ cell: c }); }
  });
  canvas.addEventListener("pointerleave", () => { if (hover) { hover = null; draw(); } });
  canvas.addEventListener("keydown", (evt) => {
    const dirs = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
    if (!(evt.key in dirs) || !view || !view.ok) return;
    const [di, dj] = dirs[evt.key];
    const st = state();
    if (evt.shiftKey) {
      const clamp = (v) => Math.max(0, Math.min(1, v));
      commit({ key: [clamp(st.key[0] + dj / st.n), clamp(st.key[1] + di / st.n)], cell: null });
    } else {
      hover = null;
      const c = view.cell;
      const clip = (v) => Math.max(0, Math.min(view.g.cells - 1, v));
      commit({ cell: [clip(c[0] + di), clip(c[1] + dj)] });
    }
    evt.preventDefault();
  });
  root.addEventListener("keydown", (evt) => evt.stopPropagation());

  const names = ["n", "os", "rate", "padding", "decoder", "key", "cell", "title", "caption"];
  const update = () => {
    title.textContent = model.get("title") || "Output stride, atrous rate and the heatmap";
    cap.textContent = model.get("caption") || "";
    draw();
  };
  for (const name of names) model.on(`change:${name}`, update);
  draw();
  return () => { for (const name of names) model.off && model.off(`change:${name}`, update); };
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

export { A, NET };
export default { render };
