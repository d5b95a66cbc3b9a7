"""Claims of notebook 06 · upsampling and checkerboards (issue 18, issue 21 items 4 and 5).

Each check is brute force from the definitions: a transposed convolution is written as its scatter
loop (every input pixel adds a scaled copy of the kernel, taps ``d`` apart, copies ``S`` apart),
never through ``helpers.conv``. The PyTorch checks use ``F.conv_transpose1d`` / ``F.conv1d`` /
``F.interpolate`` with all-ones or seeded weights.
"""

from __future__ import annotations

from math import gcd

import numpy as np

from ._core import Domain, claim

# The convolution explorer (notebook 06 shows its transposed preset) offers k 1-7, s 1-4, d 1-8.
_K = tuple(range(1, 9))
_S = tuple(range(1, 5))
_D = tuple(range(1, 9))


def _scatter_1d(x: np.ndarray, w: np.ndarray, s: int, d: int, p: int = 0, op: int = 0) -> np.ndarray:
    """A 1-D transposed convolution as its definition: input i adds x[i]·w[a] at i·s + a·d − p."""
    n, k = len(x), len(w)
    full = np.zeros((n - 1) * s + d * (k - 1) + 1 + op)
    for i in range(n):
        for a in range(k):
            full[i * s + a * d] += x[i] * w[a]
    return full[p: len(full) - p] if p else full


def _phase_counts(k: int, s: int, d: int) -> list[int]:
    """Copies landing on an interior output of each phase r: taps a with a·d ≡ r (mod s)."""
    return [sum(1 for a in range(k) if (a * d) % s == r) for r in range(s)]


def _interior(k: int, s: int, d: int, n: int) -> slice:
    """Outputs of a padding-0 transposed conv that every tap can reach: [d(k−1), (n−1)s]."""
    return slice(d * (k - 1), (n - 1) * s + 1)


def _transposed_size_torch():
    import torch
    import torch.nn.functional as F

    for n in (1, 2, 5, 16):
        for k in _K:
            for s in _S:
                for d in range(1, 5):
                    for p in range(0, 4):
                        for op in range(0, min(max(s, d), 4)):
                            want = (n - 1) * s - 2 * p + d * (k - 1) + op + 1
                            if want < 1:
                                continue
                            y = F.conv_transpose1d(torch.ones(1, 1, n), torch.ones(1, 1, k), stride=s, padding=p,
                                                   dilation=d, output_padding=op)
                            if y.shape[-1] != want:
                                yield {"n": n, "k": k, "s": s, "p": p, "d": d, "op": op}





@claim(
    "nb06-transposed-size",
    statement="A transposed convolution (PyTorch's ConvTranspose) of N inputs has (N−1)S − 2P + d(K−1) + "
              "output_padding + 1 outputs, for output_padding < max(S, d).",
    domain=Domain(params={"n": tuple(range(1, 59)), "k": _K, "s": _S, "p": tuple(range(0, 4)),
                          "d": tuple(range(1, 5)), "op": tuple(range(0, 4))},
                  kinds=("transposed",), dims=(1,), reach=()),
    breaks=({"n": 16, "k": 4, "s": 2, "p": 1, "d": 2, "op": 0},),
    torch_check=_transposed_size_torch,
)
def _transposed_size():
    for n in range(1, 59):
        for k in _K:
            for s in _S:
                for d in range(1, 5):
                    for p in range(0, 4):
                        for op in range(0, max(s, d)):
                            if op > 3:
                                continue
                            last = int(np.add.outer(np.arange(n) * s, np.arange(k) * d).max())  # last write
                            size = last + 1 + op - 2 * p
                            if size < 1:
                                continue
                            if size != (n - 1) * s - 2 * p + d * (k - 1) + op + 1:
                                yield {"n": n, "k": k, "s": s, "p": p, "d": d, "op": op}


