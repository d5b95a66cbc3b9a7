"""Find exercise answers that a notebook already shows before the exercise asks for them.

Best effort, for distinctive values: an answer is looked for in the forms a
reader would recognise — an integer of two or more digits as a whole number, a
non-integer as ``0.25`` or ``25 %``, a small number only as ``name=value`` with a
name from the question, as a factor (``×4``) for "by what factor" questions, or
in an output line that shares at least four words with the question; lists, pairs and sets as
``[a, b]``, ``(a, b)``, ``{a, b}``, ``a×b``; a choice by its option text; plus any
strings the exercise lists in ``spoiler_forms``. It searches every output and
markdown cell before the exercise's question — in outputs also the words pictures carry (figure
titles, labels and legends stored in their PNGs by helpers._pngtext, animation frames included) and
HTML ``alt``, ``title`` and ``aria-label`` text — (the markdown cells right before
the first code cell that uses the exercise's key). Hidden material is skipped:
``<details>`` blocks in markdown, and the outputs of cells that call
``exercises.check``, ``exercises.solution`` or ``exercises.reveal``.
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from .._pngtext import read_words
from ._engine import Exercise, _plain, registry

__all__ = ["Spoiler", "exercise_cells", "answer_patterns", "find_spoilers"]

#: A code cell that uses an exercise: ``exercises.check("KEY"``, ``exercises.solution("KEY")`` ...
USE = re.compile(r"exercises\s*\.\s*(check|check_answer|solution|solution_text|reveal)\s*\(\s*['\"]([^'\"]+)['\"]")
_HIDDEN_CALL = re.compile(r"exercises\s*\.\s*(check|solution|reveal)\s*\(")
_DETAILS = re.compile(r"<details\b.*?</details\s*>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")
_STOP = set(
    "the and for that this with from what which does when into have each many much more most than then them "
    "they their there these those your you how why its are was were will would should could after before about "
    "answer side input output".split()
)


@dataclass(frozen=True)
class Spoiler:
    """An exercise's answer shown before its question."""

    key: str
    cell: int  # index of the cell that shows the answer
    where: str  # "output" or "markdown"
    form: str  # what was matched, as written in the cell
    question_cell: int  # index of the first cell of the exercise


def _load(notebook: Any) -> dict:
    if isinstance(notebook, Mapping):
        return dict(notebook)
    return json.loads(Path(notebook).read_text(encoding="utf-8"))


def _source(cell: Mapping) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def exercise_cells(notebook: Any) -> dict[str, int]:
    """``{key: index of the first cell of the exercise}``: the markdown cells right before the first
    code cell that uses the key (or that code cell itself when no markdown precedes it).

    Examples
    --------
    >>> nb = {"cells": [{"cell_type": "markdown", "source": "Q?"},
    ...                 {"cell_type": "code", "source": 'exercises.check("00-warmup", None)'}]}
    >>> exercise_cells(nb)
    {'00-warmup': 0}
    """
    cells = _load(notebook).get("cells", [])
    first: dict[str, int] = {}
    for i, cell in enumerate(cells):
        if cell.get("cell_type") == "code":
            for _, key in USE.findall(_source(cell)):
                first.setdefault(key, i)
    starts = {}
    for key, i in first.items():
        while i > 0 and cells[i - 1].get("cell_type") == "markdown":
            i -= 1
        starts[key] = i
    return starts


def _num(value: float) -> str:
    """Regex for a number as a token (not part of a longer number or word)."""
    return r"(?<![\w.])" + re.escape(value) + r"(?![\w]|\.\d)"


def _spellings(value: Any) -> list[str]:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return [str(value)]
    return sorted({f"{value:g}", f"{value:.2f}".rstrip("0").rstrip("."), repr(value)}, key=len)


def _distinctive_int(value: Any) -> bool:
    return isinstance(value, (int, float)) and float(value).is_integer() and abs(value) >= 10


def _seq(values: Iterable[Any], open_: str, close: str) -> str:
    items = [r"\s*" + "|".join(re.escape(s) for s in _spellings(v)).join("()") + r"\s*" for v in values]
    return re.escape(open_) + ",".join(items) + re.escape(close)


