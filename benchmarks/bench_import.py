"""Start-up: how long ``import helpers`` takes in a fresh interpreter, and what it pulls in.

Each measurement is a new ``python`` process (nothing cached in the
interpreter; the OS file cache is warm after the first run). The cost of
``import helpers`` is the wall time of ``python -c "import helpers"`` minus
that of ``python -c "pass"`` (interpreter start-up), median of several runs,
interleaved. ``python -X importtime`` splits it into numpy and the package's
own modules. Target: <= 150 ms, and matplotlib/ipywidgets not imported.

Run: ``python benchmarks/bench_import.py [--quick]``
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time

import _common as C

TARGET_S = 0.150
HEAVY = ("matplotlib", "ipywidgets", "IPython", "scipy", "torch")


def _wall(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, cwd=C.ROOT, capture_output=True)
    return time.perf_counter() - start


def _importtime(module: str) -> dict[str, float]:
    """Cumulative import time (s) of each module from ``-X importtime`` (its first, i.e. real, import)."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        check=True, cwd=C.ROOT, capture_output=True, text=True,
    ).stderr
    cumulative: dict[str, float] = {}
    for line in out.splitlines():
        m = re.match(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|\s*(\S+)", line)
        if m:
            cumulative.setdefault(m.group(3), int(m.group(2)) / 1e6)
    return cumulative


def make_table(quick: bool = False) -> C.Table:
    """The table :func:`run` fills: its title and columns (``run_all.py --columns`` prints them)."""
    return C.Table("Start-up: `import helpers` in a fresh interpreter", ["measure", "median ms", "target", "verdict"])


def run(quick: bool = False) -> list[C.Table]:
    repeats = 1 if quick else 7
    codes = {"start": "pass", "numpy": "import numpy", "helpers": "import helpers"}
    if not quick:
        codes |= {"plots": "import helpers.plots", "widgets": "import helpers.widgets"}
    walls = C.measure({k: (lambda c=c: _wall(c)) for k, c in codes.items()}, repeats, warmup=0 if quick else 1)
    start = C.median(walls["start"])
    cost = {k: C.median(v) - start for k, v in walls.items()}

    probe = "import sys, json, helpers; print(json.dumps(sorted(m for m in {!r} if m in sys.modules)))".format(HEAVY)
    loaded = json.loads(subprocess.run([sys.executable, "-c", probe], check=True, cwd=C.ROOT,
                                       capture_output=True, text=True).stdout)
    C.check(not {"matplotlib", "ipywidgets"} & set(loaded), f"import helpers loaded {loaded}")

    imptimes = [_importtime("helpers") for _ in range(repeats)]
    helpers_cum = C.median([t.get("helpers", float("nan")) for t in imptimes])
    numpy_cum = C.median([t.get("numpy", 0.0) for t in imptimes])  # numpy is imported inside helpers

    table = make_table(quick)
    table.add("interpreter start (`python -c pass`)", C.ms(start), "", "")
    table.add("`import numpy` (minus start)", C.ms(cost["numpy"]), "", "")
    table.add("**`import helpers`** (minus start)", C.ms(cost["helpers"]), "≤ 150", C.verdict(cost["helpers"], TARGET_S))
    table.add("… `-X importtime`: helpers in total / numpy within it",
              f"{C.ms(helpers_cum)} / {C.ms(numpy_cum)}", "", "")
    table.add("heavy modules loaded by `import helpers`", ", ".join(loaded) or "none", "no matplotlib/ipywidgets",
              "**MISS**" if {"matplotlib", "ipywidgets"} & set(loaded) else "ok")
    if not quick:
        table.add("`import helpers.plots` (minus start; a notebook's first figure)", C.ms(cost["plots"]), "", "")
        table.add("`import helpers.widgets` (minus start; a notebook's first widget)", C.ms(cost["widgets"]), "", "")
    table.notes.append(f"median of {repeats} fresh `{sys.executable.rsplit('/', 1)[-1]}` processes each, interleaved")
    return [table]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a smoke run)")
    args = parser.parse_args(argv)
    C.print_report(run(args.quick), C.machine())
    return 0


if __name__ == "__main__":
    sys.exit(main())
