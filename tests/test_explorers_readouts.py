"""The convolution explorer's read-out sentences and picture, checked against PyTorch (issue 23, item 4).

The numbers of the explorer are compared with helpers in tests/test_explorers.py. Here the facts its
*sentences* state, and the roles its picture paints, are recomputed with PyTorch (``torch.nn.functional``
and autograd; no helpers code) for a seeded sample of states, 1-D and 2-D, every layer kind:

* the cells of the previous map the selected output reads, **per axis** (rows and columns);
* how many of its taps fall outside that map (K×K in 2-D), and for a transposed layer how many taps line
  up with an input position at all;
* a max-pooling window with no input cell outputs ``-inf`` (dilated windows entirely in padding);
* the input cells with a path from the output, the holes (in the receptive-field box, no path) and the
  never-visited cells (no path from any output of the last layer), and that every hole the text lists is
  painted as a hole;
* the size, the refusals (the ceil-mode condition is PyTorch's) and "minus the last window" only when
  PyTorch drops one, with the cell where it would start;
* the kind menu greys out a kind only when no setting of the layer's numbers gives a valid stack.

``python tests/test_explorers_readouts.py --sweep N`` runs a larger sample (not part of CI).
"""

from __future__ import annotations

import itertools
import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional
torch.set_num_threads(1)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_explorers import LIMITS, NODE, RUNNER, need_node  # noqa: E402

from helpers.explorers import static  # noqa: E402  (the module under test, run in node)

MAX_SIZE = 160
DEFAULTS = {"kind": "conv", "kernel": 3, "stride": 1, "padding": 0, "dilation": 1, "ceil_mode": False, "output_padding": 0}


