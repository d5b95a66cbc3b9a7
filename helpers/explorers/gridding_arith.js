// Arithmetic of the dilated-stack explorer (notebook 05): pure functions, no DOM.
//
// A second implementation of helpers/gridding.py: coverage_map, hdc_max_gap, is_hdc,
// hdc_report, gridding_by_definition, gridding_sentence, probe_image and stack_response
// (uniform weights). tests/test_explorer_gridding.py runs this module with node over the
// control range and compares every number and sentence with helpers, and the filtered
// images with PyTorch's F.conv2d.
//
// A stack: K×K stride-1 convolutions with rates d_1..d_n (input side first), each padded
// "same" (d(K-1) zeros per axis, the extra one after for even totals, as PyTorch and helpers).

//: Control ranges (read by helpers/explorers/gridding.py: one JSON object on one line).
export const LIMITS = {"layers": [2, 4], "rate": [1, 12], "kernel": [2, 5]};

//: Side of the pictures the stack is applied to.
export const IMAGE_SIZE = 64;

function gcd(a, b) {
  while (b) [a, b] = [b, a % b];
  return a;
}

// Paths from one output to each offset of its receptive field along one axis (offset 0: first pixel).
export function pathCounts(rates, k) {
  let counts = [1];
  for (let l = rates.length - 1; l >= 0; l--) {
    const d = rates[l];
    const next = new Array(counts.length + d * (k - 1)).fill(0);
    for (let t = 0; t < k; t++) for (let i = 0; i < counts.length; i++) next[i + t * d] += counts[i];
    counts = next;
  }
  return counts;
}

// Zeros before the image for each layer ("same": floor of d(K-1)/2), summed: where the output's own
// pixel sits in its field.
export function padsBefore(rates, k) {
  return rates.map((d) => Math.floor((d * (k - 1)) / 2));
}

export function centreOffset(rates, k) {
  return padsBefore(rates, k).reduce((a, b) => a + b, 0);
}

// hdc_max_gap: Wang et al.'s M_2 with K - 1 for the paper's 2.
export function maxGap(rates, k) {
  const span = k - 1;
  let m = rates[rates.length - 1];
  for (let i = rates.length - 2; i >= 1; i--) {
    const r = rates[i];
    m = Math.max(m - span * r, m - span * (m - r), r);
  }
  return m;
}

// The numbers the explorer shows for one stack: coverage, hdc_report, gridding_by_definition.
export function stackNumbers(rates, k) {
  const counts = pathCounts(rates, k);
  const r = counts.length;
  let line = 0, max = 0, shared = 0, signed = 0, total = 0;
  for (let i = 0; i < r; i++) {
    if (counts[i] > 0) line++;
    if (counts[i] > max) max = counts[i];
    if (i > 0 && counts[i] > 0 && counts[i - 1] > 0) shared++;
    signed += i % 2 === 0 ? counts[i] : -counts[i];
    total += counts[i];
  }
  const reached = line * line;
  const holes = r * r - reached;
  let g = 0;
  for (const d of rates) g = gcd(g, d);
  const m2 = maxGap(rates, k);
  const kept = signed / total;
  return {
    rates: rates.slice(), kernel: k, counts, r, max: max * max, centre: centreOffset(rates, k),
    reached, holes, fraction: reached / (r * r),
    max_gap: m2, common_factor: g, paper_rule: g === 1 && m2 <= k, hdc: rates[0] === 1 && m2 <= k,
    shared_fraction: shared / line, disjoint_neighbours: shared === 0,
    finest_pattern_kept: kept * kept,
  };
}

// Python's f"{x:.0f}" for x >= 0: the nearest integer, ties to even (toFixed would round ties up).
export function pyRound0(x) {
  const f = Math.floor(x);
  const rest = x - f;
  if (rest === 0.5) return String(f % 2 === 0 ? f : f + 1);
  return String(rest > 0.5 ? f + 1 : f);
}

