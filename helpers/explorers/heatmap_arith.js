// The heatmap explorer's arithmetic (notebook 04): pure functions, no DOM.
//
// A twin of helpers: resnet50_with_head + output_sizes / receptive_field / cell_centers
// (sizes, receptive field, cell centres), resnet50_costs (compute and memory ratios) and
// helpers.decoding (where a decoder reports a keypoint). The network is data (NET, generated
// from helpers by helpers/explorers/heatmap.py at build time); everything that depends on a
// control is computed here. tests/test_explorer_heatmap.py compares every number with helpers.

// Python's f"{x:.{d}f}": correctly rounded, ties (exact binary halves) to even. JS toFixed rounds
// ties away from zero; a tie at d decimals is x = j / 2^(d+1) with j odd, found exactly.
export function fmt(x, d) {
  const scale = 2 ** (d + 1);
  const j = x * scale;
  if (Number.isInteger(j) && Math.abs(j) % 2 === 1 && Math.abs(x) < 2 ** 40) {
    const t = x * 10 ** d; // a half-integer, exact at these sizes
    let lo = Math.floor(t);
    if (lo % 2 !== 0) lo += 1; // the even neighbour
    const v = lo / 10 ** d;
    return (v === 0 && x < 0 ? "-" : "") + v.toFixed(d);
  }
  return x.toFixed(d);
}

// Python's f"{x:g}" for the values printed this way (integers, halves, quarters below 10^5).
export function fmtg(x) {
  return Object.is(x, -0) ? "-0" : String(x);
}

// One layer on an input of length n: {before, after, out} or {error}. layer = [k, s, d, before, after, same]
export function layerPads(layer, n) {
  const [k, s, d, before, after, same] = layer;
  if (!same) return [before, after];
  const span = d * (k - 1) + 1;
  const out = Math.ceil(n / s);
  const total = Math.max((out - 1) * s + span - n, 0);
  const b = Math.floor(total / 2);
  return [b, total - b];
}

export function layerOut(layer, n) {
  const [k, s, d] = layer;
  const [b, a] = layerPads(layer, n);
  const span = d * (k - 1) + 1;
  if (n + b + a < span) return -1;
  return Math.floor((n + b + a - span) / s) + 1;
}

// Per-side padding of the head for a padding rule.
export function headPad(rule, rate) {
  return rule === "same" ? rate : rule === "one" ? 1 : 0;
}

// Sizes after every backbone layer, the backbone's last size, the head's size (<= 0: empty),
// the receptive field r, effective stride S and padding P, centre of cell 0.
export function geometry(NET, n, os, rate, rule) {
  const layers = NET.nets[String(os)].layers;
  const sizes = [];
  let size = n, r = 1, jump = 1, pad = 0;
  for (const layer of layers) {
    const [k, s, d] = layer;
    const [b] = layerPads(layer, size);
    r += d * (k - 1) * jump;
    pad += b * jump;
    jump *= s;
    size = layerOut(layer, size);
    sizes.push(size);
  }
  const backbone = size;
  const p = headPad(rule, rate);
  const span = 2 * rate + 1;
  const cells = backbone + 2 * p >= span ? backbone + 2 * p - span + 1 : 0;
  r += 2 * rate * jump;
  pad += p * jump;
  const center = -pad + (r - 1) / 2;
  return { sizes, backbone, cells, pad: p, r, S: jump, P: pad, center, ceil: Math.ceil(n / os), span };
}

// Multiply-adds and activation values of ResNet-50 (TF-Slim, with its projection shortcuts).
export function costs(NET, n, os) {
  const net = NET.nets[String(os)];
  const g = geometry(NET, n, os, 1, "same");
  let macs = 0, acts = 0;
  for (const [idx, weights, channels] of net.costs) {
    const hw = g.sizes[idx] * g.sizes[idx];
    macs += hw * weights;
    acts += hw * channels;
  }
  return { macs, acts };
}

export function costRatios(NET, n, os) {
  const a = costs(NET, n, os), ref = costs(NET, n, 32);
  return { macs: a.macs / ref.macs, acts: a.acts / ref.acts };
}

function nearest(x, positions) {
  let best = 0, bestD = Infinity;
  for (let u = 0; u < positions.length; u++) {
    const dd = Math.abs(x - positions[u]);
    if (dd < bestD) { bestD = dd; best = u; }
  }
  return best;
}

export const DECODERS = {
  centre: "receptive-field centre",
  align: "DeepLab (bilinear, align_corners)",
  stride: "SimpleBaselines/HRNet (u·OS, quarter shift)",
};

// Where a decoder reports a keypoint at (kx, ky): the arg-max cell a trained network gives
// (where that convention's targets put the peak) and the reported pixel.
export function decode(decoder, g, n, os, kx, ky) {
  const m = g.cells;
  const centres = Array.from({ length: m }, (_, u) => g.center + u * g.S);
  if (decoder === "centre") {
    const j = nearest(kx, centres), i = nearest(ky, centres);
    return { cell: [i, j], at: [centres[j], centres[i]], shift: [0, 0] };
  }
  if (decoder === "align") {
    const scale = m > 1 ? (n - 1) / (m - 1) : 0;
    const painted = Array.from({ length: m }, (_, u) => u * scale);
    const j = nearest(kx, painted), i = nearest(ky, painted);
    return { cell: [i, j], at: [painted[j], painted[i]], shift: [0, 0] };
  }
  // SimpleBaselines / HRNet: target on cell floor(x/OS + 0.5); decoded u·OS, a quarter cell
  // towards the larger neighbour when 1 < u < m - 1 on both axes and the neighbours differ
  // (an ideal target: the larger neighbour is on the keypoint's side).
  const clip = (u) => Math.max(0, Math.min(m - 1, u));
  const j = clip(Math.floor(kx / os + 0.5)), i = clip(Math.floor(ky / os + 0.5));
  const inner = 1 < i && i < m - 1 && 1 < j && j < m - 1;
  const sx = inner ? 0.25 * Math.sign(kx - j * os) : 0;
  const sy = inner ? 0.25 * Math.sign(ky - i * os) : 0;
  return { cell: [i, j], at: [(j + sx) * os, (i + sy) * os], shift: [sx, sy] };
}

