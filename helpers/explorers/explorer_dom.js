// DOM helpers the explorers' views share (conv, heatmap and design explorers).
//
// Self-contained functions only (no module state, no reference to a view's names): a view
// imports them by name, `import { h } from "./explorer_dom.js";`, and inline_module
// (helpers/explorers/base.py) splices each named function's text where that line stands,
// so a bundle reads as if the view had defined them there.

// An element: h("div", { class: "x", text: "hi", onclick: f }, child, ...); an attribute that is null,
// undefined or false is left out, one that is true is set empty; null and undefined children too.
export function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

// A canvas sized width × height CSS px at the device's pixel ratio; its cleared context, in CSS px.
export function setupCanvas(canvas, width, height) {
  const ratio = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return ctx;
}
