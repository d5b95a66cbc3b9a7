"""Exercises of notebook 02 · dilation."""

from __future__ import annotations

from math import gcd

from .. import arithmetic
from ..conv import tap_residues
from ._engine import Exercise, Mistake, register

# --- 1. output size with dilation and stride -----------------------------------------------------
register(Exercise(
    key="02-output-size",
    question="A 57-pixel input, a 3-tap kernel with dilation 4, stride 2, padding 2: how long is the output?",
    expected=lambda: arithmetic.conv_output_size(57, 3, stride=2, padding=2, dilation=4),
    hint="floor((N + 2P − d(K − 1) − 1) / S) + 1: the dilated kernel spans d(K − 1) + 1 pixels.",
    explanation=lambda: (
        f"span = 4·(3 − 1) + 1 = {arithmetic.effective_kernel_size(3, 4)}; "
        f"floor((57 + 2·2 − {arithmetic.effective_kernel_size(3, 4)}) / 2) + 1 = "
        f"floor({57 + 4 - arithmetic.effective_kernel_size(3, 4)} / 2) + 1 = "
        f"{arithmetic.conv_output_size(57, 3, stride=2, padding=2, dilation=4)}"
    ),
    kind="number",
    mistakes=(
        Mistake("dilation ignored", value=lambda: arithmetic.conv_output_size(57, 3, stride=2, padding=2),
                hint="with dilation the window is wider than K: use the span d(K − 1) + 1 in place of K."),
        Mistake("span d·K", value=lambda: (57 + 4 - 4 * 3) // 2 + 1,
                hint="the span is d(K − 1) + 1, not d·K: there are K − 1 gaps of d pixels, plus the first tap."),
        Mistake("off by one", value=lambda: (57 + 4 - arithmetic.effective_kernel_size(3, 4)) // 2,
                hint="that is the number of steps; add 1 for the window at position 0."),
    ),
))

