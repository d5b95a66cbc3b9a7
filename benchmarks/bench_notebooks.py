"""Notebook execution: wall time and peak memory of each notebook's kernel, beside the floor.

Every ``notebooks/*.ipynb`` is executed top to bottom in a fresh kernel with
nbclient, the way ``python -m helpers.notebook_tools refresh`` and nbval run
it. Its **floor** is a generated notebook with the same number of code cells,
each ``pass``, executed the same way: kernel start-up plus per-cell message
overhead, the part no notebook can avoid. The timed span runs from starting
the kernel to the end of the last cell (kernel shutdown excluded), for
notebook and floor alike; runs alternate notebook, floor, notebook, ...

Peak memory is the kernel process's own peak resident set size, read by one
extra cell sent to the kernel after the last timed cell (not timed, not part of
the notebook): ``VmHWM`` from ``/proc/self/status`` on Linux, else
``getrusage(RUSAGE_SELF).ru_maxrss`` (on Linux that one is inherited from the
process that launched the kernel, so it can report the runner's size instead).

Targets: each notebook <= 3x its floor; the whole series <= 60 s; peak
resident memory of each kernel <= 300 MB.

Run: ``python benchmarks/bench_notebooks.py [--quick] [NOTEBOOK ...]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import _common as C

TARGET_RATIO = 3.0
TARGET_SERIES_S = 60.0
TARGET_RSS_MB = 300.0

# The probe cell prints the kernel's peak resident set size in bytes. On Linux it is VmHWM from
# /proc/self/status: the high-water mark of the kernel program's own memory. (getrusage's ru_maxrss is
# not used there: Linux carries it over from the process that launched the kernel, so it would report
# the benchmark runner's size when that is larger.) Elsewhere it falls back to ru_maxrss.
PROBE = """\
import sys as _s
try:
    with open('/proc/self/status') as _f:
        _b, _how = [int(l.split()[1]) * 1024 for l in _f if l.startswith('VmHWM:')][0], 'VmHWM'
except (OSError, IndexError):
    import resource as _r
    _b, _how = _r.getrusage(_r.RUSAGE_SELF).ru_maxrss * (1 if _s.platform == 'darwin' else 1024), 'ru_maxrss'
print('PEAK_RSS_BYTES', _b, _how, _s.prefix)
"""


def floor_notebook(code_cells: int):
    """A notebook of ``code_cells`` trivial code cells, with the course's kernelspec."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("pass") for _ in range(code_cells)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    return nb


def execute(nb, cwd: Path, timeout: int = 600) -> tuple[float, int, str, str]:
    """Run ``nb`` in a fresh kernel.

    Returns seconds to the end of its last cell, the kernel's peak RSS in
    bytes, how that was read, and the kernel's ``sys.prefix``.
    """
    import nbformat
    from helpers.notebook_tools import notebook_client

    nb = nbformat.from_dict(nb)  # a copy: the stored notebook is never modified
    n_cells = len(nb.cells)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    marks: dict[str, float] = {}

    def on_cell_start(cell, cell_index, **_):
        if cell_index == n_cells:
            marks["end"] = time.perf_counter()

    client = notebook_client(nb, cwd, timeout, on_cell_start=on_cell_start)
    with tempfile.TemporaryFile("w+") as log:  # the kernel's stderr: shown only if the run fails
        start = time.perf_counter()
        try:
            client.execute(stderr=log)
        except Exception:
            log.seek(0)
            sys.stderr.write(log.read()[-3000:])
            raise
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.get("output_type") == "stream")
    C.check("PEAK_RSS_BYTES" in text, f"memory probe printed nothing: {nb.cells[-1].outputs}")
    _, rss, how, prefix = text.split()[:4]
    return marks["end"] - start, int(rss), how, prefix


def make_table(quick: bool = False) -> C.Table:
    """The table :func:`run` fills: its title and columns (``run_all.py --columns`` prints them)."""
    return C.Table(
        "Notebook execution from a fresh kernel, beside the floor" + (" (quick: first notebook, one run)" if quick else ""),
        ["notebook", "code cells", "wall s", "floor s", "ratio", "target", "verdict", "peak RSS MB", "floor RSS MB", "verdict (≤ 300 MB)"],
    )


