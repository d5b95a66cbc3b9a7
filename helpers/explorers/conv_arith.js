// Arithmetic of the convolution explorer: pure functions, no DOM.
//
// A second implementation of the course's formulas (helpers/arithmetic.py,
// helpers/receptive.py, helpers/conv.py tap_counts, helpers/gridding.py
// coverage_map). tests/test_explorers.py runs this module with node over the
// whole control range and compares every number with helpers.
//
// One axis. A layer is {kind, kernel, stride, padding, dilation, ceil_mode,
// output_padding}; padding is per side (the same zeros before and after).
//   conv        output o reads input o*s + t*d - p,  t = 0..k-1
//   pool        the same windows; with ceil_mode the division rounds up (PyTorch)
//   transposed  output o reads input i wherever i*s + t*d - p = o (PyTorch's
//               ConvTranspose: input i scatters to i*s + t*d - p)
// A read that lands outside 0..n-1 reads a zero (padding) and carries no path.

export const KINDS = ["conv", "pool", "transposed"];

//: Control ranges before validity narrows them.
export const LIMITS = {
  n: [1, 64],
  layers: [1, 4],
  kernel: [1, 7],
  stride: [1, 4],
  padding: [0, 8],
  dilation: [1, 8],
  output_padding: [0, 3],
};

export const LAYER_KEYS = ["kernel", "stride", "padding", "dilation", "output_padding"];

//: The largest map the explorer draws (cells per axis): a bigger one would pass the browser's
//: canvas size limit in 2-D (four transposed layers reach 20,464 cells per axis).
export const MAX_SIZE = 160;

export function normalizeLayer(layer) {
  const L = Object.assign(
    { kind: "conv", kernel: 3, stride: 1, padding: 0, dilation: 1, ceil_mode: false, output_padding: 0 },
    layer || {},
  );
  L.ceil_mode = L.kind === "pool" ? Boolean(L.ceil_mode) : false;
  if (L.kind !== "transposed") L.output_padding = 0;
  return L;
}

export function span(kernel, dilation) {
  return dilation * (kernel - 1) + 1;
}

function tooBig(size) {
  return `the output would have ${size} cells per axis; the explorer draws at most ${MAX_SIZE}`;
}

function floorDiv(a, b) {
  return Math.floor(a / b);
}

// Output size of one layer, or the sentence that says why there is none.
export function layerSize(n, layer) {
  const L = normalizeLayer(layer);
  const { kernel: k, stride: s, padding: p, dilation: d } = L;
  if (L.kind === "transposed") {
    const op = L.output_padding;
    const limit = Math.max(s, d);
    if (op >= limit) {
      return { size: null, error: `output padding must be smaller than the stride or the dilation (< ${limit}), as PyTorch requires` };
    }
    const out = (n - 1) * s - 2 * p + d * (k - 1) + op + 1;
    if (out < 1) {
      return { size: null, error: `the output would be empty: (n−1)S − 2P + d(K−1) + op + 1 = ${out} for n = ${n}` };
    }
    if (out > MAX_SIZE) return { size: null, error: tooBig(out) };
    return { size: out, error: null };
  }
  if (L.kind === "pool" && p > Math.floor(k / 2)) {
    return { size: null, error: `pooling padding must be at most ⌊K/2⌋ = ${Math.floor(k / 2)} (PyTorch's rule)` };
  }
  const sp = span(k, d);
  const padded = n + 2 * p;
  // ATen pooling_output_shape_pad_lr (convolution: the same without ceil_mode)
  let out = floorDiv(padded - sp + (L.ceil_mode ? s - 1 : 0), s) + 1;
  if (L.ceil_mode && (out - 1) * s >= n + p) out -= 1;
  if (out < 1) {
    if (L.ceil_mode) {
      // PyTorch: ⌊(n + 2P − span + S − 1)/S⌋ + 1 ≥ 1, i.e. the window may run past the padded input by S − 1 cells at most
      return { size: null, error: `with ceil_mode the window may run past the padded input by at most S−1 = ${s - 1} cell${s - 1 === 1 ? "" : "s"}, but it spans d(K−1)+1 = ${sp} and n+2P = ${padded}` };
    }
    return { size: null, error: `the window spans d(K−1)+1 = ${sp} cells but the padded input has only n+2P = ${padded}` };
  }
  if (out > MAX_SIZE) return { size: null, error: tooBig(out) };
  return { size: out, error: null };
}

