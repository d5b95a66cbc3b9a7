"""Mutation testing of the course's core: can the tests tell a plausible bug from the real code?

A *mutant* is the code with one small, plausible bug: one token changed
(``+`` for ``-``, ``<`` for ``<=``, ``and`` for ``or``, ``floor`` for ``ceil``,
``min`` for ``max``, a whole-number constant off by one, ``True`` for ``False``)
inside one of the core functions, or one of the hand-written *named* mutants
below (the bugs issue 24 found surviving). A module's run makes *every* such
mutant (or a seeded sample, said so in the table) and judges each against the
module's own test files plus the module's doctests.

How one run stays short (minutes per module, not hours):

1. The repository's ``helpers/`` and ``tests/`` are copied to a scratch directory (the working tree is
   never touched; the rest of the repository is linked in read-only use).
2. One *coverage run* executes the module's test files and doctests once on the unmutated code, under
   ``coverage`` with one context per test: for each line of the module, the tests that execute it.
   Every test must pass there (else the run stops).
3. A parent process imports pytest, numpy, hypothesis and torch once and never imports ``helpers``;
   for each mutant it writes the mutated file into the scratch copy and *forks* a child that runs
   ``pytest -x`` on just the tests that execute the mutated statement (fastest first), so the child
   starts in milliseconds and stops at the first failure. A child that outlives its timeout is killed
   with its process group.

A mutant is *killed* when that run fails (a test fails, or the module can no longer be imported),
*timed out* when it is stopped, and *survives* when every selected test passes (or when no test
executes its line at all: "survived (no test runs it)"). Survivors are killed by a new test (the
next run shows it) or listed in ``EQUIVALENT`` with the reason the mutant behaves like the
original on every input the function accepts. Property tests draw 40 examples each, with a fixed
seed and no example database (hypothesis profile ``mutation`` in ``tests/conftest.py``).

Not part of CI. Usage (``nice`` it on a shared machine)::

    python benchmarks/mutation.py --list                         # count the mutants, run nothing
    nice -n 10 python benchmarks/mutation.py --only arithmetic   # every mutant of one module, stores its results
    nice -n 10 python benchmarks/mutation.py --only audit_rules --sample 150 --seed 24   # a seeded sample
    python benchmarks/mutation.py --report-only                  # write benchmarks/MUTATION.md from the results

Each module's results go to ``benchmarks/mutation_results/<module>.json`` (with the command, the
date and the commit); ``benchmarks/MUTATION.md`` is rendered from those files only, and
``tests/test_benchmarks_smoke.py`` checks that it matches them.
"""

from __future__ import annotations

import argparse
import ast
import datetime
import importlib.metadata
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tokenize
import traceback
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "mutation_results"  # one JSON per module: what MUTATION.md is rendered from
ALL = "*"  # every function and method of the file

# module -> (source file, functions/methods whose bodies are mutated, its own test files)
TARGETS: dict[str, tuple[str, tuple[str, ...] | str, tuple[str, ...]]] = {
    "arithmetic": (
        "helpers/arithmetic.py",
        ("conv_output_size", "transposed_output_size", "same_padding", "effective_kernel_size", "tf_output_size",
         "heatmap_size", "encoder_decoder_size", "scale_dimension"),
        ("tests/test_arithmetic.py", "tests/test_nb04_claims.py"),
    ),
    "receptive": (
        "helpers/receptive.py",
        ("pads", "output_size", "output_sizes", "receptive_field", "output_stride", "cell_centers", "layer_costs",
         "rf_cone"),
        ("tests/test_receptive.py", "tests/test_nb03_receptive.py", "tests/test_nb03_claims.py"),
    ),
    "gridding": (
        "helpers/gridding.py",
        ("_path_counts", "coverage_map", "hdc_max_gap", "is_hdc", "valid_weight_fraction", "coverage_stats",
         "hdc_report"),
        ("tests/test_gridding.py", "tests/test_nb05_gridding.py"),
    ),
    "conv": (
        "helpers/conv.py",
        ("_tap_slices", "_conv2d_4d", "_conv_transpose2d_4d", "conv2d", "conv_transpose2d", "tap_counts",
         "tap_residues", "dilate_kernel", "space_to_batch", "batch_to_space"),
        ("tests/test_conv.py", "tests/test_conv_paths.py"),
    ),
    "design": (
        "helpers/design.py",
        ("design_report", "_costs", "_spans", "_upsampled_size_and_spread", "_head_taps", "_design_warnings",
         "_cost_breakdown", "cell_collision_fraction", "find_peaks", "_first_of_each_plateau"),
        ("tests/test_nb07_design.py",),
    ),
    "engine": (
        "helpers/exercises/_engine.py",
        ("_normalise", "_equal", "_matching_mistake", "_judge", "_number", "_plain", "_hashable", "_form",
         "check_answer", "mistake_for"),
        ("tests/test_exercises_engine.py",),
    ),
    "claims": ("helpers/claims/_core.py", ALL, ("tests/test_claims.py",)),
    "audit_geometry": ("helpers/audit/geometry.py", ALL,
                       ("tests/test_audit_geometry.py", "tests/test_audit.py", "tests/test_audit_zoo.py")),
    "audit_rules": ("helpers/audit/rules.py", ALL,
                    ("tests/test_audit.py", "tests/test_audit_zoo.py", "tests/test_audit_rules.py")),
}

