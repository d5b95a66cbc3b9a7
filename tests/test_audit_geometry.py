"""The audit's geometry (``helpers/audit/geometry.py``) against oracles that never import ``helpers.audit``.

* path counts (``reach_1d``, ``reach``, ``report.coverage``) against ``np.convolve`` of the taps and against
  PyTorch autograd through all-ones weights (a gradient of a linear net of ones counts its paths);
* the layer table (Araujo et al.'s recurrences: ``r``, ``jump``, ``start``) against the recurrences written
  out here, with each layer's widest window found by enumerating its definition;
* the warnings where branches meet, word for word, and their absence where the branches agree.

Small hand-built models: the whole file runs in seconds (it is part of the mutation run's fast subset).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

from helpers.audit import audit  # noqa: E402
from helpers.audit import geometry  # noqa: E402


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def ones(model: nn.Module) -> nn.Module:
    """float64, every weight 1, no bias: autograd's gradient then counts paths."""
    model = model.double()
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.fill_(0.0 if name.endswith("bias") else 1.0)
    return model


def paths_by_autograd(model: nn.Module, hw: tuple[int, int], out: tuple[int, int]) -> np.ndarray:
    x = torch.zeros(1, 1, *hw, dtype=torch.float64, requires_grad=True)
    y = model(x)
    (grad,) = torch.autograd.grad(y[0, 0][out], x)
    return grad[0, 0].numpy()


def taps(k: int, d: int) -> np.ndarray:
    t = np.zeros(d * (k - 1) + 1)
    t[::d] = 1
    return t


# ------------------------------------------------------------------ path counts


class Residual(nn.Module):
    """conv a (K=3, rate 2), then conv b (K=3, rate 3) plus a skip around b: two paths meet at a's output."""

    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(1, 1, 3, padding=2, dilation=2, bias=False)
        self.b = nn.Conv2d(1, 1, 3, padding=3, dilation=3, bias=False)

    def forward(self, x):
        y = self.a(x)
        return self.b(y) + y


def test_reach_1d_counts_every_path_exactly():
    """Unclipped path counts of one output along one axis, ends included (no trailing zeros), against np.convolve."""
    n = 40
    report = audit(Residual(), n)
    a = taps(3, 2)  # offsets -2, 0, 2 of conv a, from its first tap
    through_b = np.convolve(taps(3, 3), a)  # offsets -5 ... 5
    expected = through_b.copy()
    mid = (len(through_b) - len(a)) // 2
    expected[mid:mid + len(a)] += a  # the skip: a alone, centred
    for u in (0, 7, n - 1):
        lo, counts = geometry.reach_1d(report._graph, report._target, u, 0)
        assert lo == u - 5 and np.array_equal(counts, expected), (u, lo, counts)
        assert geometry.span(report._graph, report._target, u, 1) == (u - 5, u + 5)


def test_coverage_counts_paths_through_a_nearest_upsampling_like_autograd():
    """Nearest upsampling sends two outputs to one cell through the same tap: the counts must add, not overwrite."""
    model = ones(nn.Sequential(nn.Conv2d(1, 1, 3, padding=1, bias=False), nn.Upsample(scale_factor=2, mode="nearest"),
                               nn.Conv2d(1, 1, 3, padding=1, bias=False), nn.Upsample(scale_factor=3, mode="nearest"),
                               nn.Conv2d(1, 1, 5, padding=2, bias=False)))
    hw = (13, 11)
    report = audit(model, hw)
    grad = paths_by_autograd(model, hw, report.interior)
    (y0, y1), (x0, x1) = report.field
    box = grad[max(y0, 0):min(y1, hw[0] - 1) + 1, max(x0, 0):min(x1, hw[1] - 1) + 1]
    assert grad.max() > 1  # some cells are reached by several paths
    np.testing.assert_array_equal(report.coverage, box)
    assert report.verify(model).ok


# ------------------------------------------------------------------ the layer table


