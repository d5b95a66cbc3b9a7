"""The shared engine of the "Check yourself" cells: exercises, common mistakes, hidden solutions.

Every exercise computes its expected answer from the formulas of this package
(never a typed constant). An answer is first put in a normal form for the
exercise's kind (a number, True/False, one of several options, a set, a list,
a pair); a correct answer is praised, a wrong one gets the hint of the first
listed common mistake it matches, else the exercise's generic hint, and a
malformed one a sentence naming the expected form. No answer ever raises.

Worked solutions and predict-first reveals are display objects: their HTML is
a collapsed ``<details>`` element (hidden until clicked in JupyterLab, on the
website, on nbviewer and on GitHub) and their plain-text form never contains
the answer (stored notebooks keep it, and nbval compares it).
"""

from __future__ import annotations

import base64
import html
import io
import math
import numbers
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

__all__ = [
    "Exercise",
    "Mistake",
    "register",
    "check",
    "check_answer",
    "mistake_for",
    "solution",
    "solution_text",
    "reveal",
    "keys",
    "registry",
    "KINDS",
]

#: The kinds of answer an exercise can ask for ("auto": inferred from the expected answer).
KINDS = ("number", "bool", "choice", "set", "list", "pair", "auto")

NO_ANSWER = "No answer yet: replace the placeholder with your answer and run the cell again."
SOLUTION_SUMMARY = "Show the worked solution"
REVEAL_SUMMARY = "Reveal: run or open this after you have committed to an answer"

_KEY = re.compile(r"\d\d-[A-Za-z0-9][A-Za-z0-9_-]*")


class _Malformed(Exception):
    """An answer that is not of the expected form (the message says which form)."""


# --------------------------------------------------------------------------- records


