"""Binder readiness: badge links, and static checks of the Binder build files.

conda channels cannot be reached here, so environment.yml is checked statically:
it parses, pins a Python minor version, and names a package for every import the
notebooks make (directly, or through the helpers package they import).
repo2docker (Binder's builder) renders its build plan without a Docker engine,
so that plan is checked too.
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from helpers import publish

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
ENV = yaml.safe_load((ROOT / "environment.yml").read_text())
# The helpers modules that are maintenance tools, never imported by a notebook.
MAINTENANCE_MODULES = {"notebook_tools.py", "publish.py"}


def conda_names() -> set[str]:
    return {re.split(r"[<>=! ]", d, maxsplit=1)[0].lower() for d in ENV["dependencies"] if isinstance(d, str)}


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


# --------------------------------------------------------------------------- badges


def repository_from_pyproject() -> tuple[str, str]:
    """Owner and name, read independently of helpers.publish."""
    url = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Repository"]
    parts = urlsplit(url)
    assert parts.scheme == "https" and parts.netloc == "github.com", url
    owner, name = parts.path.strip("/").split("/")
    return owner, name


@pytest.mark.parametrize(
    "interface, notebook, prefix",
    [("lab", publish.START_NOTEBOOK, "lab/tree/"), ("voila", publish.DEMO_NOTEBOOK, "voila/render/")],
)
def test_binder_links_are_well_formed(interface, notebook, prefix):
    url = publish.binder_url(interface, notebook)
    parts = urlsplit(url)
    owner, name = repository_from_pyproject()
    assert (parts.scheme, parts.netloc) == ("https", "mybinder.org")
    assert parts.path == f"/v2/gh/{owner}/{name}/main"
    assert not parts.fragment
    query = parse_qs(parts.query, strict_parsing=True)
    assert list(query) == ["urlpath"] and len(query["urlpath"]) == 1
    urlpath = query["urlpath"][0]
    assert urlpath == prefix + notebook
    assert re.fullmatch(r"[A-Za-z0-9_./-]+", urlpath), "characters that need escaping in a Binder urlpath"
    target = ROOT / notebook
    if interface == "lab" or target.exists():  # the design lab (07) is written after this check
        assert target.is_file(), f"{url} opens {notebook}, which does not exist"


def test_binder_link_rejects_bad_arguments():
    with pytest.raises(ValueError, match="interface"):
        publish.binder_url("classic", publish.START_NOTEBOOK)
    with pytest.raises(ValueError, match="notebook"):
        publish.binder_url("lab", "../secret.ipynb")
    with pytest.raises(ValueError, match="github.com"):
        publish.binder_url("lab", publish.START_NOTEBOOK, repository="https://example.org/x/y")


def test_readme_badges_are_the_generated_ones():
    readme = (ROOT / "README.md").read_text()
    for line in publish.badges():
        assert line in readme.splitlines(), f"README should contain the badge line (run `python -m helpers.publish badges`):\n{line}"
    generated = {publish.binder_url("lab", publish.START_NOTEBOOK), publish.binder_url("voila", publish.DEMO_NOTEBOOK)}
    in_readme = set(re.findall(r"\((https://mybinder\.org/v2/[^)\s]+)\)", readme))
    assert in_readme == generated, "every Binder link in the README must come from helpers.publish"


# --------------------------------------------------------------------------- environment.yml


def test_environment_yml_pins_a_python_minor_version_that_the_package_supports():
    pins = [d for d in ENV["dependencies"] if isinstance(d, str) and d.startswith("python")]
    assert len(pins) == 1 and re.fullmatch(r"python=3\.\d+", pins[0]), pins
    minor = int(pins[0].split(".")[1])
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    lowest = int(re.fullmatch(r">=3\.(\d+)", requires).group(1))
    assert minor >= lowest, f"{pins[0]} is older than requires-python {requires}"


def imports_of(source: str) -> set[str]:
    """Top-level module names imported anywhere in ``source`` (absolute imports only)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def notebook_source(path: Path) -> str:
    cells = json.loads(path.read_text())["cells"]
    lines = []
    for cell in cells:
        if cell["cell_type"] == "code":
            source = "".join(cell["source"])
            # IPython magics and shell escapes are not Python
            lines += [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    return "\n".join(lines)


def test_imports_of_sees_every_form():
    src = "import numpy as np\nfrom matplotlib import pyplot\nimport a.b, c\nfrom . import x\ndef f():\n    import ipywidgets"
    assert imports_of(src) == {"numpy", "matplotlib", "a", "c", "ipywidgets"}


def third_party_imports() -> dict[str, set[str]]:
    """{module: files importing it} over the notebooks and the helpers modules they use."""
    sources = {p.relative_to(ROOT).as_posix(): notebook_source(p) for p in NOTEBOOKS}
    for module in sorted((ROOT / "helpers").rglob("*.py")):
        if module.name not in MAINTENANCE_MODULES:
            sources[module.relative_to(ROOT).as_posix()] = module.read_text()
    found: dict[str, set[str]] = {}
    for where, source in sources.items():
        for name in imports_of(source) - set(sys.stdlib_module_names) - {"helpers", "__future__"}:
            found.setdefault(name, set()).add(where)
    return found


# PyPI distributions that conda-forge names differently (conda-forge's feedstock names)
CONDA_FORGE_NAMES = {"torch": {"pytorch", "pytorch-cpu"}}


def test_environment_yml_names_a_package_for_every_import_of_the_notebooks():
    assert NOTEBOOKS, "no notebooks found"
    distributions = importlib.metadata.packages_distributions()
    wanted = conda_names()
    wanted |= {pypi for pypi, conda in CONDA_FORGE_NAMES.items() if conda & wanted}
    missing = []
    for module, where in sorted(third_party_imports().items()):
        names = {d.lower().replace("_", "-") for d in distributions.get(module, [])}
        if not names:  # Python 3.10 maps modules only through top_level.txt, which numpy's wheel lacks
            try:
                names = {importlib.metadata.distribution(module).metadata["Name"].lower().replace("_", "-")}
            except importlib.metadata.PackageNotFoundError:
                pass
        if not names:
            missing.append(f"{module} (imported by {sorted(where)}) is not installed here, so its package is unknown")
        elif not names & wanted:
            missing.append(f"{module} (package {sorted(names)}, imported by {sorted(where)})")
    assert not missing, "environment.yml does not list:\n" + "\n".join(missing)
    assert {"numpy", "matplotlib", "ipywidgets"} <= set(third_party_imports()), "the import scan found too little"


def test_environment_yml_has_what_binder_serves():
    # JupyterLab for the lab badge, Voila for the design-lab badge, a kernel, and pip for postBuild.
    assert {"jupyterlab", "voila", "ipykernel", "pip"} <= conda_names()
    assert ENV["channels"] == ["conda-forge"]


def test_postbuild_is_an_executable_script_that_installs_the_package():
    post = ROOT / "postBuild"
    text = post.read_text()
    assert text.startswith("#!/bin/bash") or text.startswith("#!/usr/bin/env bash")
    assert "set -euo pipefail" in text or "set -e" in text
    assert re.search(r"^python -m pip install --no-deps \.$", text, flags=re.M), "postBuild must install the package"
    assert post.stat().st_mode & stat.S_IXUSR, "postBuild must be executable (git update-index --chmod=+x postBuild)"


# --------------------------------------------------------------------------- repo2docker


def test_repo2docker_build_plan(tmp_path):
    """What Binder would build: a conda environment from environment.yml, then postBuild."""
    exe = shutil.which("repo2docker", path=str(Path(sys.executable).parent)) or shutil.which("repo2docker")
    if exe is None:
        message = "jupyter-repo2docker is not installed (it comes with the [test] extra)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    run = subprocess.run(
        [exe, "--no-build", "--no-run", "--debug", str(ROOT)], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    plan = run.stdout + run.stderr
    assert run.returncode == 0, plan[-3000:]
    python = next(d for d in ENV["dependencies"] if isinstance(d, str) and d.startswith("python="))
    assert f"Building conda environment for {python}" in plan, plan[:2000]
    assert re.search(r'env update -p \$\{NB_PYTHON_PREFIX\} --file "environment.yml"', plan), plan
    assert "RUN ./postBuild" in plan
    # postBuild runs after the environment exists
    assert plan.index('--file "environment.yml"') < plan.index("RUN ./postBuild")


def test_voila_demo_notebook_shows_no_error_box():
    """Voila hides the code, so a deliberate error (a raises-exception cell) would show as a bare
    "There was an error when executing cell" box in the demo that the README's Voila badge opens."""
    demo = ROOT / publish.DEMO_NOTEBOOK
    if not demo.exists():
        pytest.skip(f"{publish.DEMO_NOTEBOOK} is not written yet")
    cells = json.loads(demo.read_text())["cells"]
    tagged = [i for i, c in enumerate(cells) if "raises-exception" in c.get("metadata", {}).get("tags", [])]
    assert not tagged, f"cells {tagged} of {demo.name} raise on purpose; Voila users would see an error box"
