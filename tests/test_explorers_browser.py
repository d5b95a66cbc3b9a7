"""The convolution explorer in a real browser: a static page with no kernel, and live in JupyterLab.

* Static: a notebook whose cells display two explorers is stored as a refresh
  stores it (widget view dropped, static rendering kept) and exported with
  nbconvert to HTML, as the website and nbviewer show it. In headless
  Chromium with no network and no kernel, both explorers start (the PNG
  fallback is replaced), do not clash, answer the keyboard (a slider, the
  output selection) and the pointer (hovering an output), and after each step
  every number they show equals what helpers computes for the state they show.
* JupyterLab: the explorer as an anywidget renders from a kernel, a slider
  moved in the browser reaches ``explorer.layers`` in Python, and layers set
  in Python redraw the picture.
* Voila: the same widget renders and answers the keyboard.

Screenshots go to ``test-artifacts/browser/explorer-*.png``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest

from browser_support import ARTIFACTS, CHROMIUM_ARGS, JupyterServer, find_chromium, require_browser

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

FIXTURE = Path(__file__).parent / "fixtures" / "explorer_live.ipynb"


def check_view_against_helpers(shown: dict) -> None:
    """Every number of a shown view (state + view from the page) against helpers."""
    from helpers.explorers import numbers

    state, view = shown["state"], shown["view"]
    rows = view["rows"]
    assert rows["ok"], rows
    axes = [(rows, state["index"][0])] + ([(view["cols"], state["index"][1])] if state["dims"] == 2 else [])
    for js, _ in axes:
        a = numbers.axis_numbers(state["n"], state["layers"], js["level"], js["index"])
        where = f"{state} axis index {js['index']}"
        assert js["sizes"] == list(a.sizes), where
        for l in range(js["level"] + 1):
            assert js["paths"][l] == a.paths[l].tolist(), where
        assert js["total"][0] == a.total[0].tolist() and js["neverVisited"] == list(a.never_visited), where
        assert [t["pos"] for t in js["taps"]] == list(a.taps), where
        if a.box is None:
            assert js["box"] is None, where
        else:
            assert [js["box"]["start"], js["box"]["end"], js["box"]["center"]] == list(a.box), where
            assert js["holes"] == list(a.holes), where


READ = """(root) => { const e = root.__explorer;
  return JSON.stringify({state: e.state, view: e.view, frame: e.frame, picture: root.querySelector('canvas').toDataURL()}); }"""


def shown(root) -> dict:
    return json.loads(root.evaluate(READ))


@pytest.fixture(scope="module")
def browser():
    require_browser()
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def static_page(tmp_path: Path) -> Path:
    """Two explorer cells stored as ``notebook_tools refresh`` stores them, exported by nbconvert."""
    import nbformat
    from nbconvert import HTMLExporter

    from helpers import explorers
    from helpers.notebook_tools import strip_widget_outputs

    cells = []
    for preset in ("receptive-field", "dilated-stack-holes"):
        data, _ = explorers.conv_explorer(preset)._repr_mimebundle_()
        out = nbformat.v4.new_output("display_data", data=data)
        cells.append(nbformat.v4.new_code_cell(f"explorers.conv_explorer(preset={preset!r})", outputs=[out]))
    nb = nbformat.v4.new_notebook(cells=cells)
    strip_widget_outputs(nb)
    body, _ = HTMLExporter().from_notebook_node(nb)
    page = tmp_path / "explorers.html"
    page.write_text(body, encoding="utf-8")
    return page


def test_static_page_without_kernel(browser, tmp_path):
    page_path = static_page(tmp_path)
    ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(page_path.as_uri())
        page.wait_for_function("document.querySelectorAll('.sh-xp').length === 2", timeout=20_000)
        assert page.locator(".sh-xp-fallback").count() == 0, "the PNG fallback should give way to the explorer"
        roots = page.locator(".sh-xp")
        first, second = roots.nth(0), roots.nth(1)
        a, b = shown(first), shown(second)
        assert a["state"]["dims"] == 1 and b["state"]["dims"] == 2
        check_view_against_helpers(a)
        check_view_against_helpers(b)
        first.screenshot(path=str(ARTIFACTS / "explorer-static-1d.png"))
        second.screenshot(path=str(ARTIFACTS / "explorer-static-2d.png"))

        # keyboard: the n slider of the first explorer, one step right
        slider = first.locator("input[type=range]").first
        slider.focus()
        before = a
        slider.press("ArrowRight")
        after = shown(first)
        assert after["state"]["n"] == before["state"]["n"] + 1
        assert after["picture"] != before["picture"]
        check_view_against_helpers(after)
        assert shown(second)["state"] == b["state"], "moving one explorer must not change the other"

        # a layer control: layer 1's dilation up by one (keyboard)
        dil = first.get_by_label("layer 1 dilation d")
        dil.focus()
        dil.press("ArrowRight")
        after2 = shown(first)
        assert after2["state"]["layers"][0]["dilation"] == after["state"]["layers"][0]["dilation"] + 1
        check_view_against_helpers(after2)

        # keyboard selection of the output on the canvas
        canvas = first.locator("canvas")
        canvas.scroll_into_view_if_needed()
        canvas.focus()
        canvas.press("ArrowRight")
        after3 = shown(first)
        assert after3["view"]["rows"]["index"] == after2["view"]["rows"]["index"] + 1
        check_view_against_helpers(after3)

        # hovering another output (layer 2) traces it back
        xy = first.evaluate("(r) => r.__explorer.cellCenter(2, 3, 0)")
        box = canvas.bounding_box()
        page.mouse.move(box["x"] + xy["x"], box["y"] + xy["y"])
        hovered = shown(first)
        assert (hovered["view"]["rows"]["level"], hovered["view"]["rows"]["index"]) == (2, 3)
        check_view_against_helpers({"state": {**hovered["state"], "index": [3, 3]}, "view": hovered["view"]})
        assert hovered["picture"] != after3["picture"]

        # the 2-D explorer: hover an output of layer 1
        canvas2 = second.locator("canvas")
        canvas2.scroll_into_view_if_needed()
        xy = second.evaluate("(r) => r.__explorer.cellCenter(1, 5, 7)")
        box = canvas2.bounding_box()
        page.mouse.move(box["x"] + xy["x"], box["y"] + xy["y"])
        h2 = shown(second)
        assert (h2["view"]["rows"]["level"], h2["view"]["rows"]["index"], h2["view"]["cols"]["index"]) == (1, 5, 7)
        check_view_against_helpers({"state": {**h2["state"], "index": [5, 7]}, "view": h2["view"]})
        # the holes sentence counts what helpers counts (2-D: a hole where the row or column count is 0)
        from helpers import coverage_stats, dilated_stack

        page.mouse.move(0, 0)
        text = second.locator("[data-role=holes]").inner_text()
        assert text.startswith(f"{coverage_stats(dilated_stack([2, 2, 2])).holes} holes"), text
        page.screenshot(path=str(ARTIFACTS / "explorer-static-page.png"), full_page=True)
        assert not errors, errors
    finally:
        ctx.close()


@pytest.fixture(scope="module")
def server(browser):
    with JupyterServer(log_path=ARTIFACTS / "explorer-jupyter.log") as srv:
        yield srv


def test_live_in_voila(browser, server):
    """Voila (as Binder serves it): the anywidget renders from the kernel and answers the keyboard."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.set_default_timeout(90_000)
    try:
        page.goto(server.voila_url(FIXTURE.relative_to(server.root).as_posix()), wait_until="load")
        root = page.locator(".sh-xp").first
        root.wait_for()
        before = shown(root)
        check_view_against_helpers(before)
        d = root.get_by_label("layer 2 dilation d")
        d.focus()
        d.press("ArrowRight")
        after = shown(root)
        assert after["state"]["layers"][1]["dilation"] == before["state"]["layers"][1]["dilation"] + 1
        assert after["picture"] != before["picture"]
        check_view_against_helpers(after)
        root.screenshot(path=str(ARTIFACTS / "explorer-voila.png"))
    finally:
        ctx.close()
        server.shutdown_kernels()