def _require_text(owner: str, name: str, value: object) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{owner}.{name} must be a str, got {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{owner}.{name} must be a non-empty string")


def _require_callable(owner: str, name: str, value: object) -> None:
    if not callable(value):
        raise TypeError(
            f"{owner}.{name} must be a callable that computes the value (e.g. lambda: ...), "
            f"got {type(value).__name__}"
        )


@dataclass(frozen=True)
class Mistake:
    """A common wrong answer of an exercise, with the hint it deserves.

    Give exactly one of ``value`` (a callable computing the wrong answer this
    mistake produces) or ``when`` (a predicate on the normalised answer).

    Attributes
    ----------
    name : str
        Short name, e.g. ``"off by one"``; :func:`mistake_for` returns it.
    hint : str
        Shown (after "✗ ") when the answer matches this mistake.
    value : callable or None
        ``value()`` is the wrong answer, compared like the expected answer.
    when : callable or None
        ``when(answer)`` is true for answers that show this mistake; it gets the
        answer in normal form (int/float, bool, option key, frozenset, list or tuple).
    example : callable or None
        Only with ``when``: computes one answer that shows the mistake, so the tests can
        feed it (without it they search nearby answers for one the predicate accepts).

    Examples
    --------
    >>> Mistake("off by one", hint="count the first window too", value=lambda: 3).name
    'off by one'
    >>> Mistake("twice", hint="h")
    Traceback (most recent call last):
    ...
    ValueError: Mistake 'twice' needs exactly one of value= (the wrong answer) or when= (a predicate)
    """

    name: str
    hint: str
    value: Callable[[], Any] | None = None
    when: Callable[[Any], bool] | None = None
    example: Callable[[], Any] | None = None

    def __post_init__(self) -> None:
        _require_text("Mistake", "name", self.name)
        _require_text("Mistake", "hint", self.hint)
        if (self.value is None) == (self.when is None):
            raise ValueError(
                f"Mistake {self.name!r} needs exactly one of value= (the wrong answer) or when= (a predicate)"
            )
        if self.value is not None:
            _require_callable("Mistake", "value", self.value)
        if self.when is not None:
            _require_callable("Mistake", "when", self.when)
        if self.example is not None:
            if self.when is None:
                raise ValueError(f"Mistake {self.name!r}: example= goes with when= (value= is already the example)")
            _require_callable("Mistake", "example", self.example)


@dataclass(frozen=True)
class Exercise:
    """One checked exercise.

    Attributes
    ----------
    key : str
        Identifier ``"NN-short-name"`` with the notebook number.
    question : str
        The question, as the notebook asks it.
    expected : callable
        Computes the correct answer from the package's formulas (for a choice: the option key).
    hint : str
        Shown after a wrong answer that no listed mistake matches.
    explanation : callable
        Builds the worked solution (sentences with the computed numbers).
    kind : str
        One of ``KINDS``; ``"auto"`` infers it (``"choice"`` when options are given, else from
        the expected answer: bool, number, set, a 2-tuple is a pair, other lists/tuples a list).
    options : dict
        For ``kind="choice"``: option key -> option text. Answers may give the key or the
        text, case-insensitively.
    mistakes : tuple of Mistake
        Common wrong answers, checked in order before the generic hint.
    predict_first : bool
        The notebook asks the learner to commit to an answer before a reveal cell.
    spoiler_forms : callable or None
        Optional: computes extra strings that give the answer away (searched by the spoiler
        check in addition to the forms derived from the expected answer).

    Examples
    --------
    >>> ex = Exercise(key="99-demo", question="2 + 2?", expected=lambda: 4, hint="add",
    ...               explanation=lambda: "2 + 2 = 4")
    >>> ex.kind, ex.mistakes
    ('auto', ())
    >>> Exercise(key="demo", question="?", expected=lambda: 1, hint="h", explanation=lambda: "")
    Traceback (most recent call last):
    ...
    ValueError: Exercise.key must look like 'NN-short-name' (two digits, a hyphen, a name), got 'demo'
    """

    key: str
    question: str
    expected: Callable[[], Any]
    hint: str
    explanation: Callable[[], str]
    kind: str = "auto"
    options: Mapping[str, str] = field(default_factory=dict)
    mistakes: tuple[Mistake, ...] = ()
    predict_first: bool = False
    spoiler_forms: Callable[[], Iterable[str]] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.key, str):
            raise TypeError(f"Exercise.key must be a str, got {type(self.key).__name__}")
        if not _KEY.fullmatch(self.key):
            raise ValueError(
                f"Exercise.key must look like 'NN-short-name' (two digits, a hyphen, a name), got {self.key!r}"
            )
        _require_text("Exercise", "question", self.question)
        _require_callable("Exercise", "expected", self.expected)
        _require_text("Exercise", "hint", self.hint)
        _require_callable("Exercise", "explanation", self.explanation)
        if not isinstance(self.kind, str) or self.kind not in KINDS:
            raise ValueError(f"Exercise.kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        if not isinstance(self.options, Mapping):
            raise TypeError(f"Exercise.options must be a dict of key -> option text, got {type(self.options).__name__}")
        for k, text in self.options.items():
            if not isinstance(k, str) or not k.strip() or not isinstance(text, str) or not text.strip():
                raise TypeError(f"Exercise.options must map non-empty str keys to non-empty str texts, got {k!r}: {text!r}")
        folded_keys = [_fold(k) for k in self.options]
        folded_texts = [_fold(t) for t in self.options.values()]
        if len(set(folded_keys)) != len(folded_keys):
            raise ValueError(f"Exercise.options: keys must be distinct ignoring case, got {list(self.options)}")
        if len(set(folded_texts)) != len(folded_texts):
            raise ValueError("Exercise.options: option texts must be distinct ignoring case")
        for i, text in enumerate(folded_texts):
            if text in folded_keys and folded_keys.index(text) != i:
                raise ValueError(f"Exercise.options: the text of option {list(self.options)[i]!r} equals another key")
        kind = self.kind if self.kind != "auto" else ("choice" if self.options else "auto")
        if kind == "choice" and len(self.options) < 2:
            raise ValueError(f"Exercise.options: a choice needs at least two options, got {len(self.options)}")
        if kind != "choice" and self.options:
            raise ValueError(f"Exercise.options are only for kind='choice', got kind={self.kind!r}")
        if isinstance(self.mistakes, Mistake) or not isinstance(self.mistakes, (tuple, list)):
            raise TypeError(f"Exercise.mistakes must be a tuple of Mistake, got {type(self.mistakes).__name__}")
        for m in self.mistakes:
            if not isinstance(m, Mistake):
                raise TypeError(f"Exercise.mistakes must hold Mistake objects, got {type(m).__name__}")
        names = [m.name for m in self.mistakes]
        if len(set(names)) != len(names):
            raise ValueError(f"Exercise.mistakes: names must be distinct, got {names}")
        object.__setattr__(self, "mistakes", tuple(self.mistakes))
        object.__setattr__(self, "options", dict(self.options))
        if not isinstance(self.predict_first, bool):
            raise TypeError(f"Exercise.predict_first must be True or False, got {self.predict_first!r}")
        if self.spoiler_forms is not None:
            _require_callable("Exercise", "spoiler_forms", self.spoiler_forms)

    # -- derived
    def resolved_kind(self) -> str:
        """The kind, with ``"auto"`` replaced by the kind inferred from the expected answer.

        Examples
        --------
        >>> from helpers.exercises import registry
        >>> registry()["06-simplebaselines"].resolved_kind()
        'pair'
        """
        if self.kind != "auto":
            return self.kind
        if self.options:
            return "choice"
        value = _plain(self.expected())
        if isinstance(value, bool):
            return "bool"
        if isinstance(value, (int, float)):
            return "number"
        if isinstance(value, frozenset):
            return "set"
        if isinstance(value, tuple) and len(value) == 2:
            return "pair"
        if isinstance(value, (list, tuple)):
            return "list"
        raise ValueError(
            f"exercise {self.key!r}: cannot infer the kind of the expected answer {type(value).__name__}; "
            f"pass kind= (one of {', '.join(KINDS[:-1])})"
        )

    def expected_answer(self) -> Any:
        """The expected answer in normal form (option key, int/float, bool, frozenset, list or tuple)."""
        kind = self.resolved_kind()
        try:
            return _normalise(self, kind, self.expected())
        except _Malformed as error:
            raise ValueError(f"exercise {self.key!r}: its expected answer does not fit kind={kind!r}: {error}") from None


# --------------------------------------------------------------------------- registry

_REGISTRY: dict[str, Exercise] = {}


def register(exercise: Exercise) -> Exercise:
    """Add an exercise to the registry (keys must be unique) and return it.

    Examples
    --------
    >>> "00-warmup" in keys()
    True
    >>> register(registry()["00-warmup"])
    Traceback (most recent call last):
    ...
    ValueError: an exercise with key '00-warmup' is already registered
    """
    if not isinstance(exercise, Exercise):
        raise TypeError(f"exercise must be an Exercise, got {type(exercise).__name__}")
    if exercise.key in _REGISTRY:
        raise ValueError(f"an exercise with key {exercise.key!r} is already registered")
    _REGISTRY[exercise.key] = exercise
    return exercise


def keys() -> list[str]:
    """The registered exercise keys, sorted.

    Examples
    --------
    >>> keys()[0]
    '00-warmup'
    """
    return sorted(_REGISTRY)


def registry() -> dict[str, Exercise]:
    """A copy of the registry, ``{key: Exercise}`` in key order.

    Examples
    --------
    >>> registry()["00-warmup"].key
    '00-warmup'
    """
    return {k: _REGISTRY[k] for k in keys()}


def _get(key: str) -> Exercise:
    if not isinstance(key, str):
        raise TypeError(f"key must be an exercise key (str), got {type(key).__name__}")
    if key not in _REGISTRY:
        raise ValueError(f"unknown exercise {key!r}; known: {', '.join(keys())}")
    return _REGISTRY[key]


# --------------------------------------------------------------------------- normal forms


def _fold(text: str) -> str:
    """Case- and whitespace-insensitive form of a string (also drops a trailing full stop)."""
    return " ".join(text.casefold().split()).rstrip(".").strip()


def _plain(value: Any) -> Any:
    """Python built-ins for numpy scalars/arrays, recursively; sets become frozensets."""
    if isinstance(value, (bool, str)) or value is None:
        return value
    item = getattr(value, "item", None)
    shape = getattr(value, "shape", None)
    if shape == () and callable(item):  # numpy scalar or 0-d array
        return _plain(item())
    if shape is not None and callable(getattr(value, "tolist", None)):  # numpy array
        return _plain(value.tolist())
    if type(value).__name__ == "bool_":
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, (set, frozenset)):
        return frozenset(_hashable(_plain(v)) for v in value)
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _hashable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, float) and math.isfinite(value):
        return int(value) if value.is_integer() else round(value, 9)
    return value


