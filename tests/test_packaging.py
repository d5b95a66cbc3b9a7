"""Set-up files: environment.yml, postBuild, README commands and import hygiene."""

import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def names(requirements):
    return {re.split(r"[<>=!~\[ ;]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements}


def test_environment_yml_lists_runtime_and_lab_dependencies():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "conda-forge" in env["channels"]
    conda = set()
    for dep in env["dependencies"]:
        if isinstance(dep, str):
            conda.add(re.split(r"[<>=! ]", dep, maxsplit=1)[0].lower())
    wanted = names(PYPROJECT["project"]["dependencies"]) | names(PYPROJECT["project"]["optional-dependencies"]["lab"])
    assert wanted <= conda, f"missing from environment.yml: {sorted(wanted - conda)}"
    assert any(re.fullmatch(r"python=3\.\d+", d) for d in env["dependencies"] if isinstance(d, str))


def test_postbuild_installs_the_package():
    text = (ROOT / "postBuild").read_text()
    assert "pip install --no-deps ." in text


#: The README's two set-up commands, exactly: a learner copies the first, CI runs the second verbatim.
LAB_COMMAND = 'python3 -m venv .venv && . .venv/bin/activate && pip install -e ".[lab]" && python -m helpers.notebook_tools enable-save-hook && jupyter lab --notebook-dir=. notebooks/00_start_here.ipynb'
TEST_COMMAND = 'python3 -m venv .venv && . .venv/bin/activate && pip install -e ".[test]" && pytest'


def readme_commands():
    """Every command line of the README's bash blocks, in order."""
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```(?:bash|sh)\n(.*?)```", readme, flags=re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_readme_set_up_commands_are_exact():
    commands = readme_commands()
    assert commands.count(LAB_COMMAND) == 1, "the README must show the JupyterLab set-up command exactly once"
    assert commands.count(TEST_COMMAND) == 1, "the README must show the test command exactly once"
    for command in (LAB_COMMAND, TEST_COMMAND):
        shlex.split(command)  # parses as a shell line


def test_readme_clones_before_installing():
    from helpers import publish

    commands = readme_commands()
    clone = f"git clone {publish.repository_url()}.git"
    assert clone in commands, f"the README should tell a learner to run `{clone}`"
    name = publish.github_repository(publish.repository_url())[1]
    assert commands.index(clone) < commands.index(f"cd {name}") < commands.index(LAB_COMMAND)
    # the learner's part comes before the contributors' part
    assert commands.index(LAB_COMMAND) < commands.index(TEST_COMMAND)


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert TEST_COMMAND in readme_commands()
    assert TEST_COMMAND in [line.strip() for line in ci], ".ci/run must run the README's test command verbatim"


def test_import_helpers_stays_light():
    code = "import sys, helpers; print('matplotlib' in sys.modules, 'ipywidgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.split() == ["False", "False"]


def test_every_public_function_has_a_doctest_and_a_notebook():
    import doctest
    import inspect

    import helpers

    for name in helpers.__all__:
        obj = getattr(helpers, name)
        if inspect.ismodule(obj):
            continue
        doc = inspect.getdoc(obj) or ""
        assert doctest.DocTestParser().get_examples(doc) or name in ("RFRow",), f"{name} has no example"
        assert "notebook" in doc.lower() or name == "RFRow", f"{name} does not say where it is taught"


def test_stored_notebooks_are_fresh_and_show_no_dead_widgets():
    # what the before-stop hook and readers without a kernel need: outputs from a fresh, in-order
    # run, and no stored widget views (they cannot render without a kernel; see notebook_tools)
    import json

    from helpers.notebook_tools import WIDGET_VIEW

    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        counts = [c["execution_count"] for c in cells if c["cell_type"] == "code"]
        assert counts == list(range(1, len(counts) + 1)), f"{path.name}: run it with notebook_tools refresh"
        for c in cells:
            for o in c.get("outputs", []):
                assert WIDGET_VIEW not in o.get("data", {}), f"{path.name}: stored widget view"
            # no wall-clock times (nbclient's record_timing): every refresh would change every cell
            assert "execution" not in c.get("metadata", {}), f"{path.name}: stored execution timings"


def test_every_helpers_subpackage_is_packaged():
    # helpers.exercises (and helpers.plots / helpers.widgets once they are packages) must be in
    # the wheel: pyproject finds every package under helpers/ instead of listing them
    from setuptools import find_packages

    config = PYPROJECT["tool"]["setuptools"]["packages"]["find"]
    found = set(find_packages(where=str(ROOT), include=config["include"]))
    on_disk = {
        ".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "helpers").rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    assert "helpers.exercises" in on_disk
    assert on_disk <= found, f"not packaged: {sorted(on_disk - found)}"
    assert all(name.split(".")[0] == "helpers" for name in found), sorted(found)