// helpers.gridding_sentence(hdc_report(rates, kernel=k), shared=...), word for word.
export function griddingSentence(v) {
  const r = v.r;
  const listed = v.rates.join(", ");
  let head = `Rates ${listed} with ${v.kernel}×${v.kernel} kernels: receptive field ${r}×${r}, ` +
    `${v.holes} holes (${pyRound0((100 * v.holes) / (r * r))} % of the field unreached). `;
  head += `Horizontal or vertical neighbours share ${pyRound0(100 * v.shared_fraction)} % of their input pixels` +
    (v.shared_fraction === 0 ? ": they read disjoint sets, the gridding of notebook 05. " : ". ");
  const reasons = [];
  if (v.rates[0] !== 1) reasons.push(`d₁ = ${v.rates[0]} ≠ 1`);
  if (v.common_factor > 1) reasons.push(`common factor ${v.common_factor}`);
  if (v.max_gap > v.kernel) reasons.push(`M₂ = ${v.max_gap} > K = ${v.kernel}`);
  let verdict;
  if (v.hdc && v.holes === 0) {
    verdict = `HDC rule: passes (d₁ = 1, M₂ = ${v.max_gap} ≤ K = ${v.kernel}), and indeed no holes.`;
  } else if (v.hdc) {
    verdict = "HDC rule: passes, yet brute force finds holes: please report this as a bug.";
  } else if (v.holes === 0) {
    verdict = `HDC rule: fails (${reasons.join("; ")}), yet there are no holes: the rule is a design rule, not a test.`;
  } else if (v.paper_rule) {
    verdict = `The paper's two conditions hold (no common factor, M₂ = ${v.max_gap} ≤ K), ` +
      `but d₁ = ${v.rates[0]} ≠ 1 and there are holes: is_hdc rejects it.`;
  } else {
    verdict = `HDC rule: fails (${reasons.join("; ")}), and brute force agrees: holes.`;
  }
  return head + verdict;
}

// helpers.probe_image(n): thin lines, a one-pixel checkerboard and a disc (values 0 and 1), row-major.
export function probeImage(n) {
  const img = new Float64Array(n * n);
  const q = Math.floor(n / 2);
  const third = Math.max(Math.floor(n / 8), 2);
  for (let y = third; y < q - 2; y++) img[y * n + third] = 1; // vertical line
  for (let x = third + 2; x < q - 2; x++) img[third * n + x] = 1; // horizontal line
  for (let i = third + 3; i < q - 2; i++) img[i * n + i] = 1; // diagonal
  const cy = q + Math.floor(q / 2), cx = q, radius = n / 10;
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      if ((y + x) % 2 === 0 && y >= third && y < q - 2 && x >= q + 2 && x < n - third) img[y * n + x] = 1;
      if ((y - cy) ** 2 + (x - cx) ** 2 <= radius ** 2) img[y * n + x] = 1;
    }
  }
  return img;
}

// A one-pixel checkerboard of 0 and 1 (1 where row + column is odd): np.indices((n, n)).sum(0) % 2.
export function checkerboard(n) {
  const img = new Float64Array(n * n);
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) img[y * n + x] = (y + x) % 2;
  return img;
}

// helpers.stack_response(img, dilated_stack(rates, kernel=k)) with uniform weights 1/K² per layer:
// zero padding "same", no nonlinearity. A K×K box is a K-tap box along rows, then along columns.
export function stackResponse(img, n, rates, k) {
  let cur = Float64Array.from(img);
  let tmp = new Float64Array(n * n);
  const w = 1 / (k * k);
  for (const d of rates) {
    const before = Math.floor((d * (k - 1)) / 2);
    for (let y = 0; y < n; y++) {
      const row = y * n;
      for (let x = 0; x < n; x++) {
        let s = 0;
        for (let t = 0; t < k; t++) {
          const xx = x - before + t * d;
          if (xx >= 0 && xx < n) s += cur[row + xx];
        }
        tmp[row + x] = s;
      }
    }
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        let s = 0;
        for (let t = 0; t < k; t++) {
          const yy = y - before + t * d;
          if (yy >= 0 && yy < n) s += tmp[yy * n + x];
        }
        cur[y * n + x] = s * w;
      }
    }
  }
  return cur;
}

// Along one axis of an n-pixel picture: the input pixels joined to output y by a path of taps that
// stays inside the picture at every layer (a tap in the zero padding carries nothing), as 0/1.
export function readLine(rates, k, n, y) {
  let cur = new Uint8Array(n);
  cur[y] = 1;
  for (let l = rates.length - 1; l >= 0; l--) {
    const d = rates[l], before = Math.floor((d * (k - 1)) / 2);
    const next = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (!cur[i]) continue;
      for (let t = 0; t < k; t++) {
        const j = i - before + t * d;
        if (j >= 0 && j < n) next[j] = 1;
      }
    }
    cur = next;
  }
  return cur;
}

// The input pixels output (y, x) of an n×n picture reads (row-major 0/1): a K×K layer is a K-tap
// layer along each axis, so the 2-D set is the product of the two 1-D ones.
export function footprint(rates, k, n, y, x) {
  const rows = readLine(rates, k, n, y), cols = readLine(rates, k, n, x);
  const out = new Uint8Array(n * n);
  for (let i = 0; i < n; i++) if (rows[i]) for (let j = 0; j < n; j++) out[i * n + j] = cols[j];
  return out;
}