def _what(value: Any) -> str:
    """How an answer looks, for messages: ``'four' (a string)``."""
    names = {str: "a string", bool: "True/False", int: "a whole number", float: "a number", list: "a list",
             tuple: "a tuple", dict: "a dict", frozenset: "a set", set: "a set"}
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({names.get(type(value), type(value).__name__)})"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _number(value: Any, wanted: str) -> float | int:
    if isinstance(value, str):
        raise _Malformed(f"Expected {wanted}, got {_what(value)}: write the number without quotes.")
    if not _is_number(value):
        raise _Malformed(f"Expected {wanted}, got {_what(value)}.")
    if isinstance(value, float) and not math.isfinite(value):
        raise _Malformed(f"Expected {wanted}, got {value!r}: the answer is a finite number.")
    return value


def _form(exercise: Exercise, kind: str, expected: Any = None) -> str:
    """The expected form of an answer, in words (never the answer itself)."""
    if kind == "number":
        return "a whole number" if isinstance(expected, int) else "a number"
    if kind == "bool":
        return "True or False"
    if kind == "choice":
        return "one of the options " + ", ".join(repr(k) for k in exercise.options) + " (its letter or its text)"
    if kind == "set":
        return "a set of values, like {x, y}"
    if kind == "pair":
        return "a pair of two values, like (x, y)"
    return "a list of values, like [x, y, z]"


