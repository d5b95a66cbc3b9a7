"""Claims of notebook 04 · output stride and heatmaps (issue 18 registry, issue 20 fixes).

Every check counts from definitions: window starts enumerated with ``range``, TensorFlow's
"SAME" split written out, receptive-field intervals propagated layer by layer, transposed
convolutions scattered tap by tap. None calls ``output_sizes``, ``heatmap_size``,
``cell_centers`` or :mod:`helpers.decoding`, which the notebook uses to print the same numbers.
The layer lists of ResNet-50 (``helpers.resnet50``) are data here: kernels, strides, rates and
paddings, read field by field.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ._core import Domain, claim

# --------------------------------------------------------------------------------------------
# Brute-force primitives (definitions, not the course's size functions)


def _pads(layer, n: int) -> tuple[int, int]:
    """Zeros before/after: TF "SAME" written out (total = max((ceil(n/s)-1)s + span - n, 0), less before)."""
    span = layer.dilation * (layer.kernel - 1) + 1
    if layer.padding == "valid":
        return 0, 0
    if layer.padding == "same":
        out = -(-n // layer.stride)
        total = max((out - 1) * layer.stride + span - n, 0)
        return total // 2, total - total // 2
    if isinstance(layer.padding, tuple):
        return layer.padding
    return layer.padding, layer.padding


def _windows(n: int, k: int, s: int, d: int, before: int, after: int) -> int:
    """Count the window starts that fit in the padded input (0 when the span does not fit)."""
    span = d * (k - 1) + 1
    return len(range(0, n + before + after - span + 1, s))


def _stack_size(layers, n: int) -> int:
    for layer in layers:
        if n <= 0:
            return 0
        before, after = _pads(layer, n)
        n = _windows(n, layer.kernel, layer.stride, layer.dilation, before, after)
    return n


def _transposed_size(n: int, k: int, s: int, d: int, p: int) -> int:
    """Scatter every input through every tap; the output is the full span minus p on each side."""
    reached = {i * s + t * d for i in range(n) for t in range(k)}
    return max(max(reached) + 1 - 2 * p, 0)


@lru_cache(maxsize=None)
def _net(os_: int, layout: str, padding: str):
    from ..receptive import resnet50

    layers = resnet50(os_, variant=layout)
    if padding == "copied":  # padding copied from a rate-1 layer onto every dilated layer
        from dataclasses import replace

        layers = [replace(l, padding=1) if l.dilation > 1 else l for l in layers]
    return tuple(layers)


def _centres(layers, n: int) -> list[float]:
    """Receptive-field centre of every output cell: propagate each cell's [first, last] input index."""
    sizes, pads = [n], []
    for layer in layers:
        pads.append(_pads(layer, sizes[-1]))
        sizes.append(_windows(sizes[-1], layer.kernel, layer.stride, layer.dilation, *pads[-1]))
    out = []
    for u in range(sizes[-1]):
        lo = hi = u
        for layer, (before, _after) in zip(reversed(layers), reversed(pads)):
            lo = lo * layer.stride - before
            hi = hi * layer.stride - before + layer.dilation * (layer.kernel - 1)
        out.append((lo + hi) / 2)
    return out


_LAYOUTS = ("slim", "torchvision")
_N_NET = tuple(range(1, 1026))


@lru_cache(maxsize=None)
def _net_sizes(os_: int, layout: str, padding: str) -> tuple[int, ...]:
    layers = _net(os_, layout, padding)
    return tuple(_stack_size(layers, n) for n in _N_NET)


#: The heatmap explorer's head rates (``explorer.heatmap`` "d"): its 3×3 head is dilated by d.
_HEAD_RATES = tuple(range(1, 37))


@lru_cache(maxsize=None)
def _head(m: int, d: int) -> int:
    """The heatmap explorer's 3×3 head at rate d, padded by its rate ("same"), on a side of m cells:
    window starts counted."""
    return _windows(m, 3, 1, d, d, d) if m > 0 else 0


# --------------------------------------------------------------------------------------------
# 1 · the size rule and the verdict on the output stride


