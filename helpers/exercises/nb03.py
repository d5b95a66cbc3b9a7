"""Exercises of notebook 03 · receptive field (answers computed from the formulas)."""

from __future__ import annotations

from .. import receptive as _receptive
from ._engine import Exercise, Mistake, register


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
        hint="r_l = r_(l-1) + (k_l - 1)·S_(l-1): a layer works at the jump S_(l-1) of the map below it, and a stride "
        "changes the jump of the layers after it.",
        explanation=lambda: "r after each layer: "
        + " → ".join(f"{row.name} {row.r}" for row in _receptive.receptive_field(_stack_03()))
        + f"; the two 3×3 convs after the pool each add 2·{_receptive.receptive_field(_stack_03())[1].S} pixels.",
        mistakes=(
            Mistake(
                "jump not doubled",
                hint="the pool's stride 2 doubles the jump S for the layers after it: each 3×3 after it adds "
                "(3 - 1)·2 input pixels, not 2.",
                value=lambda: _receptive.receptive_field(
                    [_receptive.Layer(3, padding=1), _receptive.Layer(2), _receptive.Layer(3, padding=1), _receptive.Layer(3, padding=1)]
                )[-1].r,
            ),
            Mistake(
                "updated jump used for the pool itself",
                hint="the pool reads neighbouring positions of the map below it, which are 1 input pixel apart: it "
                "adds (2 - 1)·1, not (2 - 1)·2; its stride doubles the jump of the layers after it, not its own.",
                value=lambda: _receptive.receptive_field(_stack_03())[-1].r
                + (_stack_03()[1].kernel - 1) * (_stack_03()[1].stride - 1),
            ),
            Mistake(
                "pool ignored",
                hint="the 2×2 pool reads two neighbouring positions, so it widens the field by (2 - 1)·1 = 1 "
                "pixel before it doubles the jump.",
                value=lambda: _receptive.receptive_field(_stack_03())[-1].r - 1,
            ),
        ),
    )
)

register(
    Exercise(
        key="03-doubling-depth",
        question="3×3 layers with dilations 1, 2, 4, 8, … (doubling, padding = dilation): how many layers "
        "are needed for a receptive field of 129 pixels or more?",
        expected=lambda: _doubling_depth(129),
        hint="add the layers one at a time: layer l adds (k_eff,l − 1)·S_(l−1) = 2·d_l input pixels to r; stop at the "
        "first depth whose field reaches 129.",
        explanation=lambda: (
            f"r = {', '.join(str(row.r) for row in _receptive.receptive_field([_receptive.Layer(3, dilation=2**i, padding=2**i) for i in range(_doubling_depth(129))]))}"
            f": {_doubling_depth(129)} layers. With a fixed rate 2 instead (r = 4l + 1) you would need "
            f"{_fixed_rate_depth(129, 2)} layers: a fixed rate grows the field linearly, doubling rates (like a "
            f"stride of 2 at each layer, which also shrinks the map) exponentially."
        ),
        mistakes=(
            Mistake(
                "one layer short",
                hint="check the last layer you counted: with one layer fewer the field stops just below 129.",
                value=lambda: _doubling_depth(129) - 1,
            ),
            Mistake(
                "linear growth",
                hint="that is the depth for rate-1 layers, whose field grows by 2 per layer; with doubling rates "
                "layer l adds 2·2^(l-1).",
                value=lambda: _fixed_rate_depth(129, 1),
            ),
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
            f"last = first + r - 1 = {_vgg_span(3)[1]}. Its centre {sum(_vgg_span(3)) / 2} is the middle "
            f"of the image, (224 - 1)/2 = {(224 - 1) / 2}, and it lies "
            f"{'inside' if _vgg_span(3)[0] >= 0 and _vgg_span(3)[1] <= 223 else 'partly outside'} the image; the corner outputs "
            f"(u = 0: {_vgg_span(0)}) reach {-_vgg_span(0)[0]} pixels into the zero padding."
        ),
        mistakes=(
            Mistake(
                "off by one at the end",
                hint="a window of r pixels starting at `first` ends at first + r - 1, not first + r.",
                value=lambda: [_vgg_span(3)[0], _vgg_span(3)[1] + 1],
            ),
            Mistake(
                "padding forgotten",
                hint="padded coordinates are not input coordinates: subtract the effective padding P "
                "(output 0 starts P pixels inside the padding).",
                value=lambda: [v + _receptive.receptive_field(_receptive.vgg16())[-1].P for v in _vgg_span(3)],
            ),
            Mistake(
                "u·S forgotten",
                hint="that is the window of output 0: output u starts u·S pixels further along, so add u·S "
                "(here u = 3) to both ends.",
                value=lambda: _vgg_span(0),
            ),
        ),
    )
)