def _normalise(exercise: Exercise, kind: str, answer: Any, expected: Any = None) -> Any:
    """``answer`` in the normal form of ``kind``; raises _Malformed with a helpful sentence."""
    value = _plain(answer)
    form = _form(exercise, kind, expected)
    if kind == "number":
        return _number(value, form)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and _fold(value) in ("true", "false"):
            return _fold(value) == "true"
        raise _Malformed(f"Expected True or False, got {_what(value)}.")
    if kind == "choice":
        if isinstance(value, str):
            folded = _fold(value)
            for k, text in exercise.options.items():
                if folded in (_fold(k), _fold(text)):
                    return k
        raise _Malformed(f"Expected {form}, got {_what(value)}.")
    if isinstance(value, (str, dict, bytes)) or _is_number(value) or isinstance(value, bool) or value is None:
        raise _Malformed(f"Expected {form}, got {_what(value)}.")
    if kind == "set":
        if not isinstance(value, frozenset):
            if not hasattr(value, "__iter__") or isinstance(value, Mapping):
                raise _Malformed(f"Expected {form}, got {_what(value)}.")
            try:
                value = frozenset(_hashable(_plain(v)) for v in value)
            except TypeError:
                raise _Malformed(f"Expected {form}, got {_what(value)}: its elements must be plain values.") from None
        if expected is not None and all(_is_number(e) for e in expected):
            for item in value:
                if not _is_number(item) or (isinstance(item, float) and not math.isfinite(item)):
                    raise _Malformed(f"Expected {form} with numbers in it, found {_what(item)} in it.")
        return value
    if kind in ("list", "pair"):
        if isinstance(value, frozenset):
            raise _Malformed(f"Expected {form}, got {_what(value)}: a set has no order; use [ ] or ( ).")
        if not isinstance(value, (list, tuple)):
            raise _Malformed(f"Expected {form}, got {_what(value)}.")
        items = list(value)
        if kind == "pair" and len(items) != 2:
            raise _Malformed(f"Expected {form}, got {len(items)} value(s): {_what(value)}.")
        if expected is not None and all(_is_number(e) for e in expected):
            for item in items:
                if not _is_number(item) or (isinstance(item, float) and not math.isfinite(item)):
                    raise _Malformed(f"Expected {form} with numbers in it, found {_what(item)} in it.")
        return tuple(items) if kind == "pair" else items
    raise ValueError(f"unknown kind {kind!r}")  # pragma: no cover (validated at construction)


def _equal(expected: Any, answer: Any) -> bool:
    """Compare two normal forms: numbers with a relative tolerance, containers element-wise."""
    if isinstance(expected, bool) or isinstance(answer, bool):
        return isinstance(expected, bool) and isinstance(answer, bool) and expected == answer
    if _is_number(expected) and _is_number(answer):
        if isinstance(expected, int) and isinstance(answer, int):
            return expected == answer
        return abs(float(answer) - float(expected)) <= 1e-6 * max(1.0, abs(float(expected)))
    if isinstance(expected, frozenset) and isinstance(answer, frozenset):
        return expected == answer
    if isinstance(expected, (list, tuple)) and isinstance(answer, (list, tuple)):
        return len(expected) == len(answer) and all(_equal(e, a) for e, a in zip(expected, answer))
    try:
        return bool(expected == answer)
    except Exception:
        return False