# Modules whose test files are too slow for a run (the audit's zoo builds dozens of torchvision/timm models; its
# whole coverage run did not end within 25 minutes here): a `-k` selection of fast tests, said in the table. Audit:
# test_audit.py without its whole-network checks (ResNet-50, VGG-16, DeepLab, the pose net: 3-16 s each) and
# test_audit_zoo.py without its torchvision/timm/segmentation/detection zoo and its attention-model verify; what
# stays is every hand-built case of `test_rule_against_autograd` (each operator's rule against autograd) and the
# single-purpose tests.
_AUDIT_FAST = (
    "not (test_resnet50 or test_vgg16 or test_deeplab or test_pose_net or test_verify_leaves_the_model_alone "
    "or test_torchvision_zoo or test_segmentation_zoo or test_token_models or test_full_size_token "
    "or test_detection_backbones or test_timm_zoo or test_a_model_that_cannot_run or test_verify_agrees_on_attention)")
SUBSETS: dict[str, str] = {"audit_geometry": _AUDIT_FAST, "audit_rules": _AUDIT_FAST}


def _subset_args(module: str) -> list[str]:
    return ["-k", SUBSETS[module]] if module in SUBSETS else []


# Bugs found surviving by the audit of issue 24 (and one it found with a golden value): each as (old, new) text.
NAMED: list[tuple[str, str, str, str]] = [
    ("gridding", "HDC recurrence with the paper's literal 2 for K > 3",
     '    span = check_int("kernel", kernel, 2) - 1\n',
     '    span = min(check_int("kernel", kernel, 2) - 1, 2)\n'),
    ("gridding", "HDC recurrence with the paper's literal 2 for every K",
     "        m = max(m - span * r, m - span * (m - r), r)\n",
     "        m = max(m - 2 * r, m - 2 * (m - r), r)\n"),
    ("engine", "listed mistakes checked in reverse order",
     "    for mistake in exercise.mistakes:\n",
     "    for mistake in reversed(exercise.mistakes):\n"),
    ("engine", "list-length hint dropped",
     '        return False, (\n            f"Not quite. Hint: {exercise.hint} (Your list has {len(given)} value(s); "\n'
     '            "the answer has a different number.)"\n        ), None\n',
     '        return False, f"Not quite. Hint: {exercise.hint}", None\n'),
    ("arithmetic", "TF 'same' split reversed (the extra zero before)",
     "    return (total // 2, total - total // 2)\n",
     "    return (total - total // 2, total // 2)\n"),
]

SWAPS = {
    "+": "-", "-": "+", "*": "//", "//": "*", "/": "*", "%": "//",
    "<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "==",
    "and": "or", "or": "and", "True": "False", "False": "True",
    "min": "max", "max": "min", "floor": "ceil", "ceil": "floor",
    "any": "all", "all": "any", "reversed": "list", "sorted": "list",
}