@claim(
    "nb06-zero-insertion",
    statement="A transposed convolution equals: S − 1 zeros between neighbouring inputs, d(K−1) − P zeros on "
              "each side plus output_padding at the far end (a negative total crops: the far end's net is "
              "d(K−1) − P + output_padding, not a crop followed by zeros), then a stride-1 "
              "convolution with the flipped kernel, its taps d apart.",
    domain=Domain(params={"n": tuple(range(1, 21)), "k": tuple(range(1, 5)), "s": _S, "p": tuple(range(0, 4)),
                          "d": tuple(range(1, 4)), "op": tuple(range(0, 3))},
                  kinds=("transposed",), dims=(1,)),
    breaks=({"n": 2, "k": 1, "s": 2, "p": 1, "d": 1, "op": 1},),  # crop-then-pad reading: [0, 0]; PyTorch: [0, x1·w]
)
def _zero_insertion():
    rng = np.random.default_rng(0)
    for n in range(1, 21):
        for k in range(1, 5):
            for s in _S:
                for d in range(1, 4):
                    for p in range(0, 4):
                        for op in range(0, min(max(s, d), 3)):
                            x, w = rng.standard_normal(n), rng.standard_normal(k)
                            want = _scatter_1d(x, w, s, d, p, op)
                            if len(want) < 1:
                                continue
                            spread = np.zeros((n - 1) * s + 1)
                            spread[::s] = x
                            edge = d * (k - 1) - p
                            padded = np.concatenate([np.zeros(max(edge, 0)), spread, np.zeros(max(edge, 0) + op)])
                            if edge < 0:
                                padded = padded[-edge: len(padded) - (-edge)] if op == 0 else \
                                    np.concatenate([spread, np.zeros(op)])[-edge: len(spread) + op + edge]
                            wf = w[::-1]
                            span = d * (k - 1)
                            length = len(padded) - span   # outputs of the stride-1 window, tap by tap
                            got = sum(wf[a] * padded[a * d: a * d + length] for a in range(k)) if length > 0 \
                                else np.zeros(0)
                            if got.shape != want.shape or not np.allclose(got, want, atol=1e-9):
                                yield {"n": n, "k": k, "s": s, "p": p, "d": d, "op": op}


def _overlap_phase_torch():
    import torch
    import torch.nn.functional as F

    n = 12
    for k in _K:
        for s in _S:
            for d in _D:
                y = F.conv_transpose1d(torch.ones(1, 1, n, dtype=torch.float64), torch.ones(1, 1, k, dtype=torch.float64),
                                       stride=s, dilation=d)[0, 0].numpy()
                counts = y[_interior(k, s, d, n)]
                if len(counts) < s:
                    continue
                phases = _phase_counts(k, s, d)
                first = d * (k - 1)
                if any(counts[i] != phases[(first + i) % s] for i in range(len(counts))):
                    yield {"k": k, "s": s, "d": d}
                if (len(set(counts.tolist())) == 1) != (k % s == 0 and gcd(s, d) == 1):
                    yield {"k": k, "s": s, "d": d}





