"""Exercises of notebook 04 · output stride and heatmaps (answers computed from the formulas)."""

from __future__ import annotations

from .. import arithmetic
from .. import receptive as _receptive
from ._engine import Exercise, Mistake, register

def _nb04_block4_factor() -> float:
    def block4(os_: int) -> int:
        return sum(c.macs for c in _receptive.resnet50_costs(512, output_stride=os_) if c.name.startswith("block4"))

    return block4(8) / block4(16)


# Not asked in the notebook any more (the optional cost section prints its answer, "x4" per layer,
# before the exercises); kept registered because the engine's tests use it as a real float question
# and as the spoiler check's known case.
register(
    Exercise(
        key="04-compute-factor",
        question=(
            "ResNet-50 on a 512×512 input goes from output stride 16 to 8 (DeepLab's move): "
            "by what factor do block 4's multiply-adds grow?"
        ),
        expected=_nb04_block4_factor,
        hint="block 4's maps grow by the removed stride along each axis; multiply-adds scale with H·W.",
        explanation=lambda: (
            f"block 4's maps go from {_receptive.output_sizes(_receptive.resnet50(16), 512)[-1]}² to "
            f"{_receptive.output_sizes(_receptive.resnet50(8), 512)[-1]}² cells while its weights stay the same, "
            f"so its multiply-adds grow by the square of the side ratio, {_nb04_block4_factor():g}."
        ),
    )
)

#: The crop of the predict-first question (not a size the notebook prints before it).
_CROP = 353


def _aspp_heatmap(rate: int, crop: int = _CROP) -> int:
    return _receptive.output_sizes(_receptive.resnet50_with_head(16, rate), crop)[-1]


register(
    Exercise(
        key="04-predict-aspp",
        question=(
            f"DeepLab runs ResNet-50 at output stride 16 on a {_CROP}×{_CROP} crop, its ASPP branch at rate 12 "
            "with padding = rate. You double the rate to 24 (padding still = rate). How many heatmap cells "
            "per side now?"
        ),
        expected=lambda: _aspp_heatmap(24),
        hint="the rate enters a layer's size through its span d(K-1)+1, and padding = d(K-1)/2 cancels it; "
        "the strides set the size.",
        explanation=lambda: (
            f"The backbone gives ceil({_CROP}/16) = {arithmetic.heatmap_size(_CROP, 16)} cells. The 3×3 head at "
            f"rate d with padding d outputs N + 2d - 2d = N cells: {_aspp_heatmap(12)} at rate 12, "
            f"{_aspp_heatmap(24)} at rate 24. Doubling the rate widens what each cell sees "
            f"({_receptive.receptive_field(_receptive.resnet50_with_head(16, 12), input_size=_CROP)[-1].r} → "
            f"{_receptive.receptive_field(_receptive.resnet50_with_head(16, 24), input_size=_CROP)[-1].r} px), not how many cells there are."
        ),
        mistakes=(
            Mistake(
                "rates enlarge the heatmap",
                hint="a larger rate spreads the taps of each cell further apart; it adds no cells. Removing "
                "a stride (a smaller output stride) is what adds cells.",
                value=lambda: 2 * _aspp_heatmap(24),
            ),
            Mistake(
                "floor for ceil",
                hint="'same' padding rounds up: a partial block at the border still gets a cell, ceil(N/OS).",
                value=lambda: _CROP // 16,
            ),
            Mistake(
                "the 513 crop's answer reused",
                hint="that is the size for DeepLab's 513 crop; this crop is 353 pixels: redo ceil(N/16) for it.",
                value=lambda: arithmetic.heatmap_size(513, 16),
            ),
            Mistake(
                "doubling the rate halves the resolution",
                hint="the output stride is the product of the strides, and no stride changed: it stays 16.",
                value=lambda: arithmetic.heatmap_size(_CROP, 32),
            ),
        ),
        predict_first=True,
    )
)