# Survivors judged equivalent (the same behaviour on every input the function accepts), by mutant id, with the reason.
EQUIVALENT: dict[str, str] = {
    "helpers/arithmetic.py:366:26:1->0": (
        "`encoder_decoder_size` passes `n` straight to `heatmap_size`, which refuses `n < 1` with the same sentence "
        "(`n must be an integer >= 1, got 0`)"),
    "helpers/receptive.py:120:36:1->2": (
        "stride 1: `same_padding(n, k, stride=1, d)` is `d(k-1)` split, whatever `n` is (`ceil(n/1) = n`), so n = 1 or 2 "
        "gives the same pads"),
    "helpers/exercises/_engine.py:422:66:or->and": (
        "a number no longer refused on this line reaches the set/list/pair branch, which refuses it with the same "
        "sentence (`Expected <form>, got <what>.`: no `__iter__`, not a list or tuple)"),
    "helpers/exercises/_engine.py:422:93:or->and": (
        "a bool (or None, which never gets here: 'No answer yet' comes first) reaches the set/list/pair branch, "
        "which refuses it with the same sentence"),
    "helpers/exercises/_engine.py:461:39:and->or": (
        "when only one side is a frozenset, the original skips the list branch (it needs both to be lists or tuples) "
        "and returns `bool(expected == answer)` too; frozenset comparison with a normal form never raises"),
    "helpers/gridding.py:205:32:+->-": (
        "the tap offsets `-half … half` are symmetric, so position i reaches the same set of pixels with `i - r·t` as "
        "with `i + r·t`"),
    "helpers/gridding.py:207:47:1->2": (
        "`minlength=k+2` only appends a zero count for k+1 valid taps, which the loops over 1…k never read"),
    "helpers/gridding.py:374:36:2->1": (
        "`hdc_report` calls `hdc_max_gap(rs, k)` on the next line, which refuses `kernel < 2` with the same sentence"),
    "helpers/gridding.py:308:35:0->1": (
        "`coverage_map` is square (r×r, the same field on both axes), so `shape[1] == shape[0]`"),
    # conv
    "helpers/conv.py:101:17:1->0": (
        "turns off the one-channel fast path of `_conv2d_4d`; the general im2col path computes the same sums "
        "(`test_conv_paths.py::test_single_channel_path_equals_multichannel_path`)"),
    "helpers/conv.py:132:17:1->0": (
        "turns off the one-channel fast path of `_conv_transpose2d_4d`; the general col2im path computes the same sums"),
    **{f"helpers/conv.py:{line}:{col}:{old}->{new}": (
        "only enlarges the scratch buffer of `_conv_transpose2d_4d`; the result is cropped to `[pt:pt+h, pl:pl+w]`, "
        "which every tap still lands in or beyond")
       for line in (129, 130) for col, old, new in ((22, "-", "+"), (24, "1", "0"), (38, "-", "+"), (40, "1", "0"),
                                                      (45, "1", "2"))},
    "helpers/conv.py:262:50:0->1": (
        "the second padding of each axis pair is never read: `_conv_transpose2d_4d` unpacks `(pt, _), (pl, _)`"),
    "helpers/conv.py:262:64:1->0": (
        "the second padding of each axis pair is never read: `_conv_transpose2d_4d` unpacks `(pt, _), (pl, _)`"),
    **{f"helpers/conv.py:{line}:{col}:1->0": (
        f"`tap_counts` passes {name} straight to `conv_output_size`, which refuses 0 with the same sentence "
        f"(`{name} must be an integer >= 1, got 0`)") for line, col, name in ((374, 36, "kernel"), (375, 36, "stride"),
                                                                              (376, 40, "dilation"))},
    # design
    "helpers/design.py:304:53:1->2": "two output channels of all-ones kernels: channel 0, the one read, is unchanged",
    "helpers/design.py:304:59:1->2": (
        "a kernel 2 wide on a 1-wide input: the output's column 0, the one read, holds the same sums"),
    "helpers/design.py:304:75:1->2": "stride 2 along a 1-wide axis: (1 − 1)·2 + 1 = 1 column either way",
    "helpers/design.py:304:88:1->0": (
        "without the crop the traced map keeps one extra output at each end, which reads only the end cell (a subset "
        "of what its neighbour reads), so the largest spread is the same (this mutant passes `test_upsampling_adds_the_spread…`, run by hand)"),
    "helpers/design.py:309:71:1->2": "bilinear from width 1 to width 2 copies the column; column 0, the one read, is unchanged",
    "helpers/design.py:329:57:4->5": (
        "a 3×3 kernel's valid-tap count is a product of per-axis counts 1–3: 1, 2, 3, 4, 6 or 9, never 5"),
    "helpers/design.py:362:26:>=->>": (
        "the centre-only share is the square of a per-axis share (a rational), never exactly 1/2"),
    "helpers/design.py:367:25:>=->>": (
        "the at-most-4-taps share is never exactly 1/2: enumerated for every map side 1–1199 and rate 1–side+1 (the "
        "designer's maps are at most 512 cells)"),
    "helpers/design.py:515:33:+->-": (
        "the mirrored half-neighbourhood joins the same pairs of 8-neighbours (each edge from its other end), so the "
        "union-find groups and their smallest indices are the same"),
    "helpers/design.py:515:41:+->-": (
        "the mirrored half-neighbourhood joins the same pairs of 8-neighbours (each edge from its other end), so the "
        "union-find groups and their smallest indices are the same"),
    # audit_rules
    "helpers/audit/rules.py:146:33:and->or": (
        "`_pointwise` reaches this `elif` only when `t.shape[j] != shape[oj]` (broadcasting: then `t.shape[j] == 1`) "
        "or when `p == ()`, which a layout gives only to a one-cell dim; the `or` adds only cases with `p == ()`, where "
        "`ax` is empty and nothing is written"),
    "helpers/audit/rules.py:221:38:0->1": (
        "`out[1]` (the mean) is passed to `Reader.combine`, which never reads its `out` argument (the node's size comes "
        "from the dims)"),
    **{f"helpers/audit/rules.py:559:28:1->{new}": (
        "the dilation of a one-tap window: it multiplies the tap index `t`, which is only 0 (`Window.sources`); "
        "nothing else reads a window's dilation") for new in ("0", "2")},
    "helpers/audit/rules.py:646:79:0->1": (
        "`Window.after` is read only by `Window.is_identity`, and only `Reader.combine` asks, which keeps the input's "
        "node only for identity rules on an axis of unchanged length; a split piece that is not the whole axis starts "
        "past 0 (`before < 0`: no identity either way) or is shorter than the axis (a new node either way)"),
    "helpers/audit/rules.py:404:36:1->0": (
        "`first >= 0` and `first >= 1` agree: only the convolution passes `mixing_channels=True`, and a convolution's "
        "input has its channel dim before the spatial ones (PyTorch refuses any other), so `first >= 1`"),
    "helpers/audit/rules.py:578:78:==->!=": (
        "this branch of `_along` changes a dim that holds no spatial axis, and `node_size` reads only spatial labels, "
        "so the sizes are always equal; when they are, `Reader.combine` (one identity edge, same size) returns the "
        "input's node with these dims: the same layout either way"),
}


