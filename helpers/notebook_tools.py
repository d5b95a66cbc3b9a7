"""Maintenance commands for the notebooks (needs the ``test`` or ``lab`` extra).

``python -m helpers.notebook_tools refresh [NOTEBOOK ...]``
    Re-execute notebooks in place, each from a fresh kernel of the current
    environment, so the stored outputs that nbval compares are current.
``python -m helpers.notebook_tools enable-save-hook``
    Enable :func:`pre_save_hook` (a Jupyter Server extension) in this environment: writes
    ``<sys.prefix>/etc/jupyter/jupyter_server_config.d/strides_and_holes.json``, the file a
    regular install (``pip install .``) puts there and an editable install does not.
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
from typing import Any

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
    Without it, no widget state is saved in the notebook's metadata, and a
    figure displayed inside a widget's Output context would be stored as an
    ordinary output of the cell; the course's widgets set their Output's
    ``outputs`` instead, so they send no such message (their cells are
    ``nbval-ignore-output`` all the same).
    """
    from nbclient import NotebookClient

    kwargs.setdefault("record_timing", False)  # no wall-clock times in the stored cells' metadata
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}, **kwargs
    )
    client.comm_open_handlers = {"jupyter.widget": lambda msg: None}
    return client


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"




def strip_widget_outputs(nb) -> int:
    """Drop the widget views from the stored outputs, keep their pictures; return how many cells changed.

    A stored widget view without saved widget state cannot be shown: JupyterLab
    says "Error displaying widget: model not found", and nbconvert, nbviewer and
    Jupyter Book, which prefer the widget view, show nothing. The course's
    widgets (:func:`helpers.widgets.build`) display the widget view together
    with ``image/png``, the figure of their default settings; only the view
    is removed, so every static rendering shows that picture under the widget
    cell. An output left with nothing but ``text/plain`` (a bare ipywidgets
    control, whose text is its Python repr) is removed as a whole.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("explorer()", outputs=[
    ...     nbformat.v4.new_output("display_data", data={WIDGET_VIEW: {"model_id": "x"},
    ...                            "image/png": "iVBORw0K", "text/plain": "Widget"}),
    ...     nbformat.v4.new_output("display_data", data={WIDGET_VIEW: {"model_id": "y"}, "text/plain": "IntSlider()"}),
    ... ])])
    >>> strip_widget_outputs(nb)
    1
    >>> [sorted(o["data"]) for o in nb.cells[0].outputs]
    [['image/png', 'text/plain']]
    """
    changed = 0
    for cell in nb.cells:
        outputs = cell.get("outputs", [])
        if not any(WIDGET_VIEW in o.get("data", {}) for o in outputs):
            continue
        kept = []
        for output in outputs:
            data = output.get("data", {})
            if WIDGET_VIEW in data:
                data.pop(WIDGET_VIEW)
                if set(data) <= {"text/plain"}:
                    continue
            kept.append(output)
        cell["outputs"] = kept
        changed += 1
    nb.metadata.pop("widgets", None)
    return changed


def pre_save_hook(model: dict, **kwargs) -> None:
    """Jupyter Server's pre-save hook: store a notebook as it reopens without a kernel.

    JupyterLab saves an executed widget cell with its widget view, and with no
    saved widget state (JupyterLab's default) the reopened notebook, nbconvert
    and the website show "Error displaying widget: model not found" or nothing
    in that cell. This hook applies :func:`strip_widget_outputs` to every
    notebook the server writes, so the file keeps each explorer's standalone
    HTML and picture (and each widget's picture); the open browser tab keeps
    its live widgets. The course installs it as a server extension of the
    environment it is installed in (``etc/jupyter/jupyter_server_config.d/strides_and_holes.json``,
    package data; see :func:`_load_jupyter_server_extension`); other notebooks are stored
    unchanged unless they hold widget views.

    Examples
    --------
    >>> model = {"type": "notebook", "content": {"cells": [{"cell_type": "code", "source": "", "metadata": {},
    ...     "execution_count": 1, "outputs": [{"output_type": "display_data", "metadata": {},
    ...     "data": {WIDGET_VIEW: {"model_id": "x"}, "text/html": "<b>x</b>", "text/plain": "x"}}]}],
    ...     "metadata": {}, "nbformat": 4, "nbformat_minor": 5}}
    >>> pre_save_hook(model)
    >>> sorted(model["content"]["cells"][0]["outputs"][0]["data"])
    ['text/html', 'text/plain']
    """
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    import nbformat

    nb = nbformat.from_dict(model["content"])
    if strip_widget_outputs(nb):
        model["content"] = nb


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """This module is a Jupyter Server extension: it registers :func:`pre_save_hook`."""
    return [{"module": "helpers.notebook_tools"}]