# --- 2. keep-size padding ------------------------------------------------------------------------
register(Exercise(
    key="02-keep-size",
    question="A 7×7 kernel with dilation 3, stride 1: how much padding P per side keeps the output size?",
    expected=lambda: arithmetic.same_padding(32, 7, dilation=3)[0],
    hint="the output loses d(K − 1) pixels; put half of them back on each side.",
    explanation=lambda: (
        f"P = d(K − 1)/2 = 3·6/2 = {arithmetic.same_padding(32, 7, dilation=3)[0]}; check: "
        f"conv_output_size(32, 7, padding={arithmetic.same_padding(32, 7, dilation=3)[0]}, dilation=3) = "
        f"{arithmetic.conv_output_size(32, 7, padding=arithmetic.same_padding(32, 7, dilation=3)[0], dilation=3)}"
    ),
    kind="number",
    mistakes=(
        Mistake("total vs per side", value=lambda: sum(arithmetic.same_padding(32, 7, dilation=3)),
                hint="that is the total the layer removes; half of it goes on each side."),
        Mistake("dilation ignored", value=lambda: (7 - 1) // 2,
                hint="(K − 1)/2 is the padding without holes; the dilated kernel removes d times as many pixels."),
        Mistake("span d·K", value=lambda: 3 * 7 / 2,
                hint="the layer removes d(K − 1) pixels (span − 1), not d·K."),
        Mistake("half the span, rounded up",
                value=lambda: -(-arithmetic.effective_kernel_size(7, 3) // 2),
                hint="that is half the span rounded up; the padding puts back the span minus one, d(K − 1) "
                     "pixels, half on each side."),
        Mistake("halved twice", value=lambda: arithmetic.same_padding(32, 7, dilation=3)[0] / 2,
                hint="that is half of the per-side padding: d(K − 1) pixels are lost in total, and each side "
                     "gets half of them — halve once."),
    ),
))

# --- 3. predict: which rows does S = 4, d = 3 skip? ------------------------------------------------
_SKIP_OPTIONS = {
    "a": "no row: 4 and 3 share no factor",
    "b": "one row in four (one remainder mod 4)",
    "c": "one row in two",
    "d": "one row in three",
}


def _skip_key() -> str:
    reached = len(tap_residues(3, stride=4, dilation=3))
    return {4: "a", 3: "b", 2: "c"}.get(reached, "d")


register(Exercise(
    key="02-skipped-rows",
    question=("Decide before you run anything: a 3×3 kernel, stride 4, dilation 3. Away from the borders, "
              "which rows does no tap read? " + "; ".join(f"{k}) {v}" for k, v in _SKIP_OPTIONS.items())),
    expected=_skip_key,
    hint="tap a of window i reads row 4i + 3a: which remainders mod 4 can 0, 3, 6 leave?",
    explanation=lambda: (
        f"A read row is 4i + 3a with a = 0, 1, 2, so its remainder mod 4 is one of "
        f"{tap_residues(3, stride=4, dilation=3)} — three of the four remainders. gcd(4, 3) = {gcd(4, 3)}, "
        "so no factor is shared, but three taps give three remainders, one short of four: the rows with the missing "
        "remainder go unread. With at least S interior pixels, every one of them is read only when gcd(S, d) = 1 "
        "and K ≥ S.<!-- claim: nb02-residue-all-read -->"
    ),
    kind="choice",
    options=_SKIP_OPTIONS,
    mistakes=(
        Mistake("coprime is safe", value=lambda: "a",
                hint="no shared factor is not enough: K = 3 taps reach 3 of the 4 remainders mod 4, not 4."),
        Mistake("S = d = 2 pattern", value=lambda: "c",
                hint="one row in two is the pattern of a shared factor 2 (S = d = 2); here list 0, 3, 6 mod 4."),
        Mistake("mod d instead of mod S", value=lambda: "d",
                hint="windows start S = 4 rows apart, so count remainders mod 4, not mod the dilation."),
    ),
    predict_first=True,
))

# --- 4. which change leaves no interior row unread -----------------------------------------------------
_FIX_OPTIONS = {
    "a": "dilation 3 instead of 2 (still 3 taps)",
    "b": "dilation 3 and a 4-tap kernel",
    "c": "a 5-tap kernel, dilation still 2",
}
_FIX_SETTINGS = {"a": (3, 3), "b": (4, 3), "c": (5, 2)}   # option -> (K, d), stride 4


def _full(k: int, d: int, s: int = 4) -> bool:
    return len(tap_residues(k, stride=s, dilation=d)) == s


register(Exercise(
    key="02-full-cover",
    question=("On a long input, stride 4 with a 3-tap kernel at dilation 2 leaves rows unread. Which change leaves no interior row "
              "unread? " + "; ".join(f"{k}) {v}" for k, v in _FIX_OPTIONS.items())),
    expected=lambda: next(key for key, (k, d) in _FIX_SETTINGS.items() if _full(k, d)),
    hint="two conditions together: no factor shared by S and d, and K ≥ S taps.",
    explanation=lambda: "; ".join(
        f"{key}) K={k}, d={d}: gcd(4, {d}) = {gcd(4, d)}, remainders reached {tap_residues(k, stride=4, dilation=d)}"
        for key, (k, d) in _FIX_SETTINGS.items()
    ) + (". b reaches the four remainders, so on a long input every interior row is read: gcd(S, d) = 1 and "
         "K ≥ S.<!-- claim: nb02-residue-all-read --> On a short input, whose interior holds "
         "fewer than S rows, a or c may also leave no interior row unread."),
    kind="choice",
    options=_FIX_OPTIONS,
    mistakes=(
        Mistake("coprime is enough", value=lambda: "a",
                hint="gcd(4, 3) = 1, but 3 taps reach 3 of the 4 remainders, not 4: K ≥ S is needed too."),
        Mistake("more taps is enough", value=lambda: "c",
                hint="with d = 2 and S = 4 the taps land on even offsets 0, 2, 4, …: even remainders and no odd one, however many taps."),
    ),
))
