"""Notebook 04's heatmap explorer: its shipped JavaScript, run in node, against helpers.

* sizes: half the input sizes N (64–1025, N mod 4 in {0, 1}, and 1023, 1025) × output stride × head rate (1–36) × head padding:
  backbone side, ceil(N/OS), heatmap side (0 = refused) against ``output_sizes`` and the head
  layer's ``output_size``; receptive field r and effective padding P against
  ``receptive_field(resnet50_with_head(...))`` on a seeded sample;
* cost ratios: every fifth N × OS 16 and 8 against ``resnet50_costs``;
* a seeded sample of whole states (keypoints anywhere, on half pixels and on ties; cells; every
  decoder): every number shown against ``cell_centers``, ``receptive_field`` and
  ``helpers.decoding``, computed here, and every sentence against ``heatmap_numbers`` (the text
  and PNG fallbacks);
* the number formatting against Python's ``format``.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from helpers import decoding
from helpers.arithmetic import heatmap_size
from helpers.explorers import heatmap as H
from helpers.receptive import Layer, cell_centers, output_sizes, receptive_field, resnet50, resnet50_costs, resnet50_with_head

RUNNER = Path(__file__).parent / "heatmap_runner.mjs"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

N_RANGE = range(H.HEATMAP_LIMITS["n"][0], H.HEATMAP_LIMITS["n"][1] + 1)
RATES = list(range(H.HEATMAP_LIMITS["rate"][0], H.HEATMAP_LIMITS["rate"][1] + 1))
HALF_N = [n for n in N_RANGE if n % 4 < 2] + [1023, 1025]
PADS = list(H.HEATMAP_LIMITS["padding"])
PAD_OF = {"same": lambda d: d, "one": lambda d: 1, "valid": lambda d: 0}


def run(cases: list[dict]) -> list:
    out = subprocess.run([NODE, str(RUNNER)], input=json.dumps({"bundle": H.module_source("esm"), "cases": cases}),
                         capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout)


@lru_cache(maxsize=None)
def backbone(n: int, os_: int) -> int:
    return output_sizes(resnet50(os_), n)[-1]


@lru_cache(maxsize=None)
def ratios(n: int, os_: int) -> tuple[float, float]:
    costs, ref = resnet50_costs(n, output_stride=os_), resnet50_costs(n)
    return (sum(c.macs for c in costs) / sum(c.macs for c in ref),
            sum(c.activations for c in costs) / sum(c.activations for c in ref))  # fmt: skip


@lru_cache(maxsize=None)
def head_cells(m: int, rate: int, padding: str) -> int:
    try:
        return Layer(3, dilation=rate, padding=PAD_OF[padding](rate)).output_size(m)
    except ValueError:
        return 0


def test_limits_decoders_and_scene_match_python():
    (net,) = run([{"op": "net"}])
    assert net["net"]["limits"] == {k: list(v) for k, v in H.HEATMAP_LIMITS.items()}
    assert net["decoders"] == H.DECODERS == net["net"]["decoders"]
    assert net["net"]["nets"] == H.net_data(with_image=False)["nets"]


def test_sizes_over_every_setting():
    # half the input sizes (N mod 4 in {0, 1}: both parities), every output stride, rate and padding
    cases = [{"op": "sizes", "n": n, "os": os_, "rates": RATES, "paddings": PADS} for n in HALF_N for os_ in (32, 16, 8)]
    results = run(cases)
    bad = []
    for case, rows in zip(cases, results):
        n, os_ = case["n"], case["os"]
        m = backbone(n, os_)
        it = iter(rows)
        for rate in RATES:
            for padding in PADS:
                b, ceil, cells, _r, _p = next(it)
                if (b, ceil, cells) != (m, heatmap_size(n, os_), head_cells(m, rate, padding)):
                    bad.append((n, os_, rate, padding, b, ceil, cells))
    assert not bad, bad[:5]
    # receptive field and effective padding: a seeded sample against receptive_field of the whole network
    rng = np.random.default_rng(4)
    index = {(c["n"], c["os"]): rows for c, rows in zip(cases, results)}
    for _ in range(400):
        n, os_ = int(rng.choice(HALF_N)), int(rng.choice([32, 16, 8]))
        rate, padding = int(rng.integers(1, 37)), str(rng.choice(PADS))
        if head_cells(backbone(n, os_), rate, padding) == 0:
            continue  # refused: no heatmap, no receptive field shown
        row = receptive_field(resnet50_with_head(os_, rate, padding=padding), input_size=n)[-1]
        got = index[(n, os_)][RATES.index(rate) * len(PADS) + PADS.index(padding)]
        assert got[3:] == [row.r, row.P], (n, os_, rate, padding)


def test_cost_ratios_every_input_size():
    cases = [{"op": "costs", "n": n, "os": os_} for n in N_RANGE[::5] for os_ in (16, 8)]
    cases += [{"op": "costs", "n": n, "os": 32} for n in (64, 513, 1025)]
    for case, got in zip(cases, run(cases)):
        assert (got["macs"], got["acts"]) == ratios(case["n"], case["os"]), case


def _hrnet_shift(x: float, u: int, os_: int, inner: bool) -> float:
    """HRNet's get_final_preds on an ideal Gaussian target (σ = 2 cells): ±0.25 towards the larger neighbour."""
    if not inner:
        return 0.0
    g = lambda v: math.exp(-((v * os_ - x) / (2 * os_)) ** 2 / 2)  # noqa: E731
    left, right = g(u - 1), g(u + 1)
    return 0.0 if left == right else (0.25 if right > left else -0.25)