def run_js(cases: list[dict]) -> list:
    need_node()
    payload = json.dumps({"bundle": static.module_source("esm"), "cases": cases})
    proc = subprocess.run([NODE, str(RUNNER)], input=payload, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def list_cells(xs: list[int]) -> str:
    """The explorer's way of listing cells (runs as a–b), written again here."""
    if not xs:
        return "none"
    runs, a, b = [], xs[0], xs[0]
    for x in xs[1:]:
        if x == b + 1:
            b = x
        else:
            runs.append(f"{a}" if a == b else f"{a}–{b}")
            a = b = x
    runs.append(f"{a}" if a == b else f"{a}–{b}")
    return ", ".join(runs)


# --------------------------------------------------------------------------- PyTorch's side


def span(layer):
    return layer["dilation"] * (layer["kernel"] - 1) + 1


def torch_layer(x: torch.Tensor, layer: dict, dims: int, *, as_paths: bool) -> torch.Tensor:
    """One layer in PyTorch. ``as_paths``: all-one kernels, pooling windows summed (path counts)."""
    k, s, p, d = layer["kernel"], layer["stride"], layer["padding"], layer["dilation"]
    conv = F.conv1d if dims == 1 else F.conv2d
    w = torch.ones((1, 1) + (k,) * dims, dtype=x.dtype)
    if layer["kind"] == "transposed":
        tconv = F.conv_transpose1d if dims == 1 else F.conv_transpose2d
        return tconv(x, w, stride=s, padding=p, output_padding=layer["output_padding"], dilation=d)
    if layer["kind"] == "conv":
        return conv(x, w, stride=s, padding=p, dilation=d)
    pool = F.max_pool1d if dims == 1 else F.max_pool2d
    out = pool(x, k, stride=s, padding=p, dilation=d, ceil_mode=layer["ceil_mode"])
    if not as_paths:
        return out
    # the same windows as a sum: PyTorch's window count, the extra right padding ceil_mode reads
    size, m = x.shape[-1], out.shape[-1]
    extra = max(0, (m - 1) * s + span(layer) - (size + 2 * p))
    padded = F.pad(x, (p, p + extra) * dims)
    return conv(padded, w, stride=s, dilation=d)


def torch_sizes(n: int, layers: list[dict]):
    """Map sizes PyTorch gives, or None where it refuses the stack."""
    x = torch.zeros(1, 1, n, dtype=torch.float64)
    sizes = [n]
    for layer in layers:
        try:
            x = torch_layer(x, layer, 1, as_paths=False)
        except RuntimeError:
            return None
        if x.shape[-1] < 1:
            return None
        sizes.append(x.shape[-1])
    return sizes


def unit_paths(size: int, layers: list[dict], dims: int, index: tuple) -> torch.Tensor:
    """Paths from output ``index`` of the last of ``layers`` to every cell of a map of ``size`` cells."""
    x = torch.eye(size**dims, dtype=torch.float64).reshape((size**dims, 1) + (size,) * dims)
    for layer in layers:
        x = torch_layer(x, layer, dims, as_paths=True)
    return x[(slice(None), 0) + tuple(index)].reshape((size,) * dims).round().long()


def all_paths(size: int, layers: list[dict], dims: int) -> torch.Tensor:
    """Paths from every output of the last layer, by autograd (the input's gradient of the sum)."""
    x = torch.ones((1, 1) + (size,) * dims, dtype=torch.float64, requires_grad=True)
    y = x
    for layer in layers:
        y = torch_layer(y, layer, dims, as_paths=True)
    y.sum().backward()
    return x.grad[0, 0].round().long()


def per_axis(mask: torch.Tensor) -> list[list[int]]:
    """The rows and the columns (2-D) or cells (1-D) of the nonzero entries of ``mask``."""
    if mask.dim() == 1:
        return [torch.nonzero(mask).flatten().tolist()]
    return [torch.nonzero(mask.any(dim=1)).flatten().tolist(), torch.nonzero(mask.any(dim=0)).flatten().tolist()]


def weight_taps(size: int, layer: dict, dims: int, index: tuple, *, extend: int = 0) -> int:
    """Kernel taps that carry input into output ``index`` (the weight's gradient on an all-one input).

    ``extend`` grows the input by that many cells on each side and the padding to match, so a
    transposed layer's taps that line up with a position outside the map are counted too.
    """
    k, s = layer["kernel"], layer["stride"]
    layer = dict(layer, padding=layer["padding"] + extend * s)
    x = torch.ones((1, 1) + (size + 2 * extend,) * dims, dtype=torch.float64)
    w = torch.ones((1, 1) + (k,) * dims, dtype=torch.float64, requires_grad=True)
    tconv = F.conv_transpose1d if dims == 1 else F.conv_transpose2d
    conv = F.conv1d if dims == 1 else F.conv2d
    p, d = layer["padding"], layer["dilation"]
    if layer["kind"] == "transposed":
        y = tconv(x, w, stride=s, padding=p, output_padding=layer["output_padding"], dilation=d)
    else:
        y = conv(x, w, stride=s, padding=p, dilation=d)
    y[(0, 0) + tuple(index)].backward()
    return int((w.grad != 0).sum())


def pool_value(size: int, layer: dict, dims: int, index: tuple) -> float:
    pool = F.max_pool1d if dims == 1 else F.max_pool2d
    x = torch.zeros((1, 1) + (size,) * dims, dtype=torch.float64)
    y = pool(x, layer["kernel"], stride=layer["stride"], padding=layer["padding"], dilation=layer["dilation"],
             ceil_mode=layer["ceil_mode"])  # fmt: skip
    return float(y[(0, 0) + tuple(index)])


# --------------------------------------------------------------------------- the sample


def random_layer(rng: random.Random) -> dict:
    kind = rng.choice(["conv", "conv", "pool", "pool", "transposed"])
    k = rng.randint(*LIMITS["kernel"])
    layer = dict(DEFAULTS, kind=kind, kernel=k, stride=rng.randint(*LIMITS["stride"]),
                 padding=rng.randint(0, k // 2 if kind == "pool" else LIMITS["padding"][1]),
                 dilation=rng.choice([1, rng.randint(*LIMITS["dilation"])]))  # fmt: skip
    if kind == "pool":
        layer["ceil_mode"] = rng.random() < 0.6
    if kind == "transposed":
        layer["padding"] = rng.randint(0, 3)
        layer["output_padding"] = rng.randint(0, min(3, max(layer["stride"], layer["dilation"]) - 1))
    return layer


def sample_states(count: int, seed: int):
    """Valid and refused states: 1-D (n <= 40) and 2-D (n <= 10), one to three layers."""
    rng = random.Random(seed)
    for _ in range(count):
        dims = rng.choice([1, 1, 2])
        n = rng.randint(1, 40 if dims == 1 else 10)
        layers = [random_layer(rng) for _ in range(rng.choice([1, 1, 2, 3]))]
        sizes = torch_sizes(n, layers)
        if sizes is None or max(sizes) > MAX_SIZE:
            yield {"dims": dims, "n": n, "layers": layers, "level": len(layers), "index": [0] * dims}, None
            continue
        if dims == 2 and max(sizes) > 24:
            continue
        level = rng.randint(1, len(layers))
        index = [rng.randrange(sizes[level]) for _ in range(dims)]
        yield {"dims": dims, "n": n, "layers": layers, "level": level, "index": index}, sizes


def check_state(state: dict, sizes, js: dict) -> list[str]:
    """Every fact of the read-out and picture for one state; returns the disagreements."""
    where = json.dumps(state)
    if sizes is None:
        return [] if not js["ok"] else [f"{where}: the explorer shows a stack PyTorch refuses (or too big)"]
    if not js["ok"]:
        return [f"{where}: the explorer refuses a stack PyTorch accepts: {js['lines']}"]
    bad = []
    dims, n, layers, level = state["dims"], state["n"], state["layers"], state["level"]
    index = tuple(state["index"])
    layer = layers[level - 1]
    facts = {**js["facts"]}
    text = {line["role"]: line["text"] + line.get("code", "") for line in js["lines"]}
    # size lines: the formula ends in PyTorch's size; "minus the last window" exactly when PyTorch drops one
    for i, L in enumerate(layers):
        formula = js["lines"][i]["code"]
        if not formula.endswith(f"= {sizes[i + 1]}"):
            bad.append(f"{where}: layer {i + 1} formula {formula!r}, PyTorch {sizes[i + 1]}")
        if L["kind"] == "pool" and L["ceil_mode"]:
            raw = -(-(sizes[i] + 2 * L["padding"] - span(L)) // L["stride"]) + 1
            dropped = raw != sizes[i + 1]
            m = re.search(r"minus the last window \(it would start at cell (-?\d+), (in the right padding|past the end of the input)\)", formula)
            if dropped != bool(m):
                bad.append(f"{where}: 'minus the last window' {'missing' if dropped else 'shown'}: {formula!r}")
            elif m:
                start = int(m.group(1))
                right = "in the right padding" if start < sizes[i] + L["padding"] else "past the end of the input"
                if start != (raw - 1) * L["stride"] - L["padding"] or start < sizes[i] or m.group(2) != right:
                    bad.append(f"{where}: dropped window start {formula!r}")
    # cells of the previous map the selected output reads, per axis
    prev = sizes[level - 1]
    reads = unit_paths(prev, [layer], dims, index) > 0
    axes = per_axis(reads)
    empty = not reads.any()
    if not empty and facts["inside"] != axes:
        bad.append(f"{where}: reads {facts['inside']}, PyTorch {axes}")
    if facts["emptyWindow"] != bool(empty):
        bad.append(f"{where}: empty window {facts['emptyWindow']}, PyTorch {empty}")
    taps = layer["kernel"] ** dims
    if layer["kind"] == "pool":
        inside = int(reads.sum())  # distinct taps read distinct cells (d >= 1)
        aligned = taps
        value = pool_value(prev, layer, dims, index)
        if (value == float("-inf")) != bool(empty) or (empty != ("empty" in text)):
            bad.append(f"{where}: max pool gives {value}, read-out empty={empty}: {text.get('empty')}")
    else:
        inside = weight_taps(prev, layer, dims, index)
        extend = layer["kernel"] * layer["dilation"] + 2 if layer["kind"] == "transposed" else 0
        aligned = weight_taps(prev, layer, dims, index, extend=extend) if extend else taps
    if (facts["taps"], facts["aligned"], facts["outside"]) != (taps, aligned, aligned - inside):
        bad.append(f"{where}: taps {facts['taps']}/{facts['aligned']}/{facts['outside']}, PyTorch {taps}/{aligned}/{aligned - inside}")
    # the sentence says it: per-axis lists and the tap counts
    sentence = text["taps"]
    if not empty:
        if dims == 2:
            want = f"row{'s' if len(axes[0]) > 1 else ''} {list_cells(axes[0])} and column{'s' if len(axes[1]) > 1 else ''} {list_cells(axes[1])} of "
        else:
            want = f"cell{'s' if len(axes[0]) > 1 else ''} {list_cells(axes[0])} of "
        if want not in sentence:
            bad.append(f"{where}: {sentence!r} lacks {want!r}")
        k_taps = f"{layer['kernel']}×{layer['kernel']} = {taps}" if dims == 2 else f"{taps}"
        if layer["kind"] != "transposed" and aligned - inside and f"{aligned - inside} of its {k_taps} taps {'falls' if aligned - inside == 1 else 'fall'} outside" not in sentence:
            bad.append(f"{where}: {sentence!r}: {aligned - inside} of {k_taps} outside")
        if layer["kind"] == "transposed" and f"through {inside} of its kernel's {k_taps} taps" not in sentence:
            bad.append(f"{where}: {sentence!r}: through {inside} of {k_taps}")
    elif "reads no cell" not in sentence:
        bad.append(f"{where}: {sentence!r} for an empty window")
    # paths to the input, holes, never visited; the picture's roles
    paths = unit_paths(n, layers[:level], dims, index)
    reached = per_axis(paths > 0)
    if paths.any() and facts["reached"] != reached or not paths.any() and all(facts["reached"]):
        bad.append(f"{where}: reached {facts['reached']}, PyTorch {reached}")
    total = all_paths(n, layers, dims)
    # never visited: a listed cell (1-D), every cell of a listed row or column (2-D: an outer product)
    grid = torch.zeros((n,) * dims, dtype=torch.bool)
    grid[facts["never"][0]] = True
    if dims == 2:
        grid[:, facts["never"][1]] = True
    if not torch.equal(grid, total == 0):
        bad.append(f"{where}: never visited {facts['never']} does not describe PyTorch's map")
    box = facts["box"][0]
    roles = js["roles"]
    for cell in itertools.product(range(n), repeat=dims):
        in_box = box is not None and all(b["start"] <= c <= b["end"] for b, c in zip(facts["box"], cell))
        hole = in_box and paths[cell] == 0
        role = roles[cell[0]] if dims == 1 else roles[cell[0]][cell[1]]
        if hole != (role in ("hole", "hole-never")):
            bad.append(f"{where}: cell {cell} is {'a hole' if hole else 'no hole'} but painted {role}")
            break
        if (role in ("never", "hole-never")) != (total[cell] == 0 and role not in ("selected", "read")):
            bad.append(f"{where}: cell {cell} painted never-visited but PyTorch reads it")
            break
    if box is not None:  # the holes the text lists (per axis) are exactly PyTorch's holes in the box
        listed = torch.zeros((n,) * dims, dtype=torch.bool)
        holes = torch.zeros((n,) * dims, dtype=torch.bool)
        for cell in itertools.product(range(n), repeat=dims):
            if all(b["start"] <= c <= b["end"] for b, c in zip(facts["box"], cell)):
                listed[cell] = any(c in facts["holes"][a] for a, c in enumerate(cell))
                holes[cell] = paths[cell] == 0
        if not torch.equal(listed, holes):
            bad.append(f"{where}: holes {facts['holes']} do not describe PyTorch's holes")
        count = int(holes.sum())
        if dims == 2 and count and not text["holes"].startswith(f"{count} hole"):
            bad.append(f"{where}: {text['holes']!r}, PyTorch {count} holes")
    return bad


def run_sample(count: int, seed: int) -> tuple[int, list[str]]:
    states = list(sample_states(count, seed))
    results = run_js([{"op": "readout", "state": s} for s, _ in states])
    bad = []
    for (state, sizes), js in zip(states, results):
        bad += check_state(state, sizes, js)
    return len(states), bad


def test_readouts_agree_with_pytorch():
    """A seeded sample (about 300 states, 1-D and 2-D, all kinds) of the read-out against PyTorch."""
    checked, bad = run_sample(300, seed=23)
    assert checked > 250 and not bad, f"{len(bad)} disagreements, first: {bad[:5]}"


def test_the_cases_the_issue_names():
    """The read-outs issue 23 found wrong, each with PyTorch's answer."""
    C = lambda k, s=1, p=0, d=1, kind="conv", **e: dict(DEFAULTS, kind=kind, kernel=k, stride=s, padding=p, dilation=d, **e)  # noqa: E731
    states = [
        {"dims": 2, "n": 8, "layers": [C(3, 2)], "level": 1, "index": [0, 2]},  # rows 0–2, columns 4–6
        {"dims": 2, "n": 8, "layers": [C(3, 1, 1)], "level": 1, "index": [0, 3]},  # 3 of 9 taps outside
        {"dims": 2, "n": 24, "layers": [C(3, 1, 2, 2)] * 3, "level": 3, "index": [12, 13]},  # columns 11, 13, 15
        {"dims": 1, "n": 6, "layers": [C(1, 4, kind="pool", ceil_mode=True)], "level": 1, "index": [1]},
        {"dims": 1, "n": 12, "layers": [C(2, 3, 0, 3)], "level": 1, "index": [1]},  # holes 4–5 painted as holes
        {"dims": 1, "n": 3, "layers": [C(1, 2, kind="transposed")], "level": 1, "index": [1]},  # no cell
        {"dims": 1, "n": 2, "layers": [C(2, 1, 1, 3, kind="pool")], "level": 1, "index": [0]},  # -inf
        {"dims": 2, "n": 6, "layers": [C(4, 2, 1, kind="transposed")], "level": 1, "index": [0, 0]},
    ]
    results = run_js([{"op": "readout", "state": s} for s in states])
    for state, js in zip(states, results):
        sizes = torch_sizes(state["n"], state["layers"])
        assert not check_state(state, sizes, js)
    texts = [" ".join(line["text"] for line in js["lines"]) for js in results]
    assert "reads rows 0–2 and columns 4–6 of the input" in texts[0]
    assert "3 of its 3×3 = 9 taps fall outside it" in texts[1]
    assert "rows 10, 12, 14 and columns 11, 13, 15 of layer 2" in texts[2]
    assert "past the end of the input" in results[3]["lines"][0]["code"] and "right padding" not in results[3]["lines"][0]["code"]
    assert results[4]["roles"][4:6] == ["hole-never", "hole-never"]
    assert "no input cell" in texts[5] and "none" not in texts[5] and not any(line["role"] == "paths" for line in results[5]["lines"])
    assert "−inf" in texts[6]
    # the ceil-mode refusal states PyTorch's condition: K = 6 works on 5 cells with S = 2, K = 7 does not
    pool = lambda k, ceil: {"dims": 1, "n": 5, "layers": [C(k, 2, kind="pool", ceil_mode=ceil)], "level": 1, "index": [0]}  # noqa: E731
    six, seven = run_js([{"op": "readout", "state": pool(6, True)}, {"op": "readout", "state": pool(7, True)}])
    assert six["ok"] and torch_sizes(5, [C(6, 2, kind="pool", ceil_mode=True)]) == [5, 1]
    assert not seven["ok"] and torch_sizes(5, [C(7, 2, kind="pool", ceil_mode=True)]) is None
    assert "at most S−1 = 1 cell" in seven["lines"][0]["text"]


def test_kind_menu_greys_out_only_impossible_kinds():
    """A kind is disabled iff no setting of the layer's numbers (within the controls) gives a stack PyTorch accepts."""
    rng = random.Random(4)
    cases, meta = [], []
    while len(cases) < 40:
        n = rng.randint(1, 40)
        layers = [random_layer(rng) for _ in range(rng.randint(1, 3))]
        sizes = torch_sizes(n, layers)
        if sizes is None or max(sizes) > MAX_SIZE:
            continue
        i = rng.randrange(len(layers))
        cases.append({"op": "kinds", "n": n, "layers": layers, "layer": i})
        meta.append((n, layers, i))
    for (n, layers, i), kinds in zip(meta, run_js(cases)):
        for kind, choice in kinds.items():
            if choice["possible"]:  # the layer it moves to is one PyTorch accepts
                trial = layers[:i] + [dict(DEFAULTS, **choice["layer"])] + layers[i + 1:]
                sizes = torch_sizes(n, trial)
                assert sizes is not None and max(sizes) <= MAX_SIZE, (n, layers, i, kind)
            else:  # brute force: no setting of layer i with that kind works
                for k, s, p, d in itertools.product(range(1, 8), range(1, 5), range(0, 9), range(1, 9)):
                    trial = layers[:i] + [dict(layers[i], kind=kind, kernel=k, stride=s, padding=p, dilation=d, output_padding=0)] + layers[i + 1:]
                    sizes = torch_sizes(n, trial)
                    assert sizes is None or max(sizes) > MAX_SIZE, (n, layers, i, kind, k, s, p, d)
    # the issue's example: pooling is possible for a conv K=5, S=3, P=8, d=4 layer at n = 39
    C = dict(DEFAULTS, kernel=5, stride=3, padding=8, dilation=4)
    assert run_js([{"op": "kinds", "n": 39, "layers": [C], "layer": 0}])[0]["pool"]["possible"]


def test_unticking_ceil_mode_keeps_a_valid_stack():
    """n = 5, pool K = 6, S = 2 with ceil_mode: unticking moves K to the nearest valid value (never a blank canvas)."""
    layer = dict(DEFAULTS, kind="pool", kernel=6, stride=2, ceil_mode=True)
    fit = run_js([{"op": "fit", "n": 5, "layers": [layer], "layer": 0, "with": {"ceil_mode": False}}])[0]
    assert fit["ceil_mode"] is False and fit["kernel"] == 5 and torch_sizes(5, [dict(DEFAULTS, **fit)]) is not None


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="A larger seeded sweep of the explorer's read-outs against PyTorch.")
    parser.add_argument("--sweep", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    checked, bad = run_sample(args.sweep, args.seed)
    print(f"{checked} states checked, {len(bad)} disagreements")
    for line in bad[:20]:
        print(" ", line)
    sys.exit(1 if bad else 0)
