"""What the browser tests need: a throw-away Jupyter server, a headless Chromium, and the page checks.

The server is one JupyterLab process on 127.0.0.1 (random free port, random
token, config/runtime/data/settings/workspaces in a temporary folder, kernel
spec pointing at this interpreter). Voila runs inside it as a server
extension, exactly as Binder serves ``urlpath=voila/render/...``.

The page checks are written for any notebook: they find every widget on the
page by its DOM (an ipywidgets box that contains controls), change each control
with the keyboard or a real click, and compare what the widget shows (its
images and text) before and after. They return a list of problems, so a test
can both assert that a course notebook has none and that a deliberately broken
notebook has the expected ones.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "browser"

#: Headless flags that work as root in a container with no network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Hermetic: only the local Jupyter server is reachable; CDN requests fail at once instead of hanging.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]

HOW_TO_ENABLE = (
    "browser tests need Debian's Chromium and Playwright for Python: "
    "`sudo apt-get install chromium` (Playwright comes with the [test] extra; never run "
    "`playwright install`), or point BROWSER_TESTS_CHROMIUM at another Chromium/Chrome binary; "
    "then run `pytest -m browser`"
)

# Texts a reader sees when a widget cannot be shown.
WIDGET_FAILURE_TEXTS = (
    "Error displaying widget",
    "Loading widget...",
    "Failed to create view",
    "Failed to load model",
    "Click to show javascript error",
)


def in_ci() -> bool:
    """True under CI (``CI=true``), where a missing browser is a failure, not a skip."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def find_chromium() -> str | None:
    """Path of the Chromium to drive, or None."""
    candidates = [os.environ.get("BROWSER_TESTS_CHROMIUM", ""), "/usr/bin/chromium"]
    candidates += [shutil.which(name) or "" for name in ("chromium", "chromium-browser", "google-chrome")]
    for path in candidates:
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def missing_requirements() -> str | None:
    """Why the browser tests cannot run here (None when they can)."""
    missing = []
    if find_chromium() is None:
        missing.append("no Chromium found")
    for module in ("playwright", "jupyterlab", "voila"):
        try:
            __import__(module)
        except ImportError:
            missing.append(f"Python package {module!r} not installed")
    return f"{'; '.join(missing)}. {HOW_TO_ENABLE}" if missing else None


