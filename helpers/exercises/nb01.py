"""Exercises of notebook 01 · stride."""

from __future__ import annotations

import numpy as np

from .. import arithmetic
from ..conv import conv2d, tap_counts
from ._engine import Exercise, Mistake, register


def _never_read(n: int, k: int, s: int, p: int, d: int = 1) -> "list[int]":
    """Input indices that no tap reads (via :func:`helpers.conv.tap_counts`)."""
    return [int(i) for i in np.flatnonzero(tap_counts(n, k, stride=s, padding=p, dilation=d) == 0)]


# --- 1. output size ------------------------------------------------------------------------------
register(Exercise(
    key="01-output-size",
    question="A 28×28 input, a 5×5 kernel, stride 3, no padding: how many rows does the output have?",
    expected=lambda: arithmetic.conv_output_size(28, 5, stride=3),
    hint="count the window positions: floor((N + 2P − K) / S) + 1 — round down, then add the first window.",
    explanation=lambda: (
        f"floor((28 + 2·0 − 5) / 3) + 1 = floor({28 - 5} / 3) + 1 = {(28 - 5) // 3} + 1 = "
        f"{arithmetic.conv_output_size(28, 5, stride=3)}"
    ),
    kind="number",
    mistakes=(
        Mistake("off by one", hint="that is the number of steps; add 1 for the window at position 0.",
                value=lambda: (28 - 5) // 3),
        Mistake("ceil for floor",
                hint="a last window that would stick out past the input is not computed: round (N + 2P − K)/S down.",
                value=lambda: -(-(28 - 5) // 3) + 1),
        Mistake("N / S", hint="dividing N by S ignores the kernel's overhang: count where windows can start.",
                when=lambda ans: isinstance(ans, float) and abs(ans - 28 / 3) < 0.01, example=lambda: 28 / 3),
        Mistake("ceil(N / S)",
                hint="ceil(N / S) is the size with 'same' padding; with no padding the window must fit inside "
                     "the input, so count the starts: floor((N + 2P − K) / S) + 1.",
                value=lambda: -(-28 // 3)),
        Mistake("stride forgotten",
                hint="that is the count at stride 1 (a window at each start); with stride 3 the window jumps 3 pixels: "
                     "divide the room for starts, N + 2P − K, by S before adding 1.",
                value=lambda: 28 - 5 + 1),
    ),
))

# --- 2. never-visited rows -----------------------------------------------------------------------
# Not the opening animation's settings (10, 4, 3, 1), whose key frame names its never-visited row.
_NV = dict(n=11, k=2, s=3, p=1)


def _nv_starts() -> "list[int]":
    """Padded start of every window that fits (the counting of section 3)."""
    n, k, s, p = _NV["n"], _NV["k"], _NV["s"], _NV["p"]
    return list(range(0, arithmetic.conv_output_size(n, k, stride=s, padding=p) * s, s))


register(Exercise(
    key="01-never-visited",
    question=(f"An input {_NV['n']} rows tall, a kernel {_NV['k']} rows tall, stride {_NV['s']}, padding {_NV['p']}: "
              "which input rows (0-based, input coordinates) does no window ever read? Answer with a list, e.g. [0, 5]."),
    expected=lambda: _never_read(**_NV),
    hint=("list the windows in padded coordinates: they start at 0, S, 2S, … as long as start + K ≤ N + 2P; "
          "then subtract P to get input rows."),
    explanation=lambda: (
        f"{len(_nv_starts())} windows start at padded rows {_nv_starts()} and each covers {_NV['k']} rows: "
        f"padded rows {[r for a in _nv_starts() for r in range(a, a + _NV['k'])]}. Subtract P = {_NV['p']} for "
        f"input rows; the stride ({_NV['s']}) is larger than the kernel ({_NV['k']}), so rows between windows are "
        f"skipped too. Read by no window: {_never_read(**_NV)}"
    ),
    kind="list",
    mistakes=(
        Mistake("padded coordinates",
                hint="that is a padded index: the padding adds P rows before the input, so subtract P.",
                value=lambda: [i + _NV["p"] for i in _never_read(**_NV)]),
        Mistake("padding forgotten",
                hint="with padding 1 the windows start one row earlier in input coordinates: redo the list with "
                     "the padded length N + 2P.",
                value=lambda: _never_read(_NV["n"], _NV["k"], _NV["s"], 0)),
        Mistake("only after the last window",
                hint="here the stride is larger than the kernel: besides the rows after the last window, the "
                     "window jumps over rows between two positions.",
                value=lambda: [i for i in _never_read(**_NV) if i > _nv_starts()[-1] + _NV["k"] - 1 - _NV["p"]]),
    ),
))

# --- 3. TensorFlow's SAME split -------------------------------------------------------------------
register(Exercise(
    key="01-same-split",
    question=("TensorFlow, padding='SAME', a 7-pixel input, a 4-tap kernel, stride 2: how many zeros go before "
              "and after the input? Answer as a pair (before, after)."),
    expected=lambda: arithmetic.same_padding(7, 4, stride=2),
    hint="the output is ceil(N/S); total padding = (out − 1)·S + K − N; before = total // 2, the rest after.",
    explanation=lambda: (
        f"out = ceil(7/2) = {-(-7 // 2)}; total = ({-(-7 // 2)} − 1)·2 + 4 − 7 = "
        f"{sum(arithmetic.same_padding(7, 4, stride=2))}; before = total // 2, so "
        f"{arithmetic.same_padding(7, 4, stride=2)}: the extra zero goes after"
    ),
    kind="pair",
    mistakes=(
        Mistake("extra zero before",
                hint="TensorFlow puts the odd zero *after* the input: before = total // 2.",
                value=lambda: tuple(reversed(arithmetic.same_padding(7, 4, stride=2)))),
        Mistake("total as per-side",
                hint="that is the total padding on each side; split the total between before and after.",
                value=lambda: (sum(arithmetic.same_padding(7, 4, stride=2)),) * 2),
        Mistake("half pixels",
                hint="padding is whole pixels: round the first half down and give the rest to 'after'.",
                value=lambda: (sum(arithmetic.same_padding(7, 4, stride=2)) / 2,) * 2),
    ),
))


# --- 4. predict: shift the input one pixel ------------------------------------------------------
def _shift_demo() -> "tuple[bool, int]":
    """Is a stride-2 output of a one-pixel-shifted input a shift of the old output? (and the dense shift)"""
    rng = np.random.default_rng(7)
    x = rng.standard_normal((1, 24))
    w = rng.standard_normal((1, 3))
    y = conv2d(x, w, stride=(1, 2))[0]
    shifted = np.roll(x, 1, axis=1)
    shifted[0, 0] = 0.0
    y2 = conv2d(shifted, w, stride=(1, 2))[0]
    same_as_a_shift = any(np.allclose(y2[m:], y[: len(y) - m]) or np.allclose(y2[: len(y2) - m], y[m:])
                          for m in range(0, 3))
    dense, dense2 = conv2d(x, w)[0], conv2d(shifted, w)[0]
    return same_as_a_shift, int(np.allclose(dense2[1:], dense[:-1]))


register(Exercise(
    key="01-shift",
    question=("Decide before you run anything: a stride-2 convolution, and the input moves one pixel to the right. "
              "Is the new output the old output moved by a whole number of output pixels? Answer True or False."),
    expected=lambda: _shift_demo()[0],
    hint="write the strided output as the dense output with the values at even positions kept; what does a one-pixel shift do "
         "to the dense output, and which of its values are kept afterwards?",
    explanation=lambda: (
        "The dense (stride-1) output moves one pixel along with the input "
        f"(checked: {bool(_shift_demo()[1])}), but the stride keeps the dense values at even positions, and after "
        "the shift those hold what used to sit at odd positions — values the old strided output had thrown away. "
        f"Checked on a random row: the new output equals a shift of the old one: {_shift_demo()[0]}. "
        "A strided layer is not shift-equivariant: a shift by S pixels moves its output by one output pixel "
        "away from the borders, a one-pixel shift (as here) does not.<!-- claim: nb01-shift-by-s -->"
    ),
    kind="bool",
    mistakes=(
        Mistake("equivariance assumed", value=lambda: True,
                hint="a dense convolution does shift with its input; the stride then keeps different dense values."),
    ),
    predict_first=True,
))

# --- 5. which padding keeps the size for an even kernel ----------------------------------------
_EVEN_OPTIONS = {
    "a": "2 zeros on each side",
    "b": "1.5 zeros on each side",
    "c": "1 zero before and 2 after",
    "d": "no padding can keep the size",
}


def _keeps(before: int, after: int, n: int = 10) -> bool:
    return arithmetic.conv_output_size(n, 4, padding=(before, after)) == n


register(Exercise(
    key="01-even-kernel",
    question=("Which padding keeps the output size at stride 1 for a 4-tap kernel? "
              + "; ".join(f"{k}) {v}" for k, v in _EVEN_OPTIONS.items())),
    expected=lambda: next(k for k, pads in (("a", (2, 2)), ("c", (1, 2))) if _keeps(*pads)),
    hint="the layer removes K − 1 pixels; how can an odd number of zeros be split between the two sides?",
    explanation=lambda: (
        f"A 4-tap kernel removes 4 − 1 = 3 pixels, an odd number, so no symmetric padding gives them back: "
        f"2 per side gives {arithmetic.conv_output_size(10, 4, padding=2)} outputs for 10 inputs. Splitting 3 as "
        f"1 before and 2 after gives {arithmetic.conv_output_size(10, 4, padding=(1, 2))} — TensorFlow's 'same' "
        f"split {arithmetic.same_padding(10, 4)}, which PyTorch's padding='same' also uses at stride 1."
    ),
    kind="choice",
    options=_EVEN_OPTIONS,
    mistakes=(
        Mistake("total vs per side", value=lambda: "a",
                hint="2 per side is 4 zeros in total, one more than the K − 1 = 3 the layer removes: the output grows."),
        Mistake("half pixels", value=lambda: "b", hint="padding is whole pixels: there is no half zero."),
        Mistake("symmetric only", value=lambda: "d",
                hint="no *symmetric* padding works, but the two sides may differ."),
    ),
))


# --- 6. which dense output does a strided output keep -------------------------------------------
_DI = dict(n=40, k=5, p=2, s=3, j=7)


def _dense_index() -> int:
    """The dense output whose window starts where strided output j's window starts (padded coordinates)."""
    n, k, p, s, j = _DI["n"], _DI["k"], _DI["p"], _DI["s"], _DI["j"]
    strided_starts = list(range(0, n + 2 * p - k + 1, s))    # padded start of each strided window
    dense_starts = list(range(0, n + 2 * p - k + 1))         # the same at stride 1
    return dense_starts.index(strided_starts[j])


register(Exercise(
    key="01-dense-index",
    question=(f"A {_DI['n']}-pixel input, a {_DI['k']}-tap kernel, padding {_DI['p']}, stride {_DI['s']}. "
              f"Output {_DI['j']} of this layer (counting from 0) equals which output of the same layer with "
              "stride 1? Answer with its index."),
    expected=_dense_index,
    hint="output j of a stride-S layer reads the window that starts at padded pixel j·S; which dense output "
         "starts there?",
    explanation=lambda: (
        f"Strided output {_DI['j']} reads the window starting at padded pixel {_DI['j']}·{_DI['s']} = "
        f"{_DI['j'] * _DI['s']}; the dense layer has one window per padded start 0, 1, 2, …, so it is dense output "
        f"{_dense_index()}. Both layers use the same padded input, so the padding does not shift the index: "
        f"strided = dense[::{_DI['s']}]."
    ),
    kind="number",
    mistakes=(
        Mistake("index unchanged", value=lambda: _DI["j"],
                hint="the strided layer skips windows: its output j sits S windows further along per step."),
        Mistake("padding added", value=lambda: _DI["j"] * _DI["s"] + _DI["p"],
                hint="both layers read the same padded input, so the padding shifts neither: no +P."),
        Mistake("padding subtracted", value=lambda: _DI["j"] * _DI["s"] - _DI["p"],
                hint="j·S − P is the window's start in input coordinates; the dense output's index is its start "
                     "in padded coordinates, like the strided one's."),
        Mistake("off by one", value=lambda: _DI["j"] * _DI["s"] + 1,
                hint="counting from 0, output j starts at j·S: output 0 starts at 0."),
        Mistake("divided by the stride", value=lambda: _DI["j"] // _DI["s"],
                hint="the dense layer has more outputs, not fewer: multiply by the stride."),
    ),
))
