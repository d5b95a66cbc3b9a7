"""Mutation testing of the course's core: can the tests tell a plausible bug from the real code?

A *mutant* is the code with one small, plausible bug: one token changed
(``+`` for ``-``, ``<`` for ``<=``, ``and`` for ``or``, ``floor`` for ``ceil``,
``min`` for ``max``, a whole-number constant off by one, ``True`` for ``False``)
inside one of the core functions, or one of the hand-written *named* mutants
below (the bugs issue 24 found surviving). For each mutant the script copies the
repository to a scratch directory, applies the change there (the working tree is
never touched), and runs the module's own test files plus the module's doctests::

    python -m pytest -x -q -n 0 -p no:randomly --hypothesis-seed=0 <test files> <module>

A mutant is *killed* when that run fails (or errors, or exceeds the timeout) and
*survives* when it passes. Property tests draw 40 examples each (hypothesis
profile ``mutation`` in ``tests/conftest.py``, seed 0) to keep one run short. Survivors are either killed by a new test or listed
in ``EXPLAINED`` as equivalent (the same behaviour on every input the function
accepts), with the reason; the table says which.

Not part of CI (it runs the test files once per mutant: minutes to hours).
Usage::

    python benchmarks/mutation.py --list                     # count the mutants, run nothing
    python benchmarks/mutation.py --sample 40 --write        # a seeded sample of 40 per module, write MUTATION.md
    python benchmarks/mutation.py --only gridding --sample 0 # every mutant of one module
    python benchmarks/mutation.py --named-only               # just the named mutants
    python benchmarks/mutation.py --sample 40 --resume --write   # after new tests: rerun only the survivors

``--sample N`` draws N token mutants per module with a fixed seed (``--seed``);
``0`` means all of them. The named mutants always run.
"""

from __future__ import annotations

import argparse
import ast
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import tokenize
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "mutation_results"  # one JSON per module: what MUTATION.md is rendered from

# module -> (source file, functions/methods whose bodies are mutated, its own test files)
TARGETS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "arithmetic": (
        "helpers/arithmetic.py",
        ("conv_output_size", "transposed_output_size", "same_padding", "effective_kernel_size", "tf_output_size",
         "heatmap_size", "encoder_decoder_size", "scale_dimension"),
        ("tests/test_arithmetic.py",),
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
}

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

# Survivors since killed by a new test (shown failing on the mutant) or judged equivalent, by mutant id.
EXPLAINED: dict[str, str] = {
    "helpers/arithmetic.py:line 277: `1` → `0`": (
        "killed since: `transposed_output_size` accepted dilation 0; "
        "`test_arithmetic.py::test_transposed_output_size_refuses_each_argument_below_its_range` fails on this "
        "mutant (run by hand; rerun the script with `--resume` to record it)"),
}


@dataclass(frozen=True)
class Mutant:
    module: str
    ident: str  # stable id: file:line:col:old->new, or named:<description>
    description: str
    old: str
    new: str
    line: int = 0
    col: int = 0


def _function_ranges(source: str, names: tuple[str, ...]) -> list[tuple[int, int]]:
    """Line ranges of the bodies (docstring excluded) of the named functions and methods."""
    ranges = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in names:
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
                body = body[1:]
            if body:
                ranges.append((body[0].lineno, node.end_lineno))
    return ranges


def token_mutants(module: str) -> list[Mutant]:
    path, names, _ = TARGETS[module]
    source = (ROOT / path).read_text()
    ranges = _function_ranges(source, names)
    found = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        (line, col), text = tok.start, tok.string
        if not any(a <= line <= b for a, b in ranges):
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


def scratch_copy() -> Path:
    work = Path(tempfile.mkdtemp(prefix="mutation-"))
    for name in ("helpers", "tests"):
        shutil.copytree(ROOT / name, work / name, ignore=shutil.ignore_patterns("__pycache__", "fixtures"))
    if (ROOT / "tests" / "fixtures").exists():
        shutil.copytree(ROOT / "tests" / "fixtures", work / "tests" / "fixtures")
    for name in ("pyproject.toml", "conftest.py"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, work / name)
    return work


