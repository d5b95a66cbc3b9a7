"""Math is typeset on the built pages with the MathJax they carry, and no page asks a CDN for anything.

The website (Jupyter Book) and the nbconvert pages (what nbviewer shows) load MathJax 2.7 from a
copy beside them (``helpers.publish.copy_mathjax``, from the ``jupyter-server-mathjax`` package).
Each page is served from 127.0.0.1 (as a web server would serve it) to Debian's Chromium, whose
flags make every other host unreachable; the test records every request the page makes and asserts
that none goes elsewhere, that every formula was typeset (no raw ``\\(``, ``\\[`` or ``$`` math left
in the prose), that MathJax reported no error, and that it typeset with the web fonts it carries.
A screenshot of each page goes to ``test-artifacts/mathjax/``: look at it.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import browser_support

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "mathjax"
#: A notebook with inline and display math in its markdown.
NOTEBOOK = ROOT / "notebooks" / "01_stride.ipynb"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}

# Waits for MathJax 2 to finish typesetting, then reports what a reader would see.
MATH_REPORT_JS = """
async ([prose]) => {
  const loaded = !!(window.MathJax && window.MathJax.Hub);
  if (loaded) await new Promise((resolve) => MathJax.Hub.Queue(resolve));
  const blocks = [...document.querySelectorAll(prose)].filter(
    (el) => !el.closest('pre, code, .cell_input, script, style'));
  const text = blocks.map((el) => el.innerText).join('\\n');
  const raw = [];
  for (const re of [/\\\\\\(.{0,40}/g, /\\\\\\[.{0,40}/g, /\\$[^$\\s][^$\\n]{0,40}\\$/g]) {
    raw.push(...(text.match(re) || []));
  }
  const html = loaded ? MathJax.OutputJax['HTML-CSS'] : null;
  // An inline formula sits on the text's baseline: MathJax's strut (the last box of the formula,
  // lowered by the formula's depth) ends that depth below the baseline of the text around it.
  const offBaseline = () => [...document.querySelectorAll('.MathJax > nobr > span.math')].flatMap((m) => {
    if (m.closest('.MathJax_Display')) return [];  // display math: its own line
    const strut = m.lastElementChild;
    const depth = strut ? -parseFloat(getComputedStyle(strut).verticalAlign) : NaN;
    if (!strut || !Number.isFinite(depth)) return [];
    const mark = document.createElement('span');
    mark.style.cssText = 'display:inline-block;width:0;height:0;vertical-align:baseline';
    m.after(mark);  // inside MathJax's <nobr>, so it never wraps onto the next line
    const shift = strut.getBoundingClientRect().bottom - mark.getBoundingClientRect().top - depth;
    mark.remove();
    return Math.abs(shift) > 1 ? [`${m.textContent.slice(0, 30)}: ${shift.toFixed(1)} px`] : [];
  });
  return {
    mathjax: loaded,
    version: loaded ? MathJax.version : null,
    typeset: document.querySelectorAll('script[type^="math/tex"]').length,
    rendered: document.querySelectorAll('.MathJax, .MathJax_Display').length,
    errors: [...document.querySelectorAll('.MathJax .merror, .MathJax_Error, .math .merror')].map((e) => e.textContent),
    untypeset: [...document.querySelectorAll("span.math.notranslate, div.math.notranslate")].filter(
      (el) => !el.querySelector('script[type^="math/tex"]')).map((el) => el.textContent.slice(0, 60)),
    raw,
    font: html ? html.fontInUse : null,
    webFontsFailed: !!(html && html.allowWebFonts === false),
    message: (document.getElementById('MathJax_Message') || {}).textContent || '',
    offBaseline: offBaseline(),
    fontFaces: [...document.fonts].filter((f) => /MathJax|STIX/.test(f.family) && f.status !== 'unloaded').map((f) => `${f.family}: ${f.status}`),
  };
}
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep the test output clean
        pass


@pytest.fixture(scope="module")
def serve():
    """serve(folder) -> the http://127.0.0.1:PORT/ address of a static server of that folder."""
    servers = []

    def start(folder: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser():
    browser_support.require_browser()
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=browser_support.find_chromium(), args=browser_support.CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def look(browser, url: str, prose: str, screenshot: str) -> tuple[dict, list[str]]:
    """Open ``url``; return the math report and every request to a host other than this machine."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    foreign: list[str] = []

    def record(request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in ("data", "blob", "about") and parts.hostname not in LOCAL_HOSTS:
            foreign.append(request.url)

    page.on("request", record)
    try:
        page.goto(url, wait_until="load")
        report = page.evaluate(MATH_REPORT_JS, [prose])
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(ARTIFACTS / screenshot), full_page=False)
    finally:
        context.close()
    return report, foreign


def assert_typeset_locally(report: dict, foreign: list[str], where: str) -> None:
    assert not foreign, f"{where}: requests to hosts other than this machine: {foreign}"
    assert report["mathjax"], f"{where}: MathJax did not load"
    assert report["version"].startswith("2.7"), report
    assert report["typeset"] >= 10 and report["rendered"] >= report["typeset"], report
    assert not report["untypeset"], f"{where}: math left as text: {report['untypeset']}"
    assert not report["raw"], f"{where}: raw TeX in the prose: {report['raw']}"
    assert not report["errors"], f"{where}: MathJax errors: {report['errors']}"
    assert not report["offBaseline"], f"{where}: inline formulas off the text's baseline: {report['offBaseline']}"
    assert report["font"] == "STIX-Web" and not report["webFontsFailed"], f"{where}: fonts: {report}"
    # the STIX-Web fonts carried beside MathJax (not the reader's system fonts) drew the formulas;
    # MathJax_Blank is MathJax's probe, an empty font meant to fail
    assert any(face.startswith("STIX") and face.endswith(": loaded") for face in report["fontFaces"]), report["fontFaces"]
    failed = [face for face in report["fontFaces"] if face.endswith(": error") and not face.startswith("MathJax_Blank")]
    assert not failed, f"{where}: fonts that did not load: {failed}"


@pytest.mark.website
def test_website_page_typesets_math_with_its_own_mathjax(browser, built_site, serve):
    assert built_site.ok, built_site.log[-3000:]
    site = serve(built_site.html)
    report, foreign = look(browser, f"{site}notebooks/{NOTEBOOK.stem}.html", "article", "website-01_stride.png")
    assert_typeset_locally(report, foreign, "website")


def test_nbconvert_page_typesets_math_with_its_own_mathjax(browser, serve, tmp_path):
    from helpers import publish

    page = publish.nbconvert_html(NOTEBOOK, tmp_path)
    assert f'<script src="{publish.MATHJAX_URL}"' in page.read_text(encoding="utf-8")
    report, foreign = look(browser, serve(tmp_path) + page.name, ".jp-MarkdownOutput", "nbconvert-01_stride.png")
    assert_typeset_locally(report, foreign, "nbconvert")


def test_the_check_sees_untypeset_math(browser, serve, tmp_path):
    """The same check on a page whose MathJax is missing (as offline with a CDN) reports it."""
    from helpers import publish

    page = publish.nbconvert_html(NOTEBOOK, tmp_path)
    for script in (tmp_path / publish.MATHJAX_DIR).glob("MathJax.js"):
        script.unlink()
    report, foreign = look(browser, serve(tmp_path) + page.name, ".jp-MarkdownOutput", "nbconvert-no-mathjax.png")
    assert not foreign
    assert not report["mathjax"] and report["typeset"] == 0
    assert any(r.startswith("$") for r in report["raw"]), report