# Survivors a test added after the stored run kills, checked by hand on that one mutant (a rerun records it).
KILLED_SINCE: dict[str, str] = {
    "helpers/audit/rules.py:297:47:0->1": (
        "adjacent non-spatial parts of a view were not merged, so a second view of the channels was refused; `test_audit_rules.py::test_pointwise_and_layout_operators[regroup-channels]` now fails on it"),
    "helpers/audit/rules.py:298:46:*->//": (
        "merged non-spatial parts got the wrong size; `test_audit_rules.py::test_pointwise_and_layout_operators[regroup-channels]` now fails on it"),
    "helpers/audit/rules.py:399:51:1->2": (
        "a pooled non-spatial dim of 2 cells lost its parts; `test_audit_rules.py::test_pointwise_and_layout_operators[pool-over-channels]` now fails on it"),
    "helpers/audit/rules.py:399:51:1->0": (
        "a one-cell pooled dim kept a part, which expand then failed on; `test_audit_rules.py::test_pointwise_and_layout_operators[pool-channels-to-one-then-expand]` now fails on it"),
    "helpers/audit/rules.py:404:23:and->or": (
        "pools read their channel dim as mixed; `test_audit_rules.py::test_pointwise_and_layout_operators[pool-channels-to-one-then-expand]` now fails on it"),
    "helpers/audit/rules.py:411:94:>->>=": (
        "a one-channel conv output kept a part, which expand then failed on; `test_audit_rules.py::test_pointwise_and_layout_operators[one-channel-then-expand]` now fails on it"),
    "helpers/audit/rules.py:411:96:1->0": (
        "the same; `test_audit_rules.py::test_pointwise_and_layout_operators[one-channel-then-expand]` now fails on it"),
    "helpers/audit/rules.py:418:11:1->2": (
        "every dim size doubled: channels holding rows were refused; `test_audit_rules.py::test_global_paths_where_pytorch_reads_every_cell[unbatched-conv1d-over-rows]` now fails on it"),
    "helpers/audit/rules.py:433:19:or->and": (
        "a filter computed from the input was read as a weight; `test_audit_rules.py::test_refusals_name_what_the_audit_cannot_follow` now fails on it"),
    "helpers/audit/rules.py:488:37:False->True": (
        "a 1-D adaptive pool over rows-as-channels mixed the rows; `test_audit_rules.py::test_a_one_d_operator_over_the_rows_of_a_map_keeps_them_apart[adaptive-avg-pool1d]` now fails on it"),
    "helpers/audit/rules.py:505:49:>->>=": (
        "align_corners to one row divided by 0; `test_audit_rules.py::test_pointwise_and_layout_operators[bilinear-align-to-one-row]` now fails on it"),
    "helpers/audit/rules.py:515:16:False->True": (
        "a nearest row claimed align_corners; `test_audit_rules.py::test_a_nearest_resize_has_no_align_corners` now fails on it"),
    "helpers/audit/rules.py:642:22:and->or": (
        "the first split piece kept the whole axis, so padding past it read real cells; `test_audit_rules.py::test_pointwise_and_layout_operators[first-split-piece-padded]` now fails on it"),
    "helpers/gridding.py:162:36:2->1": (
        "`is_hdc([2, 4], kernel=1)` returned False without checking the kernel (`rates[0] == 1` short-circuits); "
        "`test_gridding.py::test_each_integer_argument_is_refused_just_below_its_range` now calls it"),
}

# What the table does not show (written by hand: no numbers here; the numbers are in the results files).
NOTES: list[str] = [
    "`audit_geometry`: the first run (28f69fc, 68.2 % of 154) showed that the fast subset never checked the layer "
    "table (Araujo et al.'s recurrences); `tests/test_audit_geometry.py` now does, against the recurrences written "
    "out, `np.convolve` and autograd. Reading the survivors found two bugs, fixed with tests: a mean or pool over "
    "one-cell axes was read as a global path (output stride 0, `verify` raised), and an output between a "
    "transposed layer's taps (kernel below stride) crashed the report. Code that only bred equivalent mutants "
    "went (20 mutants fewer: 154 → 134).",
    "`audit_rules`: a seeded sample (the full run did not fit the session). `test_audit_rules.py` checks each "
    "operator rule on small models against forward sizes and autograd; two real bugs found on the way were fixed (a "
    "PReLU slope computed from the input; the channel count after a pixel shuffle). Most unexplained survivors sit in argument "
    "parsing (`len(args) > k` guards for defaults ATen may omit), the class-token select and cat, and reductions' "
    "keyword forms: a test or an equivalence argument is still missing for each.",
]


@dataclass(frozen=True)
class Mutant:
    module: str
    ident: str  # stable id: file:line:col:old->new, or named:<description>
    description: str
    old: str
    new: str
    line: int = 0
    col: int = 0


def _function_ranges(source: str, names: tuple[str, ...] | str) -> list[tuple[int, int]]:
    """Line ranges of the bodies (docstring excluded) of the named functions and methods (all for ``ALL``)."""
    ranges = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and (names == ALL or node.name in names):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
                body = body[1:]
            if body:
                ranges.append((body[0].lineno, node.end_lineno))
    return ranges


def _docstring_lines(source: str) -> set[int]:
    """Lines of every docstring (never mutated)."""
    lines = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                lines.update(range(first.lineno, first.end_lineno + 1))
    return lines


def token_mutants(module: str) -> list[Mutant]:
    path, names, _ = TARGETS[module]
    source = (ROOT / path).read_text()
    ranges = _function_ranges(source, names)
    docs = _docstring_lines(source)
    found = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        (line, col), text = tok.start, tok.string
        if not any(a <= line <= b for a, b in ranges) or line in docs:
            continue
        options = []
        if tok.type in (tokenize.OP, tokenize.NAME) and text in SWAPS:
            options.append(SWAPS[text])
        elif tok.type == tokenize.NUMBER and text.isdigit():
            value = int(text)
            options += [str(value + 1)] + ([str(value - 1)] if value > 0 else [])
        for new in options:
            ident = f"{path}:{line}:{col}:{text}->{new}"
            found.append(Mutant(module, ident, f"line {line}: `{text}` → `{new}`", text, new, line, col))
    return found


def named_mutants(module: str) -> list[Mutant]:
    return [Mutant(m, f"named:{desc}", desc, old, new) for m, desc, old, new in NAMED if m == module]


