"""The brute-force oracles never import the code they check (issue 24).

An oracle that calls the function under test agrees with it whatever it
computes. ``tests/oracles.py`` may import only the standard library and numpy;
the oracle functions and classes kept inside test files (listed below) may not
use any name that their file imports from ``helpers``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ALLOWED = {"__future__", "itertools", "math", "functools", "operator", "numpy"}

# test file -> oracle functions/classes defined in it (written from definitions, not from helpers)
LOCAL_ORACLES = {
    "test_nb02_exercises.py": ["_interior_unread_residues"],
    "test_nb05_gridding.py": ["holes_by_bitmask", "paper_max_gap"],
    "test_explorers.py": ["Oracle", "oracle_sizes", "full_layer", "torch_size"],
    "test_exercise_answers.py": ["*"],  # every top-level definition but the tests
}


def imported_modules(tree: ast.AST) -> set[str]:
    """Top-level names of every module an AST imports (anywhere, also inside functions)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            found.add("." if node.level else (node.module or "").split(".")[0])
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
            "import_module", "__import__",
        ):
            found |= {a.value.split(".")[0] for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    return found


def helpers_names(tree: ast.Module) -> set[str]:
    """Names a module binds from ``helpers`` (``import helpers``, ``from helpers[.x] import y``)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names if a.name.split(".")[0] == "helpers"}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "helpers":
            names |= {a.asname or a.name for a in node.names}
    return names


def uses_of(node: ast.AST, names: set[str]) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and n.id in names} | (
        {"helpers"} & imported_modules(node)
    )


def test_the_oracle_module_imports_only_the_standard_library_and_numpy():
    tree = ast.parse((TESTS / "oracles.py").read_text())
    assert imported_modules(tree) <= ALLOWED, imported_modules(tree) - ALLOWED


@pytest.mark.parametrize("filename", sorted(LOCAL_ORACLES))
def test_oracles_inside_test_files_use_nothing_from_helpers(filename):
    tree = ast.parse((TESTS / filename).read_text())
    banned = helpers_names(tree)
    defs = {
        getattr(n, "name", None) or n.targets[0].id: n
        for n in tree.body
        if isinstance(n, (ast.FunctionDef, ast.ClassDef))
        or (isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name))
    }
    names = LOCAL_ORACLES[filename]
    if names == ["*"]:
        names = [name for name in defs if not name.startswith("test_")]
    for name in names:
        assert name in defs, f"{filename}: oracle {name} not found (renamed? update LOCAL_ORACLES)"
        assert not uses_of(defs[name], banned), f"{filename}: {name} uses {uses_of(defs[name], banned)} from helpers"


def test_the_check_can_fail():
    """The checks above catch an oracle that imports helpers, directly or through a name."""
    direct = ast.parse("import numpy\ndef f():\n    from helpers.arithmetic import conv_output_size\n")
    assert "helpers" in imported_modules(direct)
    indirect = ast.parse("from helpers import tap_counts\ndef oracle(n):\n    return tap_counts(n, 3)\n")
    assert uses_of(indirect.body[1], helpers_names(indirect)) == {"tap_counts"}
    dynamic = ast.parse("import importlib\nm = importlib.import_module('helpers.gridding')\n")
    assert "helpers" in imported_modules(dynamic)
