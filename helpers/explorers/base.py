"""What every browser explorer shares: one JavaScript bundle, a kernel-free page, a display, a widget shell.

An explorer is a view module (``*_explorer.js``) that imports an arithmetic module
(``*_arith.js``), a one-paragraph summary of a state and a fallback PNG of it. From
these, an :class:`Explorer` gives

* :meth:`Explorer.module_source` — the view with the arithmetic inlined
  (:func:`inline_module`): ``"esm"`` for the anywidget, ``"classic"`` for a stored output;
* :meth:`Explorer.standalone_html` — the page fragment that runs it with no kernel
  (:func:`standalone_fragment`: the PNG until the script runs, and where scripts never run);
* :meth:`Explorer.static_bundle` — the display's ``text/plain``, ``text/html`` and ``image/png``;
* :meth:`Explorer.widget_class` — its anywidget class, built on first use on the shared
  ``ExplorerWidget`` base (:func:`widget_base`), so ``import helpers`` stays free of
  anywidget, ipywidgets and matplotlib.

Everything here is deterministic for a given state (no ids, dates or addresses).
"""

from __future__ import annotations

import base64
import html
import json
import re
from pathlib import Path
from typing import Any, Callable

__all__ = ["Explorer", "inline_module", "standalone_fragment", "widget_base"]

HERE = Path(__file__).resolve().parent

_DATA_SLOT = "export const DATA = null;"
_SHARED_IMPORT = re.compile(r'^import \{ ([\w, ]+) \} from "\./(\w+\.js)";$', flags=re.M)


def _shared_functions(found: re.Match) -> str:
    """The text of the functions an ``import { f, g } from "./file.js";`` line names, ``export`` dropped."""
    text = (HERE / found.group(2)).read_text(encoding="utf-8")
    parts = []
    for name in (n.strip() for n in found.group(1).split(",")):
        function = re.search(rf"^export function {name}\(.*?^\}}$", text, flags=re.M | re.S)
        if function is None:
            raise RuntimeError(f"{found.group(2)} must export function {name} (a declaration that ends at a '}}' line)")
        parts.append(function.group(0)[len("export "):])
    return "\n\n".join(parts)


def _strip(js: str) -> str:
    """Drop whole-line comments and leading indentation (the stored outputs stay small)."""
    lines = []
    for line in js.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("//"):
            continue
        lines.append(stripped)
    return "\n".join(lines)


def inline_module(
    ui_file: str,
    arith_file: str,
    kind: str = "esm",
    *,
    exports: tuple[str, ...] = ("mount",),
    prelude: str = "",
    tail_exports: tuple[str, ...] = (),
    data: str | None = None,
    keep_export_blocks: bool = False,
) -> str:
    """An explorer's view module with its arithmetic module inlined, as one piece of JavaScript.

    ``ui_file`` (a file in this folder) must import ``arith_file`` as
    ``import * as A from "./<arith_file>";``; that line becomes an object ``A`` with the
    arithmetic's exports, followed by ``prelude`` (more JavaScript, e.g. inlined data).
    A line ``import { f, g } from "./<file>.js";`` of ``ui_file`` (a module of self-contained
    shared functions, such as ``explorer_dom.js``) becomes the text of those functions.
    ``data``, when given, is JavaScript text put in place of the arithmetic module's
    ``export const DATA = null;``. ``"esm"`` keeps the view's exports (anywidget);
    ``"classic"`` is an expression whose value is an object holding ``exports``, ``A`` and
    ``tail_exports``, in that order (a stored HTML output's script). A classic bundle drops
    the view's ``export { … };`` lines, or with ``keep_export_blocks`` leaves each as the
    harmless block ``{ … };`` (the form the convolution, heatmap and design explorers'
    stored outputs carry).

    Examples
    --------
    >>> src = inline_module("gridding_explorer.js", "gridding_arith.js", "classic")
    >>> src.startswith("(function () {"), "export " in src
    (True, False)
    >>> inline_module("gridding_explorer.js", "gridding_arith.js", "classic", tail_exports=("X",), prelude="const X = 1;").splitlines()[-2]
    'return { mount: mount, A: A, X: X };'
    """
    arith = (HERE / arith_file).read_text(encoding="utf-8")
    ui = _SHARED_IMPORT.sub(_shared_functions, (HERE / ui_file).read_text(encoding="utf-8"))
    if data is not None:
        if _DATA_SLOT not in arith:
            raise RuntimeError(f"{arith_file} must declare: {_DATA_SLOT}")
        arith = arith.replace(_DATA_SLOT, f"export const DATA = {data};")
    names = re.findall(r"^export (?:const|function) (\w+)", arith, flags=re.M)
    body = re.sub(r"^export ", "", arith, flags=re.M)
    inlined = f"const A = (function () {{\n{body}\nreturn {{ {', '.join(names)} }};\n}})();"
    wanted = f'import * as A from "./{arith_file}";'
    if wanted not in ui:
        raise RuntimeError(f"{ui_file} must import {arith_file} as: {wanted}")
    ui = ui.replace(wanted, inlined + (f"\n{prelude}" if prelude else ""))
    if kind == "esm":
        return _strip(ui)
    if kind != "classic":
        raise ValueError(f"kind must be 'esm' or 'classic', got {kind!r}")
    ui = re.sub(r"^export default .*$", "", ui, flags=re.M)
    if not keep_export_blocks:
        ui = re.sub(r"^export \{[^}]*\};?$", "", ui, flags=re.M)
    ui = re.sub(r"^export ", "", ui, flags=re.M)
    returned = ", ".join(f"{name}: {name}" for name in (*exports, "A", *tail_exports))
    return _strip(f"(function () {{\n{ui}\nreturn {{ {returned} }};\n}})()")


