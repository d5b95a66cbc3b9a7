"""Claims of notebook 01 · stride (issue 19), each swept by brute force from its definition.

Domains cover the convolution explorer that notebook 01 shows (``explorer.conv``: N 1–64, K 1–7,
S 1–4, P 0–8, dilation d 1–8, read from ``helpers.explorers.numbers.LIMITS``). Notebook 01 has not
taught dilation, but its explorer offers it: a claim that holds for every d sweeps d 1–8; a claim that
breaks for d > 1 says "no dilation" or "without dilation" in every sentence linked to it (its
``scope``), and its note records the break.
The checks never call the helpers that the notebook uses to compute the same numbers; window
positions are enumerated, and outputs are computed with numpy's ``sliding_window_view``.
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._core import Domain, claim

_N = tuple(range(1, 65))
_K = tuple(range(1, 8))
_S = tuple(range(1, 5))
_P = tuple(range(0, 9))
_D = tuple(range(1, 9))
_EXPLORER = ("explorer.conv",)


def _starts(length: int, k: int, s: int, d: int = 1) -> range:
    """Padded start of every window of ``k`` taps, ``d`` apart, that fits in ``length`` pixels, stride ``s``
    (its last tap, at start + d(k − 1), is inside the padded input)."""
    return range(0, length - d * (k - 1), s)


def _correlate(x: np.ndarray, w: np.ndarray, before: int, after: int) -> np.ndarray:
    """Dense 1-D cross-correlation of ``x`` zero-padded by (before, after): one value per start."""
    xp = np.concatenate([np.zeros(before), x, np.zeros(after)])
    return np.correlate(xp, w, mode="valid")


# --------------------------------------------------------------------------- strided = dense, then subsample


def _dilated(w: np.ndarray, d: int) -> np.ndarray:
    """The kernel ``w`` with d − 1 zeros between neighbouring taps (along every axis)."""
    out = np.zeros(tuple(d * (m - 1) + 1 for m in w.shape))
    out[tuple(slice(None, None, d) for _ in w.shape)] = w
    return out


def _sampled_settings(seed: int, draws: int = 150):
    """A seeded sample of the explorer's (N, K, S, P, d) where a window fits (PyTorch calls cost milliseconds)."""
    rng = np.random.default_rng(seed)
    for _ in range(draws):
        n, k, s, p, d = (int(rng.choice(v)) for v in (_N, _K, _S, _P, _D))
        if n + 2 * p >= d * (k - 1) + 1:
            yield n, k, s, p, d


def _torch_strided_dense():
    import torch
    import torch.nn.functional as F

    for n, k, s, p, d in _sampled_settings(1):
        x, w = torch.randn(1, 1, n, dtype=torch.float64), torch.randn(1, 1, k, dtype=torch.float64)
        strided = F.conv1d(x, w, stride=s, padding=p, dilation=d)
        dense = F.conv1d(x, w, padding=p, dilation=d)
        if strided.shape != dense[..., ::s].shape or not torch.allclose(strided, dense[..., ::s]):
            yield {"n": n, "k": k, "s": s, "p": p, "d": d}
    for sh, sw, dh, dw in ((2, 3, 1, 1), (3, 1, 2, 1), (4, 2, 1, 3), (2, 2, 2, 2)):   # 2-D, per-axis strides and rates
        x, w = torch.randn(1, 1, 13, 11, dtype=torch.float64), torch.randn(1, 1, 3, 2, dtype=torch.float64)
        strided = F.conv2d(x, w, stride=(sh, sw), padding=1, dilation=(dh, dw))
        dense = F.conv2d(x, w, padding=1, dilation=(dh, dw))
        if not torch.allclose(strided, dense[..., ::sh, ::sw]):
            yield {"s": (sh, sw), "d": (dh, dw), "dim": 2}


