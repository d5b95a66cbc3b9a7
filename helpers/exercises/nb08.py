"""Exercises of notebook 08 · audit a real network (answers computed from the course's formulas).

No PyTorch is needed to check an answer: the expected sizes come from
:func:`helpers.receptive.output_sizes` on the course's layer lists of the same
torchvision networks, which notebook 08 checks against the real models.
"""

from __future__ import annotations

from ..gridding import valid_weight_fraction
from ..receptive import output_sizes, resnet50, vgg16
from ._engine import Exercise, Mistake, register

_ASPP_RATES = (12, 24, 36)  # torchvision's deeplabv3_resnet50 (output stride 8)


def _vgg_size(n: int) -> int:
    return output_sizes(vgg16(), n)[-1]


def _resnet_size(n: int, output_stride: int) -> int:
    return output_sizes(resnet50(output_stride, variant="torchvision"), n)[-1]


def _steps(layers: list, n: int) -> str:
    sizes = [n] + [s for s in output_sizes(layers, n)]
    distinct = [s for i, s in enumerate(sizes) if i == 0 or s != sizes[i - 1]]
    return " → ".join(str(s) for s in distinct)


def _map_side(crop: int, output_stride: int = 8) -> int:
    return _resnet_size(crop, output_stride)


def _centre_only_rates(crop: int, output_stride: int = 8) -> list[int]:
    side = _map_side(crop, output_stride)
    return [rate for rate in _ASPP_RATES if valid_weight_fraction(side, rate)[1] == 1.0]


register(
    Exercise(
        key="08-vgg-size",
        question="Predict first: torchvision's VGG-16 `features` on a 200×200 image. How wide is the last feature map?",
        expected=lambda: _vgg_size(200),
        mistakes=(
            Mistake("ceil for floor", value=lambda: -(-200 // 32),
                    hint="that is ceil(200 / 32): VGG's 2×2 pools have no padding and round *down* at each of the five steps "
                         "(25 → 12, not 13). Halve five times, dropping the half each time."),
            Mistake("one pool short", value=lambda: output_sizes(vgg16(), 200)[-2],
                    hint="that is the size after four pools: `features` ends with the fifth max pool (pool5)."),
        ),
        hint=(
            "VGG's five 2×2 max pools have no padding and ceil_mode=False, so each one rounds *down*: "
            "halve 200 five times, dropping the half each time (rounding up, or 200/32 rounded, is the usual slip)."
        ),
        explanation=lambda: (
            f"{_steps(vgg16(), 200)}: floor((n - 2) / 2) + 1 = floor(n / 2) at each pool, so "
            f"the map is {_vgg_size(200)} wide (ceil(200 / 32) would say 7)."
        ),
    )
)

register(
    Exercise(
        key="08-resnet-os16-size",
        question=(
            "Predict first: torchvision's ResNet-50 with replace_stride_with_dilation=[False, False, True] "
            "(output stride 16), input 300×300. How wide is layer4's output?"
        ),
        expected=lambda: _resnet_size(300, 16),
        mistakes=(
            Mistake("floor for ceil", value=lambda: 300 // 16,
                    hint="that is floor(300 / 16): the strided 3×3 convolutions pad by 1, so each one gives "
                         "ceil(n / 2) — odd sizes round *up*."),
            Mistake("output stride 32", value=lambda: _resnet_size(300, 32),
                    hint="that is layer4 at output stride 32: replace_stride_with_dilation=[False, False, True] "
                         "removes layer4's stride (it dilates instead), so layer4 keeps layer3's size."),
        ),
        hint=(
            "each strided layer of torchvision's ResNet pads so that it rounds *up* (ceil(n / 2)); "
            "with stride 16 in total that is ceil(300 / 16). Rounding down, or dividing by 32, are the usual slips."
        ),
        explanation=lambda: (
            f"{_steps(resnet50(16, variant='torchvision'), 300)}, each strided layer giving ceil(n / 2); the last stride is replaced by dilation, so layer4 stays "
            f"at {_resnet_size(300, 16)} (at output stride 32 it would be {_resnet_size(300, 32)})."
        ),
    )
)

register(
    Exercise(
        key="08-degenerate-rates",
        question=(
            "DeepLabV3-ResNet50 (output stride 8, ASPP rates 12, 24, 36) on a 257×257 crop. Which of the three "
            "rates keep just the centre tap inside the feature map, at each output position (so act as a 1×1 convolution)? "
            "Answer with a list, e.g. [12]."
        ),
        expected=lambda: _centre_only_rates(257),
        kind="list",
        mistakes=(
            Mistake("output stride 16", value=lambda: _centre_only_rates(257, 16),
                    hint="that would hold at output stride 16 (a map of ceil(257 / 16) cells); this DeepLabV3 runs "
                         "at output stride 8, so its map is twice as wide."),
            Mistake("compared with the crop", value=lambda: [],
                    hint="compare each rate with the *feature map's* side, not with the 257-pixel crop: the taps "
                         "move over the map, ceil(257 / 8) cells wide."),
        ),
        hint=(
            "first the map size (ceil(257 / 8)); a 3×3 tap at offset ±rate stays outside an n-wide map at "
            "each output position when rate >= n; a rate below n reaches the map from some positions."
        ),
        explanation=lambda: (
            f"the feature map is {_map_side(257)}×{_map_side(257)}; rates >= {_map_side(257)} put both side taps "
            f"in the padding everywhere: {sorted(_centre_only_rates(257))}."
        ),
    )
)

register(
    Exercise(
        key="08-why-average",
        question=(
            "verify() measures which input cells an output reaches by back-propagating through a copy whose max "
            "pools are replaced by a sum over the same window. Why? (a) the gradient of a max pool goes to the "
            "largest cell of each window alone, so it would hide cells the output does depend on; (b) a sum is "
            "faster; (c) max pooling has no gradient in PyTorch. Answer 'a', 'b' or 'c'."
        ),
        expected=lambda: "a",
        kind="choice",
        options={
            "a": "the gradient of a max pool goes to the largest cell of each window alone",
            "b": "a sum is faster",
            "c": "max pooling has no gradient in PyTorch",
        },
        mistakes=(
            Mistake("speed", value=lambda: "b",
                    hint="speed does not change *which* cells are reached; think about where the gradient of max() goes."),
            Mistake("no gradient", value=lambda: "c",
                    hint="PyTorch's max pool does have a gradient — for the winning cell of each window, and zero elsewhere."),
        ),
        hint=(
            "PyTorch's max pool does have a gradient, and speed does not change which cells are reached: "
            "think about where the gradient of a max goes."
        ),
        explanation=lambda: (
            "the gradient of max() goes to the winning cell alone, so which cells light up would depend on the "
            "values; a sum sends gradient to each cell its window reads, which is the set the field counts."
        ),
    )
)