def standalone_fragment(
    state: dict[str, Any], *, classic: str, global_name: str, png: bytes, alt: str, ensure_ascii: bool = True
) -> str:
    """A self-contained HTML fragment that mounts a classic explorer bundle on ``state`` (no kernel).

    ``classic`` is an :func:`inline_module` bundle (kind ``"classic"``) exporting ``mount``,
    kept once per page in ``window[global_name]``; the PNG (``alt`` its words) shows until
    the script runs and where scripts never run. ``ensure_ascii`` is :func:`json.dumps`'s,
    for the state written into the script.

    Examples
    --------
    >>> page = standalone_fragment({"k": 1}, classic="({mount: function () {}})", global_name="__demo", png=b"", alt="")
    >>> page.startswith('<div class="sh-xp-host"'), "http" in page
    (True, False)
    """
    data = json.dumps(state, sort_keys=True, separators=(",", ":"), ensure_ascii=ensure_ascii)
    src = base64.b64encode(png).decode()
    img = (f'<img class="sh-xp-fallback" alt="{html.escape(alt, quote=True)}" style="max-width:100%" '
           f'src="data:image/png;base64,{src}">') if png else ""  # fmt: skip
    script = (
        "(function(){var s=document.currentScript,host=s.parentNode;"
        f"var lib=window.{global_name}||(window.{global_name}={classic});"
        "var img=host.querySelector('.sh-xp-fallback');if(img)img.remove();"
        f"lib.mount(host,{data});}})();"
    ).replace("</", "<\\/")  # "</" must not appear inside the script element
    return f'<div class="sh-xp-host">{img}<script>{script}</script></div>'


_BASE: type | None = None


def widget_base() -> type:
    """The anywidget base every explorer's widget class derives from (built on first use).

    A subclass sets ``_explorer`` (its :class:`Explorer`; the class's ``_esm`` is that
    explorer's ESM bundle) and a ``state`` property (a plain dict of the synced traits).
    The base gives it ``to_html()``, a ``repr`` that is the explorer's summary, and a
    display that carries, beside the live view, the standalone HTML, the PNG and the text.

    Examples
    --------
    >>> widget_base().__name__, widget_base() is widget_base()
    ('ExplorerWidget', True)
    """
    global _BASE
    if _BASE is None:
        import anywidget

        class ExplorerWidget(anywidget.AnyWidget):
            """An explorer as a live widget whose display also works with no kernel."""

            _explorer: Explorer

            def __init_subclass__(cls, **kwargs: Any) -> None:
                if "_explorer" in cls.__dict__:  # before anywidget looks at the class's _esm
                    cls._esm = cls._explorer.module_source("esm")
                super().__init_subclass__(**kwargs)

            def to_html(self) -> str:
                """The standalone rendering of the current state (inline JS, PNG fallback)."""
                return self._explorer.standalone_html(self.state)

            def __repr__(self) -> str:
                return self._explorer.summary(self.state)

            def _repr_mimebundle_(self, **kwargs):
                bundle = super()._repr_mimebundle_(**kwargs)
                data, meta = bundle if isinstance(bundle, tuple) else (bundle or {}, {})
                data = dict(data)
                data.update(self._explorer.static_bundle(self.state))
                return data, meta

        _BASE = ExplorerWidget
    return _BASE