def run_tests(work: Path, module: str, timeout: float) -> tuple[str, float]:
    path, _, tests = TARGETS[module]
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-n", "0", "-p", "no:randomly", "-p", "no:cacheprovider",
           "--hypothesis-seed=0", "--no-header", "-o", "addopts=--doctest-modules", *tests, path]
    env = {**os.environ, "PYTHONPATH": str(work), "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg",
           "SH_HYPOTHESIS_PROFILE": "mutation"}  # 40 examples per property test (tests/conftest.py)
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "killed (timeout)", time.perf_counter() - start
    seconds = time.perf_counter() - start
    if proc.returncode == 0:
        return "survived", seconds
    if proc.returncode == 1:
        return "killed", seconds
    return f"killed (pytest exit {proc.returncode})", seconds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", nargs="*", default=list(TARGETS), choices=list(TARGETS))
    ap.add_argument("--sample", type=int, default=40, help="token mutants per module (0: all)")
    ap.add_argument("--seed", type=int, default=24)
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--named-only", action="store_true")
    ap.add_argument("--list", action="store_true", help="count the mutants and exit")
    ap.add_argument("--write", action="store_true", help="write benchmarks/MUTATION.md")
    ap.add_argument("--note", default="", help="a line for the report (machine, load)")
    ap.add_argument("--resume", action="store_true",
                    help="reuse benchmarks/mutation_results/<module>.json; rerun only the mutants that survived there")
    ap.add_argument("--report-only", action="store_true", help="render MUTATION.md from the stored results, run nothing")
    ap.add_argument("--from-log", type=Path, help="store the results printed in this log (an interrupted run), then stop")
    ap.add_argument("--log-args", default="", help="with --from-log: the arguments of the run that wrote it (one string)")
    args = ap.parse_args(argv)

    plan: dict[str, tuple[int, list[Mutant]]] = {}
    for module in args.only:
        tokens = token_mutants(module)
        chosen = [] if args.named_only else (
            tokens if args.sample in (0, None) or args.sample >= len(tokens)
            else sorted(random.Random(f"{args.seed}:{module}").sample(tokens, args.sample), key=lambda m: (m.line, m.col)))
        plan[module] = (len(tokens), named_mutants(module) + chosen)
    if args.list:
        for module, (total, chosen) in plan.items():
            print(f"{module:11s} {total:4d} token mutants, {len(chosen)} chosen (named included)")
        return 0

    if args.from_log:
        from_log(args.from_log, args)
        return 0
    if args.report_only:
        return write_report(args)
    previous = {}
    for module in plan:
        stored = RESULTS / f"{module}.json"
        if args.resume and stored.exists():
            previous.update({row["id"]: row for row in json.loads(stored.read_text())["rows"]})
    work = scratch_copy()
    results: dict[str, list[tuple[Mutant, str, float]]] = {}
    try:
        for module, (total, chosen) in plan.items():
            path = TARGETS[module][0]
            original = (ROOT / path).read_text()
            status, seconds = run_tests(work, module, args.timeout)  # the unmutated code must pass
            if status != "survived":
                raise SystemExit(f"{module}: its tests fail on the unmutated code ({status}); fix that first")
            results[module] = []
            for i, mutant in enumerate(chosen, 1):
                before = previous.get(mutant.ident)
                if before and before["status"] != "survived":
                    results[module].append((mutant, before["status"], before["seconds"]))
                    continue
                (work / path).write_text(apply(mutant, original))
                status, seconds = run_tests(work, module, args.timeout)
                (work / path).write_text(original)
                results[module].append((mutant, status, seconds))
                print(f"[{module} {i}/{len(chosen)}] {status:22s} {seconds:6.1f}s  {mutant.description}", flush=True)
                store(module, total, args, [(m.ident, m.description, st, sec) for m, st, sec in results[module]],
                      planned=len(chosen), argv=argv)  # after every mutant: an interrupted run keeps what it did
    finally:
        shutil.rmtree(work, ignore_errors=True)

    return write_report(args) if args.write else 0


