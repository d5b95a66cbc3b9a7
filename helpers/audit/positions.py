"""Per-axis position rules: which input positions does output position ``u`` read?

One small frozen record per way an operator moves positions along one axis.
``sources(u)`` returns ``(src, valid)``: for each output position (rows) the
input positions it reads (columns) and which of them carry a non-zero weight.
Coordinates are unclipped integers: a convolution's padding cells are
positions ``< 0`` or ``>= n_in``, so receptive fields are measured as Araujo
et al. define them (padding included); :func:`clip` maps them to real cells.

numpy only: no PyTorch here (the rules are built by :mod:`helpers.audit.rules`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

__all__ = ["Window", "Transposed", "Resample", "Adaptive", "Broadcast", "Segment", "Flip", "Everything",
           "Within", "Roll", "identity", "clip"]


@dataclass(frozen=True)
class Window:
    """Convolution, pooling, slicing or explicit padding: ``u`` reads ``u*s - before + t*d``, t < k."""

    kernel: int
    stride: int
    dilation: int
    before: int
    after: int
    n_in: int
    mode: str = "zeros"  # how padding cells are filled: zeros, reflect, replicate, circular

    jump = property(lambda self: Fraction(self.stride))

    @property
    def is_identity(self) -> bool:
        return self.kernel == 1 and self.stride == 1 and self.before == 0 and self.after == 0

    def sources(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        src = u[:, None] * self.stride - self.before + self.dilation * np.arange(self.kernel)[None, :]
        return src, np.ones(src.shape, dtype=bool)


@dataclass(frozen=True)
class Transposed:
    """Transposed convolution (and pixel shuffle): ``u = i*s - p + t*d``, so ``u`` reads ``(u + p - t*d) / s``."""

    kernel: int
    stride: int
    dilation: int
    padding: int
    n_in: int
    mode: str = "zeros"
    is_identity = False

    jump = property(lambda self: Fraction(1, self.stride))

    def sources(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        num = u[:, None] + self.padding - self.dilation * np.arange(self.kernel)[None, :]
        return num // self.stride, num % self.stride == 0


def _cubic_weights(t: np.ndarray, a: float = -0.75) -> np.ndarray:
    """ATen's cubic convolution coefficients for taps x0-1 .. x0+2 at fraction ``t``."""
    def near(x):  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    return np.stack([far(t + 1), near(t), near(1 - t), far(2 - t)], axis=-1)


def _aa_filter(x: np.ndarray, interp: str) -> np.ndarray:
    x = np.abs(x)
    if interp == "linear":
        return np.where(x < 1, 1 - x, 0.0)
    a = -0.5  # the antialiased bicubic uses a = -0.5 (PIL's), the plain one -0.75
    return np.where(x < 1, ((a + 2) * x - (a + 3)) * x * x + 1,
                    np.where(x < 2, ((a * x - 5 * a) * x + 8 * a) * x - 4 * a, 0.0))


