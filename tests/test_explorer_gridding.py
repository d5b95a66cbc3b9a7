"""The dilated-stack explorer's JavaScript (notebook 05) is a second implementation: compare it with helpers.

Node runs the exact code anywidget and the stored HTML receive
(``inline_module("gridding_explorer.js", "gridding_arith.js")``) through
``tests/gridding_runner.mjs``. Compared, for every setting of the controls with 2 layers
(all rates 1–12, all K 2–5: 576 stacks) and a seeded sample of 2,500 three- and four-layer ones
(``SH_EXHAUSTIVE=1``: all 90,432 settings, a few minutes): every number and the sentence the explorer shows
against :func:`helpers.hdc_report`, :func:`helpers.gridding_by_definition`,
:func:`helpers.coverage_stats`, :func:`helpers.coverage_map` and :func:`helpers.gridding_sentence`.
The pictures: the probe image against :func:`helpers.probe_image`, the filtered pictures against
:func:`helpers.stack_response` and PyTorch's ``F.conv2d`` (dilation, ``padding="same"``) for a
seeded sample; the traced output's input pixels against PyTorch autograd.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import helpers
from helpers.gridding import gridding_sentence
from helpers.explorers import gridding as G
from helpers.explorers.static import inline_module

RUNNER = Path(__file__).with_name("gridding_runner.mjs")
NODE = shutil.which("node")
RATES = range(G.GRIDDING_LIMITS["rate"][0], G.GRIDDING_LIMITS["rate"][1] + 1)
KERNELS = range(G.GRIDDING_LIMITS["kernel"][0], G.GRIDDING_LIMITS["kernel"][1] + 1)


def run_js(cases: list[dict]) -> list:
    if NODE is None:
        from browser_support import in_ci

        if in_ci():
            pytest.fail("CI=true, so the explorer tests must run: install node (apt-get install nodejs)", pytrace=False)
        pytest.skip("the explorer tests need node: apt-get install nodejs")
    bundle = inline_module("gridding_explorer.js", "gridding_arith.js", "esm")
    proc = subprocess.run([NODE, str(RUNNER)], input=json.dumps({"bundle": bundle, "cases": cases}),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def settings() -> list[tuple[tuple[int, ...], int]]:
    """Every 2- and 3-layer setting of the controls, and 2,000 seeded 4-layer ones (all with SH_EXHAUSTIVE=1)."""
    every = [(rates, k) for n in range(2, 5) for rates in itertools.product(RATES, repeat=n) for k in KERNELS]
    if os.environ.get("SH_EXHAUSTIVE") == "1":
        return every
    two = [(rates, k) for rates, k in every if len(rates) == 2]
    return two + random.Random(5).sample([s for s in every if len(s[0]) > 2], 2500)


def expected(rates: tuple[int, ...], k: int) -> list:
    rep = helpers.hdc_report(rates, kernel=k)
    kinds = helpers.gridding_by_definition(rates, kernel=k)
    stats = helpers.coverage_stats(helpers.dilated_stack(rates, kernel=k))
    centre = sum(layer.pads()[0] for layer in helpers.dilated_stack(rates, kernel=k))
    return [stats.r, stats.reached, rep.holes, rep.max_gap, rep.common_factor, rep.paper_rule, rep.hdc,
            kinds.shared_fraction, kinds.disjoint_neighbours, kinds.finest_pattern_kept, centre,
            gridding_sentence(rep, shared=kinds.shared_fraction)]


def test_limits_are_read_from_the_js_and_match_the_widget_they_replace():
    (got,) = run_js([{"op": "limits"}])
    assert got == {"limits": G.GRIDDING_LIMITS, "image_size": G.IMAGE_SIZE}
    assert G.GRIDDING_LIMITS == {"layers": [2, 4], "rate": [1, 12], "kernel": [2, 5]}  # the old widget's sliders
    from helpers.claims.reach import ranges

    assert ranges("explorer.gridding") == {"layers": (2, 3, 4), "rates": tuple(range(1, 13)), "k": (2, 3, 4, 5)}


def test_every_number_and_sentence_equals_helpers():
    stacks = settings()
    (got,) = run_js([{"op": "numbers", "stacks": [[list(r), k] for r, k in stacks], "counts": False}])
    bad = []
    for (rates, k), row in zip(stacks, got):
        want = expected(rates, k)
        if row != want:
            bad.append((rates, k, [(i, a, b) for i, (a, b) in enumerate(zip(row, want)) if a != b]))
    assert not bad, f"{len(bad)} of {len(stacks)} settings differ, e.g. {bad[:3]}"
    assert len(stacks) >= 3076


def test_path_counts_equal_the_coverage_map():
    stacks = random.Random(1).sample(settings(), 400) + [((12, 12, 12, 12), 5), ((1, 1), 2), ((2, 4, 8), 3)]
    (got,) = run_js([{"op": "numbers", "stacks": [[list(r), k] for r, k in stacks], "counts": True}])
    for (rates, k), row in zip(stacks, got):
        counts = np.array(row[-1])
        assert np.array_equal(np.outer(counts, counts), helpers.coverage_map(helpers.dilated_stack(rates, kernel=k))), (rates, k)


def picture_sample() -> list[tuple[tuple[int, ...], int]]:
    rnd = random.Random(7)
    out = [((2, 4, 8), 3), ((1, 2, 5), 2), ((12, 12, 12, 12), 5), ((1, 1), 4), ((3, 7), 2)]
    for _ in range(10):
        n = rnd.choice((2, 3, 4))
        out.append((tuple(rnd.choice(RATES) for _ in range(n)), rnd.choice(KERNELS)))
    return out


@pytest.mark.filterwarnings("ignore:Using padding='same'")
def test_pictures_equal_helpers_and_pytorch():
    sample = picture_sample()
    got = run_js([{"op": "pictures", "rates": list(r), "k": k} for r, k in sample])
    n = G.IMAGE_SIZE
    board = (np.indices((n, n)).sum(axis=0) % 2).astype(float)  # the checkerboard, written again here
    torch = None
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:  # pragma: no cover - torch is in the test extras
        pass
    for (rates, k), js in zip(sample, got):
        pic = np.array(js["picture"]).reshape(n, n)
        assert np.array_equal(pic, helpers.probe_image(n))
        assert np.array_equal(np.array(js["board"]).reshape(n, n), board)
        layers = helpers.dilated_stack(rates, kernel=k)
        for img, key in ((pic, "picture_out"), (board, "board_out")):
            out = np.array(js[key]).reshape(n, n)
            assert np.allclose(out, helpers.stack_response(img, layers), atol=1e-12, rtol=0), (rates, k, key)
            if torch is not None:
                x = torch.tensor(img, dtype=torch.float64)[None, None]
                for d in rates:  # (even K: PyTorch warns that it pads a copy)
                    x = F.conv2d(x, torch.full((1, 1, k, k), 1.0 / k**2, dtype=torch.float64), dilation=d, padding="same")
                assert np.allclose(out, x[0, 0].numpy(), atol=1e-12, rtol=0), (rates, k, key, "torch")


@pytest.mark.filterwarnings("ignore:Using padding='same'")
def test_the_trace_reads_what_pytorch_autograd_reads():
    torch = pytest.importorskip("torch")
    import torch.nn.functional as F

    rnd = random.Random(11)
    n = G.IMAGE_SIZE
    cases = [((2, 4, 8), 3, (32, 32)), ((1, 2, 5), 2, (0, 63)), ((12, 12, 12, 12), 5, (5, 40)), ((12, 1), 3, (0, 0))]
    for _ in range(20):
        m = rnd.choice((2, 3, 4))
        cases.append((tuple(rnd.choice(RATES) for _ in range(m)), rnd.choice(KERNELS), (rnd.randrange(n), rnd.randrange(n))))
    got = run_js([{"op": "readout", "state": {"layers": len(r), "rates": list(r) + [1] * (4 - len(r)), "kernel": k},
                   "trace": list(yx)} for r, k, yx in cases])
    for (rates, k, (y, x)), js in zip(cases, got):
        img = torch.zeros(1, 1, n, n, dtype=torch.float64, requires_grad=True)
        out = img
        for d in rates:
            out = F.conv2d(out, torch.ones(1, 1, k, k, dtype=torch.float64), dilation=d, padding="same")
        out[0, 0, y, x].backward()
        read = (img.grad[0, 0] != 0).numpy().astype(int)
        assert np.array_equal(np.array(js["footprint"]).reshape(n, n), read), (rates, k, y, x)
        r = (k - 1) * sum(rates) + 1
        assert js["read"] == int(read.sum())
        assert js["lines"][1]["text"] == (f"Output ({y}, {x}) reads the {int(read.sum())} input "
                                          f"{'pixel' if read.sum() == 1 else 'pixels'} painted blue: the pixels of its {r}×{r} "
                                          "receptive field joined to it by a path that stays inside the picture.")


def test_readout_without_a_trace_is_the_helpers_sentence():
    state = G.gridding_state()
    (got,) = run_js([{"op": "readout", "state": state, "trace": None}])
    assert got["lines"][0]["text"] == gridding_sentence(helpers.hdc_report((2, 4, 8)), shared=0.0)
    assert got["lines"][1]["role"] == "trace" and got["footprint"] is None


@pytest.mark.filterwarnings("ignore:Using padding='same'")
def test_the_own_pixel_line_appears_exactly_when_pytorch_reads_no_path_to_it():
    """The read-out's 'own pixel is a hole' line, against PyTorch: a delta at an interior position through the
    stack (all-ones K-tap layers, padding='same'); the output there is zero exactly when no chain of taps leads back."""
    torch = pytest.importorskip("torch")
    import torch.nn.functional as F

    every = settings()
    cases = [s for s in every if len(s[0]) == 2] + random.Random(8).sample([s for s in every if len(s[0]) > 2], 300)
    got = run_js([{"op": "readout", "state": {"layers": len(r), "rates": list(r) + [1] * (4 - len(r)), "kernel": k},
                   "trace": None} for r, k in cases])
    holes = 0
    for (rates, k), js in zip(cases, got):
        n = 2 * (k - 1) * sum(rates) + 3
        x = torch.zeros(1, 1, n, dtype=torch.float64)
        x[0, 0, n // 2] = 1.0
        for d in rates:
            x = F.conv1d(x, torch.ones(1, 1, k, dtype=torch.float64), dilation=d, padding="same")
        hole = bool(x[0, 0, n // 2] == 0)
        holes += hole
        roles = [line["role"] for line in js["lines"]]
        assert roles == ["sentence", "trace"] + (["centre"] if hole else []), (rates, k, roles)
        if hole:
            assert k % 2 == 0, (rates, k)
            assert js["lines"][2]["text"].startswith("The green + is a hole: no path reaches the input pixel at the output's own position.")
    assert holes > 0, "the sample must contain a stack whose own pixel is a hole (K 2, rates 2, 4 is one)"


def test_state_validation_and_the_stored_bundle():
    assert G.gridding_state(rates=(1, 2))["layers"] == 2
    for bad, match in [({"layers": 5}, "layers"), ({"rates": (0, 2)}, r"rates\[0\]"), ({"rates": (1,)}, "rates"),
                       ({"kernel": 1}, "kernel"), ({"rates": "12"}, "rates")]:
        with pytest.raises(ValueError, match=match):
            G.gridding_state(**bad)
    pytest.importorskip("anywidget")
    ex = helpers.explorers.dilated_stack_explorer(rates=(1, 2, 5), kernel=3)
    data, _ = ex._repr_mimebundle_()
    assert {"text/plain", "text/html", "image/png"} <= set(data)
    shared = helpers.gridding_by_definition((1, 2, 5)).shared_fraction
    assert data["text/plain"].endswith(gridding_sentence(helpers.hdc_report((1, 2, 5)), shared=shared))
    assert len(data["text/html"]) < 600_000 and "http" not in data["text/html"]
    again, _ = ex._repr_mimebundle_()
    assert all(again[key] == data[key] for key in ("text/plain", "text/html", "image/png")), "deterministic outputs"
    import base64

    from helpers._pngtext import read_words

    words = read_words(base64.b64decode(data["image/png"]))
    assert "rates 1, 2, 5" in words and "0 holes" in words
    ex.rates = [2, 4, 8, 1]
    assert ex.used_rates() == (2, 4, 8) and ex.report().holes == 616


def test_import_helpers_stays_light():
    code = "import sys, helpers, helpers.explorers; print(sorted(m for m in ('anywidget', 'matplotlib', 'torch', 'ipywidgets') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(Path(helpers.__file__).parent.parent)})
    assert out.stdout.strip() == "[]"
