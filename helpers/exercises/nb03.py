"""Exercises of notebook 03 · receptive field (answers computed from the formulas)."""

from __future__ import annotations

from .. import receptive as _receptive
from ._engine import Exercise, register


def _stack_03() -> "list[_receptive.Layer]":
    """3×3 conv, 2×2 max-pool stride 2, 3×3 conv, 3×3 conv (all convs padded by 1)."""
    L = _receptive.Layer
    return [L(3, padding=1, name="conv1"), L(2, stride=2, name="pool1", kind="pool"),
            L(3, padding=1, name="conv2"), L(3, padding=1, name="conv3")]


def _doubling_depth(target: int) -> int:
    """Fewest 3×3 layers with dilations 1, 2, 4, … whose receptive field reaches ``target``."""
    depth = 1
    while _receptive.receptive_field(
        [_receptive.Layer(3, dilation=2**i, padding=2**i) for i in range(depth)]
    )[-1].r < target:
        depth += 1
    return depth


def _fixed_rate_depth(target: int, rate: int) -> int:
    depth = 1
    while _receptive.receptive_field([_receptive.Layer(3, dilation=rate, padding=rate)] * depth)[-1].r < target:
        depth += 1
    return depth


def _vgg_span(u: int) -> "list[int]":
    """First and last input pixel of the receptive field of VGG-16 pool5 output ``u``."""
    row = _receptive.receptive_field(_receptive.vgg16())[-1]
    first = -row.P + u * row.S
    return [first, first + row.r - 1]


register(
    Exercise(
        key="03-pool-stack",
        question="A 3×3 conv, a 2×2 max-pool with stride 2, then two more 3×3 convs (stride 1): "
        "how many input pixels wide is the receptive field of one final output?",
        expected=lambda: _receptive.receptive_field(_stack_03())[-1].r,
        hint="r_l = r_(l-1) + (k_l - 1)·S_(l-1): after the pool every 3×3 adds 2 × the jump, and the jump is 2.",
        explanation=lambda: "r after each layer: "
        + " → ".join(f"{row.name} {row.r}" for row in _receptive.receptive_field(_stack_03()))
        + f"; the two 3×3 convs after the pool each add 2·{_receptive.receptive_field(_stack_03())[1].S} pixels.",
    )
)

register(
    Exercise(
        key="03-doubling-depth",
        question="3×3 layers with dilations 1, 2, 4, 8, … (doubling, padding = dilation): how many layers "
        "are needed for a receptive field of at least 129 pixels?",
        expected=lambda: _doubling_depth(129),
        hint="with doubling rates r_l = 2^(l+1) - 1; find the first l where that reaches 129.",
        explanation=lambda: (
            f"r = {', '.join(str(row.r) for row in _receptive.receptive_field([_receptive.Layer(3, dilation=2**i, padding=2**i) for i in range(_doubling_depth(129))]))}"
            f": {_doubling_depth(129)} layers. With a fixed rate 2 instead (r = 4l + 1) you would need "
            f"{_fixed_rate_depth(129, 2)} layers: only doubling rates grow exponentially."
        ),
    )
)

register(
    Exercise(
        key="03-vgg-span",
        question="VGG-16 on a 224×224 image gives a 7×7 pool5 map. Which input pixels (per axis) does pool5 "
        "output index 3, the middle of the map, see? Answer [first, last].",
        expected=lambda: _vgg_span(3),
        hint="output u sees input pixels u·S - P … u·S - P + r - 1 (Araujo et al.), with r, S, P from the table.",
        explanation=lambda: (
            f"pool5 has r = {_receptive.receptive_field(_receptive.vgg16())[-1].r}, "
            f"S = {_receptive.receptive_field(_receptive.vgg16())[-1].S}, "
            f"P = {_receptive.receptive_field(_receptive.vgg16())[-1].P}: first = 3·S - P = {_vgg_span(3)[0]}, "
            f"last = first + r - 1 = {_vgg_span(3)[1]}. Its centre {sum(_vgg_span(3)) / 2} is exactly the middle "
            f"of the image, (224 - 1)/2 = {(224 - 1) / 2}, and it lies "
            f"{'inside' if _vgg_span(3)[0] >= 0 and _vgg_span(3)[1] <= 223 else 'partly outside'} the image; the corner outputs "
            f"(u = 0: {_vgg_span(0)}) reach {-_vgg_span(0)[0]} pixels into the zero padding."
        ),
    )
)