def apply(mutant: Mutant, source: str) -> str:
    if mutant.line:  # a token at (line, col)
        lines = source.splitlines(keepends=True)
        text = lines[mutant.line - 1]
        assert text[mutant.col : mutant.col + len(mutant.old)] == mutant.old, mutant.ident
        lines[mutant.line - 1] = text[: mutant.col] + mutant.new + text[mutant.col + len(mutant.old) :]
        return "".join(lines)
    if source.count(mutant.old) != 1:
        raise SystemExit(f"named mutant {mutant.description!r}: its text is not found exactly once (code changed?)")
    return source.replace(mutant.old, mutant.new)


def changed_lines(old: str, new: str) -> list[int]:
    a, b = old.splitlines(), new.splitlines()
    first = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    last_a, last_b = len(a) - 1, len(b) - 1
    while last_a > first and last_b > first and a[last_a] == b[last_b]:
        last_a, last_b = last_a - 1, last_b - 1
    return list(range(first + 1, last_a + 2))


def statement_lines(source: str, lines: list[int]) -> set[int]:
    """The lines of the innermost statements holding ``lines`` (a compound statement: its header up to the line)."""
    stmts = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.stmt)]
    out: set[int] = set()
    for line in lines:
        holding = [n for n in stmts if n.lineno <= line <= n.end_lineno]
        if not holding:
            out.add(line)
            continue
        inner = min(holding, key=lambda n: n.end_lineno - n.lineno)
        body = getattr(inner, "body", None)
        if isinstance(body, list) and body and not isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.update(range(inner.lineno, line + 1))
        else:
            out.update(range(inner.lineno, inner.end_lineno + 1))
    return out


# ---------------------------------------------------------------- the scratch copy and the forking runner

def scratch_copy() -> Path:
    work = Path(tempfile.mkdtemp(prefix="mutation-"))
    for name in ("helpers", "tests"):
        shutil.copytree(ROOT / name, work / name, ignore=shutil.ignore_patterns("__pycache__", ".hypothesis"))
    for name in ("pyproject.toml", "conftest.py"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, work / name)
    for entry in ROOT.iterdir():  # the rest (notebooks, data) linked, read by some tests
        if not (work / entry.name).exists() and entry.name not in (".git", ".venv", ".hypothesis", "test-artifacts"):
            (work / entry.name).symlink_to(entry)
    return work


PYTEST_ARGS = ["-q", "-n", "0", "-p", "no:randomly", "-p", "no:cacheprovider", "--hypothesis-seed=0",
               "--no-header", "-o", "addopts=--doctest-modules", "-o", "doctest_optionflags=NORMALIZE_WHITESPACE ELLIPSIS",
               "-W", "ignore::DeprecationWarning"]


def prepare_parent(work: Path) -> None:
    """Import the heavy third-party modules once (the forked children inherit them); never ``helpers``."""
    sys.dont_write_bytecode = True
    os.environ.update(PYTHONPATH=str(work), PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg",
                      SH_HYPOTHESIS_PROFILE="mutation", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    os.environ.pop("CI", None)
    sys.path[:] = [str(work)] + [p for p in sys.path if p and Path(p).resolve() != ROOT]
    os.chdir(work)
    import hypothesis  # noqa: F401
    import numpy  # noqa: F401
    import pytest  # noqa: F401
    for heavy in ("torch", "torchvision", "matplotlib"):
        try:
            __import__(heavy)
        except ImportError:
            pass
    for ep in importlib.metadata.entry_points(group="pytest11"):
        try:
            ep.load()
        except Exception:  # a plugin that cannot load here is not needed
            pass
    assert not any(m == "helpers" or m.startswith("helpers.") for m in sys.modules), "the parent imported helpers"


def in_child(run, log: Path, timeout: float) -> tuple[int | None, float]:
    """Fork; the child calls ``run()`` (its return value is the exit code) with output to ``log``."""
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child
        code = 98
        try:
            os.setpgid(0, 0)
            fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            code = int(run())
        except BaseException:  # noqa: BLE001 - report anything, then leave
            traceback.print_exc()
            code = 99
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)
    try:
        os.setpgid(pid, pid)
    except OSError:
        pass
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status), time.perf_counter() - start
        if time.perf_counter() - start > timeout:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
            return None, time.perf_counter() - start
        time.sleep(0.02)


def coverage_run(work: Path, module: str, log: Path, timeout: float) -> dict:
    """Run the module's tests and doctests once, unmutated, recording which tests execute which line."""
    path, _, tests = TARGETS[module]
    out = log.with_suffix(".coverage.json")

    def run() -> int:
        import coverage
        import pytest

        class Contexts:
            def __init__(self, cov):
                self.cov, self.seconds, self.failed = cov, {}, []

            @pytest.hookimpl(wrapper=True)
            def pytest_runtest_protocol(self, item, nextitem):
                self.cov.switch_context(item.nodeid)
                start = time.perf_counter()
                try:
                    return (yield)
                finally:
                    self.seconds[item.nodeid] = time.perf_counter() - start

            def pytest_runtest_logreport(self, report):
                if report.failed:
                    self.failed.append(report.nodeid)

        cov = coverage.Coverage(data_file=None, include=[str(work / path)], config_file=False)
        cov.start()
        plugin = Contexts(cov)
        code = pytest.main([*PYTEST_ARGS, *_subset_args(module), *tests, path], plugins=[plugin])
        cov.stop()
        by_line = cov.get_data().contexts_by_lineno(str(work / path))
        out.write_text(json.dumps({
            "exit": int(code), "failed": plugin.failed, "seconds": plugin.seconds,
            "lines": {str(k): sorted(c for c in v if c) for k, v in by_line.items()}}))
        return int(code)

    code, seconds = in_child(run, log, timeout)
    if code != 0 or not out.exists():
        raise SystemExit(f"{module}: its tests do not pass on the unmutated code (exit {code}); see {log}")
    found = json.loads(out.read_text())
    found["total_seconds"] = seconds
    return found