def _which_doubles() -> str:
    base = _receptive.output_sizes(_receptive.resnet50_with_head(16, 12), 512)[-1]
    rates = _receptive.output_sizes(_receptive.resnet50_with_head(16, 24), 512)[-1]
    stride = _receptive.output_sizes(_receptive.resnet50_with_head(8, 12), 512)[-1]
    if stride == 2 * base and rates != 2 * base:
        return "b"
    if rates == 2 * base and stride != 2 * base:
        return "a"
    return "c"


register(
    Exercise(
        key="04-which-doubles",
        question=(
            "ResNet-50 at output stride 16 with an ASPP branch at rate 12 (padding = rate) on a 512×512 input. "
            "Which single change doubles the heatmap side?"
        ),
        kind="choice",
        options={
            "a": "doubling the atrous rates (padding = rate)",
            "b": "removing the last stride (output stride 8), rates unchanged",
            "c": "neither alone: both together are needed",
        },
        expected=_which_doubles,
        hint="the heatmap side is ceil(N/OS) for a 'same'-padded network; ask which change alters OS.",
        explanation=lambda: (
            f"OS 16: {_receptive.output_sizes(_receptive.resnet50_with_head(16, 12), 512)[-1]} cells; "
            f"rate 24: {_receptive.output_sizes(_receptive.resnet50_with_head(16, 24), 512)[-1]}; "
            f"OS 8: {_receptive.output_sizes(_receptive.resnet50_with_head(8, 12), 512)[-1]}. Removing the stride "
            "alone doubles the side. DeepLab also doubles the rates, but for another reason: the taps of a "
            "rate-d convolution on an OS map are d·OS pixels apart, so at OS 8 the rates must double to keep "
            "each branch's field of view."
        ),
        mistakes=(
            Mistake(
                "rates set the size",
                hint="with padding = rate, a 3×3 layer keeps its input size at each rate: rates change what a "
                "cell sees, not how many cells there are.",
                value=lambda: "a",
            ),
            Mistake(
                "both are needed",
                hint="DeepLab does both, but the heatmap doubles from the stride alone; the doubled rates "
                "restore each cell's field of view.",
                value=lambda: "c",
            ),
        ),
    )
)

