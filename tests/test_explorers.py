"""The convolution explorer's JavaScript is a second implementation: compare it with helpers.

Node runs the exact code anywidget and the stored HTML receive
(``module_source("esm")``) through ``tests/explorer_runner.mjs``, one process
per batch. Every number the explorer shows — sizes, taps of the selected
output, path counts, receptive field, box and centre, holes, never-visited
cells, and which control values are allowed — is compared with an oracle that
imports nothing from helpers (issue 24): sizes by walking windows and
scattering taps (``tests/oracles.py``, itself checked against PyTorch's sizes and
refusals below), paths from Jacobians built by explicit loops, receptive fields
from the reach of output 0. Interior paths are also compared with
:func:`helpers.coverage_map` and single-layer visits with :func:`helpers.tap_counts`
(agreement of the two implementations, not an oracle).

Single layers: exhaustive over n <= 12 and every kernel, stride, padding,
dilation, kind and output padding of the controls. Stacks of 2-4 layers: a
seeded sample over the whole control range (n <= 64). 2-D: a seeded sample
against the 2-D reference convolution.
"""

from __future__ import annotations

import itertools
import json
from collections import namedtuple
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import helpers
from helpers.explorers import PRESETS, explorer_state, numbers, static
from helpers.explorers.numbers import LIMITS, _jacobian, stack_sizes
from oracles import axis_jacobian, axis_length, field_rows

ROOT = Path(__file__).resolve().parent.parent
RUNNER = Path(__file__).with_name("explorer_runner.mjs")
NODE = shutil.which("node")

def need_node() -> None:
    """Skip without node (``apt-get install nodejs``), but fail under CI, where the check must run."""
    if NODE is None:
        from browser_support import in_ci

        if in_ci():
            pytest.fail("CI=true, so the explorer tests must run: install node (apt-get install nodejs)", pytrace=False)
        pytest.skip("the explorer tests need node: apt-get install nodejs")


