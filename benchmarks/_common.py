"""Shared pieces of the benchmarks: the machine, timing loops, and tables.

Not part of the ``helpers`` package and never imported by the tests' timing:
benchmarks print numbers, they do not pass or fail on them.
"""

from __future__ import annotations

import re

import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a clone without `pip install -e .`
    sys.path.insert(0, str(ROOT))


# --------------------------------------------------------------------- machine
def cpu_model() -> str:
    """The CPU's marketing name, as the operating system reports it."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    if sys.platform == "darwin":
        try:
            return subprocess.run(
                ["sysctl", "-n", "machdep.cpu.brand_string"], capture_output=True, text=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            pass
    return platform.processor() or platform.machine() or "unknown"


def blas_name() -> str:
    """Name and version of the BLAS numpy was built against (what ``numpy.matmul`` calls)."""
    try:
        config = np.show_config(mode="dicts")  # numpy >= 1.26
        blas = config["Build Dependencies"]["blas"]
        return f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:  # older numpy: no dict form
        return "unknown"


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    import matplotlib

    logical = os.cpu_count() or 0
    physical = "?"
    memory = "?"
    try:
        import psutil  # optional (the ``bench`` extra)

        physical = str(psutil.cpu_count(logical=False))
        memory = f"{psutil.virtual_memory().total / 2**30:.1f} GiB"
    except ImportError:
        pass
    try:
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except (AttributeError, OSError):  # Windows
        load = "n/a"
    threads = {k: os.environ[k] for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS") if k in os.environ}
    return {
        "CPU": cpu_model(),
        "cores": f"{logical} logical, {physical} physical",
        "memory": memory,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "numpy": f"{np.__version__} ({blas_name()}; thread settings: {threads or 'defaults'})",
        "matplotlib": matplotlib.__version__,
        "load average (1, 5, 15 min) at start": load,
    }


def machine_markdown(info: dict[str, str]) -> str:
    return "\n".join(f"- **{k}**: {v}" for k, v in info.items())


# --------------------------------------------------------------------- timing
def measure(fns: dict[str, Callable[[], object]], repeats: int, *, warmup: int = 1) -> dict[str, list[float]]:
    """Seconds per call of each function, ``repeats`` samples each.

    The functions are run round-robin (a, b, c, a, b, c, ...) after ``warmup``
    untimed calls each, so a change of machine load affects them alike.
    """
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - start)
    return samples


def median(xs: Sequence[float]) -> float:
    return float(np.median(np.asarray(xs, dtype=float)))


def p95(xs: Sequence[float]) -> float:
    return float(np.percentile(np.asarray(xs, dtype=float), 95))


def ms(seconds: float) -> str:
    """Milliseconds with a precision that suits the size."""
    value = seconds * 1e3
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def verdict(value: float, limit: float) -> str:
    """``ok`` when ``value <= limit``; a miss is printed, never raised."""
    return "ok" if value <= limit else "**MISS**"


# --------------------------------------------------------------------- tables
@dataclass
class Table:
    """A titled table that prints as GitHub markdown."""

    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: correctness failures met while measuring (a view or notebook that raised); run_all exits 1 on any
    errors: list[str] = field(default_factory=list)

    def add(self, *cells: object) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"{self.title}: row has {len(cells)} cells for {len(self.columns)} columns")
        self.rows.append([str(c) for c in cells])

    def markdown(self) -> str:
        lines = [f"### {self.title}", ""]
        lines.append("| " + " | ".join(self.columns) + " |")
        lines.append("|" + "|".join("---" if i == 0 else "---:" for i in range(len(self.columns))) + "|")
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        if self.notes or self.errors:
            lines.append("")
            lines += [f"{note}" if note.startswith("- ") else f"- {note}" for note in self.notes]
            lines += [f"- **ERROR**: {error}" for error in self.errors]
        return "\n".join(lines) + "\n"


def print_report(tables: list[Table], info: dict[str, str] | None = None) -> str:
    """Print (and return) the machine block and every table as markdown."""
    parts = []
    if info is not None:
        parts.append("### Machine\n\n" + machine_markdown(info) + "\n")
    parts += [t.markdown() for t in tables]
    text = "\n".join(parts)
    print(text, flush=True)
    return text


class CheckFailed(RuntimeError):
    """A benchmark's own correctness check failed (a wrong result, not a slow one)."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


# --------------------------------------------------------------------- README blocks
README = ROOT / "benchmarks" / "README.md"
#: generated blocks of benchmarks/README.md: name -> (start marker, end marker)
BLOCKS = {
    "results": ("<!-- results:start (written by run_all.py --write-readme) -->", "<!-- results:end -->"),
    "browser": ("<!-- browser-results:start (written by bench_explorers.py --write-readme) -->", "<!-- browser-results:end -->"),
}


def write_block(name: str, text: str) -> None:
    """Replace the generated block ``name`` of benchmarks/README.md with ``text`` (the prose around it is kept)."""
    start, end = BLOCKS[name]
    readme = README.read_text()
    if start not in readme or end not in readme:
        raise SystemExit(f"{README} has no {start} ... {end} markers")
    head, rest = readme.split(start, 1)
    _, tail = rest.split(end, 1)
    README.write_text(f"{head}{start}\n{text.strip()}\n{end}{tail}")
    print(f"wrote the tables to {README.relative_to(ROOT)} ({name})")


def markdown_tables(text: str) -> dict[str, list[str]]:
    """``{title: columns}`` of every ``### title`` followed by a markdown table in ``text``."""
    found = {}
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("### "):
            for nxt in lines[i + 1 : i + 4]:
                if nxt.startswith("| "):
                    title = re.sub(r" \(quick[^)]*\)$", "", line[4:].strip())  # a quick run's title says so
                    found[title] = [c.strip() for c in nxt.strip().strip("|").split(" | ")]
                    break
    return found