@claim(
    "nb01-strided-dense",
    statement="A stride-S convolution equals the dense (stride-1) convolution with the same padding and dilation "
              "followed by keeping every S-th output: output j reads the window that dense output j·S reads (in 2-D, "
              "every S-th row and column, each axis with its own stride).",
    domain=Domain(params={"n": _N, "k": _K, "s": _S, "p": _P, "d": _D}, kinds=("conv",), dims=(1, 2),
                  reach=_EXPLORER,
                  note="1-D: every padded length, K, d and S by window starts, every 31st setting also by value "
                       "(random values); 2-D: N 5–9 by 6–8, K 1–3 by 1–3, strides 1–3 per axis, dilation 1–2 per "
                       "axis, P 0–1 (diagonal, unequal strides and unequal rates included)."),
    torch_check=_torch_strided_dense,
)
def _strided_dense():
    """Every padded length, K, d and S: the windows of the strided layer are every S-th window of the dense one
    (starts enumerated). Every 31st setting also by value: the strided output, its taps gathered window by window,
    against every S-th output of numpy's dense correlation with the zero-stuffed kernel. Then 2-D by value."""
    rng = np.random.default_rng(0)
    for length in range(1, max(_N) + 2 * max(_P) + 1):     # every padded length N + 2P the domain reaches
        for k in _K:
            for d in _D:
                if length < d * (k - 1) + 1:
                    continue
                dense = _starts(length, k, 1, d)
                for s in _S:
                    if _starts(length, k, s, d) != dense[::s]:     # range equality: the same sequence of starts
                        yield {"n + 2p": length, "k": k, "s": s, "d": d}
    settings = itertools.product(_N, _K, _P, _S, _D)
    for n, k, p, s, d in itertools.islice(settings, 0, None, 31):   # 31 is prime: every d, S, P, K comes up
        length = n + 2 * p
        if length < d * (k - 1) + 1:
            continue
        x, w = rng.standard_normal(n), rng.standard_normal(k)
        xp = np.concatenate([np.zeros(p), x, np.zeros(p)])
        starts = np.array(_starts(length, k, s, d))
        strided = xp[starts[:, None] + d * np.arange(k)] @ w           # each window gathered tap by tap
        dense = _correlate(x, _dilated(w, d), p, p)
        if strided.shape != dense[::s].shape or np.abs(strided - dense[::s]).max() > 1e-9:
            yield {"n": n, "k": k, "s": s, "p": p, "d": d, "values": True}
    for nh, nw in ((5, 6), (9, 6), (7, 8)):
        x = rng.standard_normal((nh, nw))
        for kh, kw in ((1, 1), (3, 2), (2, 3)):
            w = rng.standard_normal((kh, kw))
            for dh, dw in ((1, 1), (2, 1), (1, 2), (2, 2)):
                wd = np.zeros((dh * (kh - 1) + 1, dw * (kw - 1) + 1))
                wd[::dh, ::dw] = w
                for p in (0, 1):
                    xp = np.pad(x, p)
                    if xp.shape[0] < wd.shape[0] or xp.shape[1] < wd.shape[1]:
                        continue
                    dense = np.einsum("ijab,ab->ij", sliding_window_view(xp, wd.shape), wd)
                    for sh in (1, 2, 3):
                        for sw in (1, 2, 3):
                            strided = np.array([[sum(w[a, b] * xp[i + a * dh, j + b * dw]
                                                     for a in range(kh) for b in range(kw))
                                                 for j in _starts(nw + 2 * p, kw, sw, dw)]
                                                for i in _starts(nh + 2 * p, kh, sh, dh)])
                            if strided.shape != dense[::sh, ::sw].shape or not np.allclose(strided, dense[::sh, ::sw]):
                                yield {"n": (nh, nw), "k": (kh, kw), "s": (sh, sw), "d": (dh, dw), "p": p, "dim": 2}


# --------------------------------------------------------------------------- pixels no window reads


