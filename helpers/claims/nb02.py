"""Claims of notebook 02 · dilation, each with its domain and a brute-force sweep.

Every check lists windows and taps with plain index arithmetic (numpy enumeration, no helper that
the notebook uses for the same number) and yields the settings where the sentence fails.
"""

from __future__ import annotations

from math import gcd

import numpy as np

from ._core import Domain, claim

#: Explorer ranges (helpers.explorers.numbers.LIMITS): n 1..64, K 1..7, S 1..4, P 0..8, d 1..8.
#: The domains below reach past them (n to twice the largest span, d to 12 for the old break).
_N = tuple(range(1, 99))
_K = tuple(range(1, 8))
_S = tuple(range(1, 5))
_D = tuple(range(1, 13))
_P = tuple(range(0, 17))


def _windows(length: int, k: int, s: int, d: int) -> np.ndarray:
    """Padded position of every tap of every window on a padded row of ``length`` (shape n_out × K)."""
    span = d * (k - 1) + 1
    if length < span:
        return np.zeros((0, k), dtype=int)
    starts = np.arange(0, length - span + 1, s)
    return starts[:, None] + d * np.arange(k)[None, :]


def _padded_lengths() -> "list[int]":
    return sorted({n + 2 * p for n in _N for p in _P})


@claim(
    "nb02-span",
    statement="A K-tap kernel with dilation d spans d(K − 1) + 1 pixels and reads K of them per axis.",
    domain=Domain(params={"k": _K, "d": _D}, kinds=("conv",), dims=(1,)),
)
def _span():
    for k in _K:
        for d in _D:
            taps = [a * d for a in range(k)]
            if max(taps) - min(taps) + 1 != d * (k - 1) + 1 or len(set(taps)) != k:
                yield {"k": k, "d": d}


