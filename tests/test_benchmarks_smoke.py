"""The benchmark scripts run and their own correctness checks pass (tiny sizes, one run).

Only that the scripts work is checked here: every table is printed and the exit
status is 0, which the scripts give only when their floors reproduce the real
results (the matmul floor equals conv2d, the ERF's support is the receptive
field, every view returns a figure and a sentence, the kernel's memory probe
answers, ``import helpers`` leaves matplotlib out). No timing is asserted:
timings are printed by ``python benchmarks/run_all.py`` and never fail a test.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_run_all_quick_prints_every_table():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run_all.py"), "--quick", "--self-check"],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    out = proc.stdout
    for title in (
        "### Machine",
        "### Start-up: `import helpers`",
        "### Reference convolution against the matrix-multiply floor",
        "### Heavier demos: effective receptive field",
        "### Widget latency",
        "### Notebook execution from a fresh kernel",
    ):
        assert title in out, f"missing table {title!r}"
    assert "| 00_start_here.ipynb |" in out
    assert "| _bench_self_check" in out
    assert "heavy modules loaded by `import helpers` | none |" in out
    assert "Whole run:" in out
