"""The dilated-stack explorer (notebook 05) in a real browser, from a stored notebook, with no kernel.

A notebook cell displaying the explorer is stored as ``notebook_tools refresh`` stores it (widget
view dropped, standalone HTML and PNG kept) and exported with nbconvert, as nbviewer and the
website show it. In headless Chromium with no network and no kernel: the explorer starts (the PNG
fallback gives way), a slider moved with the keyboard changes the pictures and the read-out, and the
read-out equals :func:`helpers.gridding_sentence` for the state shown; hovering the filtered picture
traces an output. Screenshots go to ``test-artifacts/browser/gridding-explorer-*.png``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from browser_support import ARTIFACTS, CHROMIUM_ARGS, find_chromium, require_browser

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

READ = """(root) => { const e = root.__explorer;
  return JSON.stringify({state: e.state, frame: e.frame, text: root.querySelector('.sh-out').innerText,
    pictures: [...root.querySelectorAll('canvas')].map((c) => c.toDataURL())}); }"""


def stored_page(tmp_path: Path) -> Path:
    import nbformat
    from nbconvert import HTMLExporter

    from helpers import explorers
    from helpers.notebook_tools import strip_widget_outputs

    data, _ = explorers.dilated_stack_explorer()._repr_mimebundle_()
    out = nbformat.v4.new_output("display_data", data=data)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("explorers.dilated_stack_explorer()", outputs=[out])])
    strip_widget_outputs(nb)
    body, _ = HTMLExporter().from_notebook_node(nb)
    page = tmp_path / "gridding_explorer.html"
    page.write_text(body, encoding="utf-8")
    return page


def sentence(state: dict) -> str:
    from helpers import gridding_by_definition, hdc_report
    from helpers.gridding import gridding_sentence

    rates = tuple(state["rates"])
    shared = gridding_by_definition(rates, kernel=state["kernel"]).shared_fraction
    return gridding_sentence(hdc_report(rates, kernel=state["kernel"]), shared=shared)


def reads(y: int, rates=(1, 4, 8), k: int = 3, n: int = 64) -> int:
    """Input pixels along one axis joined to output y by taps that stay inside the picture (rates 1, 4, 8)."""
    cur = {y}
    for d in reversed(rates):
        cur = {i - d + t * d for i in cur for t in range(k)} & set(range(n))
    return len(cur)


def test_stored_explorer_runs_without_a_kernel(tmp_path):
    require_browser()
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page_path = stored_page(tmp_path)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_path.as_uri())
            page.wait_for_selector(".sh-gx canvas", timeout=20_000)
            assert page.locator(".sh-xp-fallback").count() == 0, "the PNG fallback should give way to the explorer"
            root = page.locator(".sh-gx")
            before = json.loads(root.evaluate(READ))
            assert before["state"]["rates"] == [2, 4, 8] and before["text"].startswith(sentence(before["state"]))
            root.screenshot(path=str(ARTIFACTS / "gridding-explorer-default.png"))

            # keyboard: rate 1 one step down (2 -> 1)
            root.get_by_label("dilation rate of layer 1 (1–12)").focus()
            page.keyboard.press("ArrowLeft")
            after = json.loads(root.evaluate(READ))
            assert after["state"]["rates"] == [1, 4, 8] and after["frame"] > before["frame"]
            assert after["text"].startswith(sentence(after["state"])) and after["text"] != before["text"]
            changed = [a != b for a, b in zip(before["pictures"], after["pictures"])]
            assert changed == [True, False, True, True], "coverage, output and checkerboard change; the input does not"

            # the fourth rate is unused with three layers, and says so on hover
            assert root.get_by_label("dilation rate of layer 4 (1–12)").is_disabled()
            # the pointer on the filtered picture traces one output back to the input pixels it reads
            box = root.locator("canvas[data-panel=picture-out]").bounding_box()
            page.mouse.move(box["x"] + 40 * 3 + 1, box["y"] + 20 * 3 + 1)
            traced = json.loads(root.evaluate(READ))
            assert f"Output (20, 40) reads the {reads(20) * reads(40)} input pixels painted blue" in traced["text"]
            assert traced["pictures"][1] != after["pictures"][1]
            root.screenshot(path=str(ARTIFACTS / "gridding-explorer-traced.png"))
            assert not errors, errors
        finally:
            browser.close()