def _load_jupyter_server_extension(serverapp) -> None:
    """Register :func:`pre_save_hook` with the server's contents manager (the server calls this).

    Enabled by ``etc/jupyter/jupyter_server_config.d/strides_and_holes.json``, which the package
    installs; ``jupyter server extension list`` names it.
    """
    serverapp.contents_manager.register_pre_save_hook(pre_save_hook)
    serverapp.log.info("Strides & Holes: notebooks are saved without widget views (helpers.notebook_tools.pre_save_hook)")


#: The server config that enables the save hook (the same as jupyter-config/jupyter_server_config.d/).
SERVER_CONFIG_NAME = "strides_and_holes.json"
SERVER_CONFIG = {"ServerApp": {"jpserver_extensions": {"helpers.notebook_tools": True}}}


def enable_save_hook(prefix: Path | None = None) -> Path:
    """Write the server config that enables the save hook into ``prefix`` (default ``sys.prefix``).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     enable_save_hook(Path(tmp)).relative_to(tmp).as_posix()
    'etc/jupyter/jupyter_server_config.d/strides_and_holes.json'
    """
    import json

    target = Path(prefix or sys.prefix) / "etc" / "jupyter" / "jupyter_server_config.d" / SERVER_CONFIG_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(SERVER_CONFIG, indent=2) + "\n", encoding="utf-8")
    return target


def merge_streams(nb: Any) -> int:
    """Join consecutive stream outputs of one name in every code cell; return how many were joined.

    The kernel splits a printed text into chunks as it flushes, so two runs of the
    same cell can store one ``stdout`` output or two; joined, the stored notebook
    is the same whatever the timing (a smaller diff after a refresh).

    Examples
    --------
    >>> import nbformat
    >>> cell = nbformat.v4.new_code_cell("print('a'); print('b')", outputs=[
    ...     nbformat.v4.new_output("stream", name="stdout", text="a"),
    ...     nbformat.v4.new_output("stream", name="stdout", text="\\nb\\n")])
    >>> nb = nbformat.v4.new_notebook(cells=[cell])
    >>> merge_streams(nb), nb.cells[0].outputs[0].text
    (1, 'a\\nb\\n')
    """
    joined = 0
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        merged: list = []
        for out in cell.get("outputs", []):
            prev = merged[-1] if merged else None
            if (out.get("output_type") == "stream" and prev is not None
                    and prev.get("output_type") == "stream" and prev.get("name") == out.get("name")):
                prev["text"] = "".join(prev["text"]) + "".join(out["text"])
                joined += 1
            else:
                merged.append(out)
        cell["outputs"] = merged
    return joined


def refresh(path: Path, timeout: int = 120) -> float:
    """Execute ``path`` top to bottom in a fresh kernel and save it in place; return seconds."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    notebook_client(nb, path.parent, timeout).execute()
    strip_widget_outputs(nb)
    merge_streams(nb)
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
    sub.add_parser("enable-save-hook", help="save notebooks without widget views in this environment's Jupyter Server")
    args = parser.parse_args(argv)
    if args.command == "enable-save-hook":
        print(f"{enable_save_hook()}: restart Jupyter to use it")
        return 0
    for path in _notebooks(args.notebooks):
        if args.command == "refresh":
            print(f"{path.name}: executed in {refresh(path, args.timeout):.1f} s")
        else:
            files = figures(path, Path(args.out))
            print(f"{path.name}: {len(files)} figure(s) -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
