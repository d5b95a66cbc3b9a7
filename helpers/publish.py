"""Where the course is published: Binder launch links and the Jupyter Book website.

Maintenance commands, run from a clone of the repository (they need the ``test`` extra):

``python -m helpers.publish badges``
    Print the README's Binder badges (Markdown), built from the one place the
    repository's address is written: ``pyproject.toml`` ``[project.urls] Repository``.
``python -m helpers.publish readme-figure``
    Redraw the picture at the top of the README and of the website's first page
    (``book/images/holes.png``) from the course's own figure code.
``python -m helpers.publish site [--out DIR]``
    Build the course website with Jupyter Book 1 from the stored notebooks (no
    re-execution) into ``DIR/_build/html`` (default ``build/site``). Exits non-zero
    on any Sphinx warning, such as a broken reference; a link to a notebook that the
    README's contents table plans but that is not written yet is reported, not fatal.

Widget views: a notebook run and saved in JupyterLab stores each widget cell's widget view
(and, with "Save Widget State Automatically", the widgets' state). No page can show one without a
kernel (and the ipywidgets page script comes from a CDN), so both builds skip widget views and show
what is stored beside them: an explorer's standalone HTML, a widget's picture. A widget view with
nothing beside it is reported (:func:`widget_view_problems`), not silently dropped.

No page loads anything from a CDN: the website and the nbconvert pages
(:func:`nbconvert_html`) carry MathJax 2.7 beside them, copied from the
``jupyter-server-mathjax`` package (part of the ``test`` extra) by :func:`copy_mathjax`.
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
BINDER = "https://mybinder.org"
BADGE_IMAGE = f"{BINDER}/badge_logo.svg"
BRANCH = "main"

#: The notebook JupyterLab opens on Binder, and the one Voila shows as a demo.
START_NOTEBOOK = "notebooks/00_start_here.ipynb"
DEMO_NOTEBOOK = "notebooks/07_design_lab.ipynb"

#: The picture at the top of the README and of the website's first page, and what it draws:
#: coverage maps of three stacked 3x3 layers, all at rate 2 (holes) and at rates 1, 2, 5 (none).
README_FIGURE = BOOK / "images" / "holes.png"
README_FIGURE_RATES = ((2, 2, 2), (1, 2, 5))

__all__ = [
    "repository_url", "github_repository", "binder_url", "badges", "readme_figure", "build_site", "SiteBuild",
    "mathjax_source", "copy_mathjax", "nbconvert_html", "widget_view_problems",
]  # fmt: skip


def repository_url(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """The repository's address from ``[project.urls] Repository`` (the one place it is written).

    Examples
    --------
    >>> repository_url().startswith("https://github.com/")
    True
    """
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    return tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["urls"]["Repository"]


def github_repository(url: str) -> tuple[str, str]:
    """``(owner, name)`` of a ``https://github.com/OWNER/NAME`` address; ValueError for anything else.

    Examples
    --------
    >>> github_repository("https://github.com/strides-and-holes/strides-and-holes")
    ('strides-and-holes', 'strides-and-holes')
    >>> github_repository("https://gitlab.com/a/b")
    Traceback (most recent call last):
    ...
    ValueError: the repository URL must look like https://github.com/OWNER/NAME, got 'https://gitlab.com/a/b'
    """
    match = re.fullmatch(r"https://github\.com/([A-Za-z0-9-]+)/([A-Za-z0-9._-]+?)(?:\.git)?/?", url)
    if not match:
        raise ValueError(f"the repository URL must look like https://github.com/OWNER/NAME, got {url!r}")
    return match.group(1), match.group(2)


def binder_url(interface: str, notebook: str, *, repository: str | None = None, branch: str = BRANCH) -> str:
    """The mybinder.org link that opens ``notebook`` in JupyterLab (``"lab"``) or Voila (``"voila"``).

    Examples
    --------
    >>> binder_url("lab", "notebooks/00_start_here.ipynb", repository="https://github.com/o/r")
    'https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/notebooks/00_start_here.ipynb'
    >>> binder_url("voila", "notebooks/07_design_lab.ipynb", repository="https://github.com/o/r")
    'https://mybinder.org/v2/gh/o/r/main?urlpath=voila/render/notebooks/07_design_lab.ipynb'
    """
    prefixes = {"lab": "lab/tree", "voila": "voila/render"}
    if interface not in prefixes:
        raise ValueError(f"interface must be one of {sorted(prefixes)}, got {interface!r}")
    if not notebook.endswith(".ipynb") or notebook.startswith("/") or ".." in notebook.split("/"):
        raise ValueError(f"notebook must be a relative path to an .ipynb file, got {notebook!r}")
    owner, name = github_repository(repository or repository_url())
    urlpath = quote(f"{prefixes[interface]}/{notebook}", safe="/")
    return f"{BINDER}/v2/gh/{owner}/{name}/{quote(branch, safe='')}?urlpath={urlpath}"


def badges(*, repository: str | None = None) -> list[str]:
    """The README's Binder badges, one Markdown line each: JupyterLab on the start notebook, Voila on the design lab.

    Examples
    --------
    >>> for line in badges(repository="https://github.com/o/r"):
    ...     print(line)
    [![Launch JupyterLab on Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/notebooks/00_start_here.ipynb)
    [![Launch the design lab in Voila on Binder](https://img.shields.io/badge/launch-Voila%20design%20lab-579ACA)](https://mybinder.org/v2/gh/o/r/main?urlpath=voila/render/notebooks/07_design_lab.ipynb)
    """
    lab = binder_url("lab", START_NOTEBOOK, repository=repository)
    voila = binder_url("voila", DEMO_NOTEBOOK, repository=repository)
    voila_badge = "https://img.shields.io/badge/launch-Voila%20design%20lab-579ACA"
    return [
        f"[![Launch JupyterLab on Binder]({BADGE_IMAGE})]({lab})",
        f"[![Launch the design lab in Voila on Binder]({voila_badge})]({voila})",
    ]


def readme_figure(path: Path = README_FIGURE) -> Path:
    """Draw the README's picture (``plots.coverage_maps`` of :data:`README_FIGURE_RATES`) to ``path``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = readme_figure(Path(tmp) / "holes.png")
    ...     out.read_bytes()[:4]
    b'\\x89PNG'
    """
    import matplotlib.pyplot as plt

    from . import plots

    fig = plots.coverage_maps(list(README_FIGURE_RATES))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90, metadata={"Software": None})  # no version string: the file changes only with the picture
    plt.close(fig)
    return path


# --------------------------------------------------------------------------- MathJax, carried locally

#: The folder, beside a page (or in the website's ``_static``), that holds MathJax.
MATHJAX_DIR = "mathjax"
#: Our own MathJax 2 configuration file, written into the copy (``config/local/``).
MATHJAX_LOCAL_CONFIG = "local/strides-and-holes"
#: MathJax 2 and the configurations it loads, relative to the folder that holds ``mathjax/``:
#: the package's combined TeX configuration, nbconvert's ``Safe`` mode, and ours.
MATHJAX_URL = f"{MATHJAX_DIR}/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe,{MATHJAX_LOCAL_CONFIG}"
# jupyter-server-mathjax ships the STIX-Web web fonts only (not MathJax's default TeX fonts), so
# MathJax must be told to use them; without this it asks for fonts that are not there.
_MATHJAX_CONFIG_JS = """\
/* Strides & Holes: typeset with the STIX-Web fonts shipped beside this file (no CDN). */
MathJax.Hub.Config({
  "HTML-CSS": {availableFonts: [], preferredFont: null, webFont: "STIX-Web", imageFont: null},
  SVG: {font: "STIX-Web"},
  MathMenu: {showFontMenu: false}
});
MathJax.Ajax.loadComplete("[MathJax]/config/%s.js");
"""


def mathjax_source() -> Path:
    """The folder of MathJax 2.7 files that the ``jupyter-server-mathjax`` package installs.

    Raises
    ------
    ModuleNotFoundError
        When the package is not installed (it comes with the ``test`` extra).

    Examples
    --------
    >>> (mathjax_source() / "MathJax.js").is_file()
    True
    """
    spec = importlib.util.find_spec("jupyter_server_mathjax")  # located, not imported (no server start-up)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            "jupyter-server-mathjax is not installed; it provides the pages' MathJax "
            "(pip install jupyter-server-mathjax, or the project's [test] extra)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def copy_mathjax(folder: Path) -> Path:
    """Put MathJax (and the course's MathJax configuration) into ``folder/mathjax``; return that path.

    A copy already there is kept (pages built into one folder share it).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     copy = copy_mathjax(Path(tmp))
    ...     sorted(p.name for p in (copy / "config" / "local").iterdir())
    ['strides-and-holes.js']
    """
    target = Path(folder) / MATHJAX_DIR
    if not (target / "MathJax.js").is_file():
        shutil.copytree(mathjax_source(), target, dirs_exist_ok=True)
    local = target / "config" / f"{MATHJAX_LOCAL_CONFIG}.js"
    local.parent.mkdir(parents=True, exist_ok=True)
    local.write_text(_MATHJAX_CONFIG_JS % MATHJAX_LOCAL_CONFIG, encoding="utf-8")
    return target


#: nbconvert's "lab" page without require.js, which it loads from a CDN for widget and
#: ``application/javascript`` outputs; the course stores neither (tests/test_local_mathjax.py).
_NBCONVERT_TEMPLATE = """\
{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
"""


@functools.lru_cache(maxsize=1)
def _nbconvert_exporter():
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    loader = DictLoader({"strides_and_holes.html.j2": _NBCONVERT_TEMPLATE})
    return HTMLExporter(mathjax_url=MATHJAX_URL, extra_loaders=[loader], template_file="strides_and_holes.html.j2")


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def widget_view_problems(nb_path: Path) -> list[str]:
    """The widget-view outputs of a stored notebook that show nothing without a kernel.

    A widget view beside a picture or HTML (every course widget and explorer) is fine: the pages
    show that instead. One with only its ``text/plain`` repr beside it is a problem to report.

    Examples
    --------
    >>> import json, tempfile
    >>> cell = {"cell_type": "code", "source": "w", "metadata": {}, "execution_count": 1, "outputs": [
    ...     {"output_type": "display_data", "metadata": {}, "data": {WIDGET_VIEW: {"model_id": "a"}, "text/plain": "IntSlider()"}}]}
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "x.ipynb"
    ...     _ = path.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    ...     widget_view_problems(path)
    ['x.ipynb, code cell 1: a widget view with nothing else to show without a kernel (run `python -m helpers.notebook_tools refresh x.ipynb`, or display a picture beside the widget)']
    """
    import json

    cells = json.loads(Path(nb_path).read_text(encoding="utf-8")).get("cells", [])
    problems, number = [], 0
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        number += 1
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data and set(data) <= {WIDGET_VIEW, "text/plain"}:
                name = Path(nb_path).name
                problems.append(f"{name}, code cell {number}: a widget view with nothing else to show without a kernel "
                                f"(run `python -m helpers.notebook_tools refresh {name}`, or display a picture beside the widget)")  # fmt: skip
                break
    return problems


def nbconvert_html(nb: Path, out: Path) -> Path:
    """``jupyter nbconvert --to html`` (the default "lab" template nbviewer uses; no execution) into
    ``out/<name>.html``, with MathJax copied beside the page instead of loaded from a CDN.

    Widget views are dropped first (:func:`helpers.notebook_tools.strip_widget_outputs`): a notebook
    saved in JupyterLab after Run All shows each explorer and widget picture, never an empty widget
    cell; :func:`widget_view_problems` are printed as warnings. Runs in this process, so the exporter
    is loaded once for many notebooks.
    """
    import warnings

    import nbformat

    from .notebook_tools import strip_widget_outputs

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for problem in widget_view_problems(nb):
        warnings.warn(problem, stacklevel=2)
    notebook = nbformat.read(str(nb), as_version=4)
    strip_widget_outputs(notebook)
    resources = {"metadata": {"name": Path(nb).stem, "path": str(Path(nb).parent)}}
    body, _ = _nbconvert_exporter().from_notebook_node(notebook, resources=resources)
    copy_mathjax(out)
    target = out / f"{Path(nb).stem}.html"
    target.write_text(body, encoding="utf-8")
    return target


# --------------------------------------------------------------------------- website


@dataclass
class SiteBuild:
    """The outcome of a website build."""

    returncode: int
    html: Path
    warnings: list[str]  # every Sphinx warning
    errors: list[str]  # the warnings that fail the build
    log: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.errors


#: What Sphinx and MyST-NB need from MathJax 2: typeset the ``\\(...\\)`` and ``\\[...\\]`` that
#: Sphinx writes, inside the elements MyST marks for math (the page body is marked to be skipped).
MATHJAX2_SPHINX_CONFIG = {
    "tex2jax": {
        "inlineMath": [["\\(", "\\)"]],
        "displayMath": [["\\[", "\\]"]],
        "processEscapes": False,
        "processEnvironments": True,
        "ignoreClass": "tex2jax_ignore|mathjax_ignore",
        "processClass": "tex2jax_process|mathjax_process|math|output_area",
    },
    "messageStyle": "none",
}

#: The theme (pydata) styles every ``span.math`` for MathJax 3: ``inline-flex`` and ``overflow: hidden``.
#: MathJax 2 puts its own ``span.math`` inside Sphinx's, and an inline-block that hides overflow
#: sits on its bottom edge, so the inline formulas stood about 4 px above the text's baseline.
MATHJAX2_SPHINX_CSS = "mathjax2-sphinx.css"
_MATHJAX2_SPHINX_CSS = """\
/* Strides & Holes (helpers.publish): MathJax 2 inline math on the text's baseline. */
span.math { display: inline; }
.MathJax span.math { overflow: visible; max-width: none; }
"""


def planned_notebooks() -> set[str]:
    """File names of the notebooks the README's contents table lists (written or not)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return set(re.findall(r"\(notebooks/(\d\d_[A-Za-z0-9_]+\.ipynb)\)", readme))


def _is_pending_link(warning: str) -> bool:
    """A broken link to a notebook that the course plans but that is not in the repository yet."""
    match = re.search(r"cross-reference target not found: '([^']+\.ipynb)'", warning)
    if not match:
        return False
    target = Path(match.group(1)).name
    return target in planned_notebooks() and not (ROOT / "notebooks" / target).exists()


def build_site(out: Path = ROOT / "build" / "site", *, source: Path = ROOT, toc: Path = BOOK / "_toc.yml") -> SiteBuild:
    """Build the website with Jupyter Book 1 into ``out/_build/html``; see the module docstring.

    ``source`` and ``toc`` build another book with the website's configuration
    (the tests build a page of a fixture notebook this way).
    """
    import yaml

    out.mkdir(parents=True, exist_ok=True)
    config = yaml.safe_load((BOOK / "_config.yml").read_text(encoding="utf-8"))
    config.setdefault("repository", {})["url"] = repository_url()
    config["repository"].setdefault("branch", BRANCH)
    # the config file is written elsewhere: local extensions' folders are relative to book/
    local = config.get("sphinx", {}).get("local_extensions") or {}
    for name, folder in local.items():
        local[name] = str((BOOK / folder).resolve())
    # MathJax 2 from a local copy (in _static/mathjax), never a CDN; see copy_mathjax.
    static = out / "_mathjax_static"
    copy_mathjax(static)
    (static / MATHJAX2_SPHINX_CSS).write_text(_MATHJAX2_SPHINX_CSS, encoding="utf-8")
    sphinx = config.setdefault("sphinx", {}).setdefault("config", {})
    sphinx["html_static_path"] = [*sphinx.get("html_static_path", []), str(static.resolve())]
    sphinx["html_css_files"] = [*sphinx.get("html_css_files", []), MATHJAX2_SPHINX_CSS]
    sphinx["mathjax_path"] = MATHJAX_URL
    sphinx["mathjax2_config"] = MATHJAX2_SPHINX_CONFIG
    sphinx["myst_update_mathjax"] = False  # its settings are for MathJax 3; MATHJAX2_SPHINX_CONFIG has them for 2
    # a notebook saved in JupyterLab keeps widget views: show what is stored beside them (an explorer's
    # HTML, a widget's picture), never an empty widget cell, and never load ipywidgets from a CDN
    sphinx["nb_mime_priority_overrides"] = [["*", WIDGET_VIEW, None]]
    sphinx["nb_ipywidgets_js"] = {}
    (out / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    cmd = [
        sys.executable, "-c", "from jupyter_book.cli.main import main; main()", "build", str(source),
        "--config", str(out / "_config.yml"),
        "--toc", str(toc),
        "--path-output", str(out),
        "--all",  # a fresh build, so every warning is seen again
    ]  # fmt: skip
    run = subprocess.run(cmd, cwd=source, capture_output=True, text=True)
    log = run.stdout + run.stderr
    plain = re.sub(r"\x1b\[[0-9;]*m", "", log)
    warnings = [line.strip() for line in plain.splitlines() if re.search(r"\b(WARNING|ERROR|CRITICAL)\b", line)]
    warnings = [w for w in warnings if not w.startswith("[IPKernelApp]")]
    errors = [w for w in warnings if not _is_pending_link(w)]
    for nb in sorted([*Path(source).glob("*.ipynb"), *Path(source).glob("notebooks/*.ipynb")]):
        warnings += [f"WIDGET VIEW {problem}" for problem in widget_view_problems(nb)]
    return SiteBuild(run.returncode, out / "_build" / "html", warnings, errors, log)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.publish", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("badges", help="print the README's Binder badges")
    sub.add_parser("readme-figure", help=f"redraw {README_FIGURE.relative_to(ROOT)}")
    p_site = sub.add_parser("site", help="build the course website with Jupyter Book 1")
    p_site.add_argument("--out", default=str(ROOT / "build" / "site"))
    args = parser.parse_args(argv)
    if args.command == "badges":
        print("\n".join(badges()))
        return 0
    if args.command == "readme-figure":
        print(readme_figure().relative_to(ROOT))
        return 0
    build = build_site(Path(args.out))
    for warning in build.warnings:
        if warning.startswith("WIDGET VIEW "):
            print("warning, not fatal: " + warning[len("WIDGET VIEW "):])
        else:
            print(("FAIL " if warning in build.errors else "pending notebook, not fatal: ") + warning)
    if not build.ok:
        if build.returncode:
            print(build.log[-3000:], file=sys.stderr)
        print(f"website build failed (exit code {build.returncode}, {len(build.errors)} warning(s) to fix)", file=sys.stderr)
        return 1
    print(f"website: {build.html / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