def judge(work: Path, mutant: Mutant, original: str, cover: dict, log: Path) -> tuple[str, float, int, str]:
    """Run the tests that execute the mutated statement on the mutant: (status, seconds, tests run, first failure)."""
    path, _, _ = TARGETS[mutant.module]
    mutated = apply(mutant, original)
    try:
        compile(mutated, path, "exec")
    except SyntaxError:
        return "invalid (does not compile)", 0.0, 0, ""
    lines = statement_lines(original, changed_lines(original, mutated))
    chosen = {t for line in lines for t in cover["lines"].get(str(line), [])}
    if not chosen:
        return "survived (no test runs it)", 0.0, 0, ""
    ordered = sorted(chosen, key=lambda t: (cover["seconds"].get(t, 0.0), t))
    budget = sum(cover["seconds"].get(t, 0.0) for t in ordered)
    (work / path).write_text(mutated)
    try:
        code, seconds = in_child(lambda: __import__("pytest").main([*PYTEST_ARGS, "-x", "-rf", *ordered]),
                                 log, timeout=60 + 5 * budget)
    finally:
        (work / path).write_text(original)
    first = ""
    if log.exists():
        first = next((ln[len("FAILED "):].split(" - ")[0] for ln in log.read_text(errors="replace").splitlines()
                      if ln.startswith("FAILED ")), "")
    if code is None:
        return "timed out", seconds, len(ordered), ""
    if code == 0:
        return "survived", seconds, len(ordered), ""
    if code == 1:
        return "killed", seconds, len(ordered), first
    if code == 2:
        return "killed (collection or import error)", seconds, len(ordered), first
    return f"runner error (pytest exit {code})", seconds, len(ordered), first


# ---------------------------------------------------------------- the fast path: swap one function's code in a fork

def _code_objects(code) -> dict[tuple[str, int], object]:
    """Every function code object compiled from a module, by (qualified name, first line)."""
    found = {}
    for const in code.co_consts:
        if hasattr(const, "co_code"):
            found[(const.co_qualname, const.co_firstlineno)] = const
            found.update(_code_objects(const))
    return found


def fast_run(work: Path, module: str, mutants: list[Mutant], cover: dict, log: Path, logs: Path | None,
             on_row) -> None:
    """One pytest session collects the tests and imports the module once; each mutant runs in a fork of it.

    In the fork, every function object compiled from the module's file (the closures made at import time
    too) gets the mutated code object of the same name, and every ``functools.lru_cache`` is cleared;
    then the selected, already collected tests run (``-x``). What the module computed at import time is
    not recomputed, so a survivor here is confirmed by the slow path (a fresh import) before it counts.
    Mutants that change the number of lines go to the slow path directly.
    """
    path, _, tests = TARGETS[module]
    filename = str(work / path)
    original = (work / path).read_text()

    def serve() -> int:
        import functools
        import gc
        import types

        import pytest
        from _pytest.runner import runtestprotocol

        class Server:
            @pytest.hookimpl(tryfirst=True)
            def pytest_runtestloop(self, session):
                items = {item.nodeid: item for item in session.items}
                gc.collect()
                objects = gc.get_objects()
                live = [f for f in objects if type(f) is types.FunctionType and f.__code__.co_filename == filename]
                caches = [c for c in objects if type(c) is functools._lru_cache_wrapper
                          and getattr(getattr(c, "__wrapped__", None), "__code__", None) is not None
                          and c.__wrapped__.__code__.co_filename == filename]
                for i, mutant in enumerate(mutants):
                    mutated = apply(mutant, original)
                    if mutated.count("\n") != original.count("\n"):
                        on_row(i, mutant, "slow path", 0.0, 0, "")
                        continue
                    try:
                        new_codes = _code_objects(compile(mutated, filename, "exec"))
                    except SyntaxError:
                        on_row(i, mutant, "invalid (does not compile)", 0.0, 0, "")
                        continue
                    lines = statement_lines(original, changed_lines(original, mutated))
                    chosen = {t for line in lines for t in cover["lines"].get(str(line), [])}
                    if not chosen:
                        on_row(i, mutant, "survived (no test runs it)", 0.0, 0, "")
                        continue
                    ordered = [items[t] for t in sorted(chosen, key=lambda t: (cover["seconds"].get(t, 0.0), t)) if t in items]
                    budget = sum(cover["seconds"].get(t.nodeid, 0.0) for t in ordered)

                    def run_one() -> int:
                        for f in live:
                            new = new_codes.get((f.__code__.co_qualname, f.__code__.co_firstlineno))
                            if new is not None and new is not f.__code__:
                                f.__code__ = new
                        for c in caches:
                            c.cache_clear()
                        for j, item in enumerate(ordered):
                            reports = runtestprotocol(item, nextitem=ordered[j + 1] if j + 1 < len(ordered) else None, log=False)
                            if any(r.failed for r in reports):
                                with open(one_log.with_suffix(".failed"), "w") as fh:
                                    fh.write(item.nodeid)
                                return 1
                        return 0

                    one_log = (logs / f"{module}.{i + 1:04d}.log") if logs else log.with_suffix(".mutant.log")
                    code, seconds = in_child(run_one, one_log, timeout=60 + 5 * budget)
                    failed = one_log.with_suffix(".failed")
                    first = failed.read_text() if code == 1 and failed.exists() else ""
                    failed.unlink(missing_ok=True)
                    status = {None: "timed out", 0: "survived", 1: "killed"}.get(code, f"slow path (fork exit {code})")
                    on_row(i, mutant, status, seconds, len(ordered), first)
                return True

        return pytest.main([*PYTEST_ARGS, *_subset_args(module), *tests, path], plugins=[Server()])

    in_child(serve, log, timeout=24 * 3600)