// The size formula with the numbers filled in, e.g. "⌊(8 + 2·1 − 1·(3−1) − 1)/2⌋ + 1 = 4".
export function sizeFormula(n, layer) {
  const L = normalizeLayer(layer);
  const { kernel: k, stride: s, padding: p, dilation: d } = L;
  const res = layerSize(n, L);
  const value = res.error ? "no output" : String(res.size);
  if (L.kind === "transposed") {
    return `(n−1)S − 2P + d(K−1) + op + 1 = (${n}−1)·${s} − 2·${p} + ${d}·(${k}−1) + ${L.output_padding} + 1 = ${value}`;
  }
  const [lo, hi] = L.ceil_mode ? ["⌈", "⌉"] : ["⌊", "⌋"];
  let text = `${lo}(n + 2P − d(K−1) − 1)/S${hi} + 1 = ${lo}(${n} + 2·${p} − ${d}·(${k}−1) − 1)/${s}${hi} + 1`;
  if (L.ceil_mode && !res.error) {
    const raw = Math.ceil((n + 2 * p - span(k, d)) / s) + 1;
    if (raw !== res.size) {
      // PyTorch drops the last window when it would start at or past the input's end (input coordinates)
      const start = (raw - 1) * s - p;
      const where = start < n + p ? "in the right padding" : "past the end of the input";
      text += ` = ${raw}, minus the last window (it would start at cell ${start}, ${where})`;
    }
  }
  return `${text} = ${value}`;
}

// Sizes of every map (input first), or the first error with the layer it belongs to.
export function stackSizes(n, layers) {
  const sizes = [n];
  for (let i = 0; i < layers.length; i++) {
    const res = layerSize(sizes[i], layers[i]);
    if (res.error) return { sizes, error: `layer ${i + 1}: ${res.error}`, layer: i };
    sizes.push(res.size);
  }
  return { sizes, error: null, layer: -1 };
}

// Input positions (tap order) read by output o: pos may be outside 0..nIn-1 (padding).
export function reads(nIn, layer, o) {
  const L = normalizeLayer(layer);
  const { kernel: k, stride: s, padding: p, dilation: d } = L;
  const out = [];
  if (L.kind === "transposed") {
    for (let t = 0; t < k; t++) {
      const q = o + p - t * d;
      if (q % s === 0) {
        const i = q / s;
        out.push({ tap: t, pos: i, inside: i >= 0 && i < nIn });
      }
    }
    return out;
  }
  for (let t = 0; t < k; t++) {
    const pos = o * s + t * d - p;
    out.push({ tap: t, pos, inside: pos >= 0 && pos < nIn });
  }
  return out;
}

// Push a weight vector on map `level` back to map `level-1`: w'[x] = sum of w[o] over reads o -> x.
function pullBack(nIn, layer, w) {
  const res = new Array(nIn).fill(0);
  for (let o = 0; o < w.length; o++) {
    if (w[o] === 0) continue;
    for (const r of reads(nIn, layer, o)) if (r.inside) res[r.pos] += w[o];
  }
  return res;
}

// Path counts from one output (map `level`, index `index`) to every earlier map: maps[0] is the input.
export function pathCounts(sizes, layers, level, index) {
  const maps = new Array(level + 1);
  maps[level] = new Array(sizes[level]).fill(0);
  maps[level][index] = 1;
  for (let l = level; l >= 1; l--) maps[l - 1] = pullBack(sizes[l - 1], layers[l - 1], maps[l]);
  return maps;
}

// Paths from all outputs of the last map to every earlier map (0 = never visited).
export function totalCounts(sizes, layers) {
  const L = layers.length;
  const maps = new Array(L + 1);
  maps[L] = new Array(sizes[L]).fill(1);
  for (let l = L; l >= 1; l--) maps[l - 1] = pullBack(sizes[l - 1], layers[l - 1], maps[l]);
  return maps;
}

