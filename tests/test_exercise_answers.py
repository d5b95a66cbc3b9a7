"""Every exercise's expected answer, computed a second way (issue 24).

``ANSWERS`` holds, for each registered exercise, an independent computation of
its answer: windows walked and taps listed (``tests/oracles.py``), PyTorch layers
and torchvision models on the meta device, or the definition in the question
spelled out as a loop. None of it imports ``helpers`` (checked by
``test_oracles_independent.py``); the test compares each with the registry's
``expected()``, so a wrong answer (or one that drifts) fails here.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from oracles import count_windows, reachable_inputs, reached_offsets, tf_same_split, transposed_length

from helpers import exercises

torch = pytest.importorskip("torch")
torchvision = pytest.importorskip("torchvision")
F = torch.nn.functional


class L:  # a 1-D layer for the oracles: kernel, stride, dilation, padding
    def __init__(self, kernel, stride=1, dilation=1, padding=0):
        self.kernel, self.stride, self.dilation, self.padding = kernel, stride, dilation, padding


def span(layers, u=0):
    reach = reachable_inputs(layers, u)
    return min(reach), max(reach)


def meta_side(model, n, m=None):
    """Side of a torchvision model's output for an n×m input, by a forward pass on the meta device."""
    with torch.device("meta"):
        return tuple(model(torch.zeros(1, 3, n, m or n)).shape[-2:])


def resnet50_body(dilate=(False, False, False)):
    with torch.device("meta"):
        net = torchvision.models.resnet50(weights=None, replace_stride_with_dilation=list(dilate))
    return torch.nn.Sequential(*list(net.children())[:-2])


def vgg16_features():
    with torch.device("meta"):
        return torchvision.models.vgg16(weights=None).features


def deconvs(n, times):  # k=4, s=2, p=1 transposed convolutions
    for _ in range(times):
        n = transposed_length(n, 4, 2, 1, 1, 0)
    return n


def unread(n, k, s, d):
    """Remainders mod s of the interior rows no tap of an unpadded layer reads."""
    read, start, last = [0] * n, 0, 0
    while start + d * (k - 1) < n:
        for t in range(k):
            read[start + t * d] += 1
        last, start = start, start + s
    return {x % s for x in range((k - 1) * d, last + 1) if not read[x]}


def shift_is_whole_output_shift():
    g = torch.Generator().manual_seed(0)
    for _ in range(10):
        x, w = torch.randn(1, 1, 24, generator=g), torch.randn(1, 1, 3, generator=g)
        moved = torch.cat([torch.zeros(1, 1, 1), x[..., :-1]], dim=-1)
        y, y2 = F.conv1d(x, w, stride=2)[0, 0], F.conv1d(moved, w, stride=2)[0, 0]
        if any(torch.allclose(y2[m:], y[: len(y) - m]) or torch.allclose(y2[: len(y2) - m], y[m:]) for m in range(3)):
            return True
    return False


def never_read_rows(n, k, s, p):
    read = set()
    start = 0
    while start + k <= n + 2 * p:
        read |= {start + t - p for t in range(k)}
        start += s
    return [x for x in range(n) if x not in read]


def which_grows():
    before, after = 1, 4
    grows = {
        "weights": 3 * 3 != 3 * 3,  # the kernel keeps its 9 weights at every dilation
        "span": (after * 2 + 1) > (before * 2 + 1),
        "macs": len(list(itertools.product(range(3), range(3)))) != 9,  # one product per weight, per output
    }
    options = {"a": grows["weights"] and not grows["span"], "b": grows["span"] and not grows["macs"],
               "c": grows["macs"] and not grows["span"], "d": grows["span"] and grows["macs"]}
    return next(k for k, v in options.items() if v)


def even_kernel():
    n = 10
    keeps = {"a": count_windows(n, 4, 1, 2, 2, 1) == n, "b": False,  # 1.5 zeros is not a padding
             "c": count_windows(n, 4, 1, 1, 2, 1) == n}
    keeps["d"] = not any(keeps.values())
    return [k for k, v in keeps.items() if v] == ["c"] and "c"


def keep_size(k=7, d=3, n=50):
    return next(p for p in range(0, 100) if count_windows(n, k, 1, p, p, d) == n)


def doubling_depth(target=129):
    for depth in range(1, 20):
        lo, hi = span([L(3, dilation=2**i, padding=2**i) for i in range(depth)])
        if hi - lo + 1 >= target:
            return depth


