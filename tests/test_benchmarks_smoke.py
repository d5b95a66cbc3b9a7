"""The benchmark scripts run and their own correctness checks pass (tiny sizes, one run).

Only that the scripts work is checked here: every table is printed and the exit
status is 0, which the scripts give only when their floors reproduce the real
results (the matmul floor equals conv2d, the ERF's support is the receptive
field, every view returns a figure and a sentence, the kernel's memory probe
answers, ``import helpers`` leaves matplotlib out). No timing is asserted:
timings are printed by ``python benchmarks/run_all.py`` and never fail a test.

The README's column check reads ``run_all.py --columns`` (each table's title and
columns, from the ``make_table`` function the script's run fills, nothing timed);
the quick run shows that a real run prints exactly those columns. ``--quick`` is
a smoke run (one tiny convolution, one repeat, the widget benchmark's own demo
view, the first notebook once): about 15 s on an idle 2-core machine.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import _common as C  # noqa: E402


@pytest.fixture(scope="module")
def quick_run() -> str:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run_all.py"), "--quick", "--self-check"],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout


@pytest.fixture(scope="module")
def columns_run() -> str:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run_all.py"), "--columns"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout


def column_mismatches(printed: dict, stored: dict) -> list[str]:
    """What differs between two ``{title: columns}`` maps (tables missing on either side, other columns)."""
    problems = [f"table {t!r} only in one of them" for t in sorted(set(stored) ^ set(printed))]
    problems += [f"{t}: README has {stored[t]}, the script prints {printed[t]}"
                 for t in sorted(set(stored) & set(printed)) if stored[t] != printed[t]]
    return problems


def readme_block(name: str) -> str:
    start, end = C.BLOCKS[name]
    return C.README.read_text().split(start, 1)[1].split(end, 1)[0]


def test_run_all_quick_prints_every_table(quick_run):
    out = quick_run
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


def test_readme_results_have_the_tables_and_columns_run_all_prints_now(columns_run):
    """Issue 24: the stored tables drifted from the script (an 11-column widget table where it printed 14)."""
    printed, stored = C.markdown_tables(columns_run), C.markdown_tables(readme_block("results"))
    assert len(printed) == 5, printed
    assert not column_mismatches(printed, stored), column_mismatches(printed, stored)


def test_a_run_prints_the_columns_that_columns_mode_prints(quick_run, columns_run):
    """``--columns`` reads the tables a run fills, so a real run prints the same titles and columns."""
    assert C.markdown_tables(quick_run) == C.markdown_tables(columns_run)


def test_readme_browser_tables_have_the_columns_bench_explorers_prints_now():
    import bench_explorers

    made = {t.title: t.columns for t in bench_explorers.make_tables()}
    block = readme_block("browser")
    stored = C.markdown_tables(block)
    if not stored:  # an empty block must say so, not look like a run
        assert "Not regenerated" in block, block
    for title, columns in stored.items():
        if title != "Machine":
            assert made.get(title) == columns, f"{title}: README has {columns}, bench_explorers prints {made.get(title)}"


def test_every_table_in_the_readme_is_written_by_a_script():
    """Tables live only inside the generated blocks; prose outside them quotes the numbers, it holds no table."""
    text = C.README.read_text()
    for start, end in C.BLOCKS.values():
        head, rest = text.split(start, 1)
        text = head + rest.split(end, 1)[1]
    hand_made = [line for line in text.splitlines() if line.lstrip().startswith("|")]
    assert not hand_made, f"a table outside the generated blocks: {hand_made[:3]}"


def test_the_column_check_can_fail(columns_run):
    assert C.markdown_tables("### T\n\n| a | b |\n|---|---:|\n| 1 | 2 |\n") == {"T": ["a", "b"]}
    assert C.markdown_tables("### T\n\n| a | b | c |\n") != {"T": ["a", "b"]}
    # the README's results with one column dropped, or one table missing, are caught
    printed, stored = C.markdown_tables(columns_run), C.markdown_tables(readme_block("results"))
    title = next(iter(stored))
    assert column_mismatches(printed, {**stored, title: stored[title][:-1]})
    assert column_mismatches(printed, {t: c for t, c in stored.items() if t != title})


def test_mutation_table_is_rendered_from_the_stored_results():
    """benchmarks/MUTATION.md is what mutation.py renders from benchmarks/mutation_results/*.json (not typed)."""
    import mutation

    assert (ROOT / "benchmarks" / "MUTATION.md").read_text() == mutation.render()


def test_mutation_counts_add_up_and_can_fail():
    import mutation

    rows = [{"id": "a", "status": "killed"}, {"id": "b", "status": "timed out"}, {"id": "c", "status": "survived"},
            {"id": "d", "status": "survived (no test runs it)"}, {"id": "e", "status": "invalid (does not compile)"}]
    c = mutation.counts(rows)
    assert (c["mutants"], c["killed"], c["timed out"], c["survived"], c["equivalent"], c["unexplained"]) == (4, 1, 1, 2, 0, 2)
    for name in mutation.EQUIVALENT:  # every explanation belongs to a stored survivor (none left over from old code)
        stored = [r for f in (ROOT / "benchmarks" / "mutation_results").glob("*.json")
                  for r in __import__("json").loads(f.read_text())["rows"] if r["id"] == name]
        assert stored and stored[0]["status"].startswith("survived"), name


def test_writing_the_readme_from_a_subset_is_refused_and_leaves_it_alone():
    """`--write-readme` replaces the whole results block: with `--only` it would drop every other table."""
    readme = (ROOT / "benchmarks" / "README.md").read_text(encoding="utf-8")
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run_all.py"), "--only", "import", "--write-readme"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "needs every benchmark, not --only import" in proc.stderr, proc.stderr
    assert (ROOT / "benchmarks" / "README.md").read_text(encoding="utf-8") == readme
