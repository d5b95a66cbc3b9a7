// The design lab's arithmetic (notebook 07), pure: no DOM. A second implementation of what
// helpers.design computes; tests/test_explorer_design.py runs it in node over the explorer's ranges
// and compares every number with helpers.
//
// DATA is written by helpers/explorers/design.py when it builds the module (never typed here twice):
// the control ranges, the rate and upsampling choices, TF-Slim ResNet-50's layers at each output stride
// (kernel, stride, dilation, padding), the head's width, and the Gaussian samples of an object
// (numpy's exp: V8's Math.exp differs from it in the last bit for a few arguments, and a peak test
// compares values exactly).
export const DATA = null; // replaced by the build

// ------------------------------------------------------------------ sizes and receptive field

// Output size of one backbone layer ("same": TensorFlow's SAME, ceil(n/S); else explicit padding).
function layerSize(n, L) {
  if (L.padding === "same") return Math.ceil(n / L.stride);
  const span = L.dilation * (L.kernel - 1) + 1;
  return Math.floor((n + L.padding[0] + L.padding[1] - span) / L.stride) + 1;
}

// Transposed convolution size: (n − 1)·S − 2P + d(K − 1) + 1 + op.
export function transposedSize(n, k, s, p) {
  return (n - 1) * s - 2 * p + (k - 1) + 1;
}

// Backbone feature side and receptive field: r += (span − 1)·jump, jump ·= S (helpers.receptive_field).
export function backbone(os, n) {
  let size = n, r = 1, jump = 1;
  for (const L of DATA.backbones[String(os)]) {
    size = layerSize(size, L);
    r += L.dilation * (L.kernel - 1) * jump;
    jump *= L.stride;
  }
  return { size, r };
}

// Largest spread (last − first) of feature cells one heatmap cell mixes, traced through the layers'
// nonzero weights on a map of at most TRACE cells (helpers.design._upsampled_size_and_spread).
export function upsampledSizeAndSpread(feature, up, mode) {
  let heatmap = feature;
  let size = Math.min(feature, DATA.trace_cells);
  // dep[o] = [first, last] feature cells output o depends on (the reads are contiguous runs)
  let deps = null;
  const ops = [];
  if (up > 1 && mode === "deconv") {
    for (let step = 1; step < up; step *= 2) {
      heatmap = transposedSize(heatmap, 4, 2, 1);
      const out = transposedSize(size, 4, 2, 1);
      const op = [];
      for (let o = 0; o < out; o++) {
        const reads = [];
        for (let i = 0; i < size; i++) { const t = o + 1 - 2 * i; if (t >= 0 && t < 4) reads.push(i); }
        op.push(reads);
      }
      ops.push(op);
      size = out;
    }
  } else if (up > 1) {
    heatmap = feature * up;
    const t = linearTaps(size, size * up);
    const op = [];
    for (let o = 0; o < size * up; o++) {
      const reads = [];
      if (1.0 - t.w[o] > 0) reads.push(t.i0[o]);
      if (t.w[o] > 0 && t.i1[o] !== t.i0[o]) reads.push(t.i1[o]);
      else if (t.w[o] > 0) reads.push(t.i1[o]);
      op.push(reads);
    }
    ops.push(op);
  }
  if (!ops.length) return { heatmap, spread: 0 };
  // compose: sets of feature cells per output
  deps = ops[0].map((r) => new Set(r));
  for (const op of ops.slice(1)) deps = op.map((reads) => { const s = new Set(); for (const i of reads) for (const c of deps[i]) s.add(c); return s; });
  let spread = 0;
  for (const s of deps) if (s.size) spread = Math.max(spread, Math.max(...s) - Math.min(...s));
  return { heatmap, spread };
}

// helpers.conv._linear_taps with align_corners=False: the two source indices and the second's weight.
export function linearTaps(nIn, nOut) {
  const i0 = [], i1 = [], w = [];
  for (let dst = 0; dst < nOut; dst++) {
    const src = Math.max((dst + 0.5) * (nIn / nOut) - 0.5, 0.0);
    const a = Math.min(Math.floor(src), nIn - 1);
    i0.push(a);
    i1.push(Math.min(a + 1, nIn - 1));
    w.push(src - a);
  }
  return { i0, i1, w };
}

// ------------------------------------------------------------------ the head: holes, rates, neighbours

// 1-D path counts of a stack of 3-tap stride-1 layers (helpers.gridding._path_counts).
export function pathCounts(rates) {
  let counts = [1];
  for (const d of rates.slice().reverse()) {
    const next = new Array(counts.length - 1 + 2 * d + 1).fill(0);
    for (let t = 0; t < 3; t++) for (let i = 0; i < counts.length; i++) next[t * d + i] += counts[i];
    counts = next;
  }
  return counts;
}