class Explorer:
    """One browser explorer: its two JavaScript files, its words and its picture of a state.

    Parameters
    ----------
    ui_file, arith_file : str
        The view module and the arithmetic module it imports (files in this folder).
    global_name : str
        Where a page keeps the classic bundle once (``window[global_name]``).
    summary : callable
        ``summary(state) -> str``: the ``text/plain`` of the display and the PNG's alt text.
    fallback_png : callable
        ``fallback_png(state) -> bytes``: the picture shown where no script runs.
    exports, tail_exports, keep_export_blocks
        As :func:`inline_module`'s.
    prelude, data : callable, optional
        ``() -> str``, called when a bundle is first built (once per kind): :func:`inline_module`'s
        ``prelude`` and ``data``.
    ensure_ascii : bool
        As :func:`standalone_fragment`'s.

    Examples
    --------
    >>> demo = Explorer("gridding_explorer.js", "gridding_arith.js", global_name="__demo",
    ...                 summary=lambda state: f"{state['k']} taps", fallback_png=lambda state: b"")
    >>> demo.static_bundle({"k": 3})["text/plain"], "export " in demo.module_source("classic")
    ('3 taps', False)
    """

    def __init__(
        self,
        ui_file: str,
        arith_file: str,
        *,
        global_name: str,
        summary: Callable[[dict[str, Any]], str],
        fallback_png: Callable[[dict[str, Any]], bytes],
        exports: tuple[str, ...] = ("mount",),
        tail_exports: tuple[str, ...] = (),
        keep_export_blocks: bool = False,
        prelude: Callable[[], str] | None = None,
        data: Callable[[], str] | None = None,
        ensure_ascii: bool = True,
    ) -> None:
        self.ui_file, self.arith_file, self.global_name = ui_file, arith_file, global_name
        self.summary, self.fallback_png = summary, fallback_png
        self.exports, self.tail_exports, self.keep_export_blocks = exports, tail_exports, keep_export_blocks
        self.prelude, self.data, self.ensure_ascii = prelude, data, ensure_ascii
        self._sources: dict[str, str] = {}
        self._build: Callable[[type, Any], type] | None = None
        self._class: type | None = None

    def module_source(self, kind: str = "esm") -> str:
        """The explorer's JavaScript as one piece, ``"esm"`` or ``"classic"`` (computed once per kind)."""
        if kind not in self._sources:
            self._sources[kind] = inline_module(
                self.ui_file, self.arith_file, kind, exports=self.exports, tail_exports=self.tail_exports,
                keep_export_blocks=self.keep_export_blocks, prelude=self.prelude() if self.prelude else "",
                data=self.data() if self.data else None,
            )  # fmt: skip
        return self._sources[kind]

    def standalone_html(self, state: dict[str, Any], *, png: bytes | None = None) -> str:
        """The explorer on ``state`` as a self-contained HTML fragment (``png``: default, its fallback PNG)."""
        if png is None:
            png = self.fallback_png(state)
        return self._fragment(state, png, self.summary(state))

    def static_bundle(self, state: dict[str, Any]) -> dict[str, str]:
        """The display's kernel-free part: ``text/plain``, ``text/html`` and ``image/png`` (base64)."""
        png = self.fallback_png(state)
        text = self.summary(state)
        return {"text/plain": text, "text/html": self._fragment(state, png, text),
                "image/png": base64.b64encode(png).decode()}  # fmt: skip

    def _fragment(self, state: dict[str, Any], png: bytes, alt: str) -> str:
        return standalone_fragment(state, classic=self.module_source("classic"), global_name=self.global_name,
                                   png=png, alt=alt, ensure_ascii=self.ensure_ascii)  # fmt: skip

    def widget(self, build: Callable[[type, Any], type]) -> Callable[[type, Any], type]:
        """Register ``build(base, traitlets) -> class``, which defines the widget class on ``base`` (a decorator)."""
        self._build = build
        return build

    def widget_class(self) -> type:
        """The explorer's anywidget class, built on first use (``import helpers`` stays free of anywidget)."""
        if self._class is None:
            if self._build is None:
                raise RuntimeError(f"no widget class registered for {self.ui_file}")
            import traitlets

            self._class = self._build(widget_base(), traitlets)
        return self._class
