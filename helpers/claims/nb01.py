"""Claims of notebook 01 · stride (issue 19), each swept by brute force from its definition.

Domains cover the convolution explorer that notebook 01 shows (``explorer.conv``: N 1–64, K 1–7,
S 1–4, P 0–8, read from ``helpers.explorers.numbers.LIMITS``). Dilation is not a parameter here:
notebook 01 has not taught it, and its sentences are about undilated layers.
The checks never call the helpers that the notebook uses to compute the same numbers; window
positions are enumerated, and outputs are computed with numpy's ``sliding_window_view``.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._core import Domain, claim

_N = tuple(range(1, 65))
_K = tuple(range(1, 8))
_S = tuple(range(1, 5))
_P = tuple(range(0, 9))
_EXPLORER = ("explorer.conv",)


def _starts(length: int, k: int, s: int) -> range:
    """Padded start of every window of ``k`` taps that fits in ``length`` pixels, stride ``s``."""
    return range(0, length - k + 1, s)


def _correlate(x: np.ndarray, w: np.ndarray, before: int, after: int) -> np.ndarray:
    """Dense 1-D cross-correlation of ``x`` zero-padded by (before, after): one value per start."""
    xp = np.concatenate([np.zeros(before), x, np.zeros(after)])
    return np.correlate(xp, w, mode="valid")


# --------------------------------------------------------------------------- strided = dense, then subsample


def _torch_strided_dense():
    import torch
    import torch.nn.functional as F

    rng = np.random.default_rng(1)
    for _ in range(100):                            # a seeded sample: PyTorch calls cost milliseconds
        n, k, s, p = (int(rng.choice(v)) for v in (_N, _K, _S, _P))
        if n + 2 * p < k:
            continue
        x, w = torch.randn(1, 1, n, dtype=torch.float64), torch.randn(1, 1, k, dtype=torch.float64)
        strided, dense = F.conv1d(x, w, stride=s, padding=p), F.conv1d(x, w, padding=p)
        if not torch.allclose(strided, dense[..., ::s]):
            yield {"n": n, "k": k, "s": s, "p": p}
    for sh, sw in ((2, 3), (3, 1), (4, 2)):   # 2-D, different strides per axis
        x, w = torch.randn(1, 1, 13, 11, dtype=torch.float64), torch.randn(1, 1, 3, 2, dtype=torch.float64)
        strided, dense = F.conv2d(x, w, stride=(sh, sw), padding=1), F.conv2d(x, w, padding=1)
        if not torch.allclose(strided, dense[..., ::sh, ::sw]):
            yield {"s": (sh, sw), "dim": 2}


@claim(
    "nb01-strided-dense",
    statement="A stride-S convolution equals the dense (stride-1) convolution with the same padding followed by "
              "keeping every S-th output: output j reads the window that dense output j·S reads (in 2-D, every "
              "S-th row and column, each axis with its own stride).",
    domain=Domain(params={"n": _N, "k": _K, "s": _S, "p": _P}, kinds=("conv",), dims=(1, 2), reach=_EXPLORER,
                  note="1-D: every setting, random values; 2-D: N 5–9 by 6, K 1–3 by 2, strides 1–3 per axis, "
                       "P 0–1 (diagonal and unequal strides included)."),
    torch_check=_torch_strided_dense,
)
def _strided_dense():
    """Every setting: the windows of the strided layer are every S-th window of the dense one (starts
    enumerated). Every 8th setting also by value: the strided output, window by window, against every S-th
    dense output. Then 2-D by value."""
    rng = np.random.default_rng(0)
    for index, (n, k, p, s) in enumerate((n, k, p, s) for n in _N for k in _K for p in _P for s in _S):
        length = n + 2 * p
        if length < k:
            continue
        if list(_starts(length, k, s)) != list(_starts(length, k, 1))[::s]:
            yield {"n": n, "k": k, "s": s, "p": p}
        if index % 8 == 0:
            x, w = rng.standard_normal(n), rng.standard_normal(k)
            xp = np.concatenate([np.zeros(p), x, np.zeros(p)])
            starts = np.array(_starts(length, k, s))
            strided = xp[starts[:, None] + np.arange(k)] @ w     # each window gathered by its start
            dense = _correlate(x, w, p, p)
            if strided.shape != dense[::s].shape or np.abs(strided - dense[::s]).max() > 1e-9:
                yield {"n": n, "k": k, "s": s, "p": p, "values": True}
    for nh, nw in ((5, 6), (9, 6), (7, 8)):
        x = rng.standard_normal((nh, nw))
        for kh, kw in ((1, 1), (3, 2), (2, 3)):
            w = rng.standard_normal((kh, kw))
            for p in (0, 1):
                xp = np.pad(x, p)
                dense = np.einsum("ijab,ab->ij", sliding_window_view(xp, (kh, kw)), w)
                for sh in (1, 2, 3):
                    for sw in (1, 2, 3):
                        strided = np.array([[np.sum(xp[i:i + kh, j:j + kw] * w) for j in _starts(nw + 2 * p, kw, sw)]
                                            for i in _starts(nh + 2 * p, kh, sh)])
                        if not np.allclose(strided, dense[::sh, ::sw]):
                            yield {"n": (nh, nw), "k": (kh, kw), "s": (sh, sw), "p": p, "dim": 2}


# --------------------------------------------------------------------------- pixels no window reads


def _reads(n: np.ndarray, k: int, s: int, p: int) -> "tuple[np.ndarray, np.ndarray]":
    """reads[row, i]: windows covering padded pixel i for an input of n[row] pixels (windows enumerated),
    and the number of windows of each row."""
    width = int(n.max()) + 2 * p
    starts = np.arange(width + 1) * s
    fits = starts[None, :] + k <= n[:, None] + 2 * p                          # window j exists for this n
    pixels = np.arange(width)
    covers = (starts[:, None] <= pixels[None, :]) & (pixels[None, :] < starts[:, None] + k)
    return fits.astype(np.int64) @ covers.astype(np.int64), fits.sum(axis=1)


def _torch_skipped_pixels():
    """PyTorch autograd: an input pixel no window reads gets a zero gradient (all-ones weights)."""
    import torch
    import torch.nn.functional as F

    rng = np.random.default_rng(4)
    for _ in range(100):                            # a seeded sample: autograd calls cost milliseconds
        n, k, s, p = (int(rng.choice(v)) for v in (_N, _K, _S, _P))
        if n + 2 * p < k:
            continue
        x = torch.zeros(1, 1, n, requires_grad=True)
        F.conv1d(x, torch.ones(1, 1, k), stride=s, padding=p).sum().backward()
        unread = set(np.flatnonzero(x.grad[0, 0].numpy() == 0).tolist())
        length = n + 2 * p
        starts = _starts(length, k, s)
        after = {i - p for i in range(starts[-1] + k, length) if p <= i < p + n}
        gaps = {t + j - p for t in starts[:-1] for j in range(k, s) if p <= t + j < p + n}
        if unread != (after if s <= k else gaps | after):
            yield {"n": n, "k": k, "s": s, "p": p, "torch_unread": sorted(unread)}


@claim(
    "nb01-skipped-pixels",
    statement="Without dilation: the padded pixels after the last window number (N + 2P − K) mod S and no window "
              "reads them; with S ≤ K the unread input pixels are exactly the input pixels after the last window; "
              "with S > K the S − K padded pixels between two neighbouring windows are unread.",
    domain=Domain(params={"n": _N, "k": _K, "s": _S, "p": _P}, kinds=("conv",), dims=(1,), reach=_EXPLORER,
                  note="no d: the statement is about undilated layers. The explorer in 01 offers d 1–8, and "
                       "with dilation S ≤ K can skip middle pixels (N 8, K 2, d 3, S 2, P 0: input pixels 1 and "
                       "6 unread, PyTorch autograd), so the S ≤ K sentence says 'no dilation'."),
    torch_check=_torch_skipped_pixels,
)
def _skipped_pixels():
    """Enumerate the windows, count the reads of each padded pixel, and compare the sets (vectorised over N)."""
    for k in _K:
        for s in _S:
            for p in _P:
                n = np.array([v for v in _N if v + 2 * p >= k])
                reads, windows = _reads(n, k, s, p)
                pix = np.arange(reads.shape[1])[None, :]
                length, last = (n + 2 * p)[:, None], ((windows - 1) * s)[:, None]
                after = (pix >= last + k) & (pix < length)
                inside = (pix >= p) & (pix < p + n[:, None])
                bad = (after.sum(axis=1) != (n + 2 * p - k) % s) | (reads * after).any(axis=1)
                if s <= k:
                    bad |= ((reads == 0) & inside != after & inside).any(axis=1)
                else:
                    gaps = (pix % s >= k) & (pix < last)
                    bad |= (reads * gaps).any(axis=1)
                for v in n[bad]:
                    yield {"n": int(v), "k": k, "s": s, "p": p}


# --------------------------------------------------------------------------- full padding


@claim(
    "nb01-full-padding",
    statement="With full padding (K − 1 zeros per side) every window computed overlaps the input, and one more "
              "zero per side would give a first window that lies entirely in the padding; at stride 1 the windows "
              "computed are exactly the window positions that overlap the input, at stride S > 1 some of those "
              "positions are skipped (once there is more than one window).",
    domain=Domain(params={"n": _N, "k": _K, "s": _S}, kinds=("conv",), dims=(1,), reach=_EXPLORER),
    breaks=({"n": 6, "k": 3, "s": 2},),   # "full = every window that touches the input" (the S = 2 panel)
)
def _full_padding():
    for n in _N:
        for k in _K:
            p = k - 1
            length = n + 2 * p
            touching = {t for t in range(0, length - k + 1) if t + k - 1 >= p and t <= p + n - 1}
            for s in _S:
                computed = set(_starts(length, k, s))
                if not computed <= touching:
                    yield {"n": n, "k": k, "s": s, "why": "a window in the padding"}
                if s == 1 and computed != touching:
                    yield {"n": n, "k": k, "s": s, "why": "stride 1 misses a touching window"}
                if s > 1 and len(touching) > 1 and computed == touching:
                    yield {"n": n, "k": k, "s": s, "why": "no touching window skipped"}
            # one more zero per side (P = K): the first window, padded pixels 0 … K − 1, holds no input pixel
            if any(k <= i < k + n for i in range(0, k)):
                yield {"n": n, "k": k, "why": "P = K still touches the input"}


# --------------------------------------------------------------------------- keep-size padding


def _torch_keep_size():
    import torch
    import torch.nn.functional as F

    for k in (1, 3, 5, 7):
        for s in _S:
            for n in (1, 2, 3, 7, 8, 31, 64):
                out = F.conv1d(torch.zeros(1, 1, n), torch.zeros(1, 1, k), stride=s, padding=(k - 1) // 2).shape[-1]
                if out != math.ceil(n / s):
                    yield {"n": n, "k": k, "s": s, "torch": out}


@claim(
    "nb01-keep-size-ceil",
    statement="For an odd K, (K − 1)/2 zeros per side give ceil(N/S) outputs for every N at every stride "
              "(so at stride 2 the output is N/2 for even N and (N + 1)/2 for odd N).",
    domain=Domain(params={"n": _N, "k": (1, 3, 5, 7), "s": _S}, kinds=("conv",), dims=(1,),
                  note="N and S: the explorer's ranges; K: its odd values (the statement is about odd K)"),
    scope="odd",
    where=("exercise:00-warmup",),
    torch_check=_torch_keep_size,
)
def _keep_size():
    for n in _N:
        for k in (1, 3, 5, 7):
            p = (k - 1) // 2
            for s in _S:
                count = len(_starts(n + 2 * p, k, s))
                if count != -(-n // s):
                    yield {"n": n, "k": k, "s": s, "outputs": count}
                if s == 2 and count != (n // 2 if n % 2 == 0 else (n + 1) // 2):
                    yield {"n": n, "k": k, "s": s, "half": count}


# --------------------------------------------------------------------------- TensorFlow's SAME split


def _tf_split(n: int, k: int, s: int) -> "tuple[int, int]":
    """TensorFlow's SAME split from its definition: the least total padding that gives ceil(N/S) windows,
    half of it (rounded down) before the input, the rest after."""
    out = -(-n // s)
    total = 0
    while len(_starts(n + total, k, s)) < out:
        total += 1
    return total // 2, total - total // 2


def _windows(n: int, k: int, s: int, before: int, after: int) -> "tuple[int, int]":
    """(first window's start in input coordinates, number of windows)."""
    return -before, len(_starts(n + before + after, k, s))


def _torch_tf_same():
    import torch
    import torch.nn.functional as F

    for k in _K:
        for s in _S[1:]:
            # the module refuses with ValueError when built, the functional form with RuntimeError when called
            # (the notebook names both); 2-D: one strided axis is enough to be refused
            refusals = (
                ("nn.Conv1d", ValueError, lambda: torch.nn.Conv1d(1, 1, k, stride=s, padding="same")),
                ("nn.Conv2d", ValueError, lambda: torch.nn.Conv2d(1, 1, k, stride=(1, s), padding="same")),
                ("F.conv1d", RuntimeError,
                 lambda: F.conv1d(torch.zeros(1, 1, 9), torch.zeros(1, 1, k), stride=s, padding="same")),
                ("F.conv2d", RuntimeError,
                 lambda: F.conv2d(torch.zeros(1, 1, 9, 9), torch.zeros(1, 1, k, k), stride=(s, 1), padding="same")),
            )
            for name, error, build in refusals:
                try:
                    build()
                except error:
                    pass
                except Exception as exc:   # refused, but not with the error the notebook names
                    yield {"k": k, "s": s, "api": name, "why": f"{type(exc).__name__}, not {error.__name__}"}
                else:
                    yield {"k": k, "s": s, "api": name, "why": "PyTorch accepted padding='same' with stride > 1"}
        w = torch.randn(1, 1, k, dtype=torch.float64)
        for n in (1, 2, 5, 8, 13, 64):
            x = torch.randn(1, 1, n, dtype=torch.float64)
            before, after = _tf_split(n, k, 1)
            with warnings.catch_warnings():   # PyTorch warns that an even kernel may need a padded copy
                warnings.simplefilter("ignore", UserWarning)
                same = F.conv1d(x, w, padding="same")
            tf = F.conv1d(F.pad(x, (before, after)), w)
            if same.shape != tf.shape or not torch.allclose(same, tf):
                yield {"n": n, "k": k, "s": 1, "why": "stride 1: PyTorch's 'same' differs from TF's split"}


@claim(
    "nb01-tf-same-alignment",
    statement="TensorFlow's SAME split (least total padding giving ceil(N/S) windows, the odd zero after): at "
              "stride 1 it is the same for every N (K − 1 zeros in total) and PyTorch's padding='same' places its "
              "windows there; at strides 2–4 a fixed (before, after) padding reproduces TensorFlow's windows for "
              "every N exactly when TensorFlow's 'before' does not change with N — it changes for every odd "
              "K ≥ 3 at stride 2 and every K ≥ 3 at strides 3 and 4, and stays put for K ≤ 2 and for even K at "
              "stride 2; PyTorch refuses padding='same' at every stride above 1 (torch.nn.Conv1d/Conv2d with "
              "ValueError, F.conv1d/conv2d with RuntimeError; in 2-D one strided axis suffices).",
    domain=Domain(params={"n": _N, "k": _K, "s": _S}, kinds=("conv",), dims=(1,), reach=_EXPLORER,
                  note="fixed paddings searched: before and after 0–8"),
    breaks=({"n": 5, "k": 4, "s": 2},    # "at stride 2 ... no padding fixed in advance reproduces TF's windows"
            {"n": 9, "k": 3, "s": 2}),   # "PyTorch raises ValueError": F.conv1d/F.conv2d raise RuntimeError
    sources=("TensorFlow padding notes (tf.nn.convolution)", "PyTorch Conv1d documentation"),
    torch_check=_torch_tf_same,
)
def _tf_same_alignment():
    for k in _K:
        splits = {n: _tf_split(n, k, 1) for n in _N}
        if len(set(splits.values())) != 1 or sum(splits[1]) != k - 1:
            yield {"k": k, "s": 1, "splits": sorted(set(splits.values()))}
        for s in _S[1:]:
            tf = {n: _windows(n, k, s, *_tf_split(n, k, s)) for n in _N}
            befores = {_tf_split(n, k, s)[0] for n in _N}
            fixed = [(b, a) for b in range(9) for a in range(9)
                     if all(_windows(n, k, s, b, a) == tf[n] for n in _N)]
            varies = len(befores) > 1
            if bool(fixed) == varies:
                yield {"k": k, "s": s, "fixed": fixed[:2], "befores": sorted(befores)}
            expected_varies = k >= 3 and (s >= 3 or k % 2 == 1)
            if varies != expected_varies:
                yield {"k": k, "s": s, "varies": varies}


# --------------------------------------------------------------------------- even kernels


@claim(
    "nb01-even-no-symmetric",
    statement="For an even K no symmetric padding P (0–8 per side) gives ceil(N/S) outputs for every N, at any "
              "stride 1–4.",
    domain=Domain(params={"n": _N, "k": (2, 4, 6), "s": _S, "p": _P}, kinds=("conv",), dims=(1,)),
)
def _even_no_symmetric():
    for k in (2, 4, 6):
        for s in _S:
            for p in _P:
                if all(n + 2 * p >= k and len(_starts(n + 2 * p, k, s)) == -(-n // s) for n in _N):
                    yield {"k": k, "s": s, "p": p}


# --------------------------------------------------------------------------- ceil_mode


def _ceil_windows(n: int, k: int, s: int, p: int) -> int:
    """Windows of PyTorch pooling with ceil_mode=True, from the rule: windows at 0, S, 2S, … as long as a
    window runs past the padded input by less than S pixels, then drop a last one that starts in the right
    padding."""
    length = n + 2 * p
    starts = [t for t in range(0, length + s) if t % s == 0 and t + k <= length + s - 1]   # runs past by < S
    if starts and starts[-1] >= n + p:
        starts.pop()
    return len(starts)


def _ceil_formula(n: int, k: int, s: int, p: int) -> int:
    out = -(-(n + 2 * p - k) // s) + 1
    return out - 1 if (out - 1) * s >= n + p else out


def _torch_ceil_mode():
    import torch
    import torch.nn.functional as F

    rng = np.random.default_rng(2)
    for _ in range(400):
        n, k, s, p = (int(rng.choice(v)) for v in (_N, _K, _S, _P))
        if 2 * p > k:
            continue
        try:
            out = F.max_pool1d(torch.zeros(1, 1, n), k, stride=s, padding=p, ceil_mode=True).shape[-1]
        except RuntimeError:   # "output size is too small": no window
            out = 0
        if out != _ceil_windows(n, k, s, p):
            yield {"n": n, "k": k, "s": s, "p": p, "torch": out}


@claim(
    "nb01-ceil-mode",
    statement="PyTorch pooling with ceil_mode=True rounds up — windows at 0, S, 2S, … as long as a window runs "
              "past the padded input by less than S pixels — and drops a last window that would start after the "
              "input (in the right padding or past it): N_out = ceil((N + 2P − K)/S) + 1, minus 1 if (N_out − 1)·S ≥ N + P.",
    domain=Domain(params={"n": _N, "k": _K, "s": _S, "p": _P}, kinds=("pool-ceil",), dims=(1,), reach=_EXPLORER,
                  note="P > K/2 skipped (PyTorch refuses it)"),
    # "drops a last window that would start inside the right padding": with P = 0 there is no right padding,
    # yet the rounded-up third window (start 6, past the 5-pixel input) is dropped; PyTorch gives 2
    breaks=({"n": 5, "k": 1, "s": 3, "p": 0},),
    sources=("PyTorch MaxPool2d documentation", "ATen pooling_output_shape_pad_lr"),
    torch_check=_torch_ceil_mode,
)
def _ceil_mode():
    for n in _N:
        for k in _K:
            for s in _S:
                for p in _P:
                    if 2 * p > k:
                        continue
                    if _ceil_windows(n, k, s, p) != max(_ceil_formula(n, k, s, p), 0):   # below 1: no window
                        yield {"n": n, "k": k, "s": s, "p": p}


# --------------------------------------------------------------------------- shifting the input by S


@claim(
    "nb01-shift-by-s",
    statement="Moving the input of a stride-S layer right by S pixels (zeros entering on the left, the last S "
              "pixels leaving on the right) moves its output right by one output pixel away from the borders: new "
              "output j = old output j − 1 for every j ≥ 1 whose window ends before the right padding.",
    domain=Domain(params={"n": _N, "k": _K, "s": _S, "p": _P}, kinds=("conv",), dims=(1,), reach=_EXPLORER),
    where=("exercise:01-shift",),
    scope="away from the borders",
)
def _shift_by_s():
    rng = np.random.default_rng(3)
    for n in _N:
        x = rng.standard_normal(n)
        for k in _K:
            w = rng.standard_normal(k)
            for p in _P:
                if n + 2 * p < k:
                    continue
                dense_old = _correlate(x, w, p, p)
                for s in _S:
                    moved = np.concatenate([np.zeros(min(s, n)), x[:n - s]]) if s < n else np.zeros(n)
                    old, new = dense_old[::s], _correlate(moved, w, p, p)[::s]
                    j = np.arange(1, len(new))
                    inner = j[j * s - p + k - 1 <= n - 1]      # windows that end before the right padding
                    if len(inner) and np.abs(new[inner] - old[inner - 1]).max() > 1e-9:
                        yield {"n": n, "k": k, "s": s, "p": p}


# --------------------------------------------------------------------------- no padding


@claim(
    "nb01-no-padding-shrinks",
    statement="Without padding, the first window's centre lies (K − 1)/2 pixels inside the border, and at stride 1 "
              "the output has N − K + 1 pixels, K − 1 fewer than the input.",
    domain=Domain(params={"n": _N, "k": _K}, kinds=("conv",), dims=(1,)),
)
def _no_padding_shrinks():
    for n in _N:
        for k in _K:
            if n < k:
                continue
            starts = _starts(n, k, 1)
            centre = (starts[0] + starts[0] + k - 1) / 2
            if len(starts) != n - (k - 1) or centre != (k - 1) / 2:
                yield {"n": n, "k": k}