// Wang et al.'s HDC rule for 3-tap layers (helpers.gridding.is_hdc).
export function isHdc(rates) {
  let m = rates[rates.length - 1];
  for (let i = rates.length - 2; i >= 1; i--) {
    const r = rates[i];
    m = Math.max(m - 2 * r, m - 2 * (m - r), r);
  }
  return rates[0] === 1 && m <= 3;
}

// helpers.gridding.valid_weight_fraction(size, rate) for a 3×3 kernel: {taps: share of positions}.
export function validWeightFraction(n, r) {
  const hist = [0, 0, 0, 0];
  for (let p = 0; p < n; p++) {
    let c = 0;
    for (const t of [-1, 0, 1]) { const q = p + r * t; if (q >= 0 && q < n) c += 1; }
    hist[c] += 1;
  }
  const shares = new Map();
  for (let a = 1; a <= 3; a++) for (let b = 1; b <= 3; b++) {
    shares.set(a * b, (shares.has(a * b) ? shares.get(a * b) : 0.0) + (hist[a] * hist[b]) / (n * n));
  }
  return shares;
}

// Share of the offsets one output reads that its neighbour one cell over reads too (DesignReport.neighbour_share).
export function neighbourShare(rates) {
  if (!rates.length) return null;
  let offsets = new Set([0]);
  for (const r of rates) {
    const next = new Set();
    for (const a of offsets) for (const t of [0, 1, 2]) next.add(a + t * r);
    offsets = next;
  }
  let shared = 0;
  for (const a of offsets) if (offsets.has(a - 1)) shared += 1;
  return shared / offsets.size;
}

// ------------------------------------------------------------------ one design

// Every number of helpers.design.design_report the explorer shows (sizes per axis, square input).
export function designNumbers(n, os, rates, up, mode) {
  const bb = backbone(os, n);
  const feature = bb.size;
  const hs = upsampledSizeAndSpread(feature, up, mode);
  let headR = 0;
  for (const r of rates) headR += 2 * r * os; // (effective kernel − 1)·jump, the jump being OS
  const receptiveField = bb.r + headR + hs.spread * os;
  let holes = 0, holeFraction = 0.0, full = 1.0, few = 0.0, centre = 0.0;
  if (rates.length) {
    const c = pathCounts(rates);
    const side = c.length;
    const reached = c.filter((v) => v > 0).length;
    holes = side * side - reached * reached;
    holeFraction = holes / (side * side);
    const shares = validWeightFraction(feature, Math.max(...rates));
    full = shares.get(9);
    centre = shares.get(1);
    few = 0;
    for (const taps of [1, 2, 3, 4]) few += shares.get(taps);
  }
  const share = neighbourShare(rates);
  const warnings = [];
  if (rates.filter((r) => r > 1).length >= 2 && holes) warnings.push("gridding");
  if (rates.length && centre >= 0.5) warnings.push("degenerate");
  else if (rates.length && few >= 0.5) warnings.push("large");
  return {
    input_size: n, output_stride: os, rates: rates.slice(), upsample: up, upsample_mode: mode,
    feature_size: feature, heatmap_size: hs.heatmap, heatmap_stride: os / up,
    peak_stride: mode === "deconv" ? os / up : os,
    backbone_field: bb.r, head_field: headR, mixed_cells: hs.spread,
    receptive_field: receptiveField, holes, hole_fraction: holeFraction,
    coverage: rates.length ? pathCounts(rates) : [],
    hdc: rates.length >= 2 ? isHdc(rates) : null,
    full_kernel_share: full, few_taps_share: few, centre_only_share: centre,
    largest_rate: rates.length ? Math.max(...rates) : null,
    neighbour_share: share, warnings,
  };
}

// ------------------------------------------------------------------ two objects on the learned grid

// Gaussian sample of an object at integer distance k (DATA.gauss: numpy's exp, zero past the table).
function gauss(k) {
  k = Math.abs(k);
  return k < DATA.gauss.length ? DATA.gauss[k] : 0.0;
}

// Box averages of 1-D samples over s-pixel cells, summed in pixel order (the Python twin's order).
function boxRow(cells, s, centres) {
  const out = [];
  for (let c = 0; c < cells; c++) {
    let v = 0.0;
    for (let t = 0; t < s; t++) {
      const x = c * s + t;
      let g = 0.0;
      for (const a of centres) g += gauss(x - a);
      v += g;
    }
    out.push(v / s);
  }
  return out;
}

// The geometry of the box model: objects side by side on a cell row, the first at 2s + offset.
export function objectsLayout(distance, s, offset) {
  const x0 = 2 * s + offset, x1 = x0 + distance;
  return { x0, x1, y0: 2 * s + Math.floor(s / 2), cols: Math.floor((x1 + 2 * s) / s) + 1, rows: 5 };
}