# --------------------------------------------------------------------------- checking


def _matching_mistake(exercise: Exercise, kind: str, expected: Any, answer: Any) -> Mistake | None:
    for mistake in exercise.mistakes:
        if mistake.value is not None:
            wrong = _normalise(exercise, kind, mistake.value(), expected)
            if _equal(wrong, answer):
                return mistake
        else:
            try:
                if mistake.when(answer):
                    return mistake
            except Exception:  # a predicate that cannot judge this answer does not match it
                continue
    return None


def _judge(key: str, answer: Any) -> tuple[bool, str, Mistake | None]:
    exercise = _get(key)
    if answer is None or answer is Ellipsis:
        return False, NO_ANSWER, None
    kind = exercise.resolved_kind()
    expected = exercise.expected_answer()
    try:
        given = _normalise(exercise, kind, answer, expected)
    except _Malformed as error:
        return False, f"{error} Try again.", None
    except Exception:  # an exotic object: still a sentence, never a traceback
        return False, f"Expected {_form(exercise, kind, expected)}, got {_what(answer)}. Try again.", None
    if _equal(expected, given):
        return True, "Correct!", None
    mistake = _matching_mistake(exercise, kind, expected, given)
    if mistake is not None:
        return False, mistake.hint, mistake
    if kind == "list" and len(given) != len(expected):
        return False, (
            f"Not quite. Hint: {exercise.hint} (Your list has {len(given)} value(s); "
            "the answer has a different number.)"
        ), None
    return False, f"Not quite. Hint: {exercise.hint}", None


_CLAIM_MARKER = re.compile(r"<!--\s*claim:[^>]*?-->", re.I)


def _displayed(text: str) -> str:
    """``text`` as a reader sees it: claim markers (``<!-- claim: ID -->``, see helpers.claims) removed.

    Examples
    --------
    >>> _displayed("Always.<!-- claim: nb99-a --> Fine.")
    'Always. Fine.'
    """
    return _CLAIM_MARKER.sub("", text)


def check_answer(key: str, answer: Any) -> tuple[bool, str]:
    """Compare ``answer`` with the exercise's computed answer; return ``(correct, message)``.

    Pure: prints nothing. A wrong answer that matches a listed common mistake gets
    that mistake's hint; a malformed one gets a sentence naming the expected form.

    Examples
    --------
    >>> check_answer("00-warmup", 5)[0], check_answer("00-warmup", 3)[0]
    (True, False)
    >>> check_answer("00-warmup", 5.0)
    (True, 'Correct!')
    >>> check_answer("00-warmup", "five")[1]
    "Expected a whole number, got 'five' (a string): write the number without quotes. Try again."
    """
    ok, message, _ = _judge(key, answer)
    return ok, _displayed(message)


def mistake_for(key: str, answer: Any) -> str | None:
    """The name of the listed common mistake that ``answer`` matches, or None.

    Examples
    --------
    >>> mistake_for("00-warmup", 5) is None
    True
    """
    mistake = _judge(key, answer)[2]
    return None if mistake is None else mistake.name


def check(key: str, answer: Any) -> None:
    """Print whether ``answer`` is right, with the hint its mistake deserves when it is not.

    Defined in notebook ``00_start_here``.

    Examples
    --------
    >>> check("00-warmup", 5)
    ✓ Correct!
    >>> check("00-warmup", None)
    ✗ No answer yet: replace the placeholder with your answer and run the cell again.
    """
    ok, message = check_answer(key, answer)
    print(("✓ " if ok else "✗ ") + message)


# --------------------------------------------------------------------------- hidden solutions


def solution_text(key: str) -> str:
    """The full worked solution of an exercise, as a string (numbers computed, not typed).

    Examples
    --------
    >>> print(solution_text("00-warmup"))
    Answer: 5. floor((11 + 2*1 - 5) / 2) + 1 = floor(8 / 2) + 1 = 5
    """
    exercise = _get(key)
    expected = exercise.expected_answer()
    if exercise.resolved_kind() == "choice":
        shown = f"{expected} ({exercise.options[expected]})"
    elif isinstance(expected, frozenset):
        shown = _set_repr(expected)
    else:
        shown = repr(_plain(exercise.expected()))
    return _displayed(f"Answer: {shown}. {exercise.explanation()}")


