"""Sphinx extension: math in a page's "Contents" (the table of contents) as plain text.

A heading such as ``7. Explore: $N$, $K$, $S$, $P$ per axis`` puts
``<span class="math">\\(N\\)</span>`` into the page's table of contents, which
shows as a raw ``\\(N\\)`` wherever MathJax does not typeset it (the contents
sidebar, the print view, a reader without the MathJax script). This extension
rewrites that markup, in the table of contents only, into plain HTML text
(``<em>N</em>``, ``(32/OS)²``); the headings in the page body keep their math.
It covers the small subset of LaTeX that fits in a heading; an unknown command
loses its backslash rather than showing it.
"""

from __future__ import annotations

import html
import re

#: Commands shown as one character.
SYMBOLS = {
    "times": "×", "cdot": "·", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠", "neq": "≠",
    "approx": "≈", "to": "→", "rightarrow": "→", "infty": "∞", "ldots": "…", "dots": "…", "cdots": "⋯",
    "lceil": "⌈", "rceil": "⌉", "lfloor": "⌊", "rfloor": "⌋", "pm": "±", "in": "∈", "sum": "∑",
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "lambda": "λ", "mu": "μ",
    "pi": "π", "sigma": "σ", "Delta": "Δ", "Sigma": "Σ", "quad": " ", "qquad": "  ", ",": " ", ";": " ",
    "!": "", " ": " ", "left": "", "right": "", "big": "", "Big": "", "{": "{", "}": "}", "%": "%",
}  # fmt: skip
#: Commands whose braced argument is shown upright, as it is.
TEXT_COMMANDS = {"text", "mathrm", "textrm", "operatorname", "mathit", "textit", "mathbf", "textbf", "mathsf"}

_MATH_SPAN = re.compile(r'<span class="math notranslate nohighlight">\s*\\\((.*?)\\\)\s*</span>', re.S)
_TOKEN = re.compile(r"\\([A-Za-z]+|.)|([\^_])|(\{)|(\})|([A-Za-z])|(\s+)|(.)", re.S)


def _group(tokens: list[re.Match], i: int) -> tuple[list[re.Match], int]:
    """The tokens of one argument starting at ``i`` (a braced group or a single token) and the next index."""
    if i < len(tokens) and tokens[i].group(3):
        depth, j = 1, i + 1
        while j < len(tokens) and depth:
            depth += bool(tokens[j].group(3)) - bool(tokens[j].group(4))
            j += 1
        return tokens[i + 1 : j - 1], j
    return tokens[i : i + 1], i + 1


def _render(tokens: list[re.Match], *, upright: bool = False) -> str:
    out, i = [], 0
    while i < len(tokens):
        tok = tokens[i]
        command, script, _, _, letter, space, other = tok.groups()
        if command is not None:
            if command in TEXT_COMMANDS:
                arg, i = _group(tokens, i + 1)
                out.append(_render(arg, upright=True))
                continue
            out.append(html.escape(SYMBOLS.get(command, command)))
        elif script:
            arg, i = _group(tokens, i + 1)
            tag = "sup" if script == "^" else "sub"
            out.append(f"<{tag}>{_render(arg, upright=upright)}</{tag}>")
            continue
        elif letter:
            out.append(letter if upright else f"<em>{letter}</em>")
        elif space:
            out.append(" " if upright else "")
        elif other:
            out.append(html.escape(other) + (" " if other in ",;" and not upright else ""))
        # a lone brace (group 3/4) only groups: nothing to show
        i += 1
    return "".join(out)


def latex_to_html(latex: str) -> str:
    """Plain-HTML rendering of a short LaTeX formula (as it appears in a heading).

    Examples
    --------
    >>> latex_to_html("N")
    '<em>N</em>'
    >>> latex_to_html(r"(32/\\text{OS})^2")
    '(32/OS)<sup>2</sup>'
    >>> latex_to_html(r"\\lceil N/S \\rceil")
    '⌈<em>N</em>/<em>S</em>⌉'
    """
    latex = html.unescape(latex)
    return _render(list(_TOKEN.finditer(latex)))


def toc_without_raw_math(toc: str) -> str:
    """``toc`` (Sphinx's table-of-contents HTML) with every inline-math span rendered as plain HTML."""
    return _MATH_SPAN.sub(lambda m: f'<span class="toc-math">{latex_to_html(m.group(1))}</span>', toc)


def _rewrite_toc(app, pagename, templatename, context, doctree) -> None:  # noqa: ANN001 - Sphinx's signature
    if isinstance(context.get("toc"), str):
        context["toc"] = toc_without_raw_math(context["toc"])


def setup(app):  # noqa: ANN001, ANN201 - Sphinx's signature
    # priority < 500: run before the theme turns context["toc"] into its sidebar and print contents
    app.connect("html-page-context", _rewrite_toc, priority=400)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