// Araujo et al. recurrences (helpers.receptive_field): r, jump S, left padding P, centre of output 0.
export function receptiveRows(layers) {
  let r = 1, jump = 1, pad = 0;
  const rows = [];
  for (const layer of layers) {
    const L = normalizeLayer(layer);
    if (L.kind === "transposed") return null; // the recurrences assume integer jumps
    r += (span(L.kernel, L.dilation) - 1) * jump;
    pad += L.padding * jump;
    jump *= L.stride;
    rows.push({ r, S: jump, P: pad, center: -pad + (r - 1) / 2 });
  }
  return rows;
}

// What the explorer shows about the whole stack along one axis (no selection): sizes, formulas,
// receptive-field rows and the paths from all outputs of the last map (0 = never visited).
export function explainStack(n, layers) {
  const norm = layers.map(normalizeLayer);
  const st = stackSizes(n, norm);
  if (st.error) return { ok: false, error: st.error, sizes: st.sizes, errorLayer: st.layer };
  const sizes = st.sizes;
  const total = totalCounts(sizes, norm);
  const neverVisited = [];
  total[0].forEach((c, x) => { if (c === 0) neverVisited.push(x); });
  return {
    ok: true,
    layers: norm,
    sizes,
    formulas: norm.map((L, i) => sizeFormula(sizes[i], L)),
    total,
    rows: receptiveRows(norm),
    neverVisited,
  };
}

// What the explorer shows about one selected output (map `level`, position `index`).
export function explainOutput(stack, level, index) {
  const { sizes, layers: norm } = stack;
  const n = sizes[0];
  level = Math.max(1, Math.min(level, norm.length));
  index = Math.max(0, Math.min(index, sizes[level] - 1));
  const paths = pathCounts(sizes, norm, level, index);
  const input = paths[0];
  const reached = [];
  input.forEach((c, x) => { if (c > 0) reached.push(x); });
  const rows = receptiveRows(norm.slice(0, level));
  let box = null;
  const holes = [];
  if (rows) {
    const { r, S, P } = rows[level - 1];
    const start = index * S - P;
    box = { start, end: start + r - 1, r, center: start + (r - 1) / 2 };
    for (let x = Math.max(0, start); x <= Math.min(n - 1, box.end); x++) if (input[x] === 0) holes.push(x);
  }
  return {
    level,
    index,
    taps: reads(sizes[level - 1], norm[level - 1], index),
    paths,
    rf: rows,
    box,
    holes,
    reached: reached.length ? { first: reached[0], last: reached[reached.length - 1], count: reached.length } : null,
  };
}

// Everything the explorer shows for one axis and one selected output.
export function explainAxis(n, layers, level, index) {
  const stack = explainStack(n, layers);
  if (!stack.ok) return stack;
  const out = explainOutput(stack, level, index);
  return {
    ok: true,
    sizes: stack.sizes,
    formulas: stack.formulas,
    total: stack.total,
    neverVisited: stack.neverVisited,
    ...out,
  };
}

// The values a control may take (within LIMITS) with the rest of the state fixed, and why others are out.
export function allowedValues(state, layerIndex, key) {
  const base = key === "n" ? LIMITS.n : LIMITS[key];
  const values = [];
  const refused = [];
  for (let v = base[0]; v <= base[1]; v++) {
    let n = state.n;
    const layers = state.layers.map((L) => normalizeLayer(L));
    if (key === "n") n = v;
    else layers[layerIndex] = normalizeLayer(Object.assign({}, layers[layerIndex], { [key]: v }));
    const st = stackSizes(n, layers);
    if (st.error) refused.push({ value: v, reason: st.error });
    else values.push(v);
  }
  return { values, refused };
}

// One sentence naming the nearest refused values on either side of the allowed ones.
export function refusalSentence(label, allowed) {
  const { values, refused } = allowed;
  if (!refused.length) return "";
  const parts = [];
  const below = refused.filter((r) => values.length && r.value < values[0]);
  const above = refused.filter((r) => values.length && r.value > values[values.length - 1]);
  if (above.length) parts.push(`${label} = ${above[0].value} is out: ${above[0].reason}.`);
  if (below.length) parts.push(`${label} = ${below[below.length - 1].value} is out: ${below[below.length - 1].reason}.`);
  const inner = refused.filter((r) => values.length && r.value > values[0] && r.value < values[values.length - 1]);
  if (inner.length) parts.push(`${label} = ${inner.map((r) => r.value).join(", ")} is out: ${inner[0].reason}.`);
  return parts.join(" ");
}

