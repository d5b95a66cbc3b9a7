"""The answers of notebook 02's stride-with-dilation exercises, checked by listing every tap (issue 10)."""

from __future__ import annotations

import numpy as np

from helpers import exercises


def _interior_unread_residues(n: int, k: int, s: int, d: int) -> set[int]:
    """Remainders mod ``s`` of the interior rows no tap reads: every window of the unpadded input, listed tap by tap."""
    read = [0] * n
    start = 0
    while start + d * (k - 1) < n:  # a window is kept while its last tap is inside
        for t in range(k):
            read[start + t * d] += 1
        last_start = start
        start += s
    return {x % s for x in range((k - 1) * d, last_start + 1) if read[x] == 0}


def test_skipped_rows_answer_matches_brute_force():
    """02-skipped-rows: K=3, S=4, d=3 leaves exactly one remainder mod 4 unread (option b)."""
    unread = _interior_unread_residues(200, 3, 4, 3)
    assert len(unread) == 1
    assert exercises.registry()["02-skipped-rows"].expected() == "b"


def test_full_cover_answer_matches_brute_force():
    """02-full-cover: only option b (K=4, d=3) reads every interior row at stride 4."""
    settings = {"a": (3, 3), "b": (4, 3), "c": (5, 2)}
    full = [key for key, (k, d) in settings.items() if not _interior_unread_residues(200, k, 4, d)]
    assert full == [exercises.registry()["02-full-cover"].expected()]


def test_shift_answer_false_for_every_stride_2_seed():
    """01-shift: a one-pixel input shift never gives a shifted stride-2 output on random rows (10 seeds)."""
    from helpers import conv2d

    for seed in range(10):
        rng = np.random.default_rng(seed)
        x = rng.standard_normal((1, 24))
        w = rng.standard_normal((1, 3))
        moved = np.concatenate([np.zeros((1, 1)), x[:, :-1]], axis=1)
        y, y2 = conv2d(x, w, stride=(1, 2))[0], conv2d(moved, w, stride=(1, 2))[0]
        assert not any(np.allclose(y2[m:], y[: len(y) - m]) or np.allclose(y2[: len(y2) - m], y[m:]) for m in range(3))
        dense, dense2 = conv2d(x, w)[0], conv2d(moved, w)[0]
        assert np.allclose(dense2[1:], dense[:-1])
    assert exercises.registry()["01-shift"].expected() is False


def test_notebook_questions_match_the_registered_exercises():
    """Notebooks 00-02: the markdown question before each check cell names the same numbers as the
    registered exercise (a question edited in one place only would check the wrong answer)."""
    import json
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "notebooks"
    for name in ("00_start_here", "01_stride", "02_dilation"):
        cells = json.loads((root / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]
        for i, cell in enumerate(cells):
            match = re.search(r"exercises\.check\(['\"]([^'\"]+)['\"]", "".join(cell["source"]))
            if cell["cell_type"] != "code" or not match:
                continue
            question = "".join(cells[i - 1]["source"])
            registered = exercises.registry()[match.group(1)].question
            numbers = lambda text: sorted(re.findall(r"\d+(?:\.\d+)?", text))  # noqa: E731
            assert numbers(registered) == numbers(re.sub(r"^\*\*\d\.(?: Warm-up\.)?\*\*", "", question.strip())), (
                name, match.group(1))


def test_keep_size_slips_of_issue_19_get_their_own_hints():
    """Issue 19: 10 (half the span, rounded up) and 4.5 (halved twice) used to get the generic hint."""
    assert exercises.check_answer("02-keep-size", 3 * (7 - 1) // 2)[0]       # d(K-1)/2 = 9
    assert exercises.mistake_for("02-keep-size", 10) == "half the span, rounded up"
    assert exercises.mistake_for("02-keep-size", 4.5) == "halved twice"