def require_browser() -> None:
    """Skip the calling test when the browser tests cannot run here, or fail it under CI."""
    import pytest

    reason = missing_requirements()
    if reason is None:
        return
    if in_ci():
        pytest.fail(f"CI=true, so the browser tests must run: {reason}", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def course_notebooks() -> list[Path]:
    """Every notebook of the course, in reading order."""
    return sorted((ROOT / "notebooks").glob("*.ipynb"))


# --------------------------------------------------------------------------- server


def _die_with_parent() -> None:
    """In the server's process, before exec: on Linux, get SIGTERM when the test process dies,
    so a killed test run (e.g. by a time limit) leaves no server behind."""
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class JupyterServer:
    """JupyterLab (with Voila as a server extension) in a throw-away environment.

    Use as a context manager; the server and its kernels are stopped on exit,
    also when the body raises.
    """

    def __init__(self, root: Path = ROOT, log_path: Path | None = None) -> None:
        self.root = root
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self._tmp: tempfile.TemporaryDirectory | None = None

    # --- environment
    def _prepare(self, tmp: Path) -> dict[str, str]:
        for name in ("config", "data", "runtime", "settings", "workspaces", "ipython", "checkpoints"):
            (tmp / name).mkdir()
        # The kernel is this interpreter, so it imports this checkout's helpers.
        spec = tmp / "data" / "kernels" / "python3"
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(
            json.dumps(
                {
                    "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                    "display_name": "Python 3 (ipykernel)",
                    "language": "python",
                    "metadata": {"debugger": False},
                }
            )
        )
        # Lab settings: render every cell (no virtual windowing, so every widget is in the DOM),
        # and no news or update checks (no network here).
        settings = tmp / "settings"
        for plugin, values in {
            "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
            "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
            # never write the executed notebooks back into the repository
            "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
        }.items():
            folder, name = plugin.rsplit("/", 1)
            (settings / folder).mkdir(parents=True, exist_ok=True)
            (settings / folder / f"{name}.jupyterlab-settings").write_text(json.dumps(values))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "MPLBACKEND"))}
        env.update(
            JUPYTER_CONFIG_DIR=str(tmp / "config"),
            JUPYTER_DATA_DIR=str(tmp / "data"),
            JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
            IPYTHONDIR=str(tmp / "ipython"),
            PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
            PYTHONUNBUFFERED="1",
        )
        return env

    def command(self, tmp: Path) -> list[str]:
        cmd = [
            sys.executable, "-m", "jupyterlab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            "--ServerApp.terminals_enabled=False",
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            f"--LabApp.user_settings_dir={tmp / 'settings'}",
            f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
            # checkpoints go to the throw-away folder, not .ipynb_checkpoints/ beside the notebooks
            f"--FileCheckpoints.checkpoint_dir={tmp / 'checkpoints'}",
        ]  # fmt: skip
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        return cmd

    # --- life cycle
    def __enter__(self) -> "JupyterServer":
        self._tmp = tempfile.TemporaryDirectory(prefix="sh-jupyter-")
        tmp = Path(self._tmp.name)
        env = self._prepare(tmp)
        log = open(self.log_path, "w") if self.log_path else subprocess.DEVNULL
        try:
            self.proc = subprocess.Popen(
                self.command(tmp), cwd=self.root, env=env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True, preexec_fn=_die_with_parent,
            )  # fmt: skip
            self._wait_ready(timeout=90)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"Jupyter server exited with code {self.proc.returncode}; see {self.log_path}")
            try:
                self.api("GET", "/api/status")
                return
            except OSError:
                time.sleep(0.3)
        raise TimeoutError(f"Jupyter server not ready after {timeout} s; see {self.log_path}")

    def api(self, method: str, path: str) -> object:
        request = urllib.request.Request(
            f"{self.url}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """Stop every kernel (and session) so the next notebook starts fresh and memory stays low."""
        try:
            for session in self.api("GET", "/api/sessions"):
                self.api("DELETE", f"/api/sessions/{session['id']}")
            for kernel in self.api("GET", "/api/kernels"):
                self.api("DELETE", f"/api/kernels/{kernel['id']}")
        except OSError:
            pass

    def stop(self) -> None:
        proc = self.proc
        if proc is not None and proc.poll() is None:
            self.shutdown_kernels()
            proc.send_signal(signal.SIGTERM)  # the server shuts its kernels down on SIGTERM
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def lab_url(self, workspace: str = "browser-tests") -> str:
        return f"{self.url}/lab/workspaces/{workspace}?reset&token={self.token}"

    def voila_url(self, path: str) -> str:
        return f"{self.url}/voila/render/{path}?token={self.token}"


# --------------------------------------------------------------------------- notebooks


@dataclass
class NotebookFacts:
    """What the stored notebook says about itself (read without running it)."""

    path: Path
    code_cells: int
    allowed_errors: set[int]  # indices (among code cells) of cells tagged raises-exception
    allowed_error_counts: set[int]  # execution counts those cells get when run top to bottom

    @classmethod
    def read(cls, path: Path) -> "NotebookFacts":
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        allowed, counts, count = set(), set(), 0
        for i, cell in enumerate(code):
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            if source.strip():
                count += 1
            if "raises-exception" in cell.get("metadata", {}).get("tags", []):
                allowed.add(i)
                counts.add(count)
        return cls(path, len(code), allowed, counts)


@dataclass
class PageReport:
    """What one notebook looked like in the browser."""

    problems: list[str] = field(default_factory=list)
    widgets: int = 0
    controls_changed: int = 0
    screenshots: list[Path] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    retried: bool = False  # the page hung once and was reloaded


# --------------------------------------------------------------------------- widget checks
# Both JupyterLab and Voila render ipywidgets 8 with the same DOM classes.

# The widgets a reader can use: every outermost ipywidgets box in an output area.
FIND_WIDGETS_JS = """
(root) => {
  const boxes = [...root.querySelectorAll('.widget-box')].filter(
    (el) => !el.parentElement.closest('.widget-box') && el.querySelector('.widget-inline-hbox, .widget-dropdown, .widget-checkbox, .widget-toggle-buttons, .widget-slider')
  );
  boxes.forEach((el, i) => el.setAttribute('data-browser-test-widget', String(i)));
  return boxes.length;
}
"""

# What a widget shows, apart from its controls: figure images (their data) and text.
SNAPSHOT_JS = """
(box) => {
  const controls = '.widget-slider, .widget-dropdown, .widget-checkbox, .widget-toggle-buttons, .widget-readout, .widget-label';
  const images = [...box.querySelectorAll('img')].map((img) => img.getAttribute('src') || '');
  const texts = [...box.querySelectorAll('.widget-html-content, .widget-output .jp-OutputArea-output')]
    .filter((el) => !el.closest(controls) && !el.querySelector('img'))
    .map((el) => el.innerText.trim());
  return JSON.stringify({images, texts});
}
"""


def _snapshot(box) -> str:
    return box.evaluate(SNAPSHOT_JS)


def _wait_for(box, predicate, timeout: float, *, settle: float = 0.0) -> str:
    """Poll the widget's snapshot until ``predicate(snapshot)`` holds (for ``settle`` seconds); return it."""
    deadline = time.monotonic() + timeout
    last = _snapshot(box)
    since = time.monotonic()
    while True:
        if predicate(last) and all(json.loads(last)["images"]) and time.monotonic() - since >= settle:
            return last
        if time.monotonic() > deadline:
            return last
        time.sleep(0.05)
        now = _snapshot(box)
        if now != last:
            since = time.monotonic()
        last = now


def _controls(box) -> list[tuple[str, object]]:
    """(kind, locator) of every control of a widget, in page order."""
    found = []
    for el in box.locator(".widget-slider, .widget-dropdown, .widget-checkbox, .widget-toggle-buttons").all():
        classes = el.get_attribute("class") or ""
        if "widget-slider" in classes:
            if el.locator(".noUi-handle").count():
                found.append(("slider", el))
        elif "widget-dropdown" in classes:
            found.append(("dropdown", el))
        elif "widget-checkbox" in classes:
            found.append(("checkbox", el))
        else:
            found.append(("toggle-buttons", el))
    return found


def _describe(kind: str, control) -> str:
    texts = control.locator(".widget-label, .widget-label-basic").all_inner_texts()
    text = next((t.strip() for t in texts if t.strip(" \u200b\n")), "")
    return f"{kind} {text!r}" if text else kind


def _change(kind: str, control) -> tuple[str, object]:
    """Change a control as a person would; return (what was done, how to undo it)."""
    if kind == "slider":
        handle = control.locator(".noUi-handle").first
        now = float(handle.get_attribute("aria-valuenow"))
        top = float(handle.get_attribute("aria-valuemax"))
        vertical = "vertical" in (control.get_attribute("class") or "")
        up, down = ("ArrowUp", "ArrowDown") if vertical else ("ArrowRight", "ArrowLeft")
        key, back = (up, down) if now < top else (down, up)
        handle.focus()
        handle.press(key)
        return f"pressed {key} on the slider handle (value was {now:g})", lambda: handle.press(back)
    if kind == "dropdown":
        select = control.locator("select")
        options = select.locator("option").all_inner_texts()
        current = select.evaluate("(s) => s.selectedIndex")
        if len(options) < 2:
            return "", None
        target = current + 1 if current + 1 < len(options) else current - 1
        select.select_option(index=target)
        return f"chose {options[target]!r} (was {options[current]!r})", lambda: select.select_option(index=current)
    if kind == "checkbox":
        box = control.locator("input[type=checkbox]")
        box.click()
        return "clicked the checkbox", lambda: box.click()
    buttons = control.locator("button")
    if buttons.count() < 2:
        return "", None
    pressed = next((i for i in range(buttons.count()) if "mod-active" in (buttons.nth(i).get_attribute("class") or "")), 0)
    target = 1 if pressed == 0 else 0
    buttons.nth(target).click()
    return f"clicked toggle button {target}", lambda: buttons.nth(pressed).click()


def check_widgets(page, scope, report: PageReport, *, name: str, timeout: float = 15.0, every_control: bool = True) -> None:
    """Change the controls of every widget in ``scope``; record problems in ``report``.

    For each control: change it (one keyboard step on a slider, the next option
    of a dropdown, a click on a checkbox), wait until what the widget shows
    changes, change it back and wait until the widget shows exactly what it
    showed before (the figure is a function of the controls, so the same
    setting must redraw the same picture).
    """
    count = scope.evaluate(FIND_WIDGETS_JS)
    report.widgets = count
    for w in range(count):
        box = scope.locator(f"[data-browser-test-widget='{w}']")
        box.scroll_into_view_if_needed()
        before = _wait_for(box, lambda s: True, timeout=timeout, settle=0.3)
        if not json.loads(before)["images"] and not any(json.loads(before)["texts"]):
            report.problems.append(f"{name}: widget {w} shows no figure and no text")
        controls = _controls(box)
        if not controls:
            report.problems.append(f"{name}: widget {w} has no control the tests can drive")
            continue
        changed_any = False
        for kind, control in controls if every_control else controls[:1]:
            what, undo = _change(kind, control)
            if undo is None:
                continue
            after = _wait_for(box, lambda s: s != before, timeout=timeout)
            label = f"{name}: widget {w}, {_describe(kind, control)}"
            if after == before:
                report.problems.append(f"{label}: {what}, but neither the figure nor the text changed")
                continue
            changed_any = True
            report.controls_changed += 1
            report.log.append(f"{label}: {what} -> the widget redrew")
            undo()
            restored = _wait_for(box, lambda s: s == before, timeout=timeout)
            if restored != before:
                report.problems.append(f"{label}: changing it back did not restore the same figure and text")
        if not changed_any and not any(p.startswith(f"{name}: widget {w},") for p in report.problems):
            report.problems.append(f"{name}: widget {w}: no control could be changed")


def widget_failures(scope) -> list[str]:
    """Texts of widget placeholders or errors shown on the page."""
    found = []
    for text in WIDGET_FAILURE_TEXTS:
        loc = scope.get_by_text(text, exact=False)
        if loc.count():
            found.append(f"{text!r} shown {loc.count()} time(s): {loc.first.inner_text()[:200]!r}")
    errors = scope.locator(".jupyter-widgets-error-widget, .widget-error")
    if errors.count():
        found.append(f"widget error shown: {errors.first.inner_text()[:200]!r}")
    return found


# --------------------------------------------------------------------------- one notebook, two front ends

# Every code cell of the open notebook, from JupyterLab's own model.
LAB_CELLS_JS = """
() => {
  const nb = window.jupyterapp.shell.currentWidget.content;
  const cells = [];
  for (let i = 0; i < nb.model.cells.length; i++) {
    const c = nb.model.cells.get(i);
    if (c.type !== 'code') continue;
    cells.push({index: i, source: c.sharedModel.getSource(), count: c.executionCount,
                tags: c.getMetadata('tags') || [], outputs: c.outputs.toJSON()});
  }
  return cells;
}
"""

LAB_KERNEL_IDLE_JS = """
() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const s = w && w.sessionContext;
  return !!(s && s.isReady && s.session && s.session.kernel && s.session.kernel.status === 'idle');
}
"""

# Widget outputs whose view has not been rendered (yet).
UNRENDERED_WIDGETS_JS = """
(root) => [...root.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.widget-view+json"]')]
  .filter((el) => !el.querySelector('.jupyter-widgets')).length
"""
ALL_WIDGETS_RENDERED_JS = f"(root) => ({UNRENDERED_WIDGETS_JS.strip()})(root) === 0"


def _name(path: Path) -> str:
    return path.stem


def _output_problem(output: dict) -> str | None:
    if output.get("output_type") == "error":
        return f"error output {output.get('ename')}: {str(output.get('evalue'))[:200]}"
    if output.get("output_type") == "stream" and output.get("name") == "stderr":
        text = "".join(output.get("text", ""))
        return f"stderr output: {text.strip()[:200]!r}"
    return None


def _screenshot(target, path: Path, report: PageReport, **kwargs: object) -> None:
    target.screenshot(path=str(path), **kwargs)
    report.screenshots.append(path)


def _save_log(report: PageReport, path: Path) -> None:
    lines = ["What the test did:", *report.log, "", "Problems:", *(report.problems or ["none"])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _whole_page_screenshot(page, scroller: str, path: Path, report: PageReport) -> None:
    """Screenshot everything inside the scrolling element ``scroller`` (both front ends scroll inside
    an element, not the page, so the viewport is made tall enough to show it all, then restored)."""
    size = page.viewport_size
    content = page.evaluate(f"() => {{ const e = document.querySelector({scroller!r}); return e ? e.scrollHeight - e.clientHeight : 0; }}")
    page.set_viewport_size({"width": size["width"], "height": min(size["height"] + int(content) + 40, 16000)})
    page.wait_for_timeout(400)
    page.evaluate(f"() => {{ const e = document.querySelector({scroller!r}); if (e) e.scrollTop = 0; }}")
    _screenshot(page, path, report)
    page.set_viewport_size(size)


LAB_PROGRESS_JS = """
() => {
  const nb = window.jupyterapp.shell.currentWidget.content;
  const counts = [];
  for (let i = 0; i < nb.model.cells.length; i++) counts.push(nb.model.cells.get(i).executionCount ?? null);
  const busy = [...nb.node.querySelectorAll('.jp-InputPrompt')].some((e) => e.textContent.includes('*'));
  return JSON.stringify({counts, busy});
}
"""


def _wait_until_settled(page, timeout: float, quiet: float = 1.0) -> None:
    deadline = time.monotonic() + timeout
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        state = page.evaluate(LAB_PROGRESS_JS)
        idle = page.evaluate(LAB_KERNEL_IDLE_JS)
        if state != last or not idle or json.loads(state)["busy"]:
            last, since = state, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.2)
    raise TimeoutError(f"the notebook was still running after {timeout} s")


def open_lab(page, server: JupyterServer) -> None:
    """Load JupyterLab once in ``page`` (an empty workspace); notebooks are then opened in it."""
    page.goto(server.lab_url(), timeout=90_000)
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.started", timeout=90_000)
    page.evaluate("() => window.jupyterapp.restored")


def close_all_documents(page) -> None:
    """Close every open document without saving (no 'save changes?' dialog, nothing written)."""
    page.evaluate(
        """() => { for (const w of [...window.jupyterapp.shell.widgets('main')]) {
                     if (w.context) w.context.model.dirty = false;
                     w.dispose(); } }"""
    )


def run_in_lab(page, server: JupyterServer, path: Path, *, timeout: float = 15.0, run_timeout: float = 120.0) -> PageReport:
    """Open ``path`` in the JupyterLab of ``page``, run all cells, check outputs and widgets; take screenshots.

    The notebook is closed again (without saving) at the end, also when a check raises.
    """
    try:
        return _run_in_lab(page, server, path, timeout=timeout, run_timeout=run_timeout)
    finally:
        close_all_documents(page)


def _run_in_lab(page, server: JupyterServer, path: Path, *, timeout: float, run_timeout: float) -> PageReport:
    report = PageReport()
    name = _name(path)
    rel = path.relative_to(server.root).as_posix()
    opened = time.monotonic()
    page.evaluate(
        "async (path) => { const w = await window.jupyterapp.commands.execute('docmanager:open', {path, factory: 'Notebook'});"
        " await w.context.ready; await w.sessionContext.ready; }",
        rel,
    )
    page.wait_for_function(LAB_KERNEL_IDLE_JS, timeout=90_000, polling=200)
    started = time.monotonic()
    report.log.append(f"{name}: JupyterLab open with an idle kernel in {started - opened:.1f} s")
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    # The command's promise can resolve before the last cell ran (e.g. after an expected error), so
    # wait until the kernel is idle, no prompt shows [*], and nothing changed for a second.
    _wait_until_settled(page, timeout=run_timeout)
    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").first
    try:
        page.wait_for_function(ALL_WIDGETS_RENDERED_JS, arg=notebook.element_handle(), timeout=30_000)
    except Exception:
        pass  # reported below as a placeholder
    report.log.append(f"{name}: ran all cells in {time.monotonic() - started:.1f} s")

    for cell in page.evaluate(LAB_CELLS_JS):
        label = f"{name}: cell {cell['index']} ({cell['source'].strip().splitlines()[0][:60] if cell['source'].strip() else 'empty'})"
        if cell["source"].strip() and cell["count"] is None:
            report.problems.append(f"{label} did not run")
        if "raises-exception" in cell["tags"]:
            continue
        for output in cell["outputs"]:
            problem = _output_problem(output)
            if problem:
                report.problems.append(f"{label}: {problem}")
    unrendered = notebook.evaluate(UNRENDERED_WIDGETS_JS)
    if unrendered:
        report.problems.append(f"{name}: {unrendered} widget output(s) never rendered")
    report.problems += [f"{name}: {f}" for f in widget_failures(notebook)]

    # Math in the markdown is typeset (JupyterLab ships MathJax; no network needed).
    markdown = "".join(
        "".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "markdown"
    )
    if "$" in markdown and not notebook.locator("mjx-container").count():
        report.problems.append(f"{name}: the markdown has $...$ math but none was typeset")

    checked = time.monotonic()
    check_widgets(page, notebook, report, name=name, timeout=timeout)
    report.log.append(f"{name}: checked {report.widgets} widget(s) in {time.monotonic() - checked:.1f} s")

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    _whole_page_screenshot(page, ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer", ARTIFACTS / f"lab-{name}.png", report)
    for w in range(report.widgets):
        box = notebook.locator(f"[data-browser-test-widget='{w}']")
        _screenshot(box, ARTIFACTS / f"lab-{name}-widget{w}.png", report)
    _save_log(report, ARTIFACTS / f"lab-{name}.txt")
    return report


def run_in_voila(page, server: JupyterServer, path: Path, *, timeout: float = 15.0, run_timeout: float = 120.0) -> PageReport:
    """Render ``path`` with Voila (as Binder's ``urlpath=voila/render/...`` does); check it and its widgets."""
    report = PageReport()
    name = _name(path)
    facts = NotebookFacts.read(path)
    rel = path.relative_to(server.root).as_posix()
    started = time.monotonic()
    # Voila streams the page while it executes the notebook; "load" fires when the last cell ran.
    # Now and then (2 of ~60 renders here, both in the first run after installing) Voila's
    # executor never sees a cell's execute_reply although the kernel went idle, and the page stays
    # on "Executing n of m" (upstream: voila-dashboards/voila#1395, jupyter/nbclient#312). A reader
    # reloads the page; so does the test, once, and the test then warns. A second hang fails.
    for attempt in (1, 2):
        try:
            page.goto(server.voila_url(rel), timeout=run_timeout * 1000, wait_until="load")
            break
        except Exception as error:  # playwright's TimeoutError
            stuck = page.evaluate("() => (document.getElementById('loading_text') || {}).textContent || ''")
            message = f"{name}: Voila had not finished after {run_timeout:.0f} s (page says {stuck.strip()!r})"
            if attempt == 2 or "Timeout" not in type(error).__name__:
                report.problems.append(message)
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                _screenshot(page, ARTIFACTS / f"voila-{name}.png", report)
                _save_log(report, ARTIFACTS / f"voila-{name}.txt")
                return report
            report.log.append(message + "; reloading once")
            report.retried = True
            server.shutdown_kernels()
    page.wait_for_function("() => !document.getElementById('loading')", timeout=30_000)
    # The widget outputs arrive as JSON scripts that the page replaces with live views.
    # A widget shows "Loading widget..." until its model arrives from the kernel.
    pending = """() => document.querySelectorAll('script[type="application/vnd.voila.cell-output+json"]').length === 0
                  && !document.body.innerText.includes('Loading widget...')"""
    try:
        page.wait_for_function(pending, timeout=30_000, polling=200)
    except Exception:
        pass  # reported below as a stuck placeholder
    body = page.locator("body")
    report.log.append(f"{name}: Voila rendered in {time.monotonic() - started:.1f} s")

    # Errors: Voila hides tracebacks and writes "There was an error when executing cell [n]".
    for cell in page.locator("div[cell-index]").all():
        index = int(cell.get_attribute("cell-index"))
        for out in cell.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').all():
            text = out.inner_text().strip()
            expected = any(f"executing cell [{n}]" in text for n in facts.allowed_error_counts)
            if not expected:
                report.problems.append(f"{name}: cell {index} shows an error or stderr: {text[:200]!r}")
    report.problems += [f"{name}: {f}" for f in widget_failures(body)]

    checked = time.monotonic()
    check_widgets(page, body, report, name=name, timeout=timeout, every_control=False)
    report.log.append(f"{name}: checked {report.widgets} widget(s) in {time.monotonic() - checked:.1f} s")

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    _whole_page_screenshot(page, "#rendered_cells", ARTIFACTS / f"voila-{name}.png", report)
    _save_log(report, ARTIFACTS / f"voila-{name}.txt")
    return report