def answer_patterns(exercise: Exercise) -> list[tuple[str, re.Pattern]]:
    """``(description, pattern)`` for every distinctive form of the exercise's expected answer.

    Examples
    --------
    >>> from helpers.exercises import registry
    >>> [d for d, _ in answer_patterns(registry()["05-reached"])]
    ['the number 49']
    >>> [d for d, _ in answer_patterns(registry()["06-simplebaselines"])][:2]
    ['(96, 72)', '[96, 72]']
    """
    kind = exercise.resolved_kind()
    answer = exercise.expected_answer()
    found: list[tuple[str, str]] = []
    question = exercise.question
    if kind == "number":
        spell = "|".join(re.escape(s) for s in _spellings(answer))
        token = r"(?<![\w.])(?:" + spell + r")(?![\w]|\.\d)"
        if _distinctive_int(answer):
            found.append((f"the number {_spellings(answer)[0]}", token))
        elif isinstance(answer, float) and not answer.is_integer():
            found.append((f"the number {_spellings(answer)[0]}", token))
            percent = 100 * answer
            spelled = sorted({f"{percent:g}", f"{percent:.1f}"} | ({f"{percent:.0f}"} if percent.is_integer() else set()))
            found.append((f"{spelled[0]} %", r"(?<![\w.])(?:" + "|".join(map(re.escape, spelled)) + r")\s*%"))
        else:
            names = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", question))
            for name in sorted(n for n in names if "_" in n or len(n) >= 6):
                found.append((f"{name}={_spellings(answer)[0]}", r"\b" + re.escape(name) + r"\s*=\s*(?:" + spell + r")(?![\w]|\.\d)"))
            if re.search(r"\bfactor\b|\btimes\b", question, re.I):
                found.append((f"×{_spellings(answer)[0]}", r"(?<![\w.])[x×]\s?(?:" + spell + r")(?![\w]|\.\d)"))
    elif kind in ("list", "pair") and (len(answer) >= 3 or any(_distinctive_int(v) or isinstance(v, float) and not v.is_integer() for v in answer)):
        for open_, close in ("()", "[]"):
            found.append((f"{open_}{', '.join(_spellings(v)[0] for v in answer)}{close}", _seq(answer, open_, close)))
        if kind == "pair":
            a, b = ("|".join(map(re.escape, _spellings(v))) for v in answer)
            found.append((f"{_spellings(answer[0])[0]}×{_spellings(answer[1])[0]}", rf"(?<![\w.])(?:{a})\s*[x×]\s*(?:{b})(?![\w]|\.\d)"))
        elif len(answer) >= 3:
            found.append((", ".join(_spellings(v)[0] for v in answer), r"(?<![\w.])" + _seq(answer, "", "") + r"(?![\w]|\.\d)"))
    elif kind == "set" and (len(answer) >= 3 or any(_distinctive_int(v) for v in answer)):
        try:
            ordered = sorted(answer)
        except TypeError:
            ordered = list(answer)
        for open_, close in ("{}", "[]"):
            found.append((f"{open_}{', '.join(str(v) for v in ordered)}{close}", _seq(ordered, open_, close)))
    elif kind == "choice":
        text = exercise.options[answer]
        if len(text.strip()) >= 8:
            found.append((f"the option text {text!r}", r"\s+".join(map(re.escape, text.split()))))
    if exercise.spoiler_forms is not None:
        for form in exercise.spoiler_forms():
            found.append((str(form), r"\s+".join(map(re.escape, str(form).split()))))
    return [(d, re.compile(p, re.I)) for d, p in found]


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{4,}", text.lower()) if w not in _STOP}


def _line_hits(exercise: Exercise, text: str) -> list[str]:
    """Lines that show a small numeric answer beside many words of the question."""
    answer = exercise.expected_answer()
    if exercise.resolved_kind() != "number" or _distinctive_int(answer) or (isinstance(answer, float) and not answer.is_integer()):
        return []
    token = re.compile(_num(_spellings(answer)[0]))
    question = _words(exercise.question)
    hits = []
    for line in text.splitlines():
        if token.search(line) and len(_words(line) & question) >= 4:
            hits.append(line.strip())
    return hits


