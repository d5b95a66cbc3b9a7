"""``python -m helpers.claims``: the census of the course's claims.

Options
-------
(none)                     every claim: id, where it is linked, domain size, status
--unclaimed [NOTEBOOK ...]  universal sentences with no claim id (default: every notebook)
--pending                  print a fresh ``PENDING`` dict for helpers/claims/pending.py
--no-check                 list the census without running the sweeps
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import registry
from .scan import exercise_sentences, flagged, markers, normalise, notebook_sentences

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"


def _notebooks(paths: list[str]) -> list[Path]:
    return [Path(p) for p in paths] if paths else sorted(NOTEBOOKS.glob("[0-9]*.ipynb"))


def census(check: bool = True) -> list[dict]:
    """One row per claim: id, linked cells, domain size, status ('holds', 'BROKEN', 'unlinked')."""
    links: dict[str, list[str]] = {}
    for nb in _notebooks([]):
        for cid, cells in markers(nb).items():
            links.setdefault(cid, []).extend(f"{nb.name[:2]}:c{c}" for c in cells)
    for s in exercise_sentences():
        for cid in s.claims:
            links.setdefault(cid, []).append(s.where)
    rows = []
    for cid, c in registry().items():
        where = links.get(cid, []) + list(c.where)
        status = "unlinked" if not where else "linked"
        seconds = 0.0
        if check:
            t0 = time.perf_counter()
            bad = c.counterexamples(limit=1)
            seconds = time.perf_counter() - t0
            status = ("BROKEN " + repr(bad[0])[:60]) if bad else ("holds" if where else "holds, unlinked")
        rows.append({"id": cid, "where": ", ".join(where) or "-", "domain": c.domain.size,
                     "describe": c.domain.describe(), "status": status, "seconds": seconds,
                     "torch": c.torch_check is not None})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.claims", description=__doc__.splitlines()[0])
    parser.add_argument("--unclaimed", nargs="*", metavar="NOTEBOOK")
    parser.add_argument("--pending", action="store_true")
    parser.add_argument("--no-check", action="store_true")
    args = parser.parse_args(argv)
    if args.pending:
        print("PENDING: dict[str, list[str]] = {")
        for nb in _notebooks([]):
            items = sorted({normalise(s.text)[:80] for s in flagged(notebook_sentences(nb))})
            if items:
                print(f"    {nb.name!r}: [")
                for item in items:
                    print(f"        {item!r},")
                print("    ],")
        by_nb: dict[str, set] = {}
        for s in flagged(exercise_sentences()):
            by_nb.setdefault("exercises " + s.where.split(":")[1][:2], set()).add(normalise(s.text)[:80])
        for key in sorted(by_nb):
            print(f"    {key!r}: [")
            for item in sorted(by_nb[key]):
                print(f"        {item!r},")
            print("    ],")
        print("}")
        return 0
    if args.unclaimed is not None:
        for nb in _notebooks(args.unclaimed):
            for s in flagged(notebook_sentences(nb)):
                print(f"{nb.name} cell {s.cell}: [{', '.join(s.universal)}] {s.text}")
        for s in flagged(exercise_sentences()):
            if not args.unclaimed:
                print(f"{s.where}: [{', '.join(s.universal)}] {s.text}")
        return 0
    rows = census(check=not args.no_check)
    width = max([len(r["id"]) for r in rows] + [5])
    print(f"{'claim':<{width}}  {'domain':>9}  {'torch':5}  status      linked from")
    for r in rows:
        print(f"{r['id']:<{width}}  {r['domain']:>9}  {'yes' if r['torch'] else '-':5}  {r['status']:<10}  {r['where']}")
    print(f"{len(rows)} claims; {sum(r['status'].startswith('BROKEN') for r in rows)} broken; "
          f"{sum('unlinked' in r['status'] for r in rows)} unlinked")
    return 1 if any(r["status"].startswith("BROKEN") for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