def _reads(n: np.ndarray, k: int, s: int, p: int, d: int = 1) -> "tuple[np.ndarray, np.ndarray]":
    """reads[row, i]: taps on padded pixel i, over all windows, for an input of n[row] pixels (windows and
    their taps enumerated), and the number of windows of each row."""
    width = int(n.max()) + 2 * p
    starts = np.arange(width + 1) * s
    fits = starts[None, :] + d * (k - 1) < n[:, None] + 2 * p                   # window j exists for this n
    pixels = np.arange(width)
    covers = np.zeros((len(starts), width), dtype=np.int64)
    for a in range(k):                                                          # tap a of window j: j·S + a·d
        tap = starts + a * d
        inside = tap < width
        covers[np.flatnonzero(inside), tap[inside]] += 1
    windows = fits.sum(axis=1)                      # the windows that fit are a prefix j = 0 … windows − 1
    so_far = np.vstack([np.zeros((1, len(pixels)), dtype=np.int64), np.cumsum(covers, axis=0)])
    return so_far[windows], windows


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
    statement="With no dilation: the padded pixels after the last window number (N + 2P − K) mod S and no window "
              "reads them; with S ≤ K the unread input pixels are exactly the input pixels after the last window; "
              "with S > K the S − K padded pixels between two neighbouring windows are unread.",
    domain=Domain(params={"n": _N, "k": _K, "s": _S, "p": _P}, kinds=("conv",), dims=(1,), reach=_EXPLORER,
                  note="no d: the statement is about undilated layers, and every part of it breaks with the "
                       "explorer's dilation (PyTorch autograd, all-ones weights): N 6, K 2, S 2, P 0, d 2 leaves "
                       "input pixels 1, 3 and 5 unread, not only pixel 5 after the last window, and 1 pixel lies "
                       "after the last window where (N + 2P − K) mod S = 0; N 6, K 2, S 3, P 0, d 2 reads pixel 2, "
                       "between two windows. The general part (the pixels after the last window, any d) is "
                       "nb01-after-last."),
    scope="no dilation",
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


def _torch_after_last():
    """PyTorch autograd: the input pixels after the last window get a zero gradient (all-ones weights)."""
    import torch
    import torch.nn.functional as F

    rng = np.random.default_rng(5)
    for _ in range(120):                            # a seeded sample: autograd calls cost milliseconds
        n, k, s, p, d = (int(rng.choice(v)) for v in (_N, _K, _S, _P, _D))
        length = n + 2 * p
        if length < d * (k - 1) + 1:
            continue
        x = torch.zeros(1, 1, n, requires_grad=True)
        F.conv1d(x, torch.ones(1, 1, k), stride=s, padding=p, dilation=d).sum().backward()
        end = _starts(length, k, s, d)[-1] + d * (k - 1)          # the last window's last tap (padded)
        after = x.grad[0, 0, max(end + 1 - p, 0):]
        if bool(after.any()) or (p <= end < p + n and x.grad[0, 0, end - p] == 0):
            yield {"n": n, "k": k, "s": s, "p": p, "d": d}


@claim(
    "nb01-after-last",
    statement="At every stride and dilation no window reads a padded pixel after the last window that fits "
              "(the one whose last tap lies furthest right), and there are (N + 2P − d(K − 1) − 1) mod S such "
              "pixels; with no dilation, (N + 2P − K) mod S.",
    domain=Domain(params={"n": _N, "k": _K, "s": _S, "p": _P, "d": _D}, kinds=("conv",), dims=(1,), reach=_EXPLORER),
    # "(N + 2P − K) mod S pixels after the last window", said for any layer: with d = 2 one pixel lies after it
    breaks=({"n": 6, "k": 2, "s": 2, "p": 0, "d": 2},),
    torch_check=_torch_after_last,
)
def _after_last():
    """Enumerate every window's taps, find the rightmost tap of all, and check that it is the last window's
    last tap, that no tap lies after it, and count the pixels after it (vectorised over N)."""
    for k in _K:
        for s in _S:
            for p in _P:
                for d in _D:
                    n = np.array([v for v in _N if v + 2 * p >= d * (k - 1) + 1])
                    if not len(n):
                        continue
                    reads, windows = _reads(n, k, s, p, d)
                    pix = np.arange(reads.shape[1])[None, :]
                    length = (n + 2 * p)[:, None]
                    rightmost = np.where(reads > 0, pix, -1).max(axis=1)[:, None]
                    end = ((windows - 1) * s)[:, None] + d * (k - 1)          # the last window's last tap
                    after = (pix > end) & (pix < length)
                    bad = (rightmost != end).ravel() | (reads * after).any(axis=1)
                    bad |= after.sum(axis=1) != (n + 2 * p - d * (k - 1) - 1) % s
                    if d == 1:
                        bad |= after.sum(axis=1) != (n + 2 * p - k) % s
                    for v in n[bad]:
                        yield {"n": int(v), "k": k, "s": s, "p": p, "d": d}


