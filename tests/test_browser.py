"""Every notebook in a real browser: JupyterLab and Voila, as readers and Binder visitors use them.

nbval runs the notebooks without a front end, so it cannot see what a reader
meets: "Error displaying widget", a widget stuck on "Loading widget...", a
slider that moves but redraws nothing. These tests open each notebook in
headless Chromium (Debian's, driven by Playwright), run it, and use every
widget: each control is changed with the keyboard or a click, the widget must
redraw, and changing the control back must redraw exactly the first picture.

The notebooks are found at run time (``notebooks/*.ipynb``), so a new notebook
is covered without editing this file. ``tests/fixtures/live_widgets.ipynb``
proves the mechanism on the course's widget machinery, and
``tests/fixtures/broken_widgets.ipynb`` proves the checks fail when they should.

Screenshots go to ``test-artifacts/browser/`` (ignored by git): look at them.
Without Chromium these tests skip with a message saying how to enable them;
under CI (``CI=true``) a missing browser fails instead.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from browser_support import (
    ARTIFACTS,
    CHROMIUM_ARGS,
    ROOT,
    JupyterServer,
    course_notebooks,
    find_chromium,
    open_lab,
    require_browser,
    run_in_lab,
    run_in_voila,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

FIXTURES = Path(__file__).parent / "fixtures"
LIVE = FIXTURES / "live_widgets.ipynb"
BROKEN = FIXTURES / "broken_widgets.ipynb"
# Notebook 08 has no widgets and runs full-size PyTorch models for a minute or more (nbval runs
# it); opening it in JupyterLab and Voila as well would add minutes to CI and check nothing new.
WITHOUT_WIDGETS = {"08_audit_a_real_network.ipynb"}
NOTEBOOKS = [*(p for p in course_notebooks() if p.name not in WITHOUT_WIDGETS), LIVE]
IDS = [p.relative_to(ROOT).as_posix() for p in NOTEBOOKS]


@pytest.fixture(scope="module")
def session():
    """One Jupyter server (with Voila) and one headless Chromium for all browser tests."""
    require_browser()
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with JupyterServer(log_path=ARTIFACTS / "jupyter-server.log") as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        try:
            yield server, browser
        finally:
            browser.close()


class Tab:
    """A browser tab that keeps its console errors, to be saved next to the screenshots."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.page.set_default_timeout(60_000)
        self.messages: list[str] = []
        self.page.on("console", lambda m: self.messages.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.messages.append(f"page error: {e}"))

    def save_console(self, request) -> None:
        name = request.node.name.replace("/", "_").replace("[", "-").rstrip("]")
        (ARTIFACTS / f"{name}.console.txt").write_text("\n".join(self.messages) + "\n")
        self.messages.clear()


@pytest.fixture(scope="module")
def lab_tab(session):
    """JupyterLab, loaded once; each test opens its notebook in it and closes it again."""
    server, browser = session
    tab = Tab(browser)
    open_lab(tab.page, server)
    yield tab
    tab.context.close()


@pytest.fixture
def lab(session, lab_tab, request):
    yield session[0], lab_tab.page
    lab_tab.save_console(request)
    session[0].shutdown_kernels()


@pytest.fixture
def voila(session, request):
    """A fresh tab per notebook, as a Binder visitor opening a Voila link gets."""
    server, browser = session
    tab = Tab(browser)
    yield server, tab.page
    tab.save_console(request)
    tab.context.close()
    server.shutdown_kernels()


def _explain(report) -> str:
    lines = ["Problems a reader would see:", *report.problems, "", "What the test did:", *report.log]
    lines += ["", "Screenshots:", *(str(p) for p in report.screenshots)]
    return "\n".join(lines)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_in_jupyterlab(lab, path):
    report = run_in_lab(lab[1], lab[0], path)
    assert not report.problems, _explain(report)
    if path == LIVE:  # the fixture exercises every kind of control
        assert (report.widgets, report.controls_changed) == (2, 5), _explain(report)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_in_voila(voila, path):
    report = run_in_voila(voila[1], voila[0], path)
    assert not report.problems, _explain(report)
    if report.retried:
        warnings.warn(f"Voila hung on the first load of {path.name} and worked after a reload:\n{_explain(report)}")
    if path == LIVE:
        assert (report.widgets, report.controls_changed) == (2, 2), _explain(report)


def _assert_broken_notebook_caught(report, error_text):
    problems = "\n".join(report.problems)
    assert "neither the figure nor the text changed" in problems, _explain(report)
    assert "javascript error" in problems, _explain(report)
    assert error_text in problems, _explain(report)


def test_lab_checks_catch_a_broken_notebook(lab):
    """The checks can fail: a frozen slider, an undisplayable widget and an error are all reported."""
    report = run_in_lab(lab[1], lab[0], BROKEN, timeout=4.0)
    _assert_broken_notebook_caught(report, "ZeroDivisionError")


def test_voila_checks_catch_a_broken_notebook(voila):
    report = run_in_voila(voila[1], voila[0], BROKEN, timeout=4.0)
    _assert_broken_notebook_caught(report, "There was an error when executing cell [4]")
