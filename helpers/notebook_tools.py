"""Maintenance commands for the notebooks (needs the ``test`` or ``lab`` extra).

``python -m helpers.notebook_tools refresh [NOTEBOOK ...]``
    Re-execute notebooks in place, each from a fresh kernel of the current
    environment, so the stored outputs that nbval compares are current.
``python -m helpers.notebook_tools figures [NOTEBOOK ...] [--out DIR]``
    Write every stored PNG output to ``DIR`` (default ``build/figures``) as
    ``<notebook>-cell<NN>-<k>.png``, to look at the figures without a browser.

With no notebook given, every ``notebooks/*.ipynb`` is used.
"""

from __future__ import annotations

import argparse
import base64
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"


def _notebooks(paths: list[str]) -> list[Path]:
    found = [Path(p) for p in paths] if paths else sorted(NOTEBOOKS.glob("[0-9]*.ipynb"))
    for path in found:
        if not path.is_file():
            raise SystemExit(f"no such notebook: {path}")
    return found


def notebook_client(nb, cwd: Path, timeout: int = 120, **kwargs):
    """An ``nbclient.NotebookClient`` for ``nb`` run in ``cwd`` with the current environment's kernel.

    nbclient's emulation of ipywidgets' Output widget is switched off: it
    sends a message on the kernel channel while waiting for the cell's reply
    on that same channel, and about one run in seven then stalls for the whole
    cell timeout after a widget cell (jupyter/nbclient#312, measured here).
    Without it, a figure drawn inside a widget's Output is stored as an
    ordinary output of the widget cell (those cells are ``nbval-ignore-output``)
    and no widget state is saved in the notebook's metadata.
    """
    from nbclient import NotebookClient

    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}, **kwargs
    )
    client.comm_open_handlers = {"jupyter.widget": lambda msg: None}
    return client


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


STATIC_MIMES = ("text/html", "image/png")


def strip_widget_outputs(nb) -> int:
    """Remove stored widget views that cannot be shown; return how many cells changed.

    A stored widget view without saved widget state cannot be shown: JupyterLab
    says "Error displaying widget: model not found" and GitHub shows nothing.
    A cell whose widget outputs carry no static rendering is emptied: the
    figure it would show is already stored by the static cell above each
    widget cell (the course's notebook template), so it keeps its execution
    count and no outputs until a reader runs it. An explorer
    (:mod:`helpers.explorers`) stores its own static rendering beside the view
    (``text/html``: the explorer, working without a kernel; ``image/png``: its
    default state; ``text/plain``), so there only the widget view is dropped.
    """
    changed = 0
    for cell in nb.cells:
        outputs = cell.get("outputs", [])
        widget_outputs = [o for o in outputs if WIDGET_VIEW in o.get("data", {})]
        if not widget_outputs:
            continue
        changed += 1
        if all(any(m in o["data"] for m in STATIC_MIMES) for o in widget_outputs):
            for o in widget_outputs:
                del o["data"][WIDGET_VIEW]
        else:
            cell["outputs"] = []
    nb.metadata.pop("widgets", None)
    return changed


def refresh(path: Path, timeout: int = 120) -> float:
    """Execute ``path`` top to bottom in a fresh kernel and save it in place; return seconds."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    notebook_client(nb, path.parent, timeout).execute()
    strip_widget_outputs(nb)
    nb.metadata.get("kernelspec", {}).update({"name": "python3", "display_name": "Python 3 (ipykernel)"})
    nbformat.write(nb, path)
    return time.perf_counter() - start


def figures(path: Path, out_dir: Path) -> list[Path]:
    """Write the stored PNG outputs of ``path`` to ``out_dir``; return the files."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for index, cell in enumerate(nb.cells):
        k = 0
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data:
                k += 1
                target = out_dir / f"{path.stem}-cell{index:02d}-{k}.png"
                target.write_bytes(base64.b64decode(data["image/png"]))
                written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.notebook_tools", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_refresh = sub.add_parser("refresh", help="re-execute notebooks in place")
    p_refresh.add_argument("notebooks", nargs="*")
    p_refresh.add_argument("--timeout", type=int, default=120, help="seconds per cell")
    p_fig = sub.add_parser("figures", help="export stored PNG outputs")
    p_fig.add_argument("notebooks", nargs="*")
    p_fig.add_argument("--out", default=str(ROOT / "build" / "figures"))
    args = parser.parse_args(argv)
    for path in _notebooks(args.notebooks):
        if args.command == "refresh":
            print(f"{path.name}: executed in {refresh(path, args.timeout):.1f} s")
        else:
            files = figures(path, Path(args.out))
            print(f"{path.name}: {len(files)} figure(s) -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