# --------------------------------------------------------------------------- full padding


@claim(
    "nb01-full-padding",
    statement="Without dilation, with full padding (K − 1 zeros per side) every window computed overlaps the input, "
              "and one more zero per side would give a first window that lies entirely in the padding; at stride 1 "
              "the windows computed are exactly the window positions that overlap the input, at stride S > 1 some "
              "of those positions are skipped (once there is more than one window).",
    domain=Domain(params={"n": _N, "k": _K, "s": _S}, kinds=("conv",), dims=(1,), reach=_EXPLORER,
                  note="no d: with the explorer's dilation, K − 1 zeros per side is no longer full padding "
                       "(PyTorch, all-ones input and weights): N 8, K 3, d 2, stride 1 gives 8 outputs, while 12 "
                       "positions of the 5-pixel window overlap the input, and with K = 3 zeros per side the "
                       "first window still reads input pixel 1; N 1, K 2, d 2, P 1: the only window reads no "
                       "input pixel."),
    scope="without dilation",
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
    statement="For an odd, undilated K, (K − 1)/2 zeros per side give ceil(N/S) outputs for every N at every stride "
              "(so at stride 2 the output is N/2 for even N and (N + 1)/2 for odd N).",
    domain=Domain(params={"n": _N, "k": (1, 3, 5, 7), "s": _S}, kinds=("conv",), dims=(1,),
                  note="N and S: the explorer's ranges; K: its odd values (the statement is about odd K)"),
    scope="odd, undilated",  # red team rt01d: K 3, d 2, P 1, N 8, stride 1 gives 6 outputs
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


def _tf_split(n: int, k: int, s: int, d: int = 1) -> "tuple[int, int]":
    """TensorFlow's SAME split from its definition: the least total padding that gives ceil(N/S) windows
    (taps ``d`` apart), half of it (rounded down) before the input, the rest after."""
    out = -(-n // s)
    total = 0
    while len(_starts(n + total, k, s, d)) < out:
        total += 1
    return total // 2, total - total // 2


def _torch_tf_same():
    import torch
    import torch.nn.functional as F

    for k in _K:
        for d in (1, 2, 3, 8):
            for s in _S[1:]:
                # the module refuses with ValueError when built, the functional form with RuntimeError when called
                # (the notebook names both); 2-D: one strided axis is enough to be refused
                refusals = (
                    ("nn.Conv1d", ValueError, lambda: torch.nn.Conv1d(1, 1, k, stride=s, padding="same", dilation=d)),
                    ("nn.Conv2d", ValueError,
                     lambda: torch.nn.Conv2d(1, 1, k, stride=(1, s), padding="same", dilation=d)),
                    ("F.conv1d", RuntimeError,
                     lambda: F.conv1d(torch.zeros(1, 1, 9), torch.zeros(1, 1, k), stride=s, padding="same",
                                      dilation=d)),
                    ("F.conv2d", RuntimeError,
                     lambda: F.conv2d(torch.zeros(1, 1, 9, 9), torch.zeros(1, 1, k, k), stride=(s, 1), padding="same",
                                      dilation=d)),
                )
                for name, error, build in refusals:
                    try:
                        build()
                    except error:
                        pass
                    except Exception as exc:   # refused, but not with the error the notebook names
                        yield {"k": k, "s": s, "d": d, "api": name, "why": f"{type(exc).__name__}, not {error.__name__}"}
                    else:
                        yield {"k": k, "s": s, "d": d, "api": name, "why": "PyTorch accepted padding='same', stride > 1"}
        for d in _D:
            w = torch.randn(1, 1, k, dtype=torch.float64)
            for n in (1, 2, 5, 8, 13, 64):
                x = torch.randn(1, 1, n, dtype=torch.float64)
                before, after = _tf_split(n, k, 1, d)
                with warnings.catch_warnings():   # PyTorch warns that an even span may need a padded copy
                    warnings.simplefilter("ignore", UserWarning)
                    same = F.conv1d(x, w, padding="same", dilation=d)
                tf = F.conv1d(F.pad(x, (before, after)), w, dilation=d)
                if same.shape != tf.shape or not torch.allclose(same, tf):
                    yield {"n": n, "k": k, "s": 1, "d": d, "why": "stride 1: PyTorch's 'same' differs from TF's split"}


@claim(
    "nb01-tf-same-alignment",
    statement="TensorFlow's SAME split (least total padding giving ceil(N/S) windows, the odd zero after), at every "
              "dilation d, with the kernel's span L = d(K − 1) + 1 (L = K without dilation): at stride 1 it is the "
              "same for every N (L − 1 zeros in total) and PyTorch's padding='same' places its windows there; at "
              "strides 2–4 a fixed (before, after) padding reproduces TensorFlow's windows for every N exactly when "
              "TensorFlow's 'before' does not change with N — it changes for every odd L ≥ 3 at stride 2 and every "
              "L ≥ 3 at strides 3 and 4 (so for every odd K ≥ 3 at stride 2 and every K ≥ 3 from stride 3 on, at "
              "any d), and stays put for L ≤ 2 and for even L at stride 2 (without dilation: K ≤ 2, or an even K "
              "at stride 2); PyTorch refuses padding='same' at every stride above 1, at any dilation "
              "(torch.nn.Conv1d/Conv2d with ValueError, F.conv1d/conv2d with RuntimeError; in 2-D one strided axis "
              "suffices).",
    domain=Domain(params={"n": _N, "k": _K, "s": _S, "d": _D}, kinds=("conv",), dims=(1,), reach=_EXPLORER,
                  note="fixed paddings searched: before and after 0 to d(K − 1) (TensorFlow's total never exceeds "
                       "it); PyTorch's refusal tried at d 1, 2, 3, 8"),
    breaks=({"n": 5, "k": 4, "s": 2, "d": 1},    # "at stride 2 ... no padding fixed in advance reproduces TF's windows"
            {"n": 9, "k": 3, "s": 2, "d": 1},    # "PyTorch raises ValueError": F.conv1d/F.conv2d raise RuntimeError
            {"n": 5, "k": 2, "s": 2, "d": 2}),   # "a fixed padding would do for K ≤ 2": with d = 2, TF's before is
                                                 # 1 for N = 5 and 0 for N = 6
    sources=("TensorFlow padding notes (tf.nn.convolution)", "PyTorch Conv1d documentation"),
    torch_check=_torch_tf_same,
)
def _tf_same_alignment():
    n = np.array(_N)
    for k in _K:
        for d in _D:
            span = d * (k - 1) + 1
            splits = {_tf_split(v, k, 1, d) for v in _N}
            if len(splits) != 1 or sum(next(iter(splits))) != span - 1:
                yield {"k": k, "d": d, "s": 1, "splits": sorted(splits)}
            pads = np.arange(span)                   # before and after, 0 … d(K − 1)
            for s in _S[1:]:
                tf = np.array([_tf_split(v, k, s, d) for v in _N])          # (before, after) per N
                windows = np.array([len(_starts(length, k, s, d)) for length in range(max(_N) + 2 * span)])
                tf_count = windows[n + tf[:, 0] + tf[:, 1]]
                # fixed (b, a) reproduces TF's windows for every N: the same first window (−b) and count
                same_first = pads[:, None, None] == tf[None, None, :, 0]
                same_count = windows[n[None, None, :] + pads[:, None, None] + pads[None, :, None]] == tf_count
                fixed = np.argwhere((same_first & same_count).all(axis=2))
                varies = len(set(tf[:, 0].tolist())) > 1
                if bool(len(fixed)) == varies:
                    yield {"k": k, "d": d, "s": s, "fixed": fixed[:2].tolist(), "befores": sorted(set(tf[:, 0]))}
                if varies != (span >= 3 and (s >= 3 or span % 2 == 1)):
                    yield {"k": k, "d": d, "s": s, "varies": varies, "span": span}
                if (k >= 3 and (s >= 3 or k % 2 == 1)) and not varies:
                    yield {"k": k, "d": d, "s": s, "varies": varies, "why": "odd K ≥ 3 at stride 2, or K ≥ 3 above"}


# --------------------------------------------------------------------------- even kernels


@claim(
    "nb01-even-no-symmetric",
    statement="For an even, undilated K no symmetric padding P (0–8 per side) gives ceil(N/S) outputs for every N, "
              "at any stride 1–4.",
    domain=Domain(params={"n": _N, "k": (2, 4, 6), "s": _S, "p": _P}, kinds=("conv",), dims=(1,)),
    scope="undilated",  # red team rt01d: K 2, d 2, P 1 gives ceil(N/S) for every N 1-64, S 1-4
)
def _even_no_symmetric():
    for k in (2, 4, 6):
        for s in _S:
            for p in _P:
                if all(n + 2 * p >= k and len(_starts(n + 2 * p, k, s)) == -(-n // s) for n in _N):
                    yield {"k": k, "s": s, "p": p}


# --------------------------------------------------------------------------- ceil_mode


def _ceil_windows(n: np.ndarray, k: int, s: int, p: int, d: int = 1) -> np.ndarray:
    """Windows of PyTorch pooling with ceil_mode=True for each input size in ``n``, from the rule: windows at
    0, S, 2S, … as long as a window (its taps d apart) runs past the padded input by less than S pixels, then
    drop a last one that starts after the input (in the right padding or past it). Starts enumerated."""
    length = (n + 2 * p)[:, None]
    starts = np.arange(0, int(length.max()) + s, s)[None, :]
    kept = starts + d * (k - 1) + 1 <= length + s - 1                     # runs past by less than S
    count = kept.sum(axis=1)
    last = np.where(kept, starts, -1).max(axis=1)
    return count - ((count > 0) & (last >= n + p))


def _ceil_formula(n: np.ndarray, k: int, s: int, p: int, d: int = 1) -> np.ndarray:
    out = -(-(n + 2 * p - d * (k - 1) - 1) // s) + 1
    return np.where((out - 1) * s >= n + p, out - 1, out)


def _torch_ceil_mode():
    import torch
    import torch.nn.functional as F

    rng = np.random.default_rng(2)
    for _ in range(400):
        n, k, s, p, d = (int(rng.choice(v)) for v in (_N, _K, _S, _P, _D))
        if 2 * p > k:
            continue
        try:
            out = F.max_pool1d(torch.zeros(1, 1, n), k, stride=s, padding=p, dilation=d, ceil_mode=True).shape[-1]
        except RuntimeError:   # "output size is too small": no window
            out = 0
        if out != _ceil_windows(np.array([n]), k, s, p, d)[0]:
            yield {"n": n, "k": k, "s": s, "p": p, "d": d, "torch": out}


@claim(
    "nb01-ceil-mode",
    statement="PyTorch pooling with ceil_mode=True rounds up — windows at 0, S, 2S, … as long as a window runs "
              "past the padded input by less than S pixels — and drops a last window that would start after the "
              "input (in the right padding or past it), at every dilation d: N_out = ceil((N + 2P − d(K − 1) − 1)/S) "
              "+ 1, minus 1 if (N_out − 1)·S ≥ N + P (with no dilation, ceil((N + 2P − K)/S) + 1).",
    domain=Domain(params={"n": _N, "k": _K, "s": _S, "p": _P, "d": _D}, kinds=("pool-ceil",), dims=(1,),
                  reach=_EXPLORER, note="P > K/2 skipped (PyTorch refuses it, at every dilation)"),
    # "drops a last window that would start inside the right padding": with P = 0 there is no right padding,
    # yet the rounded-up third window (start 6, past the 5-pixel input) is dropped; PyTorch gives 2
    breaks=({"n": 5, "k": 1, "s": 3, "p": 0, "d": 1},),
    sources=("PyTorch MaxPool2d documentation", "ATen pooling_output_shape_pad_lr"),
    torch_check=_torch_ceil_mode,
)
def _ceil_mode():
    n = np.array(_N)
    for k in _K:
        for s in _S:
            for p in _P:
                if 2 * p > k:
                    continue
                for d in _D:
                    bad = _ceil_windows(n, k, s, p, d) != np.maximum(_ceil_formula(n, k, s, p, d), 0)  # below 1: none
                    for v in n[bad]:
                        yield {"n": int(v), "k": k, "s": s, "p": p, "d": d}


# --------------------------------------------------------------------------- shifting the input by S


def _torch_shift_by_s():
    import torch
    import torch.nn.functional as F

    for n, k, s, p, d in _sampled_settings(6):
        x, w = torch.randn(1, 1, n, dtype=torch.float64), torch.randn(1, 1, k, dtype=torch.float64)
        moved = F.pad(x, (s, 0))[..., :n]                               # zeros enter on the left
        old = F.conv1d(x, w, stride=s, padding=p, dilation=d)[0, 0]
        new = F.conv1d(moved, w, stride=s, padding=p, dilation=d)[0, 0]
        j = np.arange(1, len(new))
        j = j[j * s - p + d * (k - 1) <= n - 1]                      # windows that end before the right padding
        if len(j) and not torch.allclose(new[j], old[j - 1], rtol=0, atol=1e-9):
            yield {"n": n, "k": k, "s": s, "p": p, "d": d}


@claim(
    "nb01-shift-by-s",
    statement="Moving the input of a stride-S layer right by S pixels (zeros entering on the left, the last S "
              "pixels leaving on the right) moves its output right by one output pixel away from the borders, at "
              "every dilation: new output j = old output j − 1 for every j ≥ 1 whose window ends before the right "
              "padding.",
    domain=Domain(params={"n": _N, "k": _K, "s": _S, "p": _P, "d": _D}, kinds=("conv",), dims=(1,), reach=_EXPLORER),
    where=("exercise:01-shift",),
    scope="away from the borders",
    torch_check=_torch_shift_by_s,
)
def _shift_by_s():
    """Random input and weights; every window's taps gathered from the input padded by 8 zeros (the largest P),
    so padding P < 8 is the same windows read from 8 − P pixels further in; then every (P, S, j) at once."""
    rng = np.random.default_rng(3)
    top = max(_P)
    p = np.array(_P)[:, None, None]
    s = np.array(_S)[None, :, None]
    j = np.arange(1, max(_N) + 1)[None, None, :]
    for n in _N:
        x = rng.standard_normal(n)
        rows = [x] + [np.concatenate([np.zeros(min(v, n)), x[:max(n - v, 0)]]) for v in _S]   # x, then moved by S
        padded = np.pad(np.array(rows), ((0, 0), (top, top)))
        for k in _K:
            w = rng.standard_normal(k)
            for d in _D:
                span = d * (k - 1) + 1
                if n + 2 * top < span:
                    continue
                taps = np.arange(n + 2 * top - span + 1)[:, None] + d * np.arange(k)[None, :]
                dense = padded[:, taps] @ w                          # dense[row, t]: window at t of row
                inner = (j * s - p + span - 1 <= n - 1) & (n + 2 * p >= span)   # ends before the right padding
                pi, si, ji = np.nonzero(inner)
                if not len(pi):
                    continue
                sv, pv, jv = np.array(_S)[si], np.array(_P)[pi], ji + 1
                new = dense[sv, jv * sv + top - pv]                 # row S: the input moved by S
                old = dense[0, (jv - 1) * sv + top - pv]
                for i in np.flatnonzero(np.abs(new - old) > 1e-9)[:1]:
                    yield {"n": n, "k": k, "s": int(sv[i]), "p": int(pv[i]), "d": d, "j": int(jv[i])}


# --------------------------------------------------------------------------- no padding


@claim(
    "nb01-no-padding-shrinks",
    statement="Without padding, the first window's centre lies (K − 1)/2 pixels inside the border, and at stride 1 "
              "an undilated layer's output has N − K + 1 pixels, K − 1 fewer than the input.",
    domain=Domain(params={"n": _N, "k": _K}, kinds=("conv",), dims=(1,)),
    scope="undilated",  # red team rt01d: N 8, K 3, d 2, P 0 gives 4 outputs, not 6
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
