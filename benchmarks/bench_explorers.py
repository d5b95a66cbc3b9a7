"""Explorer latency in a real browser: from the input event to the updated picture.

Headless Chromium (Debian's, driven by Playwright) opens

* **static**: a page holding every preset's stored HTML rendering
  (:func:`helpers.explorers.static.standalone_html`), no kernel, as the
  website and nbviewer show it;
* **JupyterLab**: ``tests/fixtures/explorer_live.ipynb`` run in JupyterLab, the
  live anywidget (a local kernel, but no kernel round trip is on the path:
  the picture is redrawn in the browser, the state is sent to Python after).

Each step, timed inside the page with ``performance.now()``, is one of: a
slider of the explorer set to a random allowed value and its ``input`` event
dispatched, or a pointer move onto a random output cell (hover trace-back).
Two numbers per step:

* **update** — the event handler's synchronous work: arithmetic, canvas
  drawing, read-out text and control ranges;
* **to next frame** — from the event until the next animation frame has run
  (``requestAnimationFrame`` then a zero-delay task), i.e. until the browser
  has produced the frame with the new picture. It includes waiting for the
  frame clock (at most one frame interval, ~16.7 ms at 60 Hz).

Targets (issue 13): median <= 16 ms and 95th percentile <= 33 ms, to next frame.
After the steps the shown numbers are compared with helpers (a benchmark of
a wrong picture would mean nothing).

Run: ``python benchmarks/bench_explorers.py [--steps 200] [--quick] [--no-lab]``
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import _common as C

sys.path.insert(0, str(C.ROOT / "tests"))
sys.path.insert(0, str(C.ROOT))

TARGET_MEDIAN_MS = 16.0
TARGET_P95_MS = 33.0

STEPS_JS = """async ([root, steps, seed, floor]) => {
  let s = seed >>> 0;
  const rand = () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 4294967296; };
  const canvas = root.querySelector('canvas');
  const nextFrame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const update = [], frame = [];
  const kinds = {slider: 0, hover: 0, none: 0};
  await nextFrame();
  for (let i = 0; i < steps; i++) {
    const e = root.__explorer;
    let act;
    if (floor) {
      act = () => {};
      kinds.none++;
    } else if (rand() < 0.5) {
      const sliders = [...root.querySelectorAll('input[type=range]')].filter((x) => !x.disabled);
      const el = sliders[Math.floor(rand() * sliders.length)];
      const value = String(Math.floor(rand() * (Number(el.max) + 1)));
      act = () => { el.value = value; el.dispatchEvent(new Event('input', {bubbles: true})); };
      kinds.slider++;
    } else {
      const v = e.view.rows;
      const level = 1 + Math.floor(rand() * (v.sizes.length - 1));
      const size = v.sizes[level];
      const i0 = Math.floor(rand() * size), j0 = Math.floor(rand() * size);
      const xy = e.cellCenter(level, i0, j0);
      const rect = canvas.getBoundingClientRect();
      act = () => canvas.dispatchEvent(new PointerEvent('pointermove', {clientX: rect.left + xy.x, clientY: rect.top + xy.y, bubbles: true}));
      kinds.hover++;
    }
    const t0 = performance.now();
    act();
    const t1 = performance.now();
    await nextFrame();
    const t2 = performance.now();
    update.push(t1 - t0);
    frame.push(t2 - t0);
  }
  canvas.dispatchEvent(new PointerEvent('pointerleave'));
  return {update, frame, kinds};
}"""

READ_JS = "(root) => JSON.stringify({state: root.__explorer.state, view: root.__explorer.view})"


def check_numbers(root) -> None:
    from test_explorers_browser import check_view_against_helpers

    shown = json.loads(root.evaluate(READ_JS))
    try:
        check_view_against_helpers(shown)
    except AssertionError as exc:
        raise C.CheckFailed(f"the explorer shows numbers helpers does not compute: {exc}") from None


def time_explorers(page, roots, names, where: str, steps: int, table: C.Table) -> None:
    # the floor: the same wait for the next frame after an event that changes nothing
    roots[0].scroll_into_view_if_needed()
    floor = page.evaluate(STEPS_JS, [roots[0].element_handle(), steps, 1, True])
    fr = [x / 1e3 for x in floor["frame"]]
    table.add(where, "floor: next frame after no change", f"{steps} no-op", "—", "—", C.ms(C.median(fr)), C.ms(C.p95(fr)), "—")
    for k, (root, name) in enumerate(zip(roots, names)):
        root.scroll_into_view_if_needed()
        result = page.evaluate(STEPS_JS, [root.element_handle(), steps, 1000 + k, False])
        check_numbers(root)
        up, fr = [x / 1e3 for x in result["update"]], [x / 1e3 for x in result["frame"]]
        med, p95 = C.median(fr), C.p95(fr)
        ok = med * 1e3 <= TARGET_MEDIAN_MS and p95 * 1e3 <= TARGET_P95_MS
        table.add(where, name, f"{result['kinds']['slider']} + {result['kinds']['hover']}", C.ms(C.median(up)),
                  C.ms(C.p95(up)), C.ms(med), C.ms(p95), "ok" if ok else "**MISS**")  # fmt: skip


def static_page(tmp: Path) -> tuple[Path, list[str]]:
    from helpers.explorers import PRESETS, explorer_state, static

    names = sorted(PRESETS)
    body = "".join(f"<h2>{n}</h2>{static.standalone_html(explorer_state(n))}" for n in names)
    page = tmp / "explorers.html"
    page.write_text(f"<!doctype html><html><head><meta charset='utf-8'></head><body>{body}</body></html>", encoding="utf-8")
    return page, names


def run(quick: bool = False, steps: int = 200, lab: bool = True) -> C.Table:
    from browser_support import CHROMIUM_ARGS, JupyterServer, find_chromium, missing_requirements
    from playwright.sync_api import sync_playwright

    table = C.Table(
        "Explorer latency in the browser (input event → next frame with the new picture)",
        ["where", "explorer", "steps (slider + hover)", "update median ms", "update p95 ms",
         "to next frame median ms", "to next frame p95 ms", f"target ≤ {TARGET_MEDIAN_MS:g} / {TARGET_P95_MS:g} ms"],
    )  # fmt: skip
    reason = missing_requirements()
    if reason:
        table.notes.append(f"not measured: {reason}")
        return table
    steps = 20 if quick else steps
    with tempfile.TemporaryDirectory(prefix="bench-explorers-") as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        try:
            page_path, names = static_page(Path(tmp))
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.goto(page_path.as_uri())
            page.wait_for_function(f"document.querySelectorAll('.sh-xp').length === {len(names)}")
            roots = [page.locator(".sh-xp").nth(i) for i in range(len(names))]
            time_explorers(page, roots, names, "static page", steps, table)
            page.close()
            if lab:
                with JupyterServer(log_path=Path(tmp) / "jupyter.log") as server:
                    from browser_support import open_lab

                    page = browser.new_page(viewport={"width": 1280, "height": 900})
                    page.set_default_timeout(90_000)
                    open_lab(page, server)
                    rel = (C.ROOT / "tests" / "fixtures" / "explorer_live.ipynb").relative_to(server.root).as_posix()
                    page.evaluate(
                        "async (path) => { const w = await window.jupyterapp.commands.execute('docmanager:open', {path, factory: 'Notebook'});"
                        " await w.context.ready; await w.sessionContext.ready; }", rel)  # fmt: skip
                    page.wait_for_function(
                        "() => { const w = window.jupyterapp.shell.currentWidget; const k = w && w.sessionContext.session && w.sessionContext.session.kernel;"
                        " return k && k.status === 'idle'; }")  # fmt: skip
                    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
                    root = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .sh-xp").first
                    root.wait_for()
                    time_explorers(page, [root], ["receptive-field (live anywidget)"], "JupyterLab", steps, table)
                    page.evaluate("() => { for (const w of [...window.jupyterapp.shell.widgets('main')]) { if (w.context) w.context.model.dirty = false; w.dispose(); } }")
                    server.shutdown_kernels()
        finally:
            browser.close()
    table.notes.append(
        "update: the event handler's synchronous work (arithmetic, canvas, read-out, control ranges); "
        "to next frame: until requestAnimationFrame + a zero-delay task after the event, so it includes "
        "waiting for the frame clock (up to one frame, ~16.7 ms at 60 Hz)."
    )
    table.notes.append("Voila is not measured: the explorer runs the same code there as in JupyterLab (the anywidget view).")
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="20 steps per explorer")
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--no-lab", action="store_true", help="only the static page")
    args = parser.parse_args(argv)
    try:
        table = run(args.quick, args.steps, not args.no_lab)
    except C.CheckFailed as exc:
        print(f"CHECK FAILED: {exc}")
        return 1
    C.print_report([table], C.machine())
    return 0


if __name__ == "__main__":
    sys.exit(main())
