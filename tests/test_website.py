"""The course website: Jupyter Book 1 builds it from the stored notebooks, strictly.

The build (``python -m helpers.publish site``) must give no Sphinx warning at
all — a broken reference fails it — except a link to a notebook the README's
contents table plans but that is not written yet. The output goes to
``test-artifacts/site/_build/html`` (ignored by git) so a person can open it.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from helpers import publish

pytestmark = [pytest.mark.website, pytest.mark.timeout(300)]

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def site(built_site):
    # built once per run (tests/conftest.py), shared with tests/test_static_pages.py
    return built_site


def test_the_site_builds_without_warnings(site):
    assert site.returncode == 0, site.log[-4000:]
    assert not site.errors, "Sphinx warnings (broken references and others):\n" + "\n".join(site.errors)


def test_every_notebook_has_a_page_in_the_table_of_contents(site):
    index = (site.html / "book" / "intro.html").read_text()
    for nb in NOTEBOOKS:
        page = site.html / "notebooks" / f"{nb.stem}.html"
        assert page.is_file(), f"no page for {nb.name}"
        assert f'href="../notebooks/{nb.stem}.html"' in index, f"{nb.name} is not in the navigation"
    assert (site.html / "index.html").is_file()


def stored_outputs(nb: Path) -> tuple[list[str], int]:
    """(first lines of the stored text outputs, number of stored PNG figures) of a notebook."""
    lines, figures = [], 0
    for cell in json.loads(nb.read_text())["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            # a PNG beside text/html (an animation's key frame, an explorer's fallback) is shown as the HTML
            figures += "image/png" in data and "text/html" not in data
            if out["output_type"] == "stream":
                text = "".join(out["text"])
            elif set(data) == {"text/plain"}:  # a richer form (figure, widget) is shown instead of the text
                text = "".join(data["text/plain"])
            else:
                continue
            lines += [line.strip() for line in text.splitlines()[:3] if line.strip()]
    return lines, figures


def test_pages_show_the_stored_outputs(site):
    # nothing re-ran and nothing was dropped: every stored text and figure is on the page
    for nb in NOTEBOOKS:
        page = html.unescape((site.html / "notebooks" / f"{nb.stem}.html").read_text())
        lines, figures = stored_outputs(nb)
        for line in lines:
            assert line in page, f"{nb.name}: stored output {line!r} is not on its page"
        images = re.findall(r'<img[^>]+src="(\.\./_images/[^"]+\.png)"', page)
        assert len(images) >= figures, f"{nb.name}: {figures} stored figures, {len(images)} on the page"
        for src in images:
            assert (site.html / "notebooks" / src).resolve().is_file(), src


def test_math_is_typeset_markup(site):
    for nb in NOTEBOOKS:
        markdown = "".join("".join(c["source"]) for c in json.loads(nb.read_text())["cells"] if c["cell_type"] == "markdown")
        inline = re.findall(r"(?<![$\\])\$([^$\n]+?)\$", markdown)
        if not inline:
            continue
        page = (site.html / "notebooks" / f"{nb.stem}.html").read_text()
        assert page.count('class="math notranslate nohighlight"') >= len(inline), f"{nb.name}: math left as text"
        # MathJax comes from the site itself (helpers.publish.copy_mathjax), never from a CDN
        scripts = re.findall(r'<script[^>]+src="([^"]*MathJax[^"]*)"', page, flags=re.IGNORECASE)
        assert scripts == ["../_static/" + publish.MATHJAX_URL], f"{nb.name}: MathJax scripts {scripts}"
        assert (site.html / "_static" / publish.MATHJAX_DIR / "MathJax.js").is_file()


def test_no_page_loads_a_file_from_another_host(site):
    """Scripts, styles, icons, images and frames all come with the site (links to other sites are fine)."""
    foreign = {}
    for page in site.html.rglob("*.html"):
        found = []
        for tag in re.findall(r"<(?:script|link|img|iframe|source)\b[^>]*>", page.read_text(encoding="utf-8")):
            if tag.startswith("<link") and not re.search(r'\brel="[^"]*(stylesheet|preload|icon)', tag):
                continue  # canonical, alternate ...: addresses, not files the page loads
            found += re.findall(r'\b(?:src|href)="((?:https?:)?//[^"]+)"', tag)
        if found:
            foreign[str(page.relative_to(site.html))] = found
    assert not foreign, foreign


def test_notebook_pages_have_binder_launch_buttons(site):
    for nb in NOTEBOOKS:
        page = html.unescape((site.html / "notebooks" / f"{nb.stem}.html").read_text())
        expected = publish.binder_url("lab", f"notebooks/{nb.name}")
        assert expected in page, f"{nb.name}: no Binder launch button to {expected}"


def test_only_links_to_planned_unwritten_notebooks_are_forgiven(tmp_path):
    planned = sorted(publish.planned_notebooks())
    assert "00_start_here.ipynb" in planned and len(planned) >= 8
    warning = "x.ipynb:3: WARNING: 'myst' cross-reference target not found: '{}' [myst.xref_missing]"
    for name in planned:
        written = (ROOT / "notebooks" / name).exists()
        assert publish._is_pending_link(warning.format(name)) is not written
    assert not publish._is_pending_link(warning.format("99_not_in_the_readme.ipynb"))
    assert not publish._is_pending_link("intro.md:5: WARNING: undefined label: 'nowhere'")


TOC_ENTRY = re.compile(r'<li class="toc-h\d[^"]*"><a class="reference internal nav-link"[^>]*>(.*?)</a>', re.S)


def test_page_contents_show_no_raw_math(site):
    # headings with math ("7. Explore: $N$, ...") must not show "\(N\)" in the page's Contents
    with_math = 0
    for page in sorted(site.html.rglob("*.html")):
        entries = TOC_ENTRY.findall(page.read_text(encoding="utf-8"))
        raw = [e for e in entries if "\\(" in e or "\\[" in e or "$" in e]
        assert not raw, f"{page.relative_to(site.html)}: raw math in the page contents: {raw[:3]}"
        with_math += sum('class="toc-math"' in e for e in entries)
    assert with_math, "no heading with math was found: the check above tested nothing"


def test_toc_math_renders_the_headings_of_the_course():
    import sys

    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    from toc_math import latex_to_html, toc_without_raw_math

    assert latex_to_html("N") == "<em>N</em>"
    assert latex_to_html(r"(32/\text{OS})^2") == "(32/OS)<sup>2</sup>"
    assert latex_to_html(r"K \times K") == "<em>K</em>×<em>K</em>"
    assert latex_to_html(r"\lfloor N/S \rfloor + 1") == "⌊<em>N</em>/<em>S</em>⌋+1"
    assert latex_to_html(r"d_{\text{max}}") == "<em>d</em><sub>max</sub>"
    assert "\\" not in latex_to_html(r"\unknown{x}")
    # every heading with inline math in the course's notebooks comes out without LaTeX markup
    for nb in NOTEBOOKS:
        for cell in json.loads(nb.read_text())["cells"]:
            if cell["cell_type"] != "markdown":
                continue
            for heading in re.findall(r"^#+ (.*)$", "".join(cell["source"]), flags=re.M):
                for latex in re.findall(r"\$([^$]+)\$", heading):
                    span = f'<span class="math notranslate nohighlight">\\({html.escape(latex)}\\)</span>'
                    shown = toc_without_raw_math(span)
                    assert not re.search(r"\\[A-Za-z(\[]|[{}^_$]", shown), (nb.name, latex, shown)