@claim(
    "nb04-ceil-same",
    statement="ResNet-50 in both layouts (TF-Slim, torchvision) at output stride 32, 16 and 8, with "
    "padding matched to the rate, gives ceil(N/OS) cells per side for every input N from 1 to 1025, and so "
    "does it followed by the heatmap explorer's 3×3 head at any rate d from 1 to 36 padded by d; "
    "and ceil(ceil(N/a)/b) = ceil(N/(ab)) for every N up to 1025 and a, b up to 16.",
    domain=Domain(
        params={"n": _N_NET, "os": (8, 16, 32), "layout": _LAYOUTS, "d": _HEAD_RATES,
                "a": tuple(range(1, 17)), "b": tuple(range(1, 17))},
        kinds=("conv", "pool"), dims=(1,), reach=("explorer.heatmap",),
        note="d: the explorer's head rate (its 'one' and 'valid' head paddings are not 'same': out of scope)",
    ),
    scope="same",
)
def _ceil_same():
    for layout in _LAYOUTS:
        for os_ in (8, 16, 32):
            sizes = _net_sizes(os_, layout, "matched")
            for n, size in zip(_N_NET, sizes):
                if size != -(-n // os_):
                    yield {"n": n, "os": os_, "layout": layout}
            for m in sorted(set(sizes)):              # each backbone side, then the head at every rate
                for d in _HEAD_RATES:
                    if _head(m, d) != m:
                        yield {"os": os_, "layout": layout, "d": d, "side": m}
    n = np.arange(1, 1026)[:, None, None]
    a = np.arange(1, 17)[None, :, None]
    b = np.arange(1, 17)[None, None, :]
    inner = -(-n // a)
    bad = np.argwhere(-(-inner // b) != -(-n // (a * b)))
    for i, j, k in bad[:5]:
        yield {"n": int(i + 1), "a": int(j + 1), "b": int(k + 1)}


def _smaller_os_torch():
    """torchvision ResNet-50 (weights=None, meta device: shapes only) at OS 8 (replace_stride_with_dilation), N = 256;
    then padding 1 copied onto every dilated 3×3 of the OS-8 network. With its shortcuts the network stops at the
    first residual addition (mismatched shapes); its main path alone (each unit's three convolutions in a row, no
    shortcut) gives the sizes of the layer list, at N = 256 and 224."""
    import torch
    import torchvision

    def body_of(dilate):
        net = torchvision.models.resnet50(weights=None, replace_stride_with_dilation=[False, dilate, dilate])
        return torch.nn.Sequential(*list(net.children())[:-2]).to("meta").eval()

    def main_path(body):
        stem = list(body.children())[:4]  # conv1, bn1, relu, maxpool
        units = [m for m in body.modules() if isinstance(m, torchvision.models.resnet.Bottleneck)]
        return torch.nn.Sequential(*stem, *[c for u in units for c in (u.conv1, u.conv2, u.conv3)])

    def side(net, n):
        with torch.no_grad():
            try:
                return net(torch.empty(1, 3, n, n, device="meta")).shape[-1]
            except RuntimeError:  # mismatched shapes at a residual addition, or a kernel larger than its input
                return None

    os8 = body_of(True)
    if side(os8, 256) != _stack_size(_net(8, "torchvision", "matched"), 256):
        yield {"n": 256, "os": 8, "layout": "torchvision", "padding": "matched"}
    for module in os8.modules():
        if isinstance(module, torch.nn.Conv2d) and module.dilation[0] > 1:
            module.padding = (1, 1)
    if side(os8, 256) is not None:  # the residual additions must refuse the shrunken main path
        yield {"n": 256, "os": 8, "layout": "torchvision", "padding": "copied"}
    for n in (256, 224):
        if (side(main_path(os8), n) or 0) != _stack_size(_net(8, "torchvision", "copied"), n):
            yield {"n": n, "os": 8, "layout": "torchvision", "padding": "copied"}


@claim(
    "nb04-smaller-os",
    statement="For the same network (ResNet-50, either layout, alone or followed by the heatmap explorer's 3×3 "
    "head at any rate d from 1 to 36) with every dilated layer padded by its "
    "rate, a smaller output stride (32 → 16 → 8) never gives a smaller heatmap. With padding 1 "
    "copied onto the dilated layers its main path can (TF-Slim layout: N = 256 gives 8 cells at OS 32 "
    "but 2 at OS 8, and N = 224 gives none); the full residual network then stops at its first "
    "addition, on mismatched shapes.",
    domain=Domain(
        params={"n": _N_NET, "os": (8, 16, 32), "layout": _LAYOUTS, "padding": ("matched", "copied"),
                "d": _HEAD_RATES},
        kinds=("conv", "pool"), dims=(1,), reach=("explorer.heatmap",),
        note="d: the explorer's head rate, its head padded by d (matched)",
    ),
    scope="padding matched to the rate",
    torch_check=_smaller_os_torch,
    breaks=(
        {"n": 256, "os": 8, "layout": "slim", "padding": "copied"},
        {"n": 224, "os": 8, "layout": "slim", "padding": "copied"},
    ),
)
def _smaller_os():
    for layout in _LAYOUTS:
        sizes = {os_: _net_sizes(os_, layout, "matched") for os_ in (32, 16, 8)}
        for i, n in enumerate(_N_NET):
            if not sizes[32][i] <= sizes[16][i] <= sizes[8][i]:
                yield {"n": n, "layout": layout, "padding": "matched"}
        for d in _HEAD_RATES:                         # with the explorer's head at rate d, padded by d
            headed = {os_: [_head(m, d) for m in sizes[os_]] for os_ in sizes}
            for i, n in enumerate(_N_NET):
                if not headed[32][i] <= headed[16][i] <= headed[8][i]:
                    yield {"n": n, "layout": layout, "padding": "matched", "d": d}
    # the copied-padding sentence, at its two sizes
    copied = _net(8, "slim", "copied")
    if (_stack_size(_net(32, "slim", "matched"), 256), _stack_size(copied, 256), _stack_size(copied, 224)) != (8, 2, 0):
        yield {"n": 256, "os": 8, "layout": "slim", "padding": "copied"}


@claim(
    "nb04-os-divides",
    statement="Going from output stride OS to OS/f multiplies the ceil(N/OS) heatmap side by exactly f "
    "when OS divides N; that is sufficient, not necessary (N = 511: 16 → 32 from OS 32 to 16).",
    domain=Domain(
        params={"n": tuple(range(1, 1100)), "os": (2, 4, 8, 16, 32, 64), "f": (2, 4, 8)},
        kinds=("conv",), dims=(1,),
    ),
    breaks=({"n": 511, "os": 32, "f": 2},),
)
def _os_divides():
    for os_ in (2, 4, 8, 16, 32, 64):
        for f in (2, 4, 8):
            if os_ % f:
                continue
            for n in range(os_, 1100, os_):  # OS divides N: count cells by enumerating their starts
                if len(range(0, n, os_ // f)) != f * len(range(0, n, os_)):
                    yield {"n": n, "os": os_, "f": f}
    if len(range(0, 511, 16)) != 2 * len(range(0, 511, 32)):  # the sentence's example
        yield {"n": 511, "os": 32, "f": 2}


# --------------------------------------------------------------------------------------------
# 2 · the rate


_RATE_N, _RATE_K, _RATE_S, _RATE_D = tuple(range(1, 131)), tuple(range(1, 8)), (1, 2, 3, 4), tuple(range(1, 37))
_RATE_P = tuple(range(0, 9))


def _rate_forward_torch():
    import torch
    import torch.nn.functional as F

    x = torch.zeros(1, 1, 130)
    for n in (1, 17, 130):
        for k in (2, 3, 5, 7):
            for s in (1, 2, 4):
                for p in (0, 4, 8):
                    prev = None
                    for d in (1, 2, 3, 4, 6, 12, 24, 36):
                        span = d * (k - 1) + 1
                        size = F.conv1d(x[..., :n], torch.zeros(1, 1, k), stride=s, padding=p, dilation=d).shape[-1] \
                            if n + 2 * p >= span else 0
                        if prev is not None and size > prev:
                            yield {"n": n, "k": k, "s": s, "p": p, "d": d, "kind": "conv"}
                        prev = size
    sizes = [F.conv_transpose1d(torch.zeros(1, 1, 16), torch.zeros(1, 1, 4), stride=2, padding=1, dilation=d).shape[-1]
             for d in (1, 2, 3, 4)]
    if sizes != [32, 35, 38, 41]:
        yield {"kind": "transposed", "n": 16, "k": 4, "s": 2, "p": 1, "d": 2}



def _window_counts(n, k, s, d, p):
    """Vectorised window count: starts 0, s, 2s, ... while the span fits in n + 2p (len(range(...)), 0 if none)."""
    room = n + 2 * p - (d * (k - 1) + 1)
    return np.where(room >= 0, room // s + 1, 0)


@claim(
    "nb04-rate-forward",
    statement="For a forward convolution whose padding is fixed or matched to the rate "
    "(P = d(K−1)/2, odd K), a larger rate never gives a larger output (matched: ceil(N/s) at every rate); padding that grows faster "
    "than that (P = 2d) and a dilated transposed convolution (ConvTranspose, k=4, s=2, p=1) both "
    "grow the map with the rate.",
    domain=Domain(
        params={"n": _RATE_N, "k": _RATE_K, "s": _RATE_S, "d": _RATE_D, "p": _RATE_P,
                "padding": ("fixed", "matched", "double"), "kind": ("conv", "transposed")},
        kinds=("conv", "transposed"), dims=(1,), reach=("explorer.heatmap.head", "explorer.conv"),
    ),
    scope="forward convolutions with fixed or matched padding",
    torch_check=_rate_forward_torch,
    breaks=(
        {"kind": "transposed", "n": 16, "k": 4, "s": 2, "p": 1, "d": 2},
        {"kind": "conv", "padding": "double", "n": 65, "k": 3, "s": 1, "d": 2},
    ),
)
def _rate_forward():
    n, k, s, p, d = np.meshgrid(np.array(_RATE_N), np.array(_RATE_K), np.array(_RATE_S), np.array(_RATE_P),
                                np.array(_RATE_D), indexing="ij")  # fmt: skip
    sizes = _window_counts(n, k, s, d, p)  # fixed padding; the last axis is the rate
    for i, j, a, b in sorted({tuple(x[:4]) for x in np.argwhere(np.diff(sizes, axis=-1) > 0)})[:5]:
        yield {"n": _RATE_N[i], "k": _RATE_K[j], "s": _RATE_S[a], "p": _RATE_P[b], "padding": "fixed", "kind": "conv"}
    n, k, s, d = (a[..., 0, :] for a in (n, k, s, d))  # matched padding d(k-1)/2, odd k: ceil(n/s) at every rate
    matched = _window_counts(n, k, s, d, d * (k - 1) // 2)
    bad = (k % 2 == 1) & (matched != -(-n // s))
    for i, j, a in sorted({tuple(x[:3]) for x in np.argwhere(bad)})[:5]:
        yield {"n": _RATE_N[i], "k": _RATE_K[j], "s": _RATE_S[a], "padding": "matched", "kind": "conv"}
    # the two growths the sentence names
    if [_windows(65, 3, 1, d, 2 * d, 2 * d) for d in (1, 2, 3, 4)] != [67, 69, 71, 73]:
        yield {"kind": "conv", "padding": "double", "n": 65, "k": 3, "s": 1, "d": 2}
    if [_transposed_size(16, 4, 2, d, 1) for d in (1, 2, 3, 4)] != [32, 35, 38, 41]:
        yield {"kind": "transposed", "n": 16, "k": 4, "s": 2, "p": 1, "d": 2}




# --------------------------------------------------------------------------------------------
# 4 · where a cell looks and where decoders paint it


def _align_corners_torch():
    import torch
    import torch.nn.functional as F

    for m in range(2, 40):
        for n in (m, m + 1, 2 * m - 1, 65, 512, 513):
            ramp = torch.arange(m, dtype=torch.float64).view(1, 1, m)
            up = F.interpolate(ramp, size=n, mode="linear", align_corners=True)[0, 0]
            # the resized ramp at pixel x is the (fractional) cell painted there: x·(m−1)/(n−1)
            expected = torch.arange(n, dtype=torch.float64) * (m - 1) / (n - 1) if n > 1 else torch.zeros(1)
            if not torch.allclose(up, expected, atol=1e-9):
                yield {"k": m, "os": n}



def _hrnet_get_final_preds(hm: np.ndarray) -> tuple[float, float]:
    """HRNet's ``get_final_preds`` post-processing for one joint, transcribed (heatmap coordinates)."""
    height, width = hm.shape
    idx = int(np.argmax(hm))
    x, y = float(idx % width), float(idx // width)
    px, py = int(np.floor(x + 0.5)), int(np.floor(y + 0.5))
    if 1 < px < width - 1 and 1 < py < height - 1:
        diff = np.array([hm[py][px + 1] - hm[py][px - 1], hm[py + 1][px] - hm[py - 1][px]])
        x, y = x + np.sign(diff[0]) * 0.25, y + np.sign(diff[1]) * 0.25
    return x, y


@claim(
    "nb04-hrnet-shift",
    statement="SimpleBaselines/HRNet report the arg-max cell u as u·OS, moved a quarter cell towards its larger "
    "neighbour when 1 < u < n − 1 on both axes and its two neighbours differ, otherwise not moved.",
    domain=Domain(
        params={"w": tuple(range(1, 10)), "h": tuple(range(1, 10)), "u": tuple(range(9)), "v": tuple(range(9))},
        dims=(2,), note="every arg-max cell (u, v) of every w×h map up to 9×9; neighbours larger, smaller, equal",
    ),
    sources=("HRNet get_final_preds (deep-high-resolution-net.pytorch, lib/core/inference.py)",),
    # red team rt04x: the sentence said "when that cell is 2 or more cells from each border"; the code
    # shifts cell n − 2 too (1 < u < n − 1), which is 1 cell from the last.
    breaks=({"w": 6, "h": 6, "u": 4, "v": 4},),
)
def _hrnet_shift():
    rng = np.random.default_rng(4)
    for w in range(1, 10):
        for h in range(1, 10):
            for u in range(w):
                for v in range(h):
                    for left, right, up, down in ((1, 2, 2, 1), (2, 1, 1, 2), (1, 1, 1, 1), tuple(rng.integers(0, 3, 4))):
                        hm = np.zeros((h, w))
                        for (dx, dy), val in zip(((-1, 0), (1, 0), (0, -1), (0, 1)), (left, right, up, down)):
                            if 0 <= u + dx < w and 0 <= v + dy < h:
                                hm[v + dy, u + dx] = val
                        hm[v, u] = 5.0  # the arg-max
                        inner = 1 < u < w - 1 and 1 < v < h - 1
                        want = (u + (0.25 * float(np.sign(right - left)) if inner else 0.0),
                                v + (0.25 * float(np.sign(down - up)) if inner else 0.0))  # fmt: skip
                        if _hrnet_get_final_preds(hm) != want:
                            yield {"w": w, "h": h, "u": u, "v": v}


@claim(
    "nb04-align-corners-crop",
    statement="Bilinear resizing with align_corners=True paints cell u of an n-cell map on pixel "
    "u·(N−1)/(n−1); for TF-Slim's ResNet-50 at OS 8, 16 and 32 on a crop of N = k·OS + 1 pixels that is "
    "the cell's receptive-field centre, and on N = 512 it is not (at OS 16: 2 px before it at the first "
    "cell, 13 px after it at the last).",
    domain=Domain(params={"k": tuple(range(1, 21)), "os": (8, 16, 32)}, kinds=("conv", "pool"), dims=(1,)),
    scope="TF-Slim",
    torch_check=_align_corners_torch,
)
def _align_corners_crop():
    for os_ in (8, 16, 32):
        layers = _net(os_, "slim", "matched")
        for k in range(1, 21):
            n = k * os_ + 1
            centres = _centres(layers, n)
            m = len(centres)
            painted = [u * (n - 1) / (m - 1) if m > 1 else 0.0 for u in range(m)]
            if any(abs(a - b) > 1e-9 for a, b in zip(painted, centres)):
                yield {"k": k, "os": os_}
    centres = _centres(_net(16, "slim", "matched"), 512)
    painted = [u * 511 / 31 for u in range(32)]
    if (round(painted[0] - centres[0], 6), round(painted[-1] - centres[-1], 6)) != (-2.0, 13.0):
        yield {"k": 32, "os": 16}




@claim(
    "nb04-nearest-half-cell",
    statement="With TF-Slim's ResNet-50 on a crop of N = k·OS + 1 pixels, every pixel lies within OS/2 of "
    "the nearest receptive-field centre, and some pixel lies exactly OS/2 away (k ≥ 1).",
    domain=Domain(params={"k": tuple(range(1, 21)), "os": (8, 16, 32)}, kinds=("conv", "pool"), dims=(1,)),
    scope="TF-Slim",
)
def _nearest_half_cell():
    for os_ in (8, 16, 32):
        layers = _net(os_, "slim", "matched")
        for k in range(1, 21):
            n = k * os_ + 1
            c = np.array(_centres(layers, n))
            err = np.abs(np.arange(n)[:, None] - c[None, :]).min(axis=1)
            if err.max() != os_ / 2:
                yield {"k": k, "os": os_}


def _reads(v: int, layers: int = 3, k: int = 4, s: int = 2, p: int = 1) -> set[int]:
    """Encoder cells that reach heatmap cell v: scatter each cell forward through every tap."""
    cells = {v}
    for _ in range(layers):
        cells = {i for o in cells for i in range(0, o + p + 1) for t in range(k) if i * s - p + t == o}
    return cells


_ENC_CELLS = tuple(range(2, 21))


def _reads_finite(v: int, m: int, layers: int = 3, k: int = 4, s: int = 2, p: int = 1) -> set[int]:
    """Like :func:`_reads`, on a finite encoder map of m cells: each layer's inputs are 0 … size − 1."""
    cells = {v}
    for layer in range(layers):
        size = m * s ** (layers - 1 - layer)  # the input map of this transposed layer, counted from the top
        cells = {i for o in cells for i in range(size) for t in range(k) if i * s - p + t == o}
    return cells


def _encdec_torch():
    """PyTorch's conv_transpose1d with all-ones weights on a batch of one-hot inputs: which inputs reach each output."""
    import torch

    y = torch.eye(20).unsqueeze(1)  # input i as batch item i
    for _ in range(3):
        y = torch.nn.functional.conv_transpose1d(y, torch.ones(1, 1, 4), stride=2, padding=1)
    for v in range(0, 129):
        got = set(torch.nonzero(y[:, 0, v]).flatten().tolist())
        if got != _reads(v):
            yield {"v": v}
    for m in _ENC_CELLS:  # a finite encoder map of m cells: the map's far edge too
        y = torch.eye(m).unsqueeze(1)
        for _ in range(3):
            y = torch.nn.functional.conv_transpose1d(y, torch.ones(1, 1, 4), stride=2, padding=1)
        for v in range(8 * m):
            if set(torch.nonzero(y[:, 0, v]).flatten().tolist()) != _reads_finite(v, m):
                yield {"v": v, "m": m}


@claim(
    "nb04-encdec-windows",
    statement="In SimpleBaselines (torchvision ResNet-50, then three ConvTranspose2d with k=4, s=2, p=1) "
    "each heatmap cell reads two or three neighbouring encoder cells, except the first and the last cell of the "
    "map, which read one (encoder maps of m ≥ 2 cells), so its input window is the union "
    "of their 427-px fields and windows move in 32-px steps; heatmap rows 65–70 all read input rows "
    "11–501.",
    domain=Domain(params={"v": tuple(range(0, 129)), "m": _ENC_CELLS}, kinds=("conv", "transposed"), dims=(1,)),
    scope="SimpleBaselines",
    torch_check=_encdec_torch,
    # review rt04: the old sentence ("each cell after the first reads two or three") forgot the far edge:
    # on a 256 input (m = 8) heatmap cell 63 reads encoder cell 7 only.
    breaks=({"v": 63, "m": 8},),
)
def _encdec_windows():
    from ..receptive import receptive_field, resnet50

    row = receptive_field(resnet50(32, variant="torchvision"), input_size=512)[-1]
    if (row.r, row.S, row.P) != (427, 32, 213):
        yield {"v": -1}
    windows = {}
    for v in range(0, 129):
        cells = _reads(v)
        if len(cells) not in ((1,) if v == 0 else (2, 3)) or max(cells) - min(cells) + 1 != len(cells):
            yield {"v": v}
        windows[v] = (min(cells) * 32 - 213, max(cells) * 32 - 213 + 426)
        if (windows[v][0] + 213) % 32:
            yield {"v": v}
    if any(windows[v] != (11, 501) for v in range(65, 71)):
        yield {"v": 65}
    for m in _ENC_CELLS:  # a finite map: neighbouring cells, one at both ends of the heatmap, else two or three
        for v in range(8 * m):
            cells = _reads_finite(v, m)
            want = (1,) if v in (0, 8 * m - 1) else (2, 3)
            if len(cells) not in want or max(cells) - min(cells) + 1 != len(cells):
                yield {"v": v, "m": m}




@claim(
    "nb04-encdec-size",
    statement="A 'same'-padded encoder of output stride E (2 to 32) followed by transposed convolutions that "
    "multiply the size by U gives U·ceil(N/E) cells; with ResNet-50's output stride 32 and three transposed "
    "convolutions (k=4, s=2, p=1) that is 8·ceil(N/32) cells, never fewer than ceil(N/4), and equal to it when "
    "32 divides N or N is 1 to 3 below a multiple of 32, also with the heatmap explorer's 3×3 head at any rate "
    "d from 1 to 36, padded by d, between encoder and decoder. A 'valid' encoder (VGG-16, VALID pools) rounds down.",
    domain=Domain(
        params={"n": tuple(range(1, 1026)), "e": (2, 4, 8, 16, 32), "u": (2, 4, 8), "encoder": ("same", "valid"),
                "d": _HEAD_RATES},
        kinds=("conv", "transposed"), dims=(1,), reach=("explorer.heatmap",),
        note="d: the explorer's head rate, between the OS-32 encoder and the three transposed convolutions",
    ),
    scope="transposed",
    # review rt04: the general rule was stated for any encoder; VGG-16 (VALID pools) on 513 gives 16 cells, not 17.
    breaks=({"n": 513, "e": 32, "u": 8, "encoder": "valid"},),
)
def _encdec_size():
    for n in range(1, 1026):
        m = len(range(0, n, 32))  # 'same' encoder: one cell per started 32-pixel block
        for _ in range(3):
            m = _transposed_size(m, 4, 2, 1, 1)
        quarter = len(range(0, n, 4))
        if m != 8 * len(range(0, n, 32)) or m < quarter or (m == quarter) != (n % 32 in (0, 29, 30, 31)):
            yield {"n": n}
    up = {}                                           # encoder side -> after three transposed convolutions
    for n in range(1, 1026):
        for d in _HEAD_RATES:
            m = _head(len(range(0, n, 32)), d)
            if m not in up:
                up[m] = m
                for _ in range(3):
                    up[m] = _transposed_size(up[m], 4, 2, 1, 1) if up[m] else 0
            if up[m] != 8 * len(range(0, n, 32)):
                yield {"n": n, "d": d}
    from ..receptive import Layer

    same3 = Layer(3, stride=2, padding="same")  # data: a kernel, a stride and TF's "SAME" rule (written out in _pads)
    # the general rule: E = product of 'same' stride-2 layers, U = product of (k = 2s, p = s/2) transposed layers
    for e in (2, 4, 8, 16, 32):
        for u in (2, 4, 8):
            for n in range(1, 130):
                m = n
                for _ in range(e.bit_length() - 1):
                    m = _windows(m, 3, 2, 1, *_pads(same3, m))
                for _ in range(u.bit_length() - 1):
                    m = _transposed_size(m, 4, 2, 1, 1)
                if m != u * len(range(0, n, e)):
                    yield {"n": n, "e": e, "u": u, "encoder": "same"}
    # the break: VGG-16's VALID pools round down (16 encoder cells on 513, not ceil(513/32) = 17)
    from ..receptive import vgg16

    if _stack_size(vgg16(), 513) != 16:
        yield {"n": 513, "e": 32, "u": 8, "encoder": "valid"}