def _cone_pair() -> "dict[str, list[_receptive.Layer]]":
    L = _receptive.Layer
    return {
        "A: 5×5, stride 2 at each layer": [L(5, stride=2, padding=2)] * 3,
        "B: 5×5, stride 1, dilations 1, 2, 4": [L(5, dilation=d, padding=2 * d) for d in (1, 2, 4)],
    }


def _larger_field() -> str:
    a, b = (_receptive.receptive_field(layers)[-1].r for layers in _cone_pair().values())
    return "a" if a > b else "b" if b > a else "c"


def _field_terms(layers: "list[_receptive.Layer]") -> str:
    rows = _receptive.receptive_field(layers)
    before = [1] + [row.S for row in rows[:-1]]
    return " + ".join(f"{layer.effective_kernel - 1}·{S}" for layer, S in zip(layers, before))


register(
    Exercise(
        key="03-predict-stride-or-dilation",
        question="Stack A: three 5×5 convolutions with stride 2 each. Stack B: three 5×5 convolutions with "
        "stride 1 and dilations 1, 2, 4. Which final output has the larger receptive field?",
        kind="choice",
        options={"a": "stack A (strided)", "b": "stack B (dilated)", "c": "both the same"},
        expected=_larger_field,
        hint="write r = 1 + Σ (k_eff,l - 1)·S_(l-1) for both stacks and compare the terms one by one.",
        explanation=lambda: (
            "A: r = 1 + " + _field_terms(list(_cone_pair().values())[0])
            + f" = {_receptive.receptive_field(list(_cone_pair().values())[0])[-1].r}; "
            + "B: r = 1 + " + _field_terms(list(_cone_pair().values())[1])
            + f" = {_receptive.receptive_field(list(_cone_pair().values())[1])[-1].r}. A stride multiplies the jump "
            "S of the layers after it; a dilation multiplies the span of its own kernel. Doubling either per layer "
            "gives the same terms, so the fields are equal — but A's map shrinks "
            f"{_receptive.output_stride(list(_cone_pair().values())[0])} times per axis, B's keeps its size."
        ),
        mistakes=(
            Mistake(
                "strides win",
                hint="a stride does grow the contribution of the layers after it — but so does a dilation that doubles "
                "from layer to layer: compare the terms (k_eff - 1)·S_(l-1) one by one.",
                value=lambda: "a",
            ),
            Mistake(
                "dilation wins",
                hint="dilation spreads one layer's taps, a stride spreads the taps of the layers after it: with rates "
                "1, 2, 4 against three strides of 2 the terms come out the same.",
                value=lambda: "b",
            ),
        ),
        predict_first=True,
    )
)


def _stride_position_stacks() -> "dict[str, list[_receptive.Layer]]":
    L = _receptive.Layer
    return {"a": [L(3, stride=2, padding=1)] + [L(3, padding=1)] * 3,
            "b": [L(3, padding=1)] * 3 + [L(3, stride=2, padding=1)]}


def _stride_position_answer() -> str:
    a, b = (_receptive.receptive_field(layers)[-1].r for layers in _stride_position_stacks().values())
    return "a" if a > b else "b" if b > a else "c"


register(
    Exercise(
        key="03-stride-position",
        question="Two stacks of four 3×3 convolutions (padding 1); in stack A the first layer has stride 2, in "
        "stack B the last one does. Which final output has the larger receptive field?",
        kind="choice",
        options={"a": "stack A (stride first)", "b": "stack B (stride last)", "c": "both the same"},
        expected=_stride_position_answer,
        hint="a stride changes the jump S of the layers after it; write r = 1 + Σ (k_l − 1)·S_(l−1) for both.",
        explanation=lambda: (
            "A: r = 1 + " + _field_terms(_stride_position_stacks()["a"])
            + f" = {_receptive.receptive_field(_stride_position_stacks()['a'])[-1].r}; B: r = 1 + "
            + _field_terms(_stride_position_stacks()["b"])
            + f" = {_receptive.receptive_field(_stride_position_stacks()['b'])[-1].r}. The same layers and the same "
            "total stride, yet an early stride doubles the jump of the three layers after it, a late one of no "
            "layer: this is why TF-Slim's and torchvision's ResNet-50 have different fields."
        ),
        mistakes=(
            Mistake(
                "same layers, same field",
                hint="the layers are the same, but each adds (k − 1)·S_(l−1), and the jump S_(l−1) depends on "
                "where the stride sits.",
                value=lambda: "c",
            ),
            Mistake(
                "late stride wins",
                hint="a stride widens nothing by itself: it doubles the jump of the layers after it, and the last "
                "layer has no layer after it.",
                value=lambda: "b",
            ),
        ),
    )
)