def run(quick: bool = False, paths: list[str] | None = None, repeats: int | None = None) -> list[C.Table]:
    import nbformat

    notebooks = [Path(p) for p in paths] if paths else sorted((C.ROOT / "notebooks").glob("*.ipynb"))
    if quick and not paths:
        notebooks = notebooks[:1]
    repeats = repeats or (1 if quick else 3)
    table = make_table(quick)
    total = 0.0
    prefixes, hows = set(), set()
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        code = sum(cell.cell_type == "code" for cell in nb.cells)
        floor = floor_notebook(code)
        walls, floors, rss, floor_rss = [], [], [], []
        try:
            for _ in range(repeats):
                t, m, how, prefix = execute(nb, path.parent)
                walls.append(t)
                rss.append(m)
                prefixes.add(prefix)
                hows.add(how)
                t, m, _, _ = execute(floor, path.parent)
                floors.append(t)
                floor_rss.append(m)
        except Exception as exc:  # a notebook that fails to run must not hide the others' numbers
            what = f"{getattr(exc, 'ename', type(exc).__name__)}: {getattr(exc, 'evalue', exc)}"  # CellExecutionError has both
            table.errors.append(f"`{path.name}` did not run: {' '.join(what.split())[:300]}")
            table.add(path.name, code, "error", "", "", "≤ 3×", "**MISS**", "", "", "")
            continue
        wall, fl = C.median(walls), C.median(floors)
        peak = max(rss) / 2**20
        total += wall
        table.add(path.name, code, f"{wall:.2f}", f"{fl:.2f}", f"{wall / fl:.1f}×", "≤ 3×", C.verdict(wall / fl, TARGET_RATIO),
                  f"{peak:.0f}", f"{max(floor_rss) / 2**20:.0f}", C.verdict(peak, TARGET_RSS_MB))
    table.add("**whole series**", "", f"{total:.1f}", "", "", "≤ 60 s", C.verdict(total, TARGET_SERIES_S), "", "", "")
    table.notes.append(f"median of {repeats} run(s) each, notebook and floor alternating; wall = kernel start to the end "
                       "of the last cell (shutdown excluded); floor = same number of `pass` cells, run the same way")
    table.notes.append(f"peak RSS = the kernel process's own peak resident set ({' / '.join(sorted(hows))}), "
                       "read by an extra untimed cell after the last one (max over runs)")
    if prefixes != {sys.prefix}:
        table.notes.append(f"warning: the `python3` kernel ran in {sorted(prefixes)}, not this interpreter's {sys.prefix}")
    if quick:
        return [table]
    # What every course notebook pays once, whatever it does: importing the figure and explorer layers in the kernel.
    imports = floor_notebook(1)
    imports.cells[0].source = "from helpers import plots, explorers"
    t_imp, t_pass, rss_imp = [], [], []
    for _ in range(repeats):
        t, m, _, _ = execute(imports, C.ROOT / "notebooks")
        t_imp.append(t)
        rss_imp.append(m)
        t_pass.append(execute(floor_notebook(1), C.ROOT / "notebooks")[0])
    wall, fl = C.median(t_imp), C.median(t_pass)
    table.add("(reference: one cell `from helpers import plots, explorers`)", 1, f"{wall:.2f}", f"{fl:.2f}", f"{wall / fl:.1f}×",
              "", "", f"{max(rss_imp) / 2**20:.0f}", "", "")
    return [table]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="default: every notebooks/*.ipynb")
    parser.add_argument("--quick", action="store_true", help="one run of the first notebook only (a smoke run)")
    args = parser.parse_args(argv)
    tables = run(args.quick, args.notebooks or None)
    C.print_report(tables, C.machine())
    return 1 if any(t.errors for t in tables) else 0


if __name__ == "__main__":
    sys.exit(main())