def vgg16_layers():
    layers = []
    for convs in (2, 2, 3, 3, 3):
        layers += [L(3, padding=1)] * convs + [L(2, stride=2)]
    return layers


def aspp_rates(rates=(6, 12, 18), os_from=16, os_to=4):
    # the same field of view in input pixels: a 3-tap layer at rate r on a stride-OS map spans 2·r·OS + 1 pixels
    return [next(r2 for r2 in range(1, 1000) if 2 * r2 * os_to + 1 == 2 * r * os_from + 1) for r in rates]


def block4_macs(dilate):
    from torch.utils.flop_counter import FlopCounterMode

    body = resnet50_body(dilate)
    with torch.device("meta"), FlopCounterMode(display=False) as counter:
        body(torch.zeros(1, 3, 512, 512))
    return sum(counter.get_flop_counts()["Sequential.7"].values())  # layer4, the 8th child


def aspp_side(os_dilate, n, rate):
    side = meta_side(resnet50_body(os_dilate), n)[0]
    return count_windows(side, 3, 1, rate, rate, rate)


def which_doubles():
    os16, os8 = (False, False, True), (False, True, True)
    base = aspp_side(os16, 512, 12)
    change = {"a": aspp_side(os16, 512, 24), "b": aspp_side(os8, 512, 12)}
    doubled = [k for k, v in change.items() if v == 2 * base]
    return doubled[0] if len(doubled) == 1 else "c"


def degenerate_rate(n=81):
    def all_nine_somewhere(r):
        return any(i - r >= 0 and i + r < n for i in range(n))

    return next(r for r in range(1, n + 1) if not all_nine_somewhere(r))


def largest_hole_free(k=3):
    best = 0
    for rates in itertools.product(range(1, 13), repeat=3):
        reached = reached_offsets(rates, k)
        field = (k - 1) * sum(rates) + 1
        if len(reached) == field:  # every 1-D offset reached, so every 2-D pixel (products of offsets)
            best = max(best, field)
    return best


def which_grids():
    def disjoint_neighbours(rates):  # output u reads u + offsets; output u + 1 reads u + 1 + offsets
        offs = reached_offsets(rates, 3)
        return not offs & {o + 1 for o in offs}

    grids = [rates for rates in ((2, 6, 10), (1, 4, 7), (5, 7)) if disjoint_neighbours(rates)]
    return {((2, 6, 10),): "a", ((2, 6, 10), (5, 7)): "b", ((2, 6, 10), (1, 4, 7), (5, 7)): "c"}[tuple(grids)]


def overlap_values(k=5, s=2, n=20, d=1):
    out = F.conv_transpose2d(torch.ones(1, 1, n, n), torch.ones(1, 1, k, k), stride=s, dilation=d)[0, 0]
    edge = d * (k - 1) + 1
    inner = out[edge:-edge, edge:-edge]
    return {int(v) for v in torch.unique(inner)}


def predict_flat():
    g = torch.Generator().manual_seed(0)
    flat = {}
    for k in (3, 4, 5, 6):
        w = torch.rand(1, 1, k, k, generator=g) + 0.1
        out = F.conv_transpose2d(torch.ones(1, 1, 16, 16), w, stride=2)[0, 0, k:-k, k:-k]
        flat[k] = bool(torch.allclose(out, out[0, 0].expand_as(out)))
    if not any(flat.values()):
        return "c"
    if all(flat.values()):
        return "d"
    return "a" if [k for k, v in flat.items() if v] == [4, 6] else "b"


