"""The design lab explorer (notebook 07, issue 23): its shipped JavaScript against helpers and PyTorch.

* every design number (``A.designNumbers``) equals ``helpers.design_report``'s, exactly, for every
  output stride × head-rate choice × upsampling choice, at a seeded sample of input sizes plus the
  edges of the range (the input size enters only through the feature side ceil(n/OS));
* the two-objects verdict: peaks per grid offset for every peak grid the explorer reaches and every
  distance of its slider, equal to ``helpers.find_peaks`` on the Python twin's heatmap;
* ties: the rendered heatmaps are equal bit for bit (so the exact comparisons of ``find_peaks`` see the
  same ties), and ``A.findPeaks`` equals ``helpers.find_peaks`` on maps full of ties;
* the read-out's sentences equal the Python summary's, percentages rounded as Python rounds them;
* sizes against PyTorch: ``F.conv2d`` through ResNet-50 and the head, ``F.conv_transpose2d``,
  ``F.interpolate`` on zero tensors;
* the standalone page runs with no kernel in Chromium and a control move changes picture and read-out.
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from helpers import coverage_map, design_report, find_peaks
from helpers.explorers import design as D
from helpers.receptive import Layer, resnet50

RUNNER = Path(__file__).with_name("design_runner.mjs")
NODE = shutil.which("node")


def run_js(cases: list[dict]) -> list:
    if NODE is None:
        from browser_support import in_ci

        if in_ci():
            pytest.fail("CI=true, so the explorer tests must run: install node", pytrace=False)
        pytest.skip("the explorer tests need node")
    payload = json.dumps({"bundle": D.module_source("esm"), "cases": cases})
    proc = subprocess.run([NODE, str(RUNNER)], input=payload, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


#: ``XP_DESIGN_FULL=1`` runs the full sweeps (about 2 minutes; run for the issue-23 report with 0 differences):
#: 40 input sizes × 189 designs, and every distance at every peak grid (14,091 offsets).
FULL = os.environ.get("XP_DESIGN_FULL") == "1"


def input_sizes() -> list[int]:
    lo, hi = D.LIMITS["input_size"]
    rng = random.Random(7)
    if not FULL:
        return [lo, 33, 255, 257, 512, 513, hi]
    edges = {lo, lo + 1, 63, 64, 65, 255, 256, 257, 383, 384, 385, 511, 512, 513, hi - 1, hi}
    return sorted(edges | set(rng.sample(range(lo, hi + 1), 24)))


def designs():
    for n in input_sizes():
        for os_ in D.LIMITS["output_stride"]:
            for rates in D.RATE_CHOICES.values():
                for up, mode in D.UPSAMPLE_CHOICES.values():
                    yield n, os_, rates, up, mode


FIELDS = ("feature_size", "heatmap_size", "heatmap_stride", "peak_stride", "receptive_field", "holes",
          "hole_fraction", "hdc", "full_kernel_share", "few_taps_share", "centre_only_share", "neighbour_share")


def test_every_design_number_equals_helpers():
    cases = [{"op": "design", "n": n, "os": o, "rates": list(r), "up": u, "mode": m} for n, o, r, u, m in designs()]
    got = run_js(cases)
    diffs = []
    for case, js in zip(cases, got):
        r = design_report(case["n"], case["os"], rates=tuple(case["rates"]), upsample=case["up"],
                          upsample_mode=case["mode"])
        for f in FIELDS:
            if js[f] != getattr(r, f) or type(js[f] is None) is not type(getattr(r, f) is None):
                diffs.append((case, f, js[f], getattr(r, f)))
        kinds = [w.split(":")[0].split()[0] for w in r.warnings]
        if js["warnings"] != kinds:
            diffs.append((case, "warnings", js["warnings"], kinds))
        if r.rates:
            c = np.array(js["coverage"])
            if not np.array_equal(np.outer(c, c), coverage_map([Layer(3, dilation=v) for v in r.rates])):
                diffs.append((case, "coverage"))
        if js["largest_rate"] != (max(r.rates) if r.rates else None):
            diffs.append((case, "largest_rate"))
    assert len(cases) == len(input_sizes()) * 3 * 9 * 7
    assert diffs == [], diffs[:5]


def peak_grids() -> set[tuple[int, int]]:
    """(peak stride, bilinear factor) of every design the explorer offers."""
    out = set()
    for os_ in D.LIMITS["output_stride"]:
        for up, mode in D.UPSAMPLE_CHOICES.values():
            out.add((os_ // up, 1) if mode == "deconv" else (os_, up))
    return out


def test_two_objects_verdict_equals_helpers_at_every_distance_and_offset():
    lo, hi = D.LIMITS["distance"]
    grids = sorted(peak_grids())
    assert (1, 1) in grids and (32, 8) in grids and len(grids) == 15
    rng = random.Random(2)
    cases = [{"op": "objects", "distance": d, "s": s, "f": f} for s, f in grids
             for d in (range(lo, hi + 1) if FULL or s <= 8 else sorted(rng.sample(range(lo, hi + 1), 6)))]
    got = run_js(cases)
    diffs = [(c, js) for c, js in zip(cases, got) if js != D.two_objects(c["distance"], c["s"], c["f"])]
    offsets = sum(len(js) for js in got)
    assert offsets > (14_000 if FULL else 2_000)
    assert diffs == [], diffs[:5]


def test_rendered_heatmaps_are_equal_bit_for_bit():
    rng = random.Random(3)
    grids = sorted(peak_grids())
    cases = []
    for _ in range(300):
        s, f = rng.choice(grids)
        cases.append({"op": "heatmap", "distance": rng.randint(*D.LIMITS["distance"]), "s": s,
                      "offset": rng.randrange(s), "f": f})
    got = run_js(cases)
    for c, js in zip(cases, got):
        h = D.objects_heatmap(c["distance"], c["s"], c["offset"], c["f"])
        assert [[v.hex() if False else np.float64(v).tobytes()[::-1].hex() for v in row] for row in h] == js, c


def test_find_peaks_ties_equal_helpers():
    """Maps of small integers (plateaus and tied neighbours everywhere), both plateau modes."""
    rng = np.random.default_rng(11)
    cases, maps = [], []
    for _ in range(400):
        shape = tuple(rng.integers(1, 9, size=2))
        h = rng.integers(0, 3, size=shape).astype(float)
        thr = float(rng.choice([0.0, 0.5, 1.0]))
        maps.append((h, thr))
        for mode in ("merge", "keep"):
            cases.append({"op": "peaks", "h": h.tolist(), "threshold": thr, "plateaus": mode})
    # the docstring's 2×2 plateau and a bilinear ×2 lone peak (four tied maxima)
    from helpers import bilinear_upsample

    lone = np.zeros((7, 7))
    lone[3, 3] = 1.0
    for h in (np.array([[0, 0, 0, 0], [0, 5, 5, 0], [0, 5, 5, 0]], float), bilinear_upsample(lone, 14)):
        maps.append((h, 0.0))
        cases += [{"op": "peaks", "h": h.tolist(), "threshold": 0.0, "plateaus": m} for m in ("merge", "keep")]
    got = run_js(cases)
    for k, (h, thr) in enumerate(maps):
        for j, mode in enumerate(("merge", "keep")):
            assert got[2 * k + j] == find_peaks(h, threshold=thr, plateaus=mode).tolist(), (h, thr, mode)
    assert len(got[-2]) == 1 and len(got[-1]) == 4  # the lone peak: four tied maxima, one plateau


def test_percent_rounds_as_python():
    xs = [k / d for d in (8, 16, 17, 32, 64, 200, 1000) for k in range(d + 1)] + [0.125, 0.005, 0.945, 0.995]
    got = run_js([{"op": "pct", "x": x} for x in xs])
    assert got == [f"{x:.0%}" for x in xs]


def test_readout_equals_the_python_summary():
    rng = random.Random(5)
    states = [D.design_state()] + [
        D.design_state(input_size=rng.randint(*D.LIMITS["input_size"]), output_stride=rng.choice(D.LIMITS["output_stride"]),
                       rates=rng.choice(list(D.RATE_CHOICES)), upsampling=rng.choice(list(D.UPSAMPLE_CHOICES)),
                       distance=rng.randrange(D.LIMITS["distance"][0], D.LIMITS["distance"][1] + 1, D.DISTANCE_STEP))
        for _ in range(60)
    ]
    got = run_js([{"op": "readout", "state": s} for s in states])
    for s, lines in zip(states, got):
        assert lines == D.design_summary(s).splitlines()[1:], s


def test_heatmap_sizes_against_pytorch():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    import torch.nn.functional as F

    def backbone_side(os_: int, n: int) -> int:
        x = torch.zeros(1, 1, n, 1)
        for L in resnet50(os_):
            span = L.dilation * (L.kernel - 1) + 1
            if L.padding == "same":  # TensorFlow SAME: total padding split with the extra pixel after
                size = x.shape[2]
                total = max((math.ceil(size / L.stride) - 1) * L.stride + span - size, 0)
                x = F.pad(x, (0, 0, total // 2, total - total // 2))
            else:
                p0, p1 = L.padding if isinstance(L.padding, tuple) else (L.padding, L.padding)
                x = F.pad(x, (0, 0, p0, p1))
            x = F.conv2d(x, torch.zeros(1, 1, L.kernel, 1), stride=(L.stride, 1), dilation=(L.dilation, 1))
        return x.shape[2]

    rng = random.Random(1)
    sizes = [32, 513, 1024] + rng.sample(range(32, 1025), 1)
    cases, expected = [], []
    for n in sizes:
        for os_ in D.LIMITS["output_stride"]:
            side = backbone_side(os_, n)
            x = torch.zeros(1, 1, side, side)
            # a head layer keeps the size (padding = rate)
            x = F.conv2d(x, torch.zeros(1, 1, 3, 3), padding=48, dilation=48)
            for up, mode in D.UPSAMPLE_CHOICES.values():
                y = x
                if mode == "deconv":
                    for _ in range(up.bit_length() - 1):
                        y = F.conv_transpose2d(y, torch.zeros(1, 1, 4, 4), stride=2, padding=1)
                elif up > 1:
                    y = F.interpolate(y, scale_factor=up, mode="bilinear", align_corners=False)
                cases.append({"op": "design", "n": n, "os": os_, "rates": [6], "up": up, "mode": mode})
                expected.append((side, y.shape[2]))
    got = run_js(cases)
    assert [(js["feature_size"], js["heatmap_size"]) for js in got] == expected


def test_state_is_checked():
    with pytest.raises(ValueError, match="input_size must be an integer in 32..1024, got 2000"):
        D.design_state(input_size=2000)
    with pytest.raises(ValueError, match="output_stride must be 8, 16 or 32, got 4"):
        D.design_state(output_stride=4)
    with pytest.raises(ValueError, match="upsampling must be one of"):
        D.design_state(upsampling="nearest ×2")


def test_display_bundle_is_static_and_small():
    pytest.importorskip("anywidget")
    from helpers import explorers

    data, _ = explorers.design_lab()._repr_mimebundle_()
    assert data["text/plain"] == D.design_summary(D.design_state())
    assert len(data["text/html"]) < 600_000 and "http" not in data["text/html"]
    from helpers._pngtext import read_words
    import base64

    words = read_words(base64.b64decode(data["image/png"]))
    assert "two peaks at 4 of 8 offsets" in " ".join(words if isinstance(words, list) else [str(words)])


@pytest.mark.browser
def test_standalone_page_runs_without_kernel(tmp_path):
    from browser_support import ARTIFACTS, CHROMIUM_ARGS, find_chromium, require_browser

    require_browser()
    from playwright.sync_api import sync_playwright

    page_path = tmp_path / "design.html"
    page_path.write_text("<!doctype html><meta charset=utf-8><body>" + D.standalone_html(D.design_state()) + "</body>",
                         encoding="utf-8")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    read = "(r) => JSON.stringify({state: r.__explorer.state, frame: r.__explorer.frame, " \
           "text: r.querySelector('.sh-out').innerText, picture: r.querySelector('canvas').toDataURL()})"
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        try:
            page = b.new_page(viewport={"width": 1100, "height": 800})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_path.as_uri())
            page.wait_for_function("document.querySelector('.sh-dl') !== null", timeout=20_000)
            root = page.locator(".sh-dl")
            assert page.locator(".sh-xp-fallback").count() == 0
            before = json.loads(root.evaluate(read))
            assert [x for x in before["text"].splitlines() if x] == D.design_summary(before["state"]).splitlines()[1:]
            root.screenshot(path=str(ARTIFACTS / "design-lab-default.png"))
            slider = root.locator("input[type=range]").nth(1)   # the distance
            slider.focus()
            for _ in range(2):  # the distance slider steps by D.DISTANCE_STEP = 2 px: 12 -> 16
                slider.press("ArrowRight")
            root.locator("select").nth(2).select_option("bilinear ×4")
            after = json.loads(root.evaluate(read))
            assert after["state"]["distance"] == 16 and after["state"]["upsampling"] == "bilinear ×4"
            assert after["picture"] != before["picture"] and after["text"] != before["text"]
            assert [x for x in after["text"].splitlines() if x] == D.design_summary(after["state"]).splitlines()[1:]
            root.screenshot(path=str(ARTIFACTS / "design-lab-moved.png"))
            assert errors == []
        finally:
            b.close()