def _set_repr(value: frozenset) -> str:
    try:
        items = sorted(value)
    except TypeError:
        items = list(value)
    return "{" + ", ".join(repr(v) for v in items) + "}"


def _details(summary: str, body_html: str, css_class: str) -> str:
    return (
        f'<details class="{css_class}"><summary>{html.escape(summary)}</summary>'
        f'<div class="{css_class}-body">{body_html}</div></details>'
    )


def _text_html(text: str) -> str:
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)


class Solution:
    """A worked solution shown collapsed: ``<details>`` in HTML, a spoiler-free plain text.

    Examples
    --------
    >>> s = solution("00-warmup")
    >>> s
    Worked solution hidden: open 'Show the worked solution', or print(exercises.solution_text('00-warmup'))
    >>> s._repr_html_().startswith('<details class="sh-solution"><summary>Show the worked solution</summary>')
    True
    """

    def __init__(self, key: str) -> None:
        self.key = key

    def _repr_html_(self) -> str:
        return _details(SOLUTION_SUMMARY, _text_html(solution_text(self.key)), "sh-solution")

    def __repr__(self) -> str:
        return (
            f"Worked solution hidden: open {SOLUTION_SUMMARY!r}, "
            f"or print(exercises.solution_text({self.key!r}))"
        )


def solution(key: str) -> Solution:
    """The worked solution of an exercise, collapsed until the learner opens it.

    Returns a display object: in JupyterLab, on the website, nbviewer and GitHub its
    HTML is a closed ``<details>`` ("Show the worked solution"); its plain text (kept
    in stored notebooks, compared by nbval) does not contain the answer. For the
    text itself use :func:`solution_text`. Defined in notebook ``00_start_here``.

    Examples
    --------
    >>> solution("00-warmup")
    Worked solution hidden: open 'Show the worked solution', or print(exercises.solution_text('00-warmup'))
    """
    _get(key)
    return Solution(key)


class Reveal:
    """Predict-first reveal: figures, text or HTML inside a closed ``<details>``.

    Examples
    --------
    >>> r = reveal("00-warmup", "the answer is in here")
    >>> r
    Reveal for '00-warmup' hidden: open 'Reveal: run or open this after you have committed to an answer'
    >>> "the answer is in here" in r._repr_html_()
    True
    """

    def __init__(self, key: str, parts: list[str], summary: str) -> None:
        self.key = key
        self._parts = parts
        self.summary = summary

    def _repr_html_(self) -> str:
        return _details(self.summary, "".join(self._parts), "sh-reveal")

    def __repr__(self) -> str:
        return f"Reveal for {self.key!r} hidden: open {self.summary!r}"


def _figure_html(figure: Any) -> str:
    import matplotlib.pyplot as plt  # only when a figure is given: `import helpers` stays light

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(figure)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="figure" style="max-width: 100%;">'


def reveal(key: str, *items: Any, summary: str = REVEAL_SUMMARY) -> Reveal:
    """A predict-first reveal: ``items`` shown only after the learner opens them.

    Parameters
    ----------
    key : str
        The exercise the reveal belongs to.
    *items : matplotlib Figure, str, or object with ``_repr_html_``
        Figures are embedded as PNG (and closed); strings are shown as text (escaped);
        other objects by their HTML.
    summary : str
        The text of the clickable summary line.

    Examples
    --------
    >>> reveal("00-warmup", "four windows fit")
    Reveal for '00-warmup' hidden: open 'Reveal: run or open this after you have committed to an answer'
    >>> reveal("00-warmup", 4)
    Traceback (most recent call last):
    ...
    TypeError: reveal items must be matplotlib Figures, strings or objects with _repr_html_, got int (item 0)
    """
    _get(key)
    _require_text("reveal", "summary", summary)
    if not items:
        raise ValueError("reveal needs at least one item to show (a Figure, a string or an HTML object)")
    parts = []
    for i, item in enumerate(items):
        if isinstance(item, str):
            parts.append(_text_html(item))
        elif hasattr(item, "savefig") and hasattr(item, "axes"):
            parts.append(_figure_html(item))
        elif callable(getattr(item, "_repr_html_", None)):
            parts.append(item._repr_html_() or "")
        else:
            raise TypeError(
                "reveal items must be matplotlib Figures, strings or objects with _repr_html_, "
                f"got {type(item).__name__} (item {i})"
            )
    return Reveal(key, parts, summary)
