"""Notebook 04's heatmap explorer in headless Chromium, with no kernel.

The explorer's display stored as ``notebook_tools refresh`` stores it (widget view dropped,
standalone HTML kept), exported by nbconvert as the website and nbviewer show it: the PNG
fallback gives way to the explorer; a slider (keyboard), a menu, the keyboard on the picture
(cell and keypoint) and a drag of the keypoint each change the picture and the read-out; every
sentence shown equals what helpers computes for the state shown (``heatmap_numbers``).
Screenshots go to ``test-artifacts/browser/explorer-heatmap-*.png``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from browser_support import ARTIFACTS, CHROMIUM_ARGS, find_chromium, require_browser

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

READ = """(root) => { const e = root.__explorer;
  return JSON.stringify({state: e.state, lines: e.view.lines, frame: e.frame,
                         picture: root.querySelector('canvas').toDataURL(),
                         shown: [...root.querySelectorAll('.sh-out p')].map((p) => p.textContent)}); }"""


def shown(root) -> dict:
    return json.loads(root.evaluate(READ))


def check(view: dict) -> None:
    from helpers.explorers.heatmap import heatmap_numbers

    state = dict(view["state"])
    assert view["shown"] == view["lines"] == heatmap_numbers(state)["lines"], state


def page_file(tmp_path: Path) -> Path:
    import nbformat
    from nbconvert import HTMLExporter

    from helpers import explorers
    from helpers.notebook_tools import strip_widget_outputs

    data, _ = explorers.heatmap_explorer()._repr_mimebundle_()
    out = nbformat.v4.new_output("display_data", data=data)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("explorers.heatmap_explorer()", outputs=[out])])
    strip_widget_outputs(nb)
    body, _ = HTMLExporter().from_notebook_node(nb)
    path = tmp_path / "heatmap.html"
    path.write_text(body, encoding="utf-8")
    return path


def test_heatmap_explorer_static_page(tmp_path):
    require_browser()
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = page_file(tmp_path)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1000})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(path.as_uri())
            page.wait_for_function("document.querySelectorAll('.sh-xp').length === 1", timeout=20_000)
            assert page.locator(".sh-xp-fallback").count() == 0
            root = page.locator(".sh-xp")
            a = shown(root)
            assert a["state"]["n"] == 513 and a["state"]["os"] == 16
            check(a)
            root.screenshot(path=str(ARTIFACTS / "explorer-heatmap-default.png"))

            rate = root.get_by_label("head atrous rate d")
            rate.focus()
            rate.press("ArrowRight")
            b = shown(root)
            assert b["state"]["rate"] == 7 and b["lines"] != a["lines"]
            check(b)

            root.get_by_label("head padding P").select_option("one")
            c = shown(root)
            assert c["state"]["padding"] == "one" and c["picture"] != b["picture"]
            check(c)

            root.get_by_label("decoder").select_option("align")
            d = shown(root)
            assert d["state"]["decoder"] == "align" and "align_corners" in d["lines"][-1]
            check(d)

            canvas = root.locator("canvas")
            canvas.focus()
            canvas.press("ArrowRight")
            e = shown(root)
            assert e["state"]["cell"] is not None and e["picture"] != d["picture"]
            check(e)
            canvas.press("Shift+ArrowDown")
            f = shown(root)
            assert f["state"]["key"][1] > e["state"]["key"][1]
            check(f)

            # drag the keypoint 60 px right and 30 px down
            box = canvas.bounding_box()
            n = f["state"]["n"]
            kx, ky = (v * 460 for v in f["state"]["key"])
            page.mouse.move(box["x"] + kx, box["y"] + ky)
            page.mouse.down()
            page.mouse.move(box["x"] + kx + 60, box["y"] + ky + 30, steps=4)
            page.mouse.up()
            g = shown(root)
            assert abs(g["state"]["key"][0] * 460 - (kx + 60)) < 1.5 and g["picture"] != f["picture"], (g["state"], n)
            check(g)
            assert g["frame"]["ms"] < 50, g["frame"]
            root.screenshot(path=str(ARTIFACTS / "explorer-heatmap-moved.png"))

            # a refused setting says why and how to get round it
            root.get_by_label("output stride").select_option("32")
            root.get_by_label("head padding P").select_option("valid")
            slider = root.get_by_label("input size N")
            slider.focus()
            slider.press("Home")
            rate.focus()
            rate.press("End")
            h = shown(root)
            assert h["lines"][0].startswith("64×64 input, OS 32: not possible") and "Lower the rate" in h["lines"][0]
            check(h)
            assert not errors, errors
        finally:
            browser.close()