def _torch_keep_size():
    import torch

    x = torch.zeros(1, 1, 70)
    for k in (1, 2, 3, 5, 7):
        for d in (1, 2, 3, 4, 8, 12):
            if d * (k - 1) % 2:
                continue
            for s in _S:
                for n in (1, 5, 33, 64):
                    out = torch.nn.functional.conv1d(x[..., :n], torch.zeros(1, 1, k), stride=s,
                                                     padding=d * (k - 1) // 2, dilation=d).shape[-1]
                    if out != -(-n // s):
                        yield {"n": n, "k": k, "s": s, "d": d}


@claim(
    "nb02-keep-size",
    statement="With padding P = d(K − 1)/2 per side a convolution's output has ⌈N/S⌉ cells at every stride, "
              "whatever the rate d (swept where that padding is a whole number, d(K − 1) even: the only case it "
              "exists). Not swept for pooling: a ceil_mode pool can give one more (PyTorch max_pool1d, N = 6, "
              "K = 3, S = 2, P = 1: 4 cells), and PyTorch refuses pool padding above K/2.",
    domain=Domain(params={"n": _N, "k": _K, "s": _S, "d": _D}, kinds=("conv",), dims=(1,),
                  reach=("explorer.conv",)),
    torch_check=_torch_keep_size,
)
def _keep_size():
    for k in _K:
        for d in _D:
            if d * (k - 1) % 2:
                continue
            p = d * (k - 1) // 2
            for s in _S:
                for n in _N:
                    if len(_windows(n + 2 * p, k, s, d)) != -(-n // s):
                        yield {"n": n, "k": k, "s": s, "d": d}


def _torch_valid_shrinks():
    import torch

    for n, k, p in ((16, 3, 2), (33, 3, 0), (9, 2, 1), (20, 5, 4)):
        sizes = []
        for d in range(1, 9):
            if n + 2 * p < d * (k - 1) + 1:
                break
            sizes.append(torch.nn.functional.conv1d(torch.zeros(1, 1, n), torch.zeros(1, 1, k), padding=p,
                                                    dilation=d).shape[-1])
        for d, (a, b) in enumerate(zip(sizes, sizes[1:]), start=1):
            if a - b != k - 1:
                yield {"n": n, "k": k, "d": d, "p": p}


@claim(
    "nb02-valid-shrinks",
    statement="With a fixed padding P (valid padding P = 0 included), at stride 1, each step up in the rate "
              "costs K − 1 output pixels while the kernel fits; the size stays only if P grows with d.",
    domain=Domain(params={"n": _N, "k": _K, "d": _D, "p": _P}, kinds=("conv",), dims=(1,),
                  reach=("explorer.conv",)),
    scope="stride 1",
    # the explorer's dilation preset (N = 16, K = 3, P = 2) once said the size stays when d alone changes
    breaks=({"n": 16, "k": 3, "d": 2, "p": 2},),
    torch_check=_torch_valid_shrinks,
)
def _valid_shrinks():
    for length in _padded_lengths():              # the output size depends on N + 2P only
        for k in _K:
            for d in _D[:-1]:
                a, b = len(_windows(length, k, 1, d)), len(_windows(length, k, 1, d + 1))
                if b and a - b != k - 1:
                    yield {"n_pad": length, "k": k, "d": d}


def _torch_odd_total():
    import torch

    for n in (1, 8, 33):
        for k, d in ((2, 1), (4, 1), (2, 3), (4, 3), (6, 5)):
            for p in range(0, 8):
                if n + 2 * p < d * (k - 1) + 1:
                    continue
                out = torch.nn.functional.conv1d(torch.zeros(1, 1, n), torch.zeros(1, 1, k), padding=p,
                                                 dilation=d).shape[-1]
                if out == n:
                    yield {"n": n, "k": k, "d": d, "s": 1, "p": p}


@claim(
    "nb02-odd-total-stride1",
    statement="At stride 1, when d(K − 1) is odd no symmetric padding P keeps the size N (at a larger stride "
              "one can give ⌈N/S⌉: N = 8, K = 4, S = 2, P = 1).",
    domain=Domain(params={"n": tuple(range(1, 65)), "k": _K, "d": _D, "s": _S}, kinds=("conv",), dims=(1,)),
    scope="stride 1",
    breaks=({"n": 8, "k": 4, "d": 1, "s": 2},),
    torch_check=_torch_odd_total,
)
def _odd_total_stride1():
    for n in range(1, 65):
        for k in _K:
            for d in _D:
                if d * (k - 1) % 2 == 0:
                    continue
                for p in range(0, d * (k - 1) + 1):
                    if len(_windows(n + 2 * p, k, 1, d)) == n:
                        yield {"n": n, "k": k, "d": d, "s": 1, "p": p}
    # the break stays a break: at stride 2 a symmetric padding does give ceil(N/S) there
    if len(_windows(8 + 2 * 1, 4, 2, 1)) != 4:
        yield {"n": 8, "k": 4, "d": 1, "s": 2, "what": "old break no longer shows"}


def _first_window(k: int, s: int, d: int, length: int) -> np.ndarray:
    """For each padded position below ``length``: the index of the first window with a tap on it
    (windows listed on the longest row; a large number where no tap ever lands)."""
    first = np.full(length, 10**9)
    taps = _windows(length, k, s, d)
    for i in range(len(taps) - 1, -1, -1):
        first[taps[i]] = i
    return first


def _read_matrix(k: int, s: int, d: int) -> "tuple[np.ndarray, np.ndarray, np.ndarray]":
    """Rows: every padded length of the domain; columns: padded positions. ``read[L, x]`` is true when
    a tap of one of the windows that fit a row of length L lands on x; ``interior[L, x]`` marks the
    positions d(K − 1) … (N_out − 1)·S of that row. Returns the lengths, ``read`` and ``interior``."""
    lengths = np.array(_padded_lengths())
    first = _first_window(k, s, d, int(lengths.max()))
    span = d * (k - 1) + 1
    n_out = np.where(lengths >= span, (lengths - span) // s + 1, 0)
    read = first[None, :] < n_out[:, None]
    x = np.arange(read.shape[1])[None, :]
    interior = (x >= d * (k - 1)) & (x <= (n_out[:, None] - 1) * s)
    return lengths, read, interior


def _torch_read(n: int, k: int, s: int, d: int, p: int) -> np.ndarray:
    """Padded positions PyTorch's conv1d reads (gradient of the summed output, all-ones weights)."""
    import torch

    x = torch.zeros(1, 1, n + 2 * p, requires_grad=True)
    torch.nn.functional.conv1d(x, torch.ones(1, 1, k), stride=s, dilation=d).sum().backward()
    return (x.grad[0, 0] != 0).numpy()


def _torch_residue_interior():
    rng = np.random.default_rng(2)
    cases = [(33, 3, 1, 12, 0)] + [tuple(int(rng.choice(v)) for v in (_N, _K, _S, _D, _P)) for _ in range(120)]
    for n, k, s, d, p in cases:
        if n + 2 * p < d * (k - 1) + 1:
            continue
        read = _torch_read(n, k, s, d, p)
        n_out = (n + 2 * p - d * (k - 1) - 1) // s + 1
        reached = {a * d % s for a in range(k)}
        for x in range(d * (k - 1), (n_out - 1) * s + 1):
            if read[x] != (x % s in reached):
                yield {"n": n, "k": k, "s": s, "d": d, "p": p, "x": x}


@claim(
    "nb02-residue-interior",
    statement="In padded coordinates, a pixel of the interior [d(K − 1), (N_out − 1)S] is read exactly when "
              "its remainder mod S is one of the reached residues {a·d mod S}.",
    domain=Domain(params={"n": _N, "k": _K, "s": _S, "d": _D, "p": _P}, kinds=("conv",), dims=(1,),
                  reach=("explorer.conv",)),
    scope="padded coordinates",
    breaks=({"n": 33, "k": 3, "s": 1, "d": 12, "p": 0},),
    torch_check=_torch_residue_interior,
)
def _residue_interior():
    for k in _K:
        for s in _S:
            for d in _D:
                lengths, read, interior = _read_matrix(k, s, d)
                x = np.arange(read.shape[1])
                reached = np.zeros(s, dtype=bool)
                reached[[a * d % s for a in range(k)]] = True
                bad = interior & (read != reached[x % s][None, :])
                for row in np.flatnonzero(bad.any(axis=1)):
                    yield {"n_pad": int(lengths[row]), "k": k, "s": s, "d": d}


@claim(
    "nb02-residue-all-read",
    statement="Every interior pixel is read when gcd(S, d) = 1 and K ≥ S; when the interior holds at least "
              "S pixels, only then.",
    domain=Domain(params={"n": _N, "k": _K, "s": _S, "d": _D, "p": _P}, kinds=("conv",), dims=(1,),
                  reach=("explorer.conv",)),
    scope="interior",
    # n = 15: exercise 02-full-cover once asked without "on a long input"; there K = 3, d = 3, S = 4 has a
    # 3-pixel interior, all read, although K < S
    breaks=({"n": 33, "k": 3, "s": 1, "d": 12, "p": 0}, {"n": 15, "k": 3, "s": 4, "d": 3, "p": 0}),
)
def _residue_all_read():
    for k in _K:
        for s in _S:
            for d in _D:
                lengths, read, interior = _read_matrix(k, s, d)
                all_read = ~(interior & ~read).any(axis=1)
                size = interior.sum(axis=1)
                rule = gcd(s, d) == 1 and k >= s
                for row in np.flatnonzero(~all_read if rule else all_read & (size >= s)):
                    yield {"n_pad": int(lengths[row]), "k": k, "s": s, "d": d, "rule": rule}


_N2 = tuple(range(1, 23))      # twice the largest span, 2·(5·2 + 1)
_K2 = tuple(range(1, 4))
_D2 = tuple(range(1, 6))
_P2 = tuple(range(0, 6))


def _torch_weights_seen():
    """PyTorch's weight gradient: the weights with a non-zero gradient are those that read the image."""
    import torch

    rng = np.random.default_rng(3)
    cases = [(9, 3, 1, 5, 5)] + [tuple(int(rng.choice(v)) for v in (_N2, _K2, _S[:2], _D2, _P2)) for _ in range(50)]
    for n, k, s, d, p in cases:
        if n + 2 * p < d * (k - 1) + 1:
            continue
        w = torch.ones(1, 1, k, k, requires_grad=True)
        torch.nn.functional.conv2d(torch.ones(1, 1, n, n), w, stride=s, padding=p, dilation=d).sum().backward()
        taps = _windows(n + 2 * p, k, s, d) - p
        on = ((taps >= 0) & (taps < n)).any(axis=0)
        if not np.array_equal((w.grad[0, 0] != 0).numpy(), np.outer(on, on)):
            yield {"n": n, "k": k, "s": s, "d": d, "p": p}


@claim(
    "nb02-taps-per-output-2d",
    statement="In 2-D, the taps of one output that land on image pixels number (such taps along the rows) × "
              "(along the columns); a weight reads the image at some output when its row tap and its column "
              "tap each do at some output, so all K² weights can see the image while each output has fewer.",
    domain=Domain(params={"n": _N2, "k": _K2, "s": _S[:2], "d": _D2, "p": _P2}, kinds=("conv",), dims=(2,)),
    breaks=({"n": 9, "k": 3, "s": 1, "d": 5, "p": 5},),
    torch_check=_torch_weights_seen,
)
def _taps_per_output_2d():
    for k in _K2:
        for s in _S[:2]:
            for d in _D2:
                for p in _P2:
                    for n in _N2:
                        taps = _windows(n + 2 * p, k, s, d) - p       # input index of each tap, per output
                        if not len(taps):
                            continue
                        on = (taps >= 0) & (taps < n)                # (n_out, K) along one axis
                        # brute force in 2-D: output (i, j), weight (a, b) reads (taps[i, a], taps[j, b])
                        both = on[:, None, :, None] & on[None, :, None, :]
                        per_output = both.sum(axis=(2, 3))
                        if not np.array_equal(per_output, np.outer(on.sum(1), on.sum(1))):
                            yield {"n": n, "k": k, "s": s, "d": d, "p": p, "what": "per-output count"}
                        seen = both.any(axis=(0, 1))
                        if not np.array_equal(seen, np.outer(on.any(0), on.any(0))):
                            yield {"n": n, "k": k, "s": s, "d": d, "p": p, "what": "weights that see the image"}


@claim(
    "nb02-one-subgrid",
    statement="All taps of one dilated window share one pair (row mod d, column mod d): each output of a "
              "dilated layer reads one of the d × d interleaved sub-grids.",
    domain=Domain(params={"k": _K, "d": _D, "offset": tuple(range(0, 24))}, kinds=("conv",), dims=(2,)),
)
def _one_subgrid():
    for k in _K:
        for d in _D:
            for r0 in range(0, 24):
                for c0 in range(0, 24, 5):          # diagonal and off-diagonal window corners
                    pairs = {((r0 + a * d) % d, (c0 + b * d) % d) for a in range(k) for b in range(k)}
                    if len(pairs) != 1:
                        yield {"k": k, "d": d, "offset": (r0, c0)}
