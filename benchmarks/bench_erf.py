"""Heavier demos: the effective receptive field (ERF) of a stack, and an image through a dilated stack.

``effective_receptive_field`` back-propagates a unit gradient through the
stack with the reference transposed convolution. Target: a 10-layer 3×3 stack
on a 256×256 input in <= 1 s. The other rows are what notebooks 03 and 05 are
likely to show (random weights; the dilated context module of Yu & Koltun; a
forward pass of a 512×512 image through that module) and are informational.

Run: ``python benchmarks/bench_erf.py [--quick]``
"""

from __future__ import annotations

import argparse
import sys

import _common as C
import numpy as np

from helpers import Layer, context_module, conv2d, effective_receptive_field, receptive_field

TARGET_S = 1.0


def _forward(image: np.ndarray, layers: list[Layer], kernels: list[np.ndarray]) -> np.ndarray:
    out = image
    for layer, k in zip(layers, kernels):
        out = conv2d(out, k, stride=layer.stride, padding=layer.padding, dilation=layer.dilation)
    return out


def make_table(quick: bool = False) -> C.Table:
    """The table :func:`run` fills: its title and columns (``run_all.py --columns`` prints them)."""
    return C.Table("Heavier demos: effective receptive field and a dilated stack" + (" (quick: tiny sizes)" if quick else ""),
                   ["computation", "median ms", "target", "verdict"])


def run(quick: bool = False) -> list[C.Table]:
    repeats = 2 if quick else 11
    size, big = (32, 64) if quick else (256, 512)
    stack = [Layer(3, padding=1)] * 10
    ctx = context_module()
    rng = np.random.default_rng(0)
    image = rng.standard_normal((big, big))
    kernels = [np.full((layer.kernel, layer.kernel), 1.0 / layer.kernel**2) for layer in ctx]

    # Correctness before timing: the ERF's support is the receptive field (r = 21 for ten 3x3 layers).
    erf = effective_receptive_field(stack, size)
    r = receptive_field(stack)[-1].r
    C.check(int((erf[(size - 1) // 2] > 0).sum()) == min(r, size), f"ERF support {int((erf > 0).sum(axis=1).max())} != r = {r}")
    C.check(_forward(image, ctx, kernels).shape == image.shape, "context module changed the size")

    rows = {
        f"ERF, 10 × 3×3 (uniform), {size}×{size}": (lambda: effective_receptive_field(stack, size), True),
        f"ERF, 10 × 3×3 (random, seeded), {size}×{size}": (lambda: effective_receptive_field(stack, size, weights="random"), False),
        f"ERF, context module (dilations 1–16), {size}×{size}": (lambda: effective_receptive_field(ctx, size), False),
        f"forward pass, context module, {big}×{big} image": (lambda: _forward(image, ctx, kernels), False),
    }
    samples = C.measure({k: f for k, (f, _) in rows.items()}, repeats)
    table = make_table(quick)
    for label, (_, targeted) in rows.items():
        t = C.median(samples[label])
        table.add(label, C.ms(t), "≤ 1000" if targeted else "", C.verdict(t, TARGET_S) if targeted else "")
    table.notes.append(f"median of {repeats} runs each, round-robin after one warm-up call")
    return [table]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, 2 repeats (a smoke run)")
    args = parser.parse_args(argv)
    C.print_report(run(args.quick), C.machine())
    return 0


if __name__ == "__main__":
    sys.exit(main())