# ---------------------------------------------------------------- main

def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", nargs="*", default=list(TARGETS), choices=list(TARGETS))
    ap.add_argument("--sample", type=int, default=0, help="token mutants per module, drawn with --seed (0: all)")
    ap.add_argument("--seed", type=int, default=24)
    ap.add_argument("--list", action="store_true", help="count the mutants and exit")
    ap.add_argument("--report-only", action="store_true", help="write MUTATION.md from the stored results, run nothing")
    ap.add_argument("--keep-logs", type=Path, help="keep each mutant's pytest output in this folder")
    ap.add_argument("--slow-only", action="store_true", help="a fresh import per mutant (no code swapping; slower)")
    args = ap.parse_args(argv)
    argv = sys.argv[1:] if argv is None else argv

    plan: dict[str, tuple[int, list[Mutant]]] = {}
    for module in args.only:
        tokens = token_mutants(module)
        chosen = tokens if args.sample in (0, None) or args.sample >= len(tokens) else sorted(
            random.Random(f"{args.seed}:{module}").sample(tokens, args.sample), key=lambda m: (m.line, m.col))
        plan[module] = (len(tokens), named_mutants(module) + chosen)
    if args.list:
        for module, (total, chosen) in plan.items():
            print(f"{module:15s} {total:4d} token mutants, {len(chosen)} chosen (named included)")
        return 0
    if args.report_only:
        (ROOT / "benchmarks" / "MUTATION.md").write_text(render())
        return 0

    commit = git("rev-parse", "--short", "HEAD")
    work = scratch_copy()
    logs = Path(args.keep_logs or tempfile.mkdtemp(prefix="mutation-logs-")).resolve()
    logs.mkdir(parents=True, exist_ok=True)
    here = os.getcwd()
    try:
        prepare_parent(work)
        for module, (total, chosen) in plan.items():
            path, _, tests = TARGETS[module]
            dirty = bool(git("status", "--porcelain", "--", path, *tests))
            original = (work / path).read_text()
            cover = coverage_run(work, module, logs / f"{module}.baseline.log", timeout=3600)
            print(f"{module}: coverage run {cover['total_seconds']:.0f} s, {len(cover['seconds'])} tests; "
                  f"{len(chosen)} mutants", flush=True)
            meta = {"module": module, "path": path, "tests": list(tests), "subset": SUBSETS.get(module), "token_mutants": total,
                    "sample": args.sample, "seed": args.seed if args.sample else None,
                    "command": f"nice -n {os.nice(0)} python benchmarks/mutation.py --only {module}"
                    + (f" --sample {args.sample} --seed {args.seed}" if args.sample else ""),
                    "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                    "commit": commit + (" + uncommitted changes" if dirty else ""),
                    "tests_in_coverage_run": len(cover["seconds"]), "coverage_run_seconds": round(cover["total_seconds"], 1)}
            started = time.perf_counter()
            rows: list[dict | None] = [None] * len(chosen)
            fast_file = logs / f"{module}.fast.jsonl"
            fast_file.unlink(missing_ok=True)

            def on_row(i, mutant, status, seconds, ran, first):  # runs in the forked pytest session
                with fast_file.open("a") as fh:
                    fh.write(json.dumps([i, status, round(seconds, 2), ran, first]) + "\n")
                print(f"[{module} {i + 1}/{len(chosen)}] {status:28s} {seconds:5.1f}s {ran:4d} tests  {mutant.description}",
                      flush=True)

            if not args.slow_only:
                fast_run(work, module, chosen, cover, logs / f"{module}.fast.log", logs if args.keep_logs else None, on_row)
                for line in fast_file.read_text().splitlines() if fast_file.exists() else []:
                    i, status, seconds, ran, first = json.loads(line)
                    if status.startswith(("killed", "timed out", "invalid", "survived (no test")):
                        rows[i] = {"id": chosen[i].ident, "description": chosen[i].description, "status": status,
                                   "seconds": seconds, "tests_run": ran, "killed_by": first, "path": "fast"}
            for i, mutant in enumerate(chosen):  # survivors of the fast path (confirmed here) and what it could not run
                if rows[i] is not None:
                    continue
                log = logs / f"{module}.slow.{i + 1:04d}.log"
                status, seconds, ran, first = judge(work, mutant, original, cover, log)
                if not args.keep_logs and log.exists():
                    log.unlink()
                rows[i] = {"id": mutant.ident, "description": mutant.description, "status": status,
                           "seconds": round(seconds, 1), "tests_run": ran, "killed_by": first, "path": "slow"}
                print(f"[{module} {i + 1}/{len(chosen)} slow] {status:28s} {seconds:5.1f}s {ran:4d} tests  {mutant.description}",
                      flush=True)
                store(module, {**meta, "complete": False, "planned": len(chosen),
                               "run_seconds": round(time.perf_counter() - started)}, [r for r in rows if r])
            store(module, {**meta, "complete": True, "planned": len(chosen),
                           "run_seconds": round(time.perf_counter() - started)}, rows)
    finally:
        os.chdir(here)
        shutil.rmtree(work, ignore_errors=True)
    (ROOT / "benchmarks" / "MUTATION.md").write_text(render())
    return 0


