"""Exercises of notebook 04 · output stride and heatmaps (answers computed from the formulas)."""

from __future__ import annotations

from .. import arithmetic
from .. import receptive as _receptive
from ._engine import Exercise, register


def _nb04_block4_factor() -> float:
    def block4(os_: int) -> int:
        return sum(c.macs for c in _receptive.resnet50_costs(512, output_stride=os_) if c.name.startswith("block4"))

    return block4(8) / block4(16)


def _nb04_mismatched() -> int:
    return _receptive.output_sizes([_receptive.Layer(3, dilation=2, padding=1)] * 3, 65)[-1]


register(
    Exercise(
        key="04-heatmap-size",
        question="A 'same'-padded network with output stride 16 gets a 321×321 crop: how many heatmap cells per side?",
        expected=lambda: arithmetic.heatmap_size(321, 16),
        hint="with 'same' padding every stride-s layer rounds up: the heatmap has ceil(N / OS) cells per side.",
        explanation=lambda: (
            f"ceil(321 / 16) = ceil({321 / 16:.4g}) = {arithmetic.heatmap_size(321, 16)}; "
            f"DeepLab's formula (N - 1)/OS + 1 = {(321 - 1) // 16 + 1} agrees because 321 = {(321 - 1) // 16}·16 + 1."
        ),
    )
)

register(
    Exercise(
        key="04-mismatched-padding",
        question=(
            "A 65×65 map goes through three 3×3 convolutions with atrous rate 2 but padding 1 "
            "(copied from a rate-1 layer), stride 1: how many cells per side are left?"
        ),
        expected=_nb04_mismatched,
        hint="a dilated 3×3 kernel spans 2d + 1 pixels; with padding P each layer gives N + 2P - 2d.",
        explanation=lambda: (
            f"each layer: N + 2·1 - 2·2 = N - 2, so 65 -> {_receptive.output_sizes([_receptive.Layer(3, dilation=2, padding=1)], 65)[-1]}"
            f" -> ... -> {_nb04_mismatched()}. With padding 2 (= rate) every layer keeps "
            f"{_receptive.output_sizes([_receptive.Layer(3, dilation=2, padding=2)] * 3, 65)[-1]}."
        ),
    )
)

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
    )
)