// ---------------------------------------------------------------- choosing a layer's kind

// layerSize's arithmetic without objects or sentences (the kind menu searches thousands of settings
// per key press): the size, or 0 when there is none.
function quickSize(kind, ceil, n, k, st, p, d, op) {
  let out;
  if (kind === "transposed") {
    if (op >= Math.max(st, d)) return 0;
    out = (n - 1) * st - 2 * p + d * (k - 1) + op + 1;
  } else {
    if (kind === "pool" && p > Math.floor(k / 2)) return 0;
    out = Math.floor((n + 2 * p - (d * (k - 1) + 1) + (ceil ? st - 1 : 0)) / st) + 1;
    if (ceil && (out - 1) * st >= n + p) out -= 1;
  }
  return out >= 1 && out <= MAX_SIZE ? out : 0;
}

// The valid setting of layer i with layer's kind (and ceil_mode) nearest to `layer` (fewest steps
// over all its numbers; `first`: any valid one, found fast), or null when no setting of that layer
// makes the stack valid. "Valid" is judged with the layers before i as they are; if they are already
// invalid, layer i is left as asked (its numbers cannot mend an earlier layer).
export function fitLayer(n, layers, i, layer, first = false) {
  const L = normalizeLayer(layer);
  const before = stackSizes(n, layers.slice(0, i));
  if (before.error) return L;
  const nIn = before.sizes[i];
  const rest = restAccepts(layers, i);
  const ok = (k, st, p, d, op) => rest[quickSize(L.kind, L.ceil_mode, nIn, k, st, p, d, op)] === true;
  if (ok(L.kernel, L.stride, L.padding, L.dilation, L.output_padding)) return L;
  const ops = L.kind === "transposed" ? LIMITS.output_padding : [0, 0];
  let best = null, bestCost = Infinity;
  for (let k = LIMITS.kernel[0]; k <= LIMITS.kernel[1]; k++)
    for (let st = LIMITS.stride[0]; st <= LIMITS.stride[1]; st++)
      for (let p = LIMITS.padding[0]; p <= LIMITS.padding[1]; p++)
        for (let d = LIMITS.dilation[0]; d <= LIMITS.dilation[1]; d++)
          for (let op = ops[0]; op <= ops[1]; op++) {
            const cost = Math.abs(k - L.kernel) + Math.abs(st - L.stride) + Math.abs(p - L.padding) +
              Math.abs(d - L.dilation) + Math.abs(op - L.output_padding);
            if (cost < bestCost && ok(k, st, p, d, op)) {
              best = { kind: L.kind, kernel: k, stride: st, padding: p, dilation: d, ceil_mode: L.ceil_mode, output_padding: op };
              bestCost = cost;
              if (first) return best;
            }
          }
  return best;
}

// The sizes m (1..MAX_SIZE) of layer i's output for which layers i+1.. are valid, cached per stack.
const restCache = new Map();
function restAccepts(layers, i) {
  const key = JSON.stringify(layers.slice(i + 1).map(normalizeLayer));
  let ok = restCache.get(key);
  if (!ok) {
    ok = new Array(MAX_SIZE + 1).fill(false);
    for (let m = 1; m <= MAX_SIZE; m++) ok[m] = !stackSizes(m, layers.slice(i + 1)).error;
    if (restCache.size > 200) restCache.clear();
    restCache.set(key, ok);
  }
  return ok;
}

// Whether layer i may be switched to `kind` (some setting of its numbers makes the stack valid),
// with the nearest such layer and, when none exists, why.
export function kindChoice(n, layers, i, kind, { nearest = true } = {}) {
  const current = normalizeLayer(layers[i]);
  const wanted = normalizeLayer(Object.assign({}, current, { kind }));
  const fit = fitLayer(n, layers, i, wanted, !nearest);
  if (fit) return { possible: true, layer: fit, reason: "" };
  const trial = layers.slice();
  trial[i] = wanted;
  const err = stackSizes(n, trial).error || "";
  return { possible: false, layer: null, reason: `no kernel, stride, padding or dilation of this layer gives a valid stack (with its numbers now: ${err})` };
}