@dataclass(frozen=True)
class Resample:
    """``F.interpolate``: PyTorch's source-index rules (nearest, nearest-exact, linear, cubic, antialias)."""

    interp: str  # "nearest", "nearest-exact", "linear" or "cubic"
    align_corners: bool
    scale: float  # input coordinate per output step, as PyTorch computes it
    n_in: int
    n_out: int
    antialias: bool = False

    mode = "zeros"  # sources of real outputs are real cells (PyTorch clamps)
    is_identity = False
    jump = property(lambda self: Fraction(self.scale).limit_denominator(10**6))

    def sources(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        inside = (u >= 0) & (u < self.n_out)
        scale = self.scale
        if self.interp in ("nearest", "nearest-exact"):
            x = u * scale if self.interp == "nearest" else (u + 0.5) * scale
            src = np.floor(x).astype(np.int64)
            src = np.where(inside, np.minimum(src, self.n_in - 1), src)
            return src[:, None], np.ones((len(u), 1), dtype=bool)
        if self.antialias:
            return self._antialias(u)
        cubic = self.interp == "cubic"
        x = u * scale if self.align_corners else (u + 0.5) * scale - 0.5
        if not self.align_corners and not cubic:
            x = np.where(inside & (x < 0), 0.0, x)
        i0 = np.floor(x).astype(np.int64)
        if cubic:  # taps i0-1 .. i0+2, clamped to the map; weight 0 where the fraction makes it so
            t = x - i0
            src = i0[:, None] + np.arange(-1, 3)[None, :]
            valid = _cubic_weights(t) != 0
            src = np.where(inside[:, None], np.clip(src, 0, self.n_in - 1), src)
            return src, valid
        i0 = np.where(inside, np.minimum(i0, self.n_in - 1), i0)
        lam = x - i0
        i1 = np.where(inside & (i0 >= self.n_in - 1), i0, i0 + 1)
        src = np.stack([i0, i1], axis=1)
        valid = np.stack([(lam < 1) | (i1 == i0), (lam > 0) & (i1 != i0)], axis=1)
        return src, valid

    def _antialias(self, u: np.ndarray) -> np.ndarray:
        # ATen's _upsample_*_aa (PIL's resampling): a filter widened by the scale when shrinking
        scale = self.scale
        support = (1.0 if self.interp == "linear" else 2.0) * max(scale, 1.0)
        inv = 1.0 / scale if scale >= 1.0 else 1.0
        centre = scale * (u + 0.5)
        lo = np.maximum((centre - support + 0.5).astype(np.int64), 0)
        hi = np.minimum((centre + support + 0.5).astype(np.int64), self.n_in)
        width = int(math.ceil(support)) * 2 + 1
        src = lo[:, None] + np.arange(width)[None, :]
        w = _aa_filter((src - centre[:, None] + 0.5) * inv, self.interp)
        return src, (src < hi[:, None]) & (w != 0)


@dataclass(frozen=True)
class Adaptive:
    """Adaptive pooling (and ``area`` resizing): ``u`` reads ``floor(u*n/m) .. ceil((u+1)*n/m) - 1``."""

    n_in: int
    n_out: int
    mode: str = "zeros"
    is_identity = False

    jump = property(lambda self: Fraction(self.n_in, self.n_out))

    def sources(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        start = (u * self.n_in) // self.n_out
        end = -((-(u + 1) * self.n_in) // self.n_out)
        width = -(-self.n_in // self.n_out) + 1
        src = start[:, None] + np.arange(width)[None, :]
        return src, src < end[:, None]


@dataclass(frozen=True)
class Broadcast:
    """A one-wide map broadcast over the axis (a squeeze-excitation gate): ``u`` reads 0."""

    n_in: int = 1
    mode: str = "zeros"
    is_identity = False
    jump = property(lambda self: Fraction(0))

    def sources(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.zeros((len(u), 1), dtype=np.int64), np.ones((len(u), 1), dtype=bool)


@dataclass(frozen=True)
class Everything:
    """Every output reads every input cell (a mean, a norm's statistics, a dense layer over the axis)."""

    n_in: int
    mode: str = "zeros"
    is_identity = False
    jump = property(lambda self: Fraction(0))

    def sources(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        src = np.broadcast_to(np.arange(self.n_in)[None, :], (len(u), self.n_in))
        return src, np.ones(src.shape, dtype=bool)


@dataclass(frozen=True)
class Segment:
    """One input of a concatenation along the axis: ``u`` reads ``u - offset`` where that is inside."""

    offset: int
    n_in: int
    mode: str = "zeros"
    is_identity = False
    jump = property(lambda self: Fraction(1))

    def sources(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        src = (u - self.offset)[:, None]
        return src, (src >= 0) & (src < self.n_in)


@dataclass(frozen=True)
class Flip:
    """``torch.flip``: ``u`` reads ``n - 1 - u``."""

    n_in: int
    mode: str = "zeros"
    is_identity = False
    jump = property(lambda self: Fraction(-1))

    def sources(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (self.n_in - 1 - u)[:, None], np.ones((len(u), 1), dtype=bool)


@dataclass(frozen=True)
class Within:
    """Mixing inside blocks (window attention): ``u`` reads every position that differs from it only in ``parts``.

    The axis is split into parts (a mixed radix, as a view splits it); ``parts`` holds the
    ``(step, size)`` of the parts that are read in full. Positions outside the map (padding) read
    themselves.

    Examples
    --------
    >>> Within(((1, 7),), 21).sources(np.array([9]))[0].tolist()  # the window of 7 holding cell 9
    [[7, 8, 9, 10, 11, 12, 13]]
    """

    parts: tuple[tuple[int, int], ...]
    n_in: int
    mode: str = "zeros"
    is_identity = False
    jump = property(lambda self: Fraction(1))

    def sources(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        offsets = np.zeros(1, dtype=np.int64)
        base = np.asarray(u, dtype=np.int64).copy()
        for step, size in self.parts:
            base -= ((base // step) % size) * step
            offsets = (offsets[:, None] + step * np.arange(size)[None, :]).ravel()
        inside = (u >= 0) & (u < self.n_in)
        src = np.where(inside[:, None], base[:, None] + offsets[None, :], u[:, None])
        return src, np.ones(src.shape, dtype=bool)


@dataclass(frozen=True)
class Roll:
    """``torch.roll`` (a cyclic shift): ``u`` reads ``(u - shift) mod n``; positions outside the map read themselves.

    Examples
    --------
    >>> Roll(-3, 8).sources(np.arange(8))[0].ravel().tolist()
    [3, 4, 5, 6, 7, 0, 1, 2]
    """

    shift: int
    n_in: int
    mode: str = "zeros"
    is_identity = False
    jump = property(lambda self: Fraction(1))

    def sources(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        inside = (u >= 0) & (u < self.n_in)
        src = np.where(inside, np.mod(u - self.shift, self.n_in), u)
        return src[:, None], np.ones((len(u), 1), dtype=bool)


def identity(n: int) -> Window:
    """The rule of an operator that keeps positions (a pointwise operator)."""
    return Window(1, 1, 1, 0, 0, n)


def clip(rule: object, src: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Map unclipped positions to real input cells: padding cells read zeros (dropped) or real cells.

    Examples
    --------
    >>> rule = Window(3, 1, 1, 1, 1, 4, "reflect")
    >>> clip(rule, *rule.sources(np.array([0])))[0].tolist()
    [[1, 0, 1]]
    """
    n = rule.n_in
    mode = getattr(rule, "mode", "zeros")
    if mode == "reflect" and n > 1:
        period = 2 * (n - 1)
        m = np.mod(src, period)
        src = np.where(m < n, m, period - m)
    elif mode == "replicate":
        src = np.clip(src, 0, n - 1)
    elif mode == "circular":
        src = np.mod(src, n)
    return src, valid & (src >= 0) & (src < n)
