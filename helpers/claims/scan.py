"""Find the sentences of the course that state a universal, and the claim markers that link them.

A notebook sentence names its claim with an HTML comment right after it::

    The output has ⌈N/S⌉ cells.<!-- claim: nb01-keep-size-ceil -->

:func:`sentences` splits a markdown text into sentences (code spans, math, URLs, HTML tags and
quotations in double quotes set aside), each with the claim ids that follow it;
:func:`flagged` keeps those with a universal word and no claim id.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

__all__ = ["UNIVERSAL", "MARKER", "Sentence", "sentences", "flagged", "notebook_sentences",
           "exercise_sentences", "unclaimed", "markers", "strip_markers", "normalise"]

#: The words that make a sentence a claim (whole words, any case).
UNIVERSAL = re.compile(
    r"\b(always|never|only|exactly|every|all|none|cannot|can['’]t|iff|sufficient|necessary|"
    r"guarantee[sd]?|at most|at least)\b",
    re.I,
)
#: ``<!-- claim: id1 id2 -->`` (ids separated by spaces or commas).
MARKER = re.compile(r"<!--\s*claim:\s*([^>]*?)\s*-->", re.I)
_SENTINEL = re.compile(r"\u27e6([^\u27e7]*)\u27e7")
_FENCE = re.compile(r"```.*?```", re.S)
_MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.S)
_CODE = re.compile(r"`[^`\n]*`")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"https?://\S+")
_TAG = re.compile(r"<!--.*?-->|<[^>\n]+>", re.S)
_QUOTE = re.compile(r"“[^”]*”|\"[^\"\n]*\"")
_SPLIT = re.compile(r"(?<=[.!?…])\s+|(?<=\u27e7)\s+")
_BLOCK_START = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|#+\s|\||>)")


def strip_markers(text: str) -> str:
    """``text`` without claim markers, for display.

    Examples
    --------
    >>> strip_markers("Always true.<!-- claim: nb99-x --> Next.")
    'Always true. Next.'
    """
    return MARKER.sub("", text)


def normalise(text: str) -> str:
    """One line, single spaces, no markers: the form used to compare sentences.

    Examples
    --------
    >>> normalise("  Every\\n  pixel <!-- claim: nb99-x -->is read. ")
    'Every pixel is read.'
    """
    text = _SENTINEL.sub(" ", strip_markers(text))
    return re.sub(r"\s+", " ", text).strip().replace(" .", ".")


@dataclass(frozen=True)
class Sentence:
    """A sentence of the course's text, where it is, and the claim ids that follow it."""

    text: str  # as read, normalised, without markers
    where: str  # "01_stride.ipynb" or "exercise:05-which-grids:hint"
    cell: int | None
    claims: tuple[str, ...]

    @property
    def universal(self) -> tuple[str, ...]:
        """The universal words it uses, once code, math and quotations are set aside."""
        return tuple(m.group(0).lower() for m in UNIVERSAL.finditer(_prose(self.text)))


def _prose(text: str) -> str:
    text = _CODE.sub(" CODE ", text)
    text = _MATH.sub(" MATH ", text)
    return _QUOTE.sub(" QUOTE ", text)


def _blocks(text: str) -> Iterator[str]:
    """Paragraphs, list items, headings, table rows and quotes, each joined into one line."""
    current: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            if current:
                yield " ".join(current)
            current = []
        elif _BLOCK_START.match(line):
            if current:
                yield " ".join(current)
            current = [line.strip()]
        else:
            current.append(line.strip())
    if current:
        yield " ".join(current)