// Everything the explorer shows for a state. state = {n, os, rate, padding, decoder, key: [fx, fy],
// cell: [row, col] | null}. The keypoint is at fx·n − 0.5 (pixel i covers [i − 0.5, i + 0.5]).
export function compute(NET, st) {
  const { n, os, rate, padding, decoder } = st;
  const g = geometry(NET, n, os, rate, padding);
  const kx = st.key[0] * n - 0.5, ky = st.key[1] * n - 0.5;
  const out = { ok: g.cells > 0, n, os, rate, padding, decoder, g, key: [kx, ky] };
  if (!out.ok) {
    out.error = `the head's 3×3 kernel at rate ${rate} spans ${g.span} cells, but the ${g.backbone}-cell map ` +
      `padded by ${g.pad} on each side has only ${g.backbone + 2 * g.pad}: the heatmap would be empty`;
    out.lines = [`${n}×${n} input, OS ${os}: not possible: ${out.error}. Lower the rate or pad by the rate.`];
    return out;
  }
  const dec = decode(decoder, g, n, os, kx, ky);
  const cell = st.cell ? st.cell.map((v) => Math.max(0, Math.min(g.cells - 1, v))) : dec.cell.slice();
  const half = (g.r - 1) / 2;
  const cc = [g.center + cell[1] * g.S, g.center + cell[0] * g.S]; // (x, y)
  const box = [cc[0] - half, cc[0] + half, cc[1] - half, cc[1] + half]; // x0, x1, y0, y1 (pixel indices)
  const ratios = costRatios(NET, n, os);
  const err = [Math.abs(kx - dec.at[0]), Math.abs(ky - dec.at[1])];
  Object.assign(out, { dec, cell, cellCentre: cc, box, ratios, err });
  const note = g.cells === g.backbone
    ? `the head (rate ${rate}, padding ${g.pad}) keeps it`
    : `the head (rate ${rate}, padding ${g.pad}, less than the rate) shrinks it by 2(d − P) = ${2 * (rate - g.pad)} to ${g.cells}`;
  // first and last image pixel the selected cell reads (per axis): its head's taps that land on the
  // backbone's map (not in the head's zero padding), each reading its backbone cell's field, clipped
  const Pb = g.P - g.pad * g.S, rb = g.r - 2 * rate * g.S;
  const reads = (u) => {
    const taps = [0, 1, 2].map((j) => u - g.pad + j * rate).filter((t) => t >= 0 && t <= g.backbone - 1);
    return [Math.max(taps[0] * g.S - Pb, 0), Math.min(taps[taps.length - 1] * g.S - Pb + rb - 1, n - 1)];
  };
  const read = [...reads(cell[1]), ...reads(cell[0])]; // x0, x1, y0, y1
  const how = {
    centre: "reported at its receptive-field centre",
    align: g.cells > 1 ? `painted at u·(N−1)/(n−1) = u·${fmt(m1(n, g.cells), 2)}` : "one cell, painted on every pixel (arg-max: pixel 0)",
    stride: `reported at (u + shift)·OS, shift (${fmtg(dec.shift[0])}, ${fmtg(dec.shift[1])})`,
  }[decoder];
  out.lines = [
    `${n}×${n} input, OS ${os}: heatmap ${g.cells}×${g.cells} (ceil(${n}/${os}) = ${g.ceil}; ${note}).`,
    `Cell (row ${cell[0]}, column ${cell[1]}): receptive field ${g.r}×${g.r} px centred on (${fmtg(cc[0])}, ${fmtg(cc[1])}), ` +
      `x ${fmtg(box[0])} to ${fmtg(box[1])}, y ${fmtg(box[2])} to ${fmtg(box[3])} (zero padding included; first to last image pixel ` +
      `it reads: x ${read[0]} to ${read[1]}, y ${read[2]} to ${read[3]}); cells are ${os} px apart.`,
    `ResNet-50 (TF-Slim) at OS ${os} vs OS 32 on this input: multiply-adds ×${fmt(ratios.macs, 2)}, ` +
      `activation memory ×${fmt(ratios.acts, 2)}.`,
    `Keypoint (${fmt(kx, 1)}, ${fmt(ky, 1)}), ${DECODERS[decoder]}: arg-max cell (row ${dec.cell[0]}, column ${dec.cell[1]}), ` +
      `${how}: (${fmt(dec.at[0], 1)}, ${fmt(dec.at[1], 1)}), error ${fmt(err[0], 1)} px in x and ${fmt(err[1], 1)} px in y.`,
  ];
  return out;
}

function m1(n, m) {
  return m > 1 ? (n - 1) / (m - 1) : 0;
}