def oracle(state: dict) -> dict:
    """Every number of a state, from helpers' functions (not heatmap_numbers)."""
    n, os_, rate, padding, decoder = state["n"], state["os"], state["rate"], state["padding"], state["decoder"]
    layers = resnet50_with_head(os_, rate, padding=padding)
    kx, ky = state["key"][0] * n - 0.5, state["key"][1] * n - 0.5
    cells = head_cells(backbone(n, os_), rate, padding)
    if cells == 0:
        return {"ok": False, "cells": 0, "key": [kx, ky]}
    centres = np.array(cell_centers(layers, n))
    row = receptive_field(layers, input_size=n)[-1]
    if decoder == "centre":
        j, i = decoding.nearest_cell(kx, centres), decoding.nearest_cell(ky, centres)
        at, shift = [centres[j], centres[i]], [0.0, 0.0]
    elif decoder == "align":
        painted = np.atleast_1d(decoding.align_corners_position(np.arange(cells), cells, n))
        j, i = decoding.nearest_cell(kx, painted), decoding.nearest_cell(ky, painted)
        at, shift = [painted[j], painted[i]], [0.0, 0.0]
    else:  # the target cell of SimpleBaselines/HRNet: int(x / stride + 0.5), kept on the map
        j = min(max(int(np.floor(kx / os_ + 0.5)), 0), cells - 1)
        i = min(max(int(np.floor(ky / os_ + 0.5)), 0), cells - 1)
        inner = 1 < i < cells - 1 and 1 < j < cells - 1
        shift = [_hrnet_shift(kx, j, os_, inner), _hrnet_shift(ky, i, os_, inner)]
        at = [decoding.stride_position(j, os_, shift=shift[0]), decoding.stride_position(i, os_, shift=shift[1])]
    cell = [min(v, cells - 1) for v in state["cell"]] if state["cell"] else [i, j]
    cc = [centres[cell[1]], centres[cell[0]]]
    half = (row.r - 1) / 2
    macs, acts = ratios(n, os_)
    return {"ok": True, "cells": cells, "r": row.r, "S": row.S, "P": row.P, "center": row.center, "key": [kx, ky],
            "argmax": [i, j], "at": [float(v) for v in at], "shift": shift, "cell": cell, "cellCentre": [float(v) for v in cc],
            "box": [cc[0] - half, cc[0] + half, cc[1] - half, cc[1] + half], "ratios": {"macs": macs, "acts": acts},
            "err": [abs(kx - at[0]), abs(ky - at[1])]}  # fmt: skip


def sample_states(count: int, seed: int = 23) -> list[dict]:
    rng = np.random.default_rng(seed)
    states = []
    for t in range(count):
        n = int(rng.integers(64, 1026))
        os_ = int(rng.choice([32, 16, 8]))
        kind = t % 4
        if kind == 0:
            key = None  # the scene's object
        elif kind == 1:
            key = [float(v) for v in rng.uniform(0, 1, 2)]
        else:  # on whole and half pixels and on cell boundaries (ties between two cells)
            px = [float(rng.integers(0, 2 * n - 1)) / 2 if kind == 2 else (int(rng.integers(0, n // os_ + 1)) + 0.5) * os_
                  for _ in range(2)]  # fmt: skip
            key = [min(max((p + 0.5) / n, 0.0), 1.0) for p in px]
        cell = None if rng.random() < 0.5 else [int(v) for v in rng.integers(0, 140, 2)]
        states.append(H.heatmap_state(n, os_, int(rng.integers(1, 37)), str(rng.choice(PADS)),
                                      decoder=str(rng.choice(H.HEATMAP_LIMITS["decoder"])), keypoint=key, cell=cell))  # fmt: skip
    return states


def test_every_number_and_sentence_on_a_seeded_sample():
    states = sample_states(400)
    states += [H.heatmap_state(n, os_, 6, "same", decoder=d) for n in (64, 512, 513, 1025) for os_ in (32, 16, 8)
               for d in H.HEATMAP_LIMITS["decoder"]]  # fmt: skip
    results = run([{"op": "compute", "state": s} for s in states])
    refused = 0
    for state, got in zip(states, results):
        want = oracle(state)
        where = {k: state[k] for k in ("n", "os", "rate", "padding", "decoder", "key", "cell")}
        assert got["ok"] == want["ok"] and got["key"] == want["key"], where
        if not want["ok"]:
            refused += 1
        else:
            for key, value in want.items():
                assert got[key] == value, (key, got[key], value, where)
        assert got["lines"] == H.heatmap_numbers(state)["lines"], where
    assert 0 < refused < len(states) // 2


def test_scene_keypoint_is_helpers_keypoint():
    from helpers.plots.heatmaps import _nb04_scene

    states = [H.heatmap_state(n, 32, 1) for n in list(N_RANGE[::29]) + [399, 400, 401, 512, 513, 1025]]
    for state, got in zip(states, run([{"op": "compute", "state": s} for s in states])):
        assert tuple(got["key"]) == _nb04_scene(state["n"], 0)[1], state["n"]


def test_number_format_is_pythons():
    rng = np.random.default_rng(0)
    xs = [j / 8 for j in range(-40, 400)] + [j / 4 + 1000 for j in range(40)] + list(rng.uniform(0, 3000, 300))
    xs += [0.15, 0.25, 1.005, 2.675, 0.125, 0.375]
    cases = [{"op": "fmt", "x": x, "d": d} for x in xs for d in (1, 2)]
    for case, got in zip(cases, run(cases)):
        assert got == f"{case['x']:.{case['d']}f}", case