def run_js(cases: list[dict]) -> list:
    """Run a batch of cases through the shipped explorer module under node."""
    need_node()
    payload = json.dumps({"bundle": static.module_source("esm"), "cases": cases})
    proc = subprocess.run([NODE, str(RUNNER)], input=payload, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


DEFAULTS = {"kind": "conv", "kernel": 3, "stride": 1, "padding": 0, "dilation": 1, "ceil_mode": False, "output_padding": 0}
Axis = namedtuple("Axis", "kernel stride dilation padding")


def full_layer(layer: dict) -> dict:
    """Every key of a layer, as the explorer reads it: ceil_mode only for pools, output_padding only for transposed."""
    out = {**DEFAULTS, **layer}
    out["ceil_mode"] = bool(out["ceil_mode"]) and out["kind"] == "pool"
    out["output_padding"] = out["output_padding"] if out["kind"] == "transposed" else 0
    return out


#: The explorer draws maps of at most this many cells per axis (issue 23: a 2-D canvas past the
#: browser's size limit is blank); a stack with a larger map is refused like one PyTorch refuses.
DRAWN_MAX = 160


def oracle_sizes(n: int, layers: list[dict]) -> list[int]:
    """Map sizes by walking windows / scattering taps (tests/oracles.py); ValueError where PyTorch refuses
    or a map is larger than the explorer draws."""
    sizes = [n]
    for layer in map(full_layer, layers):
        out = axis_length(sizes[-1], layer["kind"], layer["kernel"], layer["stride"], layer["padding"],
                          layer["dilation"], layer["ceil_mode"], layer["output_padding"])  # fmt: skip
        if out is None:
            raise ValueError(f"no output for {layer} on {sizes[-1]} cells")
        if out > DRAWN_MAX:
            raise ValueError(f"{out} cells: more than the explorer draws")
        sizes.append(out)
    return sizes


class Oracle:
    """Sizes, Jacobians and receptive fields of a stack, by explicit loops (tests/oracles.py), not from helpers."""

    def __init__(self, n: int, layers: list[dict]):
        self.layers = [full_layer(layer) for layer in layers]
        self.sizes = tuple(oracle_sizes(n, self.layers))
        self.n = n
        self.jac = [
            axis_jacobian(self.sizes[i], self.sizes[i + 1], ly["kind"], ly["kernel"], ly["stride"], ly["padding"], ly["dilation"])
            for i, ly in enumerate(self.layers)
        ]

    def paths(self, level: int, index: int) -> list[np.ndarray]:
        """paths[l] for l = level..0 from output ``index`` of map ``level``."""
        vec = np.zeros(self.sizes[level], dtype=np.int64)
        vec[index] = 1
        maps = {level: vec}
        for l in range(level, 0, -1):
            maps[l - 1] = maps[l] @ self.jac[l - 1]
        return [maps[l] for l in range(level + 1)]

    def total(self) -> np.ndarray:
        vec = np.ones(self.sizes[-1], dtype=np.int64)
        for J in reversed(self.jac):
            vec = vec @ J
        return vec

    def rf(self, level: int):
        """``(r, S, P, centre)`` per layer from the reach of output 0; None once a transposed layer is in the stack."""
        if any(layer["kind"] == "transposed" for layer in self.layers[:level]):
            return None
        return field_rows([Axis(ly["kernel"], ly["stride"], ly["dilation"], ly["padding"]) for ly in self.layers[:level]])


def check_axis(js: dict, oracle: Oracle, level: int, index: int, where: str) -> None:
    """Compare everything the explorer shows for one selected output."""
    assert js["ok"], f"{where}: JS refuses a stack helpers accepts: {js.get('error')}"
    assert js["sizes"] == list(oracle.sizes), where
    maps = oracle.paths(level, index)
    for l in range(level + 1):
        assert js["mid"][l] == maps[l].tolist(), f"{where}: paths on map {l}"
    assert js["total"] == oracle.total().tolist(), f"{where}: visits"
    assert js["never"] == np.flatnonzero(oracle.total() == 0).tolist(), f"{where}: never visited"
    # taps of the selected output: those inside the map below, with their multiplicity, from the Jacobian
    J = oracle.jac[level - 1]
    inside = sorted(pos for pos, ok in js["taps"] if ok)
    assert inside == sorted(np.repeat(np.arange(J.shape[1]), J[index]).tolist()), f"{where}: taps"
    layer = oracle.layers[level - 1]
    if layer["kind"] != "transposed":
        assert len(js["taps"]) == layer["kernel"], f"{where}: one tap per kernel weight"
    rows = oracle.rf(level)
    if rows is None:
        assert js["rf"] is None and js["box"] is None and js["holes"] == [], where
        reached = np.flatnonzero(maps[0])
        assert (js["reached"] is None) == (reached.size == 0), where
        if reached.size:
            assert [js["reached"]["first"], js["reached"]["last"], js["reached"]["count"]] == [
                reached[0], reached[-1], reached.size], where  # fmt: skip
        return
    assert [[r["r"], r["S"], r["P"], r["center"]] for r in js["rf"]] == [list(r) for r in rows], where
    r_, s_, p_, c_ = rows[-1]
    start = index * s_ - p_
    assert js["box"] == {"start": start, "end": start + r_ - 1, "r": r_, "center": c_ + index * s_}, where
    holes = [x for x in range(max(0, start), min(oracle.n, start + r_)) if maps[0][x] == 0]
    assert js["holes"] == holes, f"{where}: holes"
    # an output whose paths all stay inside the input: the interior picture of coverage_map
    if 0 <= start and start + r_ <= oracle.n and maps[0].sum() == np.prod([ly["kernel"] for ly in oracle.layers[:level]]):
        cov = helpers.coverage_map(numbers.to_helper_layers(oracle.layers[:level]))[0]
        assert js["paths"][start : start + r_] == cov.tolist(), f"{where}: coverage_map"


def torch_size(n: int, layer: dict) -> int | None:
    """PyTorch's output length for one explorer layer (F.conv1d / max_pool1d / conv_transpose1d), None when it refuses."""
    import torch
    import torch.nn.functional as F

    k, s, p, d = layer["kernel"], layer["stride"], layer["padding"], layer["dilation"]
    x = torch.zeros(1, 1, n)
    try:
        if layer["kind"] == "conv":
            y = F.conv1d(x, torch.zeros(1, 1, k), stride=s, padding=p, dilation=d)
        elif layer["kind"] == "pool":
            y = F.max_pool1d(x, k, stride=s, padding=p, dilation=d, ceil_mode=layer["ceil_mode"])
        else:
            y = F.conv_transpose1d(x, torch.zeros(1, 1, k), stride=s, padding=p, dilation=d,
                                   output_padding=layer["output_padding"])  # fmt: skip
    except RuntimeError:
        return None
    return y.shape[-1] if y.shape[-1] >= 1 else None


def test_the_oracle_sizes_are_pytorchs():
    """The oracle's sizes and refusals (windows walked, taps scattered) equal PyTorch's on every single-layer setting
    of a ceil-mode pool on one cell, and on a seeded sample of 6000 of all single-layer settings (n <= 8): the tests below compare the explorer with an oracle that is itself checked."""
    pytest.importorskip("torch")
    checked = refused = 0
    rng = random.Random(24)
    settings = [(n, layer) for layer in single_layers() for n in range(1, 9)]
    edges = [(n, ly) for n, ly in settings if n == 1 and ly["ceil_mode"]]  # windows past the padded end
    for n, layer in edges + rng.sample(settings, 6000):
        try:
            ours = oracle_sizes(n, [layer])[1]
        except ValueError:
            ours = None
        assert ours == torch_size(n, layer), (n, layer)
        checked += 1
        refused += ours is None
    assert checked > 7_000 and refused > 1_000, (checked, refused)


# --------------------------------------------------------------------------- single layers


def single_layers():
    lo, hi = LIMITS["kernel"]
    for kind, ceil in (("conv", False), ("pool", False), ("pool", True), ("transposed", False)):
        for k, s, p, d in itertools.product(range(lo, hi + 1), range(1, LIMITS["stride"][1] + 1),
                                            range(0, LIMITS["padding"][1] + 1), range(1, LIMITS["dilation"][1] + 1)):  # fmt: skip
            ops = range(0, LIMITS["output_padding"][1] + 1) if kind == "transposed" else [0]
            for op in ops:
                yield {"kind": kind, "kernel": k, "stride": s, "padding": p, "dilation": d,
                       "ceil_mode": ceil, "output_padding": op}  # fmt: skip


def test_single_layer_every_setting():
    """Every single-layer setting of the controls with n <= 8: the same validity, sizes, formulas,
    visits and receptive field; every output's paths, taps, box and holes on every eighth setting."""
    cases, meta = [], []
    for number, layer in enumerate(single_layers()):
        for n in range(1, 9):
            cases.append({"op": "outputs", "n": n, "layers": [layer], "detail": number % 8 == 0})
            meta.append((n, layer))
    results = run_js(cases)
    compared = refused = detailed = 0
    for (n, layer), js in zip(meta, results):
        where = f"n={n} {layer}"
        try:
            oracle = Oracle(n, [layer])
        except ValueError:
            assert not js["ok"], f"{where}: JS shows a stack helpers refuses"
            refused += 1
            continue
        assert js["ok"], f"{where}: JS refuses: {js.get('error')}"
        assert js["sizes"] == list(oracle.sizes), where
        assert js["formulas"][0].endswith(f"= {oracle.sizes[1]}"), where
        J = oracle.jac[0]
        assert js["total"] == J.sum(axis=0).tolist(), where
        assert js["never"] == np.flatnonzero(J.sum(axis=0) == 0).tolist(), where
        if layer["kind"] != "transposed" and not layer["ceil_mode"]:  # the course's visit counts
            tc = helpers.tap_counts(n, layer["kernel"], stride=layer["stride"], padding=layer["padding"],
                                    dilation=layer["dilation"])  # fmt: skip
            assert js["total"] == tc.tolist(), f"{where}: tap_counts"
        rows = oracle.rf(1)
        assert js["rf"] == (None if rows is None else [dict(zip(("r", "S", "P", "center"), r)) for r in rows])
        for o, (paths, taps, box, holes) in enumerate(js["per"]):
            assert paths == J[o].tolist(), f"{where} output {o}"
            inside = sorted(pos for pos, ok in taps if ok)
            assert inside == sorted(np.repeat(np.arange(n), J[o]).tolist()), f"{where} output {o}: taps"
            if layer["kind"] != "transposed":
                assert len(taps) == layer["kernel"], where
            if rows is not None:
                r_, s_, p_, c_ = rows[0]
                start = o * s_ - p_
                assert box == {"start": start, "end": start + r_ - 1, "r": r_, "center": c_ + o * s_}
                assert holes == [x for x in range(max(0, start), min(n, start + r_)) if J[o, x] == 0]
            else:
                assert box is None and holes == []
        detailed += bool(js["per"])
        compared += 1
    assert compared > 50_000 and refused > 30_000 and detailed > 6_000, (compared, refused, detailed)
    assert compared + refused == len(meta)  # nothing skipped


# --------------------------------------------------------------------------- stacks


def random_layer(rng: random.Random) -> dict:
    kind = rng.choice(["conv", "conv", "pool", "transposed"])
    k = rng.randint(*LIMITS["kernel"])
    layer = {"kind": kind, "kernel": k, "stride": rng.randint(*LIMITS["stride"]),
             "padding": rng.randint(0, k // 2 if kind == "pool" else LIMITS["padding"][1]),
             "dilation": rng.choice([1, 1, rng.randint(*LIMITS["dilation"])]),
             "ceil_mode": kind == "pool" and rng.random() < 0.5, "output_padding": 0}  # fmt: skip
    if kind == "transposed":
        layer["output_padding"] = rng.randint(0, min(LIMITS["output_padding"][1], max(layer["stride"], layer["dilation"]) - 1))
        layer["padding"] = rng.randint(0, 3)
    return layer


def sample_stacks(count: int, seed: int, n_max: int = 64):
    rng = random.Random(seed)
    found = 0
    while found < count:
        layers = [random_layer(rng) for _ in range(rng.randint(2, 4))]
        n = rng.randint(1, n_max)
        try:
            sizes = oracle_sizes(n, layers)
        except ValueError:
            continue
        if max(sizes) > 160:
            continue
        found += 1
        yield n, layers, sizes, rng


def test_stacks_seeded_sample():
    """2000 valid stacks of 2-4 layers (all kinds, n <= 64), each at two selected outputs."""
    cases, meta = [], []
    for n, layers, sizes, rng in sample_stacks(2000, seed=13):
        for _ in range(2):
            level = rng.randint(1, len(layers))
            index = rng.randrange(sizes[level])
            cases.append({"op": "axis", "n": n, "layers": layers, "level": level, "index": index})
            meta.append((n, layers, level, index))
    results = run_js(cases)
    cache = {}
    for (n, layers, level, index), js in zip(meta, results):
        key = json.dumps([n, layers])
        oracle = cache.get(key) or cache.setdefault(key, Oracle(n, layers))
        check_axis(js, oracle, level, index, f"n={n} layers={layers} level={level} index={index}")


def test_refused_stacks_agree():
    """Random stacks either side of validity: JS refuses exactly the stacks PyTorch refuses (oracle sizes)."""
    rng = random.Random(7)
    cases, meta = [], []
    for _ in range(6000):
        layers = [random_layer(rng) for _ in range(rng.randint(1, 4))]
        n = rng.randint(1, 64)
        cases.append({"op": "axis", "n": n, "layers": layers, "level": len(layers), "index": 0})
        meta.append((n, layers))
    refused = 0
    for (n, layers), js in zip(meta, run_js(cases)):
        try:
            oracle_sizes(n, layers)
        except ValueError:
            assert not js["ok"], f"n={n} {layers}: JS accepts what PyTorch refuses"
            refused += 1
        else:
            assert js["ok"], f"n={n} {layers}: {js.get('error')}"
    assert refused > 500


def test_two_d_against_the_2d_reference_convolution():
    """2-D views (outer products of the axes) against helpers.conv2d / conv_transpose2d on unit images."""
    rng = random.Random(5)
    cases, meta = [], []
    for n, layers, sizes, r in sample_stacks(150, seed=21, n_max=9):
        layers = layers[:2]
        sizes = oracle_sizes(n, layers)
        level = len(layers)
        i, j = rng.randrange(sizes[level]), rng.randrange(sizes[level])
        cases.append({"op": "explain", "state": {"dims": 2, "n": n, "layers": layers, "level": level, "index": [i, j]}})
        meta.append((n, layers, sizes, i, j))
    for (n, layers, sizes, i, j), js in zip(meta, run_js(cases)):
        # the 2-D Jacobian row of output (i, j): push every unit image through the stack in 2-D
        x = np.eye(n * n).reshape(n * n, 1, n, n)
        for layer in map(full_layer, layers):
            k, s, p, d = layer["kernel"], layer["stride"], layer["padding"], layer["dilation"]
            w = np.ones((1, 1, k, k))
            if layer["kind"] == "transposed":
                op = layer["output_padding"]
                x = helpers.conv_transpose2d(x, w, stride=s, padding=p, dilation=d, output_padding=op)
            else:
                size = x.shape[-1]
                out = oracle_sizes(size, [layer])[1]
                extra = max(0, (out - 1) * s + d * (k - 1) + 1 - (size + 2 * p))
                x = helpers.conv2d(np.pad(x, ((0, 0), (0, 0), (p, p + extra), (p, p + extra))), w, stride=s, dilation=d)
        counts = np.rint(x[:, 0, i, j]).astype(np.int64).reshape(n, n)
        rows, cols = js["rows"], js["cols"]
        assert np.array_equal(np.outer(rows["paths"], cols["paths"]), counts), f"n={n} {layers} ({i},{j})"


def test_allowed_values_are_exactly_the_valid_ones():
    """Each control offers exactly the values (within its limits) for which helpers accepts the stack."""
    cases, meta = [], []
    for n, layers, sizes, rng in sample_stacks(150, seed=3):
        state = {"n": n, "layers": layers}
        cases.append({"op": "allowed", "state": state, "layer": 0, "key": "n"})
        meta.append((state, 0, "n"))
        for i in range(len(layers)):
            for key in ("kernel", "stride", "padding", "dilation", "output_padding"):
                cases.append({"op": "allowed", "state": state, "layer": i, "key": key})
                meta.append((state, i, key))
    for (state, i, key), values in zip(meta, run_js(cases)):
        expected = []
        for v in range(LIMITS[key][0], LIMITS[key][1] + 1):
            n, layers = state["n"], [dict(x) for x in state["layers"]]
            if key == "n":
                n = v
            else:
                layers[i][key] = v
            try:
                oracle_sizes(n, layers)
                expected.append(v)
            except ValueError:
                pass
        assert values == expected, f"{key} of layer {i} in {state}"


def test_limits_and_palette_agree():
    js = run_js([{"op": "limits"}])[0]
    assert {k: tuple(v) for k, v in js["limits"].items()} == LIMITS
    assert tuple(js["kinds"]) == numbers.KINDS
    assert js["max_size"] == numbers.MAX_SIZE == DRAWN_MAX
    from helpers.plots import COLORS

    assert static.COLORS == COLORS
    source = (ROOT / "helpers" / "explorers" / "conv_explorer.js").read_text()
    block = source[source.index("const COLORS = {"): source.index("};", source.index("const COLORS = {"))]
    assert dict(re.findall(r'(\w+): "(#[0-9A-Fa-f]{6})"', block)) == COLORS


# --------------------------------------------------------------------------- presets and renderings


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_presets_valid_and_stored_output_small(name):
    state = explorer_state(name)
    js = run_js([{"op": "explain", "state": {**state, "level": state["selected"]["level"], "index": state["selected"]["index"] * 2}}])[0]
    assert js["rows"]["ok"] and js["rows"]["sizes"] == list(stack_sizes(state["n"], state["layers"]))
    page = static.standalone_html(state)
    assert len(page.encode()) < 100_000, len(page.encode())
    assert not re.search(r"(src|href)=\"(?!data:)", page) and "http" not in page and "import(" not in page
    assert "</script>" == page[page.index("</script>"): page.index("</script>") + 9] and page.count("</script>") == 1


def test_preset_captions_hold():
    """The facts the presets' captions state, for every input size of the controls."""
    # "Strided = dense, then subsample": conv K=3 S=2 P=1 reads the same cells as dense + 1-tap stride-2 pooling
    for n in range(1, 65):
        one = numbers.axis_numbers(n, [{"kernel": 3, "stride": 2, "padding": 1}])
        two = numbers.axis_numbers(n, PRESETS["strided-dense-subsample"]["layers"])
        assert one.sizes[-1] == two.sizes[-1]
        for o in range(one.sizes[-1]):
            a = numbers.axis_numbers(n, [{"kernel": 3, "stride": 2, "padding": 1}], index=o)
            b = numbers.axis_numbers(n, PRESETS["strided-dense-subsample"]["layers"], index=o)
            assert np.array_equal(a.paths[0], b.paths[0])
    # "ceil-mode": the last window runs past the input; "dilation": the size is kept
    ceil = explorer_state("ceil-mode")
    last = numbers.axis_numbers(ceil["n"], ceil["layers"], index=stack_sizes(ceil["n"], ceil["layers"])[-1] - 1)
    assert max(last.taps) >= ceil["n"] + ceil["layers"][0]["padding"]
    dil = explorer_state("dilation")
    assert stack_sizes(dil["n"], dil["layers"])[-1] == dil["n"]
    # "transposed-overlap": each input cell spreads over 3 neighbouring outputs, the next input starts 2 later
    tr = explorer_state("transposed-overlap")
    J = _jacobian(tr["n"], stack_sizes(tr["n"], tr["layers"])[-1], tr["layers"][0])
    for i in range(tr["n"]):
        assert np.flatnonzero(J[:, i]).tolist() == [2 * i, 2 * i + 1, 2 * i + 2]
    # "dilated-stack-holes" has holes, "hdc-stack" none (the interior picture)
    holes = numbers.axis_numbers(24, PRESETS["dilated-stack-holes"]["layers"], index=12).holes
    assert holes and not numbers.axis_numbers(24, PRESETS["hdc-stack"]["layers"], index=12).holes


def test_widget_mime_bundle_and_sync_fields():
    ex = helpers.explorers.conv_explorer("stride-padding")
    data, _ = ex._repr_mimebundle_()
    assert set(data) == {"application/vnd.jupyter.widget-view+json", "text/html", "image/png", "text/plain"}
    assert data["text/plain"] == repr(ex) and "0x" not in data["text/plain"]
    ex.layers = [{"kind": "conv", "kernel": 3, "stride": 1, "padding": 1, "dilation": 2}]
    assert ex.to_layers() == [helpers.Layer(3, dilation=2, padding=1, name="layer1")]
    assert helpers.receptive_field(ex.to_layers())[-1].r == 5
    with pytest.raises(Exception, match="kernel"):
        ex.layers = [{"kind": "conv", "kernel": 0}]
    with pytest.raises(ValueError, match="preset"):
        helpers.explorers.conv_explorer("no-such-preset")


def test_import_helpers_stays_light():
    code = "import sys, helpers; print(any(m in sys.modules for m in ('anywidget', 'ipywidgets', 'matplotlib')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "False", out.stderr


# --------------------------------------------------------------------------- notebook refresh


def test_refresh_keeps_an_explorers_static_rendering():
    """strip_widget_outputs drops the widget view only where a static rendering is stored beside it."""
    import nbformat

    from helpers.notebook_tools import WIDGET_VIEW, strip_widget_outputs

    data, _ = helpers.explorers.conv_explorer("stride-padding")._repr_mimebundle_()
    explorer = nbformat.v4.new_output("display_data", data=data)
    plain_widget = nbformat.v4.new_output("display_data", data={WIDGET_VIEW: {"model_id": "x"}, "text/plain": "VBox()"})
    stream = nbformat.v4.new_output("stream", name="stdout", text="drawn inside a callback\n")
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("explorers.conv_explorer('stride-padding')", outputs=[explorer]),
        nbformat.v4.new_code_cell("ipywidgets.IntSlider()", outputs=[stream, plain_widget]),
        nbformat.v4.new_code_cell("print(1)", outputs=[nbformat.v4.new_output("stream", name="stdout", text="1\n")]),
    ])  # fmt: skip
    nb.metadata["widgets"] = {"state": {}}
    assert strip_widget_outputs(nb) == 2
    kept = nb.cells[0].outputs
    assert len(kept) == 1 and set(kept[0].data) == {"text/html", "image/png", "text/plain"}
    assert kept[0].data["text/html"] == data["text/html"]
    assert nb.cells[1].outputs == [stream]  # a bare widget view (only its Python repr beside it) is dropped
    assert nb.cells[2].outputs[0].text == "1\n"
    assert "widgets" not in nb.metadata


def test_the_installed_server_config_enables_the_save_hook():
    """The data file pyproject installs, enable-save-hook's copy and the extension module agree."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib

    from helpers import notebook_tools

    shipped = ROOT / "jupyter-config" / "jupyter_server_config.d" / notebook_tools.SERVER_CONFIG_NAME
    assert json.loads(shipped.read_text()) == notebook_tools.SERVER_CONFIG
    data_files = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["data-files"]
    assert data_files["etc/jupyter/jupyter_server_config.d"] == [shipped.relative_to(ROOT).as_posix()]
    (module,) = notebook_tools.SERVER_CONFIG["ServerApp"]["jpserver_extensions"]
    assert notebook_tools._jupyter_server_extension_points() == [{"module": module}]