def windows(kind: str, n_out: int, k: int, s: int, p: int, d: int, n_in: int) -> list[list[int]]:
    """The input positions (padding included) each output reads, from the layer's definition."""
    if kind == "transposed":  # output u (full position u + p) reads input i when u + p - i*s is a tap offset
        return [[i for i in range(-k * d, n_in + k * d) if (u + p - i * s) in range(0, d * (k - 1) + 1, d)]
                for u in range(n_out)]
    if kind == "adaptive":  # PyTorch's adaptive pools: [floor(u*n/m), ceil((u+1)*n/m))
        return [list(range((u * n_in) // n_out, -((-(u + 1) * n_in) // n_out))) for u in range(n_out)]
    return [[u * s - p + t * d for t in range(k)] for u in range(n_out)]


def recurrences(layers: list[tuple], n: int) -> list[tuple[Fraction, Fraction, Fraction]]:
    """Araujo et al.'s r, jump and start after each layer, one axis, written out here."""
    r, jump, start, size, out = Fraction(1), Fraction(1), Fraction(0), n, []
    for kind, k, s, p, d, n_out in layers:
        w = windows(kind, n_out, k, s, p, d, size)
        widest = max(max(ws) - min(ws) for ws in w if ws)
        first = min(w[0]) if w[0] else 0
        r, start = r + widest * abs(jump), start + first * jump
        jump = jump / s if kind == "transposed" else jump * s if kind != "adaptive" else jump * Fraction(size, n_out)
        size = n_out
        out.append((r, jump, start))
    return out


class Chain(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(1, 2, (7, 3), stride=(2, 1), padding=(3, 1))
        self.pool = nn.MaxPool2d(3, stride=2, padding=1)
        self.atrous = nn.Conv2d(2, 2, 3, stride=1, padding=2, dilation=2)
        self.down = nn.Conv2d(2, 2, (1, 4), stride=(1, 3))
        self.adaptive = nn.AdaptiveAvgPool2d((5, 3))
        self.up = nn.ConvTranspose2d(2, 1, (4, 3), stride=(2, 3), padding=(1, 0))

    def forward(self, x):
        return self.up(self.adaptive(self.down(self.atrous(self.pool(self.stem(x))))))


def test_table_rows_follow_the_recurrences_on_both_axes():
    """Strides, padding, dilation, a pool, an adaptive pool whose windows differ (7 -> 5), a transposed layer."""
    model = Chain()
    hw = (27, 40)
    report = audit(model, hw)
    y = model(torch.zeros(1, 1, *hw))
    assert report.output_size == tuple(y.shape[2:])
    sizes = [r.size for r in report.layers]
    spec = [  # (kind, k, s, p, d) per axis (height, width)
        (("conv", 7, 2, 3, 1), ("conv", 3, 1, 1, 1)),
        (("conv", 3, 2, 1, 1), ("conv", 3, 2, 1, 1)),
        (("conv", 3, 1, 2, 2), ("conv", 3, 1, 2, 2)),
        (("conv", 1, 1, 0, 1), ("conv", 4, 3, 0, 1)),
        (("adaptive", 0, 0, 0, 1), ("adaptive", 0, 0, 0, 1)),
        (("transposed", 4, 2, 1, 1), ("transposed", 3, 3, 0, 1)),
    ]
    assert len(report.layers) == len(spec)
    assert sizes[4] == (5, 3)
    for a in range(2):
        expected = recurrences([s[a] + (sizes[i][a],) for i, s in enumerate(spec)], hw[a])
        for row, (r, jump, start) in zip(report.layers, expected):
            # the table prints whole numbers as int and other fractions as float
            want = tuple(int(v) if v.denominator == 1 else float(v) for v in (r, jump, start))
            assert (row.r[a], row.jump[a], row.start[a]) == want, (row.name, a)
    assert type(report.layers[4].jump[0]) is float  # 7 -> 5 cells: the jump is a fraction (28/5)
    for row in report.layers[:4]:  # whole numbers print as whole numbers
        assert all(type(v) is int for v in row.jump + row.r + row.start), row


def test_a_jump_of_one_half_is_a_fraction():
    report = audit(nn.Sequential(nn.Conv2d(1, 1, 3, padding=1), nn.ConvTranspose2d(1, 1, 4, stride=2, padding=1)), 9)
    assert report.layers[-1].jump == (0.5, 0.5) and report.output_stride == (0.5, 0.5)
    assert report.layers[0].jump == (1, 1) and type(report.layers[0].jump[0]) is int


# ------------------------------------------------------------------ where branches meet


class TwoBranches(nn.Module):
    """Two convolutions of the input summed: fields 3 and 5 (padding 1 and 2) or shifted."""

    def __init__(self, shifted_first: bool = False, shift: bool = False):
        super().__init__()
        self.small = nn.Conv2d(1, 1, 3, padding=1)
        self.large = (nn.Sequential(nn.ZeroPad2d((0, 1, 0, 1)), nn.Conv2d(1, 1, 2)) if shift
                      else nn.Conv2d(1, 1, 5, padding=2))
        self.shifted_first = shifted_first

    def forward(self, x):
        return self.large(x) + self.small(x) if self.shifted_first else self.small(x) + self.large(x)


def test_branches_meeting_span_both_fields_without_a_warning_when_centred():
    report = audit(TwoBranches(), 12)
    last = report.layers[-1]
    assert (last.r, last.jump, last.start) == ((5, 5), (1, 1), (-2, -2))
    assert report.warnings == ()


@pytest.mark.parametrize("shifted_first", [False, True])
def test_misaligned_branches_are_named_in_order(shifted_first):
    report = audit(TwoBranches(shifted_first, shift=True), 12)
    text = [w for w in report.warnings if "misaligned" in w]
    # centres of output 0 by the recurrences: 0 for the 3x3 (padding 1), 0.5 for the 2x2 padded after
    assert len(text) == 1 and text[0].endswith("are 0, 0.5 along height; 0, 0.5 along width"), report.warnings
    assert not any("output strides" in w for w in report.warnings)


class Strides(nn.Module):
    """A stride-1 branch and a stride-3 branch resized back to 19 cells: output strides 1 and 3·7/19 = 21/19."""

    def __init__(self, order: int):
        super().__init__()
        self.fine = nn.Conv2d(1, 1, 3, padding=1)
        self.coarse = nn.Sequential(nn.Conv2d(1, 1, 3, stride=3, padding=1), nn.Upsample(size=(19, 19), mode="nearest"))
        self.order = order

    def forward(self, x):
        return self.fine(x) + self.coarse(x) if self.order == 0 else self.coarse(x) + self.fine(x)


@pytest.mark.parametrize("order", [0, 1])
def test_different_output_strides_warn_and_the_larger_is_kept(order):
    report = audit(Strides(order), 19)
    text = [w for w in report.warnings if "output strides" in w]
    coarse = 3 * Fraction(7, 19)
    assert list({Fraction(1), coarse}) != [1, coarse]  # a set of the two does not iterate in increasing order
    assert text == [f"the model (add) merges maps of different output strides [1, {float(coarse)}] along {axis}"
                    for axis in ("height", "width")], report.warnings
    assert report.output_stride == (float(coarse), float(coarse))


class Gate(nn.Module):
    """A one-cell map (a stride-2 convolution on a 2x2 input) repeated over 3x3 cells, then a 3x3 convolution."""

    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(1, 1, 3, stride=2, padding=1)
        self.b = nn.Conv2d(1, 1, 3, padding=1)

    def forward(self, x):
        return self.b(self.a(x).expand(-1, -1, 3, 3))


def test_a_broadcast_one_cell_map_keeps_its_field():
    model = Gate()
    report = audit(model, 2)
    assert report.output_size == (3, 3)
    assert report.layers[0].r == (3, 3) and report.layers[-1].jump == report.layers[0].jump == (2, 2)
    assert report.verify(model).ok


class Backwards(set):
    """A set that iterates its node numbers from the largest down (as a set of large numbers may)."""

    def __iter__(self):
        return iter(sorted(set.__iter__(self), reverse=True))


def test_table_processes_nodes_in_order_whatever_the_set_order():
    """table_rows takes a set; it must visit the nodes input side first however the set iterates."""
    report = audit(Chain(), (27, 40))
    graph, target = report._graph, report._target
    keep = graph.ancestors(target, local_only=True)
    ordered, _ = geometry.table_rows(graph, set(keep))
    backwards = Backwards(keep)
    assert list(backwards) == sorted(keep, reverse=True)
    assert geometry.table_rows(graph, backwards)[0] == ordered
    assert len(ordered) == len(keep)  # every node of the chain has its row


@pytest.mark.parametrize("n", [8, 9])
@pytest.mark.parametrize("padding", [0, 1])
def test_outputs_between_a_transposed_layers_taps(n, padding):
    """Kernel 1, stride 2: every other output reads no cell. The audit analyses the middle-most output that
    reads one, and places output 0 on the grid (it once raised a TypeError here)."""
    model = ones(nn.ConvTranspose2d(1, 1, 1, stride=2, padding=padding, bias=False))
    report = audit(model, n)
    size = (n - 1) * 2 - 2 * padding + 1
    assert report.output_size == (size, size)
    u = report.interior[0]
    grad = paths_by_autograd(model, (n, n), report.interior)
    reads = np.argwhere(grad > 0)
    assert len(reads) == 1 and abs(u - (size - 1) // 2) <= 1  # the middle output, or its neighbour
    assert report.field == ((int(reads[0][0]), int(reads[0][0])), (int(reads[0][1]), int(reads[0][1])))
    # output u sits at input coordinate (u + padding) / 2: output 0 at padding / 2, between two cells if odd
    assert report.centre == (padding / 2, padding / 2)
    row = report.layers[-1]  # the table places output 0 on the grid too: start + (r - 1)/2 is its centre
    assert row.start == report.centre and row.r == (1, 1) and row.jump == (0.5, 0.5)
    assert report.verify(model).ok


def test_a_dilated_transposed_layer_whose_outputs_read_two_one_or_no_cells():
    """Kernel 3, rate 2, stride 4: output u + p reads inputs (u+p)/4 and (u+p)/4 - 1 when divisible by 4, one when
    it is 2 mod 4, none when odd; the widest window spans two cells, found among outputs that read any."""
    model = ones(nn.ConvTranspose2d(1, 1, 3, stride=4, padding=1, dilation=2, bias=False))
    n = 6
    report = audit(model, n)
    size = (n - 1) * 4 - 2 + 2 * 2 + 1
    assert report.output_size == (size, size)
    reads = [np.flatnonzero(paths_by_autograd(model, (n, n), (u, u)).any(axis=0)) for u in range(size)]
    widest = max(int(r.max() - r.min()) for r in reads if len(r))
    assert widest == 1 and any(len(r) == 0 for r in reads)
    first = next(u for u in range(size) if len(reads[u]))
    row = report.layers[-1]
    assert row.r == (1 + widest,) * 2 and row.jump == (0.25, 0.25)
    assert row.start[0] == int(reads[first].min()) - first / 4  # output 0's place: the first reading output, moved back
    assert report.verify(model).ok