def sentences(text: str, *, where: str = "", cell: int | None = None) -> list[Sentence]:
    """Split markdown ``text`` into sentences, each with the claim ids that follow it.

    Examples
    --------
    >>> [(s.text, s.claims) for s in sentences("Every pixel is read.<!-- claim: nb99-a --> Only `x`. ")]
    [('Every pixel is read.', ('nb99-a',)), ('Only `x`.', ())]
    >>> [s.claims for s in sentences("It holds. <!-- claim: nb99-a nb99-b -->")]
    [('nb99-a', 'nb99-b')]
    """
    text = _FENCE.sub(" ", text)
    text = MARKER.sub(lambda m: "\u27e6" + " ".join(re.split(r"[\s,]+", m.group(1).strip())) + "\u27e7", text)
    text = _TAG.sub(" ", text)
    text = _LINK.sub(r"\1", text)
    text = _URL.sub(" ", text)
    out: list[Sentence] = []
    for block in _blocks(text):
        pieces = [p for p in _SPLIT.split(block) if p.strip()]
        merged: list[str] = []
        for piece in pieces:
            lead = re.match(r"^\s*((?:\u27e6[^\u27e7]*\u27e7\s*)+)(.*)$", piece, re.S)
            if lead and merged:  # a marker that starts a piece belongs to the sentence before it
                merged[-1] += lead.group(1)
                piece = lead.group(2)
            if piece.strip():
                merged.append(piece)
        for piece in merged:
            ids = tuple(i for group in _SENTINEL.findall(piece) for i in group.split() if i)
            body = normalise(piece)
            if body:
                out.append(Sentence(body, where, cell, ids))
    return out


def flagged(items: Iterable[Sentence]) -> list[Sentence]:
    """The sentences with a universal word and no claim id, less the allowed phrases.

    Examples
    --------
    >>> [s.text for s in flagged(sentences("Run every cell. It is never odd."))]
    ['It is never odd.']
    """
    from .allowed import ALLOWED

    allowed = [normalise(a).lower() for a in ALLOWED]
    return [s for s in items if s.universal and not s.claims and not any(a in s.text.lower() for a in allowed)]


def _load(notebook: Any) -> dict:
    if isinstance(notebook, Mapping):
        return dict(notebook)
    return json.loads(Path(notebook).read_text(encoding="utf-8"))


def _source(cell: Mapping) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def notebook_sentences(notebook: Any, name: str | None = None) -> list[Sentence]:
    """Every sentence of every markdown cell of ``notebook`` (a path or a loaded notebook)."""
    name = name or (Path(notebook).name if not isinstance(notebook, Mapping) else "notebook")
    out: list[Sentence] = []
    for i, cell in enumerate(_load(notebook).get("cells", [])):
        if cell.get("cell_type") == "markdown":
            out.extend(sentences(_source(cell), where=name, cell=i))
    return out


def exercise_sentences(exercises: Iterable[Any] | None = None) -> list[Sentence]:
    """Every sentence of every registered exercise's texts: question, options, hints, solution."""
    if exercises is None:
        from ..exercises import registry

        exercises = registry().values()
    out: list[Sentence] = []
    for ex in exercises:
        texts = [("question", ex.question), ("hint", ex.hint)]
        texts += [(f"option {k}", v) for k, v in ex.options.items()]
        texts += [(f"mistake {m.name}", m.hint) for m in ex.mistakes]
        try:
            texts.append(("solution", ex.explanation()))
        except Exception as error:  # an explanation that cannot be built is its own failure elsewhere
            texts.append(("solution", f"(explanation raised {type(error).__name__})"))
        for field_name, text in texts:
            out.extend(sentences(text, where=f"exercise:{ex.key}:{field_name}"))
    return out


def markers(notebook: Any, name: str | None = None) -> dict[str, list[int]]:
    """``{claim id: [cell indices]}`` of the markers in ``notebook``'s markdown cells."""
    found: dict[str, list[int]] = {}
    for s in notebook_sentences(notebook, name):
        for cid in s.claims:
            found.setdefault(cid, [])
            if s.cell not in found[cid]:
                found[cid].append(s.cell)
    return found


def unclaimed(notebook: Any, name: str | None = None) -> list[Sentence]:
    """The flagged sentences of one notebook (see :func:`flagged`)."""
    return flagged(notebook_sentences(notebook, name))
