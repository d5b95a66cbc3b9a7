"""Run every benchmark and print its table (markdown), with the machine they ran on.

    python benchmarks/run_all.py                  # everything, a few minutes on 2 cores
    python benchmarks/run_all.py --quick          # tiny sizes, one run: checks the scripts work
    python benchmarks/run_all.py --columns        # only each table's title and columns, nothing timed
    python benchmarks/run_all.py --only conv erf  # a subset
    python benchmarks/run_all.py --write-readme   # also store the tables in benchmarks/README.md
                                                  # (with --quick the block says it is a quick run)

Timings are printed, never asserted: a missed target shows **MISS** in its
table and the exit status stays 0. The exit status is 1 only when a
benchmark's own correctness check fails (e.g. the matmul floor does not
reproduce the convolution), i.e. when the numbers would be meaningless, or
when a notebook or a widget view raises (its row says so; the rest is printed).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback

import _common as C
import bench_conv
import bench_erf
import bench_import
import bench_notebooks
import bench_widgets

#: each benchmark's empty table (title and columns), built by the function its run() fills
TABLES = {
    "import": lambda a: [bench_import.make_table(a.quick)],
    "conv": lambda a: [bench_conv.make_table(a.quick)],
    "erf": lambda a: [bench_erf.make_table(a.quick)],
    "widgets": lambda a: [bench_widgets.make_table(a.quick)],
    "notebooks": lambda a: [bench_notebooks.make_table(a.quick)],
}
BENCHMARKS = {
    "import": lambda a: bench_import.run(a.quick),
    "conv": lambda a: bench_conv.run(a.quick),
    "erf": lambda a: bench_erf.run(a.quick),
    "widgets": lambda a: bench_widgets.run(a.quick, a.self_check),
    "notebooks": lambda a: bench_notebooks.run(a.quick, repeats=a.notebook_repeats),
}
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes and one run each: a smoke run, not numbers")
    parser.add_argument("--only", nargs="+", choices=list(BENCHMARKS), default=list(BENCHMARKS))
    parser.add_argument("--self-check", action="store_true",
                        help="also time the widget benchmark's temporary demo view")
    parser.add_argument("--write-readme", action="store_true", help="store the tables in benchmarks/README.md")
    parser.add_argument("--notebook-repeats", type=int, default=None, metavar="N",
                        help="runs per notebook (default 3; 1 with --quick); the table's note says how many")
    parser.add_argument("--columns", action="store_true",
                        help="print each table's title and columns only (what a run prints), timing nothing")
    args = parser.parse_args(argv)
    if args.write_readme and set(args.only) != set(BENCHMARKS):
        parser.error(f"--write-readme replaces the whole results block of benchmarks/README.md, so it needs every "
                     f"benchmark, not --only {' '.join(args.only)}: drop --only, or drop --write-readme to print the "
                     f"tables only")
    if args.columns:
        C.print_report([table for name in args.only for table in TABLES[name](args)])
        return 0

    started = time.perf_counter()
    info = C.machine()
    parts = ["### Machine\n\n" + C.machine_markdown(info) + "\n"]
    print(parts[0], flush=True)
    failed = []
    for name in args.only:
        t0 = time.perf_counter()
        try:
            tables = BENCHMARKS[name](args)
        except Exception:  # a broken benchmark must not hide the others' numbers
            traceback.print_exc()
            failed.append(name)
            continue
        text = C.print_report(tables)
        parts.append(text)
        if any(t.errors for t in tables):
            failed.append(name)
        print(f"({name}: {time.perf_counter() - t0:.0f} s)\n", flush=True)
    elapsed = time.perf_counter() - started
    env = " ".join(f"{k}={os.environ[k]}" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS") if k in os.environ)
    command = " ".join([env, "python benchmarks/run_all.py", *(a for a in (sys.argv[1:] if argv is None else argv) if a != "--write-readme")]).strip()
    summary = f"Whole run: {elapsed:.0f} s (`{command}`)."
    print(summary)
    if failed:
        print(f"FAILED (correctness check or error, see above): {', '.join(failed)}", file=sys.stderr)
        return 1
    if args.write_readme:
        label = ("**Quick mode** (`--quick`: tiny sizes, one run each): these rows show what the scripts print, "
                 "not numbers worth comparing.\n\n") if args.quick else ""
        C.write_block("results", label + "\n".join(parts) + "\n" + summary + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