// helpers.bilinear_upsample(h, (rows·f, cols·f)), align_corners=False, in its order of operations.
export function bilinear(h, f) {
  const R = h.length, C = h[0].length;
  const tr = linearTaps(R, R * f), tc = linearTaps(C, C * f);
  const rows = [];
  for (let i = 0; i < R * f; i++) {
    const a = h[tr.i0[i]], b = h[tr.i1[i]], wa = 1.0 - tr.w[i], wb = tr.w[i];
    rows.push(a.map((v, j) => v * wa + b[j] * wb));
  }
  return rows.map((row) => {
    const out = [];
    for (let j = 0; j < C * f; j++) out.push(row[tc.i0[j]] * (1.0 - tc.w[j]) + row[tc.i1[j]] * tc.w[j]);
    return out;
  });
}

// The heatmap of two objects `distance` px apart at grid offset `offset` (s-px cells), resized ×f.
export function objectsHeatmap(distance, s, offset, f) {
  const g = objectsLayout(distance, s, offset);
  const row = boxRow(g.cols, s, [g.x0, g.x1]);
  const col = boxRow(g.rows, s, [g.y0]);
  let h = col.map((a) => row.map((b) => a * b));
  if (f > 1) h = bilinear(h, f);
  return { layout: g, heatmap: h };
}

// helpers.find_peaks(h, threshold): pixels >= every 3×3 neighbour inside the map and > threshold,
// compared exactly; 8-connected plateaus of tied maxima count once, at their first pixel (row-major).
export function findPeaks(h, threshold, plateaus = "merge") {
  const R = h.length, C = h[0].length;
  const cand = [];
  for (let i = 0; i < R; i++) for (let j = 0; j < C; j++) {
    const v = h[i][j];
    if (!(v > threshold)) continue;
    let top = true;
    for (let di = -1; di <= 1 && top; di++) for (let dj = -1; dj <= 1; dj++) {
      const a = i + di, b = j + dj;
      if (a >= 0 && a < R && b >= 0 && b < C && h[a][b] > v) { top = false; break; }
    }
    if (top) cand.push([i, j]);
  }
  if (plateaus === "keep" || cand.length < 2) return cand;
  const where = new Map(cand.map(([i, j], k) => [i * C + j, k]));
  const group = cand.map((_, k) => k);
  const root = (k) => { while (group[k] !== k) { group[k] = group[group[k]]; k = group[k]; } return k; };
  cand.forEach(([i, j], k) => {
    for (const [di, dj] of [[0, 1], [1, -1], [1, 0], [1, 1]]) {
      const a = i + di, b = j + dj;
      if (b < 0 || b >= C) continue;
      const other = where.get(a * C + b);
      if (other !== undefined) { const x = root(k), y = root(other); group[Math.max(x, y)] = Math.min(x, y); }
    }
  });
  const keep = [...new Set(cand.map((_, k) => root(k)))].sort((x, y) => x - y);
  return keep.map((k) => cand[k]);
}

function maxOf(h) {
  let m = -Infinity;
  for (const row of h) for (const v of row) if (v > m) m = v;
  return m;
}

// Peaks of the box model at one offset: the test of notebook 07 (threshold 0.1 × the map's maximum).
export function objectsPeaks(distance, s, offset, f) {
  const r = objectsHeatmap(distance, s, offset, f);
  const peaks = findPeaks(r.heatmap, 0.1 * maxOf(r.heatmap));
  return { layout: r.layout, heatmap: r.heatmap, peaks };
}

// The two-objects verdict over every integer grid offset 0 … s − 1 on the last learned layer's grid
// (bilinear resizing applied after it, ×f, when the design resizes).
const VERDICTS = new Map(); // (distance, s, f) → result: a move of another control costs nothing here
export function twoObjects(distance, peakStride, factor) {
  const key = `${distance}|${peakStride}|${factor}`;
  if (!VERDICTS.has(key)) {
    if (VERDICTS.size > 512) VERDICTS.clear();
    VERDICTS.set(key, countOffsets(distance, peakStride, factor));
  }
  const r = VERDICTS.get(key);
  return { counts: r.counts.slice(), two: r.two, offsets: r.offsets, shown: r.shown, picture: r.picture };
}

function countOffsets(distance, peakStride, factor) {
  const counts = [], all = [];
  for (let o = 0; o < peakStride; o++) {
    const r = objectsPeaks(distance, peakStride, o, factor);
    counts.push(r.peaks.length);
    all.push(r);
  }
  const two = counts.filter((c) => c === 2).length;
  // the offset drawn: the first with a count other than 2, else offset 0
  let shown = counts.findIndex((c) => c !== 2);
  if (shown < 0) shown = 0;
  return { counts, two, offsets: peakStride, shown, picture: all[shown] };
}

// Percent as Python's f"{x:.0%}" writes it (x·100, then round half to even).
export function pct(x) {
  const v = x * 100;
  const fl = Math.floor(v);
  let r = v - fl === 0.5 ? (fl % 2 === 0 ? fl : fl + 1) : Math.round(v);
  if (Object.is(r, -0)) r = 0;
  return `${r}%`;
}