_PNG_B64 = re.compile(r"iVBORw0KGgo[A-Za-z0-9+/=\\n]+")
_ATTRIBUTE = re.compile(r"\b(?:alt|title|aria-label)\s*=\s*(\"[^\"]*\"|'[^']*')", re.I)


def _picture_words(b64: str) -> str:
    """The words a PNG carries (figure titles, labels; see helpers._pngtext), from base64."""
    try:
        return read_words(base64.b64decode(b64.replace("\\n", "").replace("\n", ""), validate=False))
    except (ValueError, binascii.Error):
        return ""


def _output_text(output: Mapping) -> str:
    """What a reader can read in an output: text, HTML text and attributes (alt, title, aria-label),
    and the words of every picture (the PNG output and PNGs inside HTML, such as animation frames)."""
    if output.get("output_type") == "stream":
        text = output.get("text", "")
        return "".join(text) if isinstance(text, list) else str(text)
    data = output.get("data", {}) or {}
    parts = []
    for mime in ("text/plain", "text/markdown", "text/html"):
        if mime in data:
            value = data[mime]
            value = "".join(value) if isinstance(value, list) else str(value)
            if mime == "text/html":
                visible = _DETAILS.sub(" ", value)
                parts.extend(html.unescape(m[1:-1]) for m in _ATTRIBUTE.findall(visible))
                parts.extend(_picture_words(m) for m in _PNG_B64.findall(visible))
                value = html.unescape(_TAG.sub(" ", visible))
            parts.append(value)
    if "image/png" in data:
        value = data["image/png"]
        parts.append(_picture_words("".join(value) if isinstance(value, list) else str(value)))
    return "\n".join(p for p in parts if p)


def _visible_texts(cells: list[Mapping], stop: int) -> Iterable[tuple[int, str, str]]:
    for i, cell in enumerate(cells[:stop]):
        if cell.get("cell_type") == "markdown":
            yield i, "markdown", _DETAILS.sub(" ", _source(cell))
        elif cell.get("cell_type") == "code" and not _HIDDEN_CALL.search(_source(cell)):
            text = "\n".join(_output_text(o) for o in cell.get("outputs", []))
            if text.strip():
                yield i, "output", text


def find_spoilers(notebook: Any, *, exercises: Mapping[str, Exercise] | None = None) -> list[Spoiler]:
    """Every place where ``notebook`` shows an exercise's answer before the exercise's question.

    Parameters
    ----------
    notebook : path or dict
        A notebook file (``.ipynb``) or its JSON as a dict.
    exercises : mapping, optional
        ``{key: Exercise}`` to look up keys in (default: the registry).

    Examples
    --------
    >>> nb = {"cells": [
    ...     {"cell_type": "code", "source": "print(coverage_stats(...).reached)",
    ...      "outputs": [{"output_type": "stream", "name": "stdout", "text": "49\\n"}]},
    ...     {"cell_type": "markdown", "source": "How many pixels are reached?"},
    ...     {"cell_type": "code", "source": 'exercises.check("05-reached", None)', "outputs": []}]}
    >>> find_spoilers(nb)
    [Spoiler(key='05-reached', cell=0, where='output', form='49', question_cell=1)]
    """
    known = registry() if exercises is None else exercises
    cells = _load(notebook).get("cells", [])
    spoilers: list[Spoiler] = []
    for key, start in sorted(exercise_cells({"cells": cells}).items(), key=lambda kv: kv[1]):
        if key not in known:
            continue
        exercise = known[key]
        patterns = answer_patterns(exercise)
        for i, where, text in _visible_texts(cells, start):
            flat = " ".join(text.split())
            seen = set()
            for _, pattern in patterns:
                for match in pattern.finditer(flat):
                    if match.group(0) not in seen:
                        seen.add(match.group(0))
                        spoilers.append(Spoiler(key, i, where, match.group(0), start))
            if where == "output":  # (in prose, such lines are mostly the text of other questions)
                for line in _line_hits(exercise, text):
                    spoilers.append(Spoiler(key, i, where, line, start))
    return spoilers