def store(module, total, args, rows, planned, argv=None) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{module}.json").write_text(json.dumps({
        "module": module, "token_mutants": total, "sample": args.sample, "seed": args.seed, "planned": planned,
        "command": "python benchmarks/mutation.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "rows": [{"id": i, "description": d, "status": st, "seconds": round(sec, 1)} for i, d, st, sec in rows],
    }, indent=1, ensure_ascii=False) + "\n")


def from_log(path: Path, args) -> None:
    """Store the results printed in a run's log (a run stopped before it wrote them)."""
    rows: dict[str, list] = {}
    for line in path.read_text().splitlines():
        if not line.startswith("["):
            continue
        head, rest = line[1:].split("] ", 1)
        module, count = head.split()
        status, rest = rest.split("  ", 1) if not rest.startswith("killed (") else (rest[: rest.index(")") + 1], rest[rest.index(")") + 1 :])
        seconds, description = rest.strip().split("s  ", 1)
        named = [m for m in named_mutants(module) if m.description == description]
        ident = named[0].ident if named else f"{TARGETS[module][0]}:{description}"
        rows.setdefault(module, []).append((ident, description, status.strip(), float(seconds), int(count.split("/")[1])))
    for module, found in rows.items():
        command = f"python benchmarks/mutation.py {args.log_args} (stopped after {len(found)} of {found[0][4]}; stored with --from-log)"
        store(module, len(token_mutants(module)), args, [r[:4] for r in found], planned=found[0][4],
              argv=command.split()[2:])


def write_report(args) -> int:
    report = render(args)
    print(report)
    if args.write or args.report_only:
        (ROOT / "benchmarks" / "MUTATION.md").write_text(report)
    return 0


def render(args) -> str:
    stored = [json.loads(f.read_text()) for f in sorted(RESULTS.glob("*.json"))]
    stored.sort(key=lambda d: list(TARGETS).index(d["module"]))
    out = ["# Mutation testing of the core", "",
           "Written by `python benchmarks/mutation.py --report-only` from `benchmarks/mutation_results/*.json`,",
           "which the runs named below wrote; do not edit by hand. Not part of CI.", ""]
    if args.note:
        out += [args.note, ""]
    out += ["Token mutants: every single-token mutant (operator, comparison, `and`/`or`, `min`/`max`, `floor`/`ceil`,",
            "a whole number ± 1, …) of the listed core functions; a seeded sample of them runs per module.",
            "Named mutants: the bugs issue 24 found surviving, written out by hand. Each mutant runs the",
            "module's own test files and its doctests (`-x -q -n 0`, hypothesis profile `mutation`).", "",
            "| module | tests | token mutants | run (sampled + named) of planned | killed | survived | survivors killed since or equivalent | killed % | (killed + explained) % |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    survivors, named = [], []
    for d in stored:
        rows = d["rows"]
        killed = sum(r["status"].startswith("killed") for r in rows)
        alive = [r for r in rows if r["status"] == "survived"]
        explained = sum(r["id"] in EXPLAINED for r in alive)
        n = len(rows) or 1
        tests = ", ".join(f"`{Path(t).name}`" for t in TARGETS[d["module"]][2])
        out.append(f"| {d['module']} | {tests} | {d['token_mutants']} | {len(rows)} of {d.get('planned', len(rows))} | {killed} | {len(alive)} | "
                   f"{explained} | {100 * killed / n:.0f} % | {100 * (killed + explained) / n:.0f} % |")
        survivors += [(d["module"], r) for r in alive]
        named += [(d["module"], r) for r in rows if r["id"].startswith("named:")]
    out += ["", "Runs: " + "; ".join(f"{d['module']}: `{d['command']}`" for d in stored) + "."]
    if named:
        out += ["", "## Named mutants", "", "| module | mutant | result |", "|---|---|---|"]
        out += [f"| {mod} | {r['description']} | {r['status']} |" for mod, r in named]
    out += ["", "## Survivors", ""]
    if not survivors:
        out.append("None.")
    else:
        out += ["| module | mutant | id | why it survives |", "|---|---|---|---|"]
        out += [f"| {mod} | {r['description']} | `{r['id']}` | {EXPLAINED.get(r['id'], '**not yet explained**')} |"
                for mod, r in survivors]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())