def same_cell_share(d, s):
    return sum((o // s) == ((o + d) // s) for o in range(s)) / s


def two_peaks_everywhere(d=12, s=6):
    # two objects d px apart on the 45° diagonal; each lights its cell; a 3×3 peak test separates them only with an
    # empty cell between (Chebyshev distance of the cells >= 2); grid offsets swept in 0.1 px steps
    step = d / math.sqrt(2)
    offsets = [i / 10 for i in range(10 * s)]
    return all(max(abs(math.floor((ox + step) / s) - math.floor(ox / s)), abs(math.floor((oy + step) / s) - math.floor(oy / s))) >= 2
               for ox in offsets for oy in offsets)


def safe_stride(d=12):
    return max(s for s in (1, 2, 4, 8, 16, 32, 64) if all((o // s) != ((o + d) // s) for o in range(s)))


def plateaus(mask):
    """Peaks = 8-connected groups of pixels that equal their 3×3 maximum (a flat top is one peak)."""
    seen, count = set(), 0
    cells = {(i, j) for i, row in enumerate(mask) for j, v in enumerate(row) if v}
    for cell in cells:
        if cell in seen:
            continue
        count += 1
        todo = [cell]
        while todo:
            i, j = todo.pop()
            if (i, j) in seen:
                continue
            seen.add((i, j))
            todo += [(i + a, j + b) for a in (-1, 0, 1) for b in (-1, 0, 1) if (i + a, j + b) in cells]
    return count


def why_bilinear():
    def peaks_after_resize(di, dj):
        coarse = torch.zeros(1, 1, 8, 8)
        coarse[0, 0, 3, 3], coarse[0, 0, 3 + di, 3 + dj] = 1.0, 0.9
        fine = F.interpolate(coarse, scale_factor=4, mode="bilinear", align_corners=False)
        mask = ((fine == F.max_pool2d(fine, 3, stride=1, padding=1)) & (fine > 0))[0, 0].tolist()
        return plateaus(mask)

    right, diagonal = peaks_after_resize(0, 1) == 2, peaks_after_resize(1, 1) == 2
    return {(True, False): "a", (False, True): "b", (True, True): "c", (False, False): "d"}[(right, diagonal)]


def paint_vs_look():
    def painted(n_map, align):  # where cell n_map - 1 lands when the logits are resized to 512
        x = torch.zeros(1, 1, 1, n_map)
        x[..., -1] = 1.0
        return int(F.interpolate(x, size=(1, 512), mode="bilinear", align_corners=align)[0, 0, 0].argmax())

    def field(rate, os_):  # span, in input pixels, of a 3-tap ASPP layer at rate r on a stride-OS map
        return 2 * rate * os_ + 1

    moves_paint = {"a": painted(32, False) != painted(32, True),
                   "b": count_windows(32, 3, 1, 24, 24, 24) != 32,
                   "c": count_windows(64, 3, 1, 12, 12, 12) != 32}
    keeps_look = {"a": True, "b": field(24, 16) == field(12, 16), "c": field(12, 8) == field(12, 16)}
    return [k for k in "abc" if moves_paint[k] and keeps_look[k]][0]


def dense_index(n=40, k=5, p=2, s=3, o=7):
    g = torch.Generator().manual_seed(0)
    x, w = torch.randn(1, 1, n, generator=g), torch.randn(1, 1, k, generator=g)
    strided, dense = F.conv1d(x, w, stride=s, padding=p)[0, 0], F.conv1d(x, w, padding=p)[0, 0]
    return [j for j in range(len(dense)) if torch.isclose(dense[j], strided[o])][0]


def degenerate_aspp(n=257):
    with torch.device("meta"):
        model = torchvision.models.segmentation.deeplabv3_resnet50(weights=None, weights_backbone=None)
        side = model.backbone(torch.zeros(1, 3, n, n))["out"].shape[-1]
    # rate r keeps only the centre tap for every output when every i ± r falls outside the map
    return [r for r in (12, 24, 36) if all(not 0 <= i + t * r < side for i in range(side) for t in (-1, 1))]


def why_average():
    x = torch.randn(1, 1, 4, 4, generator=torch.Generator().manual_seed(0), requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    max_reached = int((x.grad != 0).sum())
    x.grad = None
    F.avg_pool2d(x, 2).sum().backward()
    avg_reached = int((x.grad != 0).sum())
    return "a" if max_reached == 4 < avg_reached == 16 else "?"


ANSWERS = {
    "00-warmup": lambda: count_windows(11, 5, 2, 1, 1, 1),
    "00-what-grows": which_grows,
    "01-even-kernel": even_kernel,
    "01-never-visited": lambda: never_read_rows(11, 2, 3, 1),
    "01-dense-index": dense_index,
    "01-output-size": lambda: count_windows(28, 5, 3, 0, 0, 1),
    "01-same-split": lambda: tf_same_split(7, 4, 2, 1),
    "01-shift": shift_is_whole_output_shift,
    "02-full-cover": lambda: [o for o, (k, d) in {"a": (3, 3), "b": (4, 3), "c": (5, 2)}.items() if not unread(200, k, 4, d)][0],
    "02-keep-size": keep_size,
    "02-output-size": lambda: count_windows(57, 3, 2, 2, 2, 4),
    "02-skipped-rows": lambda: {0: "a", 1: "b", 2: "c"}[len(unread(200, 3, 4, 3))],
    "03-doubling-depth": doubling_depth,
    "03-pool-stack": lambda: (lambda lo, hi: hi - lo + 1)(*span([L(3), L(2, stride=2), L(3), L(3)])),
    "03-predict-stride-or-dilation": lambda: (lambda a, b: "a" if a > b else "b" if b > a else "c")(
        (lambda lo, hi: hi - lo)(*span([L(5, stride=2)] * 3)), (lambda lo, hi: hi - lo)(*span([L(5, dilation=r) for r in (1, 2, 4)]))),
    "03-vgg-span": lambda: list(span(vgg16_layers(), 3)),
    "03-stride-position": lambda: (lambda a, b: "a" if a > b else "b" if b > a else "c")(
        (lambda lo, hi: hi - lo)(*span([L(3, stride=2, padding=1)] + [L(3, padding=1)] * 3)),
        (lambda lo, hi: hi - lo)(*span([L(3, padding=1)] * 3 + [L(3, stride=2, padding=1)]))),
    "04-aspp-rates": aspp_rates,
    "04-compute-factor": lambda: block4_macs((False, True, True)) / block4_macs((False, False, True)),
    "04-encdec-size": lambda: deconvs(meta_side(resnet50_body(), 150)[0], 3),
    "04-mismatched-padding": lambda: count_windows(count_windows(count_windows(33, 3, 1, 1, 1, 3), 3, 1, 1, 1, 3), 3, 1, 1, 1, 3),
    "04-predict-aspp": lambda: aspp_side((False, False, True), 353, 24),
    "04-which-doubles": which_doubles,
    "04-paint-vs-look": paint_vs_look,
    "05-degenerate-rate": degenerate_rate,
    "05-largest-hole-free": largest_hole_free,
    "05-predict-235": lambda: len(reached_offsets((2, 3, 5), 3)) < 2 * (2 + 3 + 5) + 1,
    "05-reached": lambda: len(reached_offsets((2, 2, 2), 3)) ** 2,
    "05-which-grids": which_grids,
    "06-output-padding": lambda: next(op for op in range(2) if transposed_length(7, 3, 2, 1, 1, op) == 14),
    "06-output-padding-18": lambda: next(
        op for op in range(3) if transposed_length(count_windows(18, 5, 3, 2, 2, 1), 5, 3, 2, 1, op) == 18),
    "06-overlap-values": overlap_values,
    "06-overlap-dilated": lambda: overlap_values(k=6, s=4, d=2),
    "06-predict-flat": predict_flat,
    "06-simplebaselines": lambda: tuple(deconvs(v, 3) for v in meta_side(resnet50_body(), 384, 288)),
    "07-collision-share": lambda: same_cell_share(12, 16),
    "07-collision-share-20": lambda: same_cell_share(20, 32),
    "07-heatmap-size": lambda: deconvs(meta_side(resnet50_body(), 512)[0], 2),
    "07-heatmap-size-640": lambda: deconvs(meta_side(resnet50_body(), 640)[0], 2),
    "07-predict-two-peaks": two_peaks_everywhere,
    "07-safe-stride": safe_stride,
    "07-why-bilinear": why_bilinear,
    "08-degenerate-rates": degenerate_aspp,
    "08-resnet-os16-size": lambda: meta_side(resnet50_body((False, False, True)), 300)[1],
    "08-vgg-size": lambda: meta_side(vgg16_features(), 200)[1],
    "08-why-average": why_average,
}


def test_every_registered_exercise_has_an_independent_answer():
    assert set(ANSWERS) == set(exercises.registry()), set(exercises.registry()) ^ set(ANSWERS)


@pytest.mark.parametrize("key", sorted(ANSWERS))
def test_expected_answer_matches_the_independent_computation(key):
    ours = ANSWERS[key]()
    expected = exercises.registry()[key].expected()
    if isinstance(expected, float):
        assert math.isclose(ours, expected, rel_tol=1e-9), (key, ours, expected)
    elif isinstance(expected, (set, frozenset)):
        assert set(ours) == set(expected), (key, ours, expected)
    else:
        assert type(ours)(expected) == ours if isinstance(ours, (tuple, list)) else ours == expected, (key, ours, expected)
        assert not isinstance(ours, (tuple, list)) or list(ours) == list(expected), (key, ours, expected)
    assert np.asarray(ours).size > 0