@claim(
    "nb06-overlap-phase",
    statement="With all-ones weights and stride S, an interior output of phase r (its position mod S) gets one "
              "copy per tap a with a·d ≡ r (mod S). So the counts are even iff S divides K and gcd(S, d) = 1; "
              "with d = 1 they are ⌊K/S⌋ or ⌈K/S⌉.",
    domain=Domain(params={"k": _K, "s": _S, "d": _D}, kinds=("transposed",), dims=(1, 2),
                  reach=("explorer.conv",),
                  note="interior outputs of 12 inputs of ones (the counts there do not depend on the input size); "
                       "2-D counts are products of the 1-D ones, swept in 2-D for k ≤ 5, d ≤ 3"),
    breaks=({"k": 4, "s": 2, "d": 2}, {"k": 3, "s": 2, "d": 2}),
    sources=("Odena, Dumoulin & Olah 2016",),
    torch_check=_overlap_phase_torch,
)
def _overlap_phase():
    n = 12
    for k in _K:
        for s in _S:
            for d in _D:
                counts = _scatter_1d(np.ones(n), np.ones(k), s, d)[_interior(k, s, d, n)]
                if len(counts) < s:
                    continue
                phases = _phase_counts(k, s, d)
                first = d * (k - 1)
                per_phase = all(counts[i] == phases[(first + i) % s] for i in range(len(counts)))
                even = len(set(counts.tolist())) == 1
                rule = k % s == 0 and gcd(s, d) == 1
                d1 = d != 1 or set(counts.tolist()) <= {k // s, -(-k // s)}
                if not (per_phase and even == rule and d1):
                    yield {"k": k, "s": s, "d": d}
                if d <= 3 and k <= 5:   # 2-D: the count at (i, j) is the product of the axis counts
                    two = np.zeros(((n - 1) * s + d * (k - 1) + 1,) * 2)
                    for i in range(n):
                        for j in range(n):
                            for a in range(k):
                                for b in range(k):
                                    two[i * s + a * d, j * s + b * d] += 1
                    inner = two[_interior(k, s, d, n), _interior(k, s, d, n)]
                    if not np.array_equal(inner, np.outer(counts, counts)):
                        yield {"k": k, "s": s, "d": d, "dim": 2}


@claim(
    "nb06-output-padding-sizes",
    statement="A convolution with stride S maps S consecutive input sizes to the same output size m ≥ 1 (when "
              "the smallest of them is ≥ 1), and the transposed convolution with output_padding 0 … S−1 "
              "returns each of them.",
    domain=Domain(params={"m": tuple(range(1, 11)), "k": tuple(range(1, 8)), "s": _S, "p": tuple(range(0, 4)),
                          "d": tuple(range(1, 5))}, kinds=("conv", "transposed"), dims=(1,)),
)
def _output_padding_sizes():
    for k in range(1, 8):
        for s in _S:
            for d in range(1, 5):
                for p in range(0, 4):
                    span = d * (k - 1) + 1
                    sizes: dict[int, list[int]] = {}
                    for n in range(1, 80):
                        m = sum(1 for start in range(0, n + 2 * p - span + 1, s))  # windows, by counting
                        sizes.setdefault(m, []).append(n)
                    for m in range(1, 11):
                        lower = (m - 1) * s + span - 2 * p      # the smallest input with m windows
                        if lower < 1:
                            continue
                        ns = sizes.get(m, [])
                        back = [(m - 1) * s - 2 * p + d * (k - 1) + op + 1 for op in range(s)]
                        if ns != list(range(lower, lower + s)) or back != ns:
                            yield {"m": m, "k": k, "s": s, "p": p, "d": d}


@claim(
    "nb06-phase-sums",
    statement="For a constant input c, an interior output of a stride-S transposed convolution at phase (a, b) "
              "equals c times the sum of the taps w[i, j] with i·d ≡ a and j·d ≡ b (mod S): the output is flat "
              "iff these S² phase sums are equal.",
    domain=Domain(params={"k": tuple(range(1, 7)), "s": _S, "d": tuple(range(1, 4))}, kinds=("transposed",),
                  dims=(2,), note="seeded uniform(0.2, 1) weights, 12×12 input of ones"),
)
def _phase_sums():
    rng = np.random.default_rng(0)
    n = 8
    for k in range(1, 7):
        for s in _S:
            for d in range(1, 4):
                w = rng.uniform(0.2, 1.0, (k, k))
                size = (n - 1) * s + d * (k - 1) + 1
                out = np.zeros((size, size))
                for i in range(n):
                    for j in range(n):
                        for a in range(k):
                            for b in range(k):
                                out[i * s + a * d, j * s + b * d] += w[a, b]
                lo, hi = d * (k - 1), (n - 1) * s + 1
                if hi - lo < s:
                    continue
                sums = {(r, q): sum(w[a, b] for a in range(k) for b in range(k) if (a * d) % s == r and (b * d) % s == q)
                        for r in range(s) for q in range(s)}
                inner = out[lo:hi, lo:hi]
                pred = np.array([[sums[((lo + i) % s, (lo + j) % s)] for j in range(hi - lo)] for i in range(hi - lo)])
                flat = np.allclose(inner, inner.flat[0])
                equal = np.allclose(list(sums.values()), list(sums.values())[0])
                if not np.allclose(inner, pred) or flat != equal:
                    yield {"k": k, "s": s, "d": d}


def _box_after_torch():
    import torch
    import torch.nn.functional as F

    g = torch.Generator().manual_seed(1)
    for k in _K:
        for s in _S:
            for d in range(1, 5):
                w = torch.randn(1, 1, k, k, generator=g, dtype=torch.float64)
                y = F.conv_transpose2d(torch.ones(1, 1, 12, 12, dtype=torch.float64), w, stride=s, dilation=d)
                y = y[..., d * (k - 1): 11 * s + 1, d * (k - 1): 11 * s + 1]
                if y.shape[-1] < 2 * s:
                    continue
                boxed = F.conv2d(y, torch.ones(1, 1, s, s, dtype=torch.float64))
                if not torch.allclose(boxed, boxed.flatten()[0].expand_as(boxed)):
                    yield {"k": k, "s": s, "d": d, "dim": 2}





@claim(
    "nb06-box-after-removes",
    statement="A stride-1 S×S box filter (all ones) after a stride-S transposed convolution of a constant input "
              "gives a flat interior, whatever the kernel's weights, size and dilation: each window sums one "
              "output of every phase.",
    domain=Domain(params={"k": _K, "s": _S, "d": tuple(range(1, 5))}, kinds=("transposed",), dims=(1, 2),
                  note="1-D sweep with seeded random weights; the 2-D box is separable"),
    sources=("Odena, Dumoulin & Olah 2016",),
    torch_check=_box_after_torch,
)
def _box_after():
    rng = np.random.default_rng(1)
    n = 12
    for k in _K:
        for s in _S:
            for d in range(1, 5):
                w = rng.standard_normal(k)
                y = _scatter_1d(np.ones(n), w, s, d)[_interior(k, s, d, n)]
                if len(y) < 2 * s:
                    continue
                boxed = np.array([y[i:i + s].sum() for i in range(len(y) - s + 1)])
                if not np.allclose(boxed, boxed[0]):
                    yield {"k": k, "s": s, "d": d}


def _gradient_uneven_torch():
    import torch
    import torch.nn.functional as F

    for k in _K:
        for s in _S:
            n = 11 * s + k
            x = torch.ones(1, 1, n, dtype=torch.float64, requires_grad=True)
            F.conv1d(x, torch.ones(1, 1, k, dtype=torch.float64), stride=s).sum().backward()
            inner = x.grad[0, 0, k - 1: 11 * s + 1]
            if len(inner) >= s and (len(set(inner.tolist())) > 1) != (k % s != 0):
                yield {"k": k, "s": s}





@claim(
    "nb06-gradient-uneven",
    statement="With weights of ones, d = 1 and a uniform gradient at its output, the gradient a strided "
              "convolution sends to the interior of its input is uneven iff the stride does not divide the "
              "kernel size (Odena et al.'s condition).",
    domain=Domain(params={"k": _K, "s": _S, "d": (1,)}, kinds=("conv",), dims=(1,)),
    scope="kernel size",
    sources=("Odena, Dumoulin & Olah 2016",),
    torch_check=_gradient_uneven_torch,
)
def _gradient_uneven():
    n_out = 12
    for k in _K:
        for s in _S:
            n = (n_out - 1) * s + k
            grad = np.zeros(n)
            for o in range(n_out):          # d(sum of outputs)/d(x[i]): how many windows read x[i]
                for a in range(k):
                    grad[o * s + a] += 1
            inner = grad[k - 1: (n_out - 1) * s + 1]
            if len(inner) < s:
                continue
            if (len(set(inner.tolist())) > 1) != (k % s != 0):
                yield {"k": k, "s": s, "d": 1}


def _bilinear_1d(x: np.ndarray, n_out: int) -> np.ndarray:
    """Bilinear (align_corners=False) along one axis, from PyTorch's definition, with loops."""
    n = len(x)
    out = np.zeros(n_out)
    for j in range(n_out):
        src = max((j + 0.5) * n / n_out - 0.5, 0.0)
        i0 = min(int(np.floor(src)), n - 1)
        i1 = min(i0 + 1, n - 1)
        t = src - i0
        out[j] = (1 - t) * x[i0] + t * x[i1]
    return out


def _bilinear_is_deconv_torch():
    import torch
    import torch.nn.functional as F

    g = torch.Generator().manual_seed(2)
    k = torch.tensor([1.0, 3.0, 3.0, 1.0], dtype=torch.float64) / 4
    for h in range(1, 7):
        for w in range(1, 7):
            x = torch.randn(1, 1, h, w, generator=g, dtype=torch.float64)
            want = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
            got = F.conv_transpose2d(F.pad(x, (1, 1, 1, 1), mode="replicate"), torch.outer(k, k)[None, None],
                                     stride=2, padding=3)
            if got.shape != want.shape or not torch.allclose(got, want):
                yield {"n": (h, w), "dim": 2}





@claim(
    "nb06-bilinear-is-deconv",
    statement="Bilinear ×2 with align_corners=False equals a stride-2 transposed convolution with the kernel "
              "[1, 3, 3, 1]/4 per axis and padding 3 on the input with its edge repeated once.",
    domain=Domain(params={"n": tuple(range(1, 17))}, kinds=("interpolate", "transposed"), dims=(1, 2),
                  note="separable: the 1-D identity for every n gives the 2-D one"),
    torch_check=_bilinear_is_deconv_torch,
)
def _bilinear_is_deconv():
    rng = np.random.default_rng(2)
    w = np.array([1, 3, 3, 1]) / 4
    for n in range(1, 17):
        x = rng.standard_normal(n)
        via = _scatter_1d(np.pad(x, 1, mode="edge"), w, 2, 1, 3)
        if via.shape != (2 * n,) or not np.allclose(via, _bilinear_1d(x, 2 * n)):
            yield {"n": n}


@claim(
    "nb06-adjoint",
    statement="The transposed convolution with the same weights, stride, padding and dilation (and the "
              "output_padding that gives the input size back) is the transpose Cᵀ of the convolution's matrix C.",
    domain=Domain(params={"n": tuple(range(1, 21)), "k": tuple(range(1, 5)), "s": (1, 2, 3), "p": (0, 1, 2),
                          "d": (1, 2, 3)}, kinds=("conv", "transposed"), dims=(1,),
                  note="1-D matrices built column by column with loops; seeded weights"),
)
def _adjoint():
    rng = np.random.default_rng(3)
    for n in range(1, 21):
        for k in range(1, 5):
            for s in (1, 2, 3):
                for d in (1, 2, 3):
                    for p in (0, 1, 2):
                        span = d * (k - 1) + 1
                        if n + 2 * p < span:
                            continue
                        m = (n + 2 * p - span) // s + 1
                        w = rng.standard_normal(k)
                        C = np.zeros((m, n))
                        for o in range(m):
                            for a in range(k):
                                i = o * s + a * d - p
                                if 0 <= i < n:
                                    C[o, i] += w[a]
                        op = n - ((m - 1) * s - 2 * p + d * (k - 1) + 1)
                        if not 0 <= op < max(s, d):
                            yield {"n": n, "k": k, "s": s, "p": p, "d": d, "op": op}
                            continue
                        T = np.stack([_scatter_1d(e, w, s, d, p, op) for e in np.eye(m)], axis=1)
                        if T.shape != C.T.shape or not np.allclose(T, C.T):
                            yield {"n": n, "k": k, "s": s, "p": p, "d": d}


@claim(
    "nb06-resize-conv-is-deconv",
    statement="Nearest ×2 followed by a 3×3 stride-1 convolution with padding 1 equals a k=4, s=2, p=1 "
              "transposed convolution whose 4×4 kernel is four shifted copies of the flipped 3×3 one; each of "
              "its four phases sums to the sum of the 3×3 weights.",
    domain=Domain(params={"n": tuple(range(1, 9))}, kinds=("conv", "transposed"), dims=(2,),
                  note="seeded random weights and inputs, square n×n"),
)
def _resize_conv():
    rng = np.random.default_rng(4)
    for n in range(1, 9):
        w3, x = rng.standard_normal((3, 3)), rng.standard_normal((n, n))
        up = np.pad(x.repeat(2, axis=0).repeat(2, axis=1), 1)
        rc = np.array([[np.sum(up[i:i + 3, j:j + 3] * w3) for j in range(2 * n)] for i in range(2 * n)])
        v = np.zeros((4, 4))
        for a in (0, 1):
            for b in (0, 1):
                v[a:a + 3, b:b + 3] += w3[::-1, ::-1]
        full = np.zeros((2 * n + 2, 2 * n + 2))
        for i in range(n):
            for j in range(n):
                full[2 * i: 2 * i + 4, 2 * j: 2 * j + 4] += x[i, j] * v
        if not np.allclose(full[1:-1, 1:-1], rc):
            yield {"n": n}
        if not np.allclose([v[a::2, b::2].sum() for a in (0, 1) for b in (0, 1)], w3.sum()):
            yield {"n": n, "phase": True}