def store(module: str, meta: dict, rows: list[dict]) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{module}.json").write_text(json.dumps({**meta, "rows": rows}, indent=1, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------- the report

def counts(rows: list[dict]) -> dict[str, int]:
    """Mutants by outcome; an invalid mutant (does not compile) is not counted."""
    valid = [r for r in rows if not r["status"].startswith("invalid")]
    alive = [r for r in valid if r["status"].startswith("survived")]
    c = {"mutants": len(valid),
         "killed": sum(r["status"].startswith("killed") for r in valid),
         "timed out": sum(r["status"] == "timed out" for r in valid),
         "runner errors": sum(r["status"].startswith("runner error") for r in valid),
         "survived": len(alive),
         "equivalent": sum(r["id"] in EQUIVALENT for r in alive)}
    c["unexplained"] = c["survived"] - c["equivalent"]
    return c


def render() -> str:
    stored = [json.loads(f.read_text()) for f in sorted(RESULTS.glob("*.json"))]
    stored = [d for d in stored if d.get("module") in TARGETS and "tests" in d]
    stored.sort(key=lambda d: list(TARGETS).index(d["module"]))
    out = ["# Mutation testing of the core", "",
           "Written by `python benchmarks/mutation.py` from `benchmarks/mutation_results/*.json` (the runs named",
           "below wrote them); do not edit by hand — `tests/test_benchmarks_smoke.py` checks this file against them.",
           "Not part of CI. How a run works: the docstring of `benchmarks/mutation.py`.", "",
           "Token mutants: every single-token mutant (operator, comparison, `and`/`or`, `min`/`max`, `floor`/`ceil`,",
           "`True`/`False`, a whole number ± 1, …) of the listed functions (audit and claims: every function of",
           "the file); named mutants: the bugs issue 24 found surviving, written out by hand. Each mutant runs the",
           "tests of the module's own test files and doctests that execute the mutated statement (`pytest -x`).",
           "*Killed %* = (killed + timed out) / mutants; *of non-equivalent* divides by mutants − equivalent.", "",
           "| module | test files | mutants | killed | timed out | survived | equivalent | unexplained | killed % | killed % of non-equivalent | run |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    survivors = []
    for d in stored:
        c = counts(d["rows"])
        n = (c["mutants"] if d.get("complete") else d["planned"]) or 1  # a stopped run: the unjudged count as not killed
        caught = c["killed"] + c["timed out"]
        tests = ", ".join(f"`{Path(t).name}`" for t in d["tests"])
        if d.get("subset"):
            tests += " (a fast subset: `-k` below)"
        scope = "all" if not d.get("sample") else f"sample of {d['sample']} of {d['token_mutants']} token mutants (seed {d['seed']})"
        state = "" if d.get("complete") else f"; **stopped after {len(d['rows'])} of {d['planned']}**"
        out.append(f"| {d['module']} (`{d['path']}`) | {tests} | {c['mutants']} | {c['killed']} | {c['timed out']} | "
                   f"{c['survived']} | {c['equivalent']} | {c['unexplained']} | {100 * caught / n:.1f} % | "
                   f"{100 * caught / max(1, n - c['equivalent']):.1f} % | {scope}{state} |")
        survivors += [(d["module"], r) for r in d["rows"] if r["status"].startswith("survived")]
    missing = [m for m in TARGETS if m not in {d["module"] for d in stored}]
    if missing:
        out += ["", "No stored run: " + ", ".join(f"`{m}`" for m in missing) + "."]
    if NOTES:
        out += [""] + [f"- {note}" for note in NOTES]
    out += ["", "## Runs", "", "| module | command | date | commit | tests in its coverage run | time |", "|---|---|---|---|---:|---:|"]
    out += [f"| {d['module']} | `{d['command']}` | {d['date']} | {d['commit']} | {d['tests_in_coverage_run']} | "
            f"{d['coverage_run_seconds'] + d['run_seconds']:.0f} s |" for d in stored]
    subsets = [d for d in stored if d.get("subset")]
    if subsets:
        out += [""] + [f"Tests of `{d['module']}`: its test files with `-k \"{d['subset']}\"` (the `SUBSETS` of the script)."
                       for d in subsets]
    named = [(d["module"], r) for d in stored for r in d["rows"] if r["id"].startswith("named:")]
    if named:
        out += ["", "## Named mutants (issue 24's surviving bugs)", "", "| module | mutant | result | first failing test |", "|---|---|---|---|"]
        out += [f"| {mod} | {r['description']} | {r['status']} | `{r['killed_by']}` |" if r["killed_by"]
                else f"| {mod} | {r['description']} | {r['status']} | |" for mod, r in named]
    out += ["", "## Survivors", ""]
    if not survivors:
        out.append("None.")
    else:
        out += ["| module | mutant | id | status | why |", "|---|---|---|---|---|"]
        out += [f"| {mod} | {r['description']} | `{r['id']}` | {r['status']} | "
                f"{('equivalent: ' + EQUIVALENT[r['id']]) if r['id'] in EQUIVALENT else ('killed since (by hand; not in the counts): ' + KILLED_SINCE[r['id']]) if r['id'] in KILLED_SINCE else '**not explained: a test is missing**'} |"
                for mod, r in survivors]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())