register(
    Exercise(
        key="04-encdec-size",
        question=(
            "SimpleBaselines: ResNet-50 (output stride 32, sizes ceil(N/32)) followed by three transposed "
            "convolutions with k=4, s=2, p=1. For a 150×150 input, how many heatmap cells per side?"
        ),
        expected=lambda: arithmetic.encoder_decoder_size(150),
        hint="size the encoder first (ceil(N/32)), then apply the transposed-convolution size "
        "(m - 1)·s - 2p + k to it three times.",
        explanation=lambda: (
            f"encoder: ceil(150/32) = {arithmetic.heatmap_size(150, 32)}; each transposed conv maps m to "
            f"(m - 1)·2 - 2 + 4 = 2m, so {arithmetic.heatmap_size(150, 32)} → "
            f"{arithmetic.encoder_decoder_size(150, upsampling_layers=1)} → "
            f"{arithmetic.encoder_decoder_size(150, upsampling_layers=2)} → {arithmetic.encoder_decoder_size(150)}. "
            f"Its cells are 32/8 = 4 pixels apart, yet the side is not ceil(150/4) = {arithmetic.heatmap_size(150, 4)}."
        ),
        mistakes=(
            Mistake(
                "ceil(N/OS) for an encoder-decoder",
                hint="ceil(N/4) is the rule for a network without upsampling; here the encoder rounds up at 32 "
                "first, and the decoder doubles that rounded size.",
                value=lambda: arithmetic.heatmap_size(150, 4),
            ),
            Mistake(
                "floor for ceil",
                hint="the encoder's 'same'-like padding rounds up: ceil(150/32), not floor.",
                value=lambda: 8 * (150 // 32),
            ),
            Mistake(
                "stopped after the encoder",
                hint="that is the encoder's map; the three transposed convolutions each double it.",
                value=lambda: arithmetic.encoder_decoder_size(150, upsampling_layers=0),
            ),
            Mistake(
                "stopped after one transposed convolution",
                hint="that is after the first transposed convolution; there are three, each doubling its input.",
                value=lambda: arithmetic.encoder_decoder_size(150, upsampling_layers=1),
            ),
            Mistake(
                "stopped after two transposed convolutions",
                hint="one transposed convolution is missing: SimpleBaselines has three, each doubling its input.",
                value=lambda: arithmetic.encoder_decoder_size(150, upsampling_layers=2),
            ),
            Mistake(
                "N / OS, floored",
                hint="two roundings happen: ceil at the encoder, then exact doubling; N // 4 uses neither.",
                value=lambda: 150 // 4,
            ),
        ),
    )
)


#: The map, rate and depth of the copied-padding question (sizes the notebook does not print before it).
_MAP, _RATE, _DEPTH = 33, 3, 3


def _copied(padding: int = 1, depth: int = _DEPTH) -> int:
    return _receptive.output_sizes([_receptive.Layer(3, dilation=_RATE, padding=padding)] * depth, _MAP)[-1]


register(
    Exercise(
        key="04-mismatched-padding",
        question=(
            f"A {_MAP}×{_MAP} map goes through {_DEPTH} 3×3 convolutions with atrous rate {_RATE} but padding 1 "
            "(copied from a rate-1 layer), stride 1: how many cells per side are left?"
        ),
        expected=_copied,
        hint="a dilated 3×3 kernel spans 2d + 1 pixels; with padding P each layer gives N + 2P - 2d.",
        explanation=lambda: (
            f"each layer: N + 2·1 - 2·{_RATE} = N - {2 * _RATE - 2}, so {_MAP} -> "
            + " -> ".join(str(_copied(depth=k)) for k in range(1, _DEPTH + 1))
            + f". With padding {_RATE} (= rate) each layer keeps {_copied(padding=_RATE)}."
        ),
        mistakes=(
            Mistake(
                "padding assumed to match",
                hint=f"padding 1 is right for rate 1; a rate-{_RATE} 3×3 kernel spans {2 * _RATE + 1} pixels and "
                f"needs padding {_RATE} per side to keep the size.",
                value=lambda: _MAP,
            ),
            Mistake(
                "one layer only",
                hint=f"there are {_DEPTH} layers, and each loses its border: apply N + 2P - 2d {_DEPTH} times.",
                value=lambda: _copied(depth=1),
            ),
            Mistake(
                "padding forgotten",
                hint=f"the padding of 1 per side gives back 2 pixels per layer: each layer loses 2d - 2P = {2 * _RATE - 2}.",
                value=lambda: _copied(padding=0),
            ),
        ),
    )
)

register(
    Exercise(
        key="04-aspp-rates",
        question=(
            "DeepLab uses ASPP rates (6, 12, 18) at output stride 16. A network running at output stride 4 "
            "should see the same field of view: which three rates? (a list)"
        ),
        expected=lambda: [rate * 16 // 4 for rate in (6, 12, 18)],
        hint="the taps of a rate-d convolution on a stride-OS map are d·OS input pixels apart: keep d·OS constant.",
        explanation=lambda: (
            "taps are rate × OS input pixels apart: "
            + ", ".join(f"{rate}·16 = {rate * 16}" for rate in (6, 12, 18))
            + "; at OS 4 that needs rates "
            + ", ".join(f"{rate * 16}/4 = {rate * 16 // 4}" for rate in (6, 12, 18))
            + " (OS 8 gives DeepLab's doubled rates "
            + ", ".join(str(rate * 16 // 8) for rate in (6, 12, 18))
            + ")."
        ),
        mistakes=(
            Mistake(
                "OS 8's rates",
                hint="those are the rates for output stride 8; at OS 4 the map is twice as dense again, so "
                "the rates double once more.",
                value=lambda: [rate * 16 // 8 for rate in (6, 12, 18)],
            ),
            Mistake(
                "rates moved the wrong way",
                hint="a smaller output stride puts neighbouring cells closer, so each tap must skip more cells: "
                "the rates grow, by 16/4.",
                when=lambda ans: isinstance(ans, (list, tuple)) and len(ans) == 3
                and all(isinstance(a, (int, float)) and a < r for a, r in zip(ans, (6, 12, 18))),
                example=lambda: [rate // 2 for rate in (6, 12, 18)],
            ),
        ),
    )
)


register(
    Exercise(
        key="04-paint-vs-look",
        question=(
            "DeepLab (ResNet-50, output stride 16, 512×512 input) resizes its 32×32 logits to the image. "
            "Which change moves the pixel on which cell 31 is painted, while leaving the input pixels that "
            "cell reads unchanged?"
        ),
        kind="choice",
        options={
            "a": "resizing with align_corners=False instead of align_corners=True",
            "b": "a larger rate in the ASPP branch (padding = rate)",
            "c": "output stride 8 instead of 16",
        },
        expected=lambda: _paint_vs_look(),
        hint="separate the two: where a cell looks is its receptive field (set by the layers); where it is "
        "painted is the decoder's convention (set by the resizing).",
        explanation=lambda: (
            "the resizing is a decoding convention: align_corners=True paints cell u on u·(N−1)/(n−1) = "
            f"{_painted(True):.2f}, align_corners=False on (u + 0.5)·N/n − 0.5 = {_painted(False):.2f}; the "
            "layers, and so what the cell reads, are untouched. A larger rate widens the cell's receptive "
            "field (it reads more pixels) but keeps the map, so the painting rule is unchanged. Output stride 8 "
            "changes the map to 64 cells: both what cell 31 reads and where it is painted move."
        ),
        mistakes=(
            Mistake(
                "the rate moves the cell",
                hint="a larger rate (padding = rate) keeps the 32-cell map, so the resizing paints cell 31 where it "
                "did; the rate changes what the cell reads.",
                value=lambda: "b",
            ),
            Mistake(
                "the output stride moves only the painting",
                hint="a smaller output stride changes the layers: the map has more cells and cell 31 reads other "
                "pixels, so it fails the second half of the question.",
                value=lambda: "c",
            ),
        ),
    )
)


def _painted(align_corners: bool, u: int = 31, n: int = 32, big: int = 512) -> float:
    """Where a bilinear resize of n cells to big pixels puts cell u (PyTorch's two conventions)."""
    return u * (big - 1) / (n - 1) if align_corners else (u + 0.5) * big / n - 0.5


def _paint_vs_look() -> str:
    """The option that changes the painted position but not the receptive field, computed."""
    def window(layers, u):
        row = _receptive.receptive_field(layers, input_size=512)[-1]
        return (u * row.S - row.P, u * row.S - row.P + row.r - 1)

    base = _receptive.resnet50_with_head(16, 6)
    looks_same = {
        "a": True,  # same layers
        "b": window(_receptive.resnet50_with_head(16, 12), 31) == window(base, 31),
        "c": window(_receptive.resnet50_with_head(8, 12), 31) == window(base, 31),
    }
    moves = {
        "a": _painted(False) != _painted(True),
        "b": _receptive.output_sizes(_receptive.resnet50_with_head(16, 12), 512)[-1]
        != _receptive.output_sizes(base, 512)[-1],
        "c": _receptive.output_sizes(_receptive.resnet50_with_head(8, 12), 512)[-1]
        != _receptive.output_sizes(base, 512)[-1],
    }
    (answer,) = [k for k in "abc" if looks_same[k] and moves[k]]
    return answer