def test_live_in_jupyterlab(browser, server):
    """The anywidget renders, a slider reaches Python, and Python's layers reach the picture."""
    from browser_support import open_lab

    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        open_lab(page, server)
        rel = FIXTURE.relative_to(server.root).as_posix()
        page.evaluate(
            "async (path) => { const w = await window.jupyterapp.commands.execute('docmanager:open', {path, factory: 'Notebook'});"
            " await w.context.ready; await w.sessionContext.ready; }",
            rel,
        )
        page.wait_for_function(
            "() => { const w = window.jupyterapp.shell.currentWidget; const k = w && w.sessionContext.session && w.sessionContext.session.kernel;"
            " return k && k.status === 'idle'; }", timeout=90_000)  # fmt: skip
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        root = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .sh-xp").first
        root.wait_for(timeout=90_000)
        first = shown(root)
        check_view_against_helpers(first)
        root.screenshot(path=str(ARTIFACTS / "explorer-lab.png"))

        def kernel(code: str) -> str:
            return page.evaluate(
                """async (code) => { const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
                   let out = ''; const f = k.requestExecute({code});
                   f.onIOPub = (m) => { if (m.header.msg_type === 'stream') out += m.content.text;
                                        if (m.header.msg_type === 'error') out += 'ERROR ' + m.content.evalue; };
                   await f.done; return out; }""",
                code,
            )

        # browser -> Python: layer 1's kernel one step right with the keyboard
        k1 = root.get_by_label("layer 1 kernel taps K")
        k1.focus()
        k1.press("ArrowRight")
        moved = shown(root)
        assert moved["state"]["layers"][0]["kernel"] == first["state"]["layers"][0]["kernel"] + 1
        deadline = time.monotonic() + 20
        while True:
            got = json.loads(kernel("import json; print(json.dumps([ex.n, ex.layers]))"))
            if got[1][0]["kernel"] == moved["state"]["layers"][0]["kernel"] or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert got[1] == moved["state"]["layers"], got
        rf = kernel("import helpers; print(helpers.receptive_field(ex.to_layers())[-1].r)")
        assert int(rf) == moved["view"]["rows"]["rf"][-1]["r"]

        # Python -> browser: a new stack set in the kernel redraws the picture
        kernel("ex.layers = [dict(kind='conv', kernel=3, dilation=2, padding=2)] * 2; ex.selected = {'level': 2, 'index': [8]}")
        page.wait_for_function(
            "(r) => r.__explorer.state.layers.length === 2 && r.__explorer.state.layers[0].dilation === 2",
            arg=root.element_handle(), timeout=20_000)  # fmt: skip
        synced = shown(root)
        check_view_against_helpers(synced)
        assert synced["view"]["rows"]["holes"] == [x for x in range(synced["view"]["rows"]["box"]["start"], synced["view"]["rows"]["box"]["end"] + 1) if x % 2]
        assert not [e for e in errors if "sh-xp" in e or "explorer" in e.lower()], errors
    finally:
        page.evaluate("() => { for (const w of [...window.jupyterapp.shell.widgets('main')]) { if (w.context) w.context.model.dirty = false; w.dispose(); } }")
        server.shutdown_kernels()
        ctx.close()


