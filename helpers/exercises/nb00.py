"""Exercises of notebook 00 · start here."""

from __future__ import annotations

from .. import arithmetic
from ._engine import Exercise, Mistake, register

# Chosen so that the shortcut ceil(N/S) (right only for "same" padding) gives a different answer (6),
# and so that each usual slip below gives its own number.
_N, _K, _S, _P = 11, 5, 2, 1


def _size(n: int = _N, k: int = _K, s: int = _S, p: int = _P) -> int:
    return arithmetic.conv_output_size(n, k, stride=s, padding=p)


register(Exercise(
    key="00-warmup",
    question=f"An {_N}-pixel-wide input, a {_K}-tap kernel, stride {_S}, padding {_P}: how wide is the output?",
    expected=lambda: _size(),
    hint="count the window positions: floor((N + 2P − K) / S) + 1.",
    explanation=lambda: (
        f"floor(({_N} + 2*{_P} - {_K}) / {_S}) + 1 = floor({_N + 2 * _P - _K} / {_S}) + 1 = {_size()}"
    ),
    kind="number",
    mistakes=(
        Mistake("off by one, or the padding left out",
                hint="that leaves out the window at position 0 (the +1), or the padding: the padded input has "
                     "N + 2P pixels, and the first window counts too.",
                value=lambda: (_N + 2 * _P - _K) // _S),
        Mistake("padding and the +1 both left out",
                hint="that is (N − K) / S rounded down: two things are missing — the padding (the padded input "
                     "has N + 2P pixels) and the +1 for the window at position 0.",
                value=lambda: (_N - _K) // _S),
        Mistake("ceil(N / S)",
                hint="ceil(N / S) is the size with 'same' padding (P = (K − 1)/2 for an odd K)."
                     " Here P is smaller, so count the window "
                     "positions: floor((N + 2P − K) / S) + 1.",
                value=lambda: -(-_N // _S)),
        Mistake("input ÷ stride",
                hint="N / S ignores the kernel and the padding; count where windows can start: floor((N + 2P − K) / S) + 1.",
                when=lambda ans: isinstance(ans, float) and abs(ans - _N / _S) < 1e-9,
                example=lambda: _N / _S),
    ),
))

_DILATION_OPTIONS = {
    "a": "the number of weights",
    "b": "the span it covers (first to last tap)",
    "c": "the multiply-adds per output value",
    "d": "both the span and the multiply-adds",
}

register(Exercise(
    key="00-what-grows",
    question=("Decide before you run anything: the dilation of a 3×3 layer goes from 1 to 4. What grows? "
              + "; ".join(f"{k}) {v}" for k, v in _DILATION_OPTIONS.items())),
    expected=lambda: "b",
    hint="dilation spaces the same taps apart; count the taps, then the pixels from the first to the last.",
    explanation=lambda: (
        f"the span grows: {arithmetic.effective_kernel_size(3, 1)} → {arithmetic.effective_kernel_size(3, 4)} "
        f"pixels (K + (K − 1)(d − 1)). The kernel still has 3·3 = 9 weights, and the holes between the taps "
        f"are skipped, not multiplied by zero, so each output value still needs 9 multiply-adds per channel pair."
        f"<!-- claim: nb00-dilation-cost -->"
    ),
    kind="choice",
    options=_DILATION_OPTIONS,
    mistakes=(
        Mistake("weights grow", hint="the kernel is still a 3×3 grid of weights; dilation moves them apart and adds no weight.",
                value=lambda: "a"),
        Mistake("compute grows",
                hint="the pixels in the holes are skipped, not multiplied by zero: still 9 products per output.",
                value=lambda: "c"),
        Mistake("span and compute",
                hint="the span does grow, but the compute does not: the holes are skipped, not multiplied.",
                value=lambda: "d"),
    ),
    predict_first=True,
))