class HookedServer(JupyterServer):
    """A throw-away JupyterLab configured as an installed course is: the server config file the
    package installs (``jupyter-config/jupyter_server_config.d``) in its config folder."""

    def _prepare(self, tmp: Path) -> dict[str, str]:
        env = super()._prepare(tmp)
        target = tmp / "config" / "jupyter_server_config.d"
        target.mkdir(parents=True, exist_ok=True)
        source = Path(__file__).resolve().parent.parent / "jupyter-config" / "jupyter_server_config.d" / "strides_and_holes.json"
        (target / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
        return env


def test_run_all_save_and_reopen_in_jupyterlab(browser, tmp_path):
    """Run All, save, restart (a fresh kernel knows no widget models), reopen: the explorer works from
    its stored HTML, never "Error displaying widget: model not found"."""
    import nbformat

    from browser_support import open_lab
    from helpers.notebook_tools import WIDGET_VIEW

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("from helpers import explorers"),
        nbformat.v4.new_code_cell('explorers.conv_explorer(preset="stride-padding")'),
    ])  # fmt: skip
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    path = tmp_path / "saved.ipynb"
    nbformat.write(nb, path)
    open_nb = ("async (path) => { const w = await window.jupyterapp.commands.execute('docmanager:open', {path, factory: 'Notebook'});"
               " await w.context.ready; await w.sessionContext.ready; }")  # fmt: skip
    idle = ("() => { const w = window.jupyterapp.shell.currentWidget; const k = w && w.sessionContext.session && w.sessionContext.session.kernel;"
            " return k && k.status === 'idle'; }")  # fmt: skip
    root_sel = ".jp-NotebookPanel:not(.lm-mod-hidden) .sh-xp"
    with HookedServer(root=tmp_path, log_path=ARTIFACTS / "explorer-save-reopen.log") as server:
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        page = ctx.new_page()
        page.set_default_timeout(60_000)
        try:
            open_lab(page, server)
            page.evaluate(open_nb, "saved.ipynb")
            page.wait_for_function(idle, timeout=90_000)
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
            page.locator(root_sel).first.wait_for(timeout=90_000)
            page.evaluate("async () => { const w = window.jupyterapp.shell.currentWidget; await w.context.save(); }")
            stored = nbformat.read(path, as_version=4)
            outputs = [o for c in stored.cells for o in c.get("outputs", [])]
            assert outputs and not any(WIDGET_VIEW in o.get("data", {}) for o in outputs), outputs
            assert any("text/html" in o.get("data", {}) and "image/png" in o.get("data", {}) for o in outputs)
            # close, stop every kernel (as a restart of the server does), reload the page, reopen
            page.evaluate("() => { for (const w of [...window.jupyterapp.shell.widgets('main')]) w.dispose(); }")
            server.shutdown_kernels()
            open_lab(page, server)
            page.evaluate(open_nb, "saved.ipynb")
            root = page.locator(root_sel).first
            root.wait_for(timeout=60_000)
            panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").first
            assert "Error displaying widget" not in panel.inner_text()
            before = shown(root)
            slider = root.locator("input[type=range]").first
            slider.focus()
            slider.press("ArrowRight")
            after = shown(root)
            assert after["state"]["n"] == before["state"]["n"] + 1 and after["picture"] != before["picture"]
            root.screenshot(path=str(ARTIFACTS / "explorer-lab-reopened.png"))
        finally:
            page.evaluate("() => { for (const w of [...window.jupyterapp.shell.widgets('main')]) { if (w.context) w.context.model.dirty = false; w.dispose(); } }")
            server.shutdown_kernels()
            ctx.close()
