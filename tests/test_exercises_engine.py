"""The exercise engine: kinds, common mistakes, malformed answers, hidden solutions and reveals.

Every registered exercise is swept: each listed mistake must get its own hint, no answer of any
shape may raise, and no plain-text form of a solution or reveal may contain the answer. Demo
exercises (registered only inside a test, with keys 9x-...) cover the kinds and mistakes the
course's exercises do not use yet, so no test here passes vacuously.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from helpers import exercises
from helpers.exercises import Exercise, Mistake, _engine

ROOT = Path(__file__).resolve().parent.parent

CHOICES = {"a": "double every rate", "b": "remove the last stride", "c": "both"}

DEMOS = [
    Exercise(
        key="97-choice",
        question="Which change doubles the heatmap?",
        expected=lambda: "b",
        hint="the heatmap side is N / OS; which change halves OS?",
        explanation=lambda: "removing the last stride halves the output stride",
        options=CHOICES,
        mistakes=(Mistake("rates only", hint="rates change the field of view, not the size", value=lambda: "a"),),
    ),
    Exercise(
        key="97-number",
        question="floor((8 + 2 - 3) / 2) + 1?",
        expected=lambda: (8 + 2 - 3) // 2 + 1,
        hint="count window positions",
        explanation=lambda: "4 windows",
        mistakes=(
            Mistake("off by one", hint="you forgot the first window", value=lambda: (8 + 2 - 3) // 2),
            Mistake("ceil for floor", hint="round down, not up", value=lambda: math.ceil((8 + 2 - 3) / 2) + 1),
            Mistake("negative", hint="a size is never negative", when=lambda a: a < 0, example=lambda: -4),
            Mistake("far too big", hint="more windows than pixels?", when=lambda a: a > 9),
        ),
    ),
    Exercise(
        key="97-pair",
        question="(before, after) padding?",
        expected=lambda: (1, 2),
        hint="total = (out - 1)·S + K - N",
        explanation=lambda: "(1, 2)",
        mistakes=(
            Mistake("swapped", hint="TensorFlow puts the extra zero after", value=lambda: (2, 1)),
            Mistake("total for per-side", hint="that is the total, split it", when=lambda a: sum(a) == 3 and 0 in a),
        ),
    ),
    Exercise(
        key="97-set",
        question="which values?",
        expected=lambda: {4, 6, 9},
        hint="multiply the per-axis counts",
        explanation=lambda: "{4, 6, 9}",
        mistakes=(Mistake("one axis", hint="that is one axis; square it", value=lambda: {2, 3}),),
    ),
    Exercise(
        key="97-list",
        question="which rates?",
        expected=lambda: [24, 48, 72],
        hint="keep rate × OS constant",
        explanation=lambda: "[24, 48, 72]",
        mistakes=(
            Mistake("OS 8 rates", hint="that is for OS 8", value=lambda: [12, 24, 36]),
            Mistake("padded coordinates for input ones", hint="subtract the padding", when=lambda a: a == [25, 49, 73]),
        ),
    ),
    Exercise(
        key="97-bool",
        question="holes? True or False",
        expected=lambda: False,
        hint="list the offsets",
        explanation=lambda: "1, 2, 5 covers every offset",
        kind="bool",
        predict_first=True,
        mistakes=(Mistake("gcd reasoning", hint="the gcd of 1, 2, 5 is 1", value=lambda: True),),
    ),
    Exercise(
        key="97-float",
        question="share of offsets?",
        expected=lambda: 1 - 12 / 16,
        hint="1 - d/s",
        explanation=lambda: "0.25",
        mistakes=(Mistake("d/s instead of 1 - d/s", hint="that is the share apart", value=lambda: 12 / 16),),
    ),
]


@pytest.fixture
def demos(monkeypatch):
    for demo in DEMOS:
        monkeypatch.setitem(_engine._REGISTRY, demo.key, demo)
    return {d.key: d for d in DEMOS}


ALL = {**exercises.registry(), **{d.key: d for d in DEMOS}}
MISTAKES = [pytest.param(key, m, id=f"{key}:{m.name}") for key, ex in ALL.items() for m in ex.mistakes]


def _candidates(expected):
    """Answers near the expected one, to find an answer a when= mistake (without example=) accepts."""
    if isinstance(expected, bool):
        return [not expected]
    if isinstance(expected, (int, float)):
        base = [expected + d for d in range(-5, 6)] + [expected * f for f in (2, 4, 0.5, 0.25, -1)]
        return base + [math.floor(expected), math.ceil(expected), round(expected * 100)]
    if isinstance(expected, (list, tuple)):
        out = []
        for i in range(len(expected)):
            for d in (-2, -1, 1, 2):
                changed = list(expected)
                changed[i] = changed[i] + d
                out.append(type(expected)(changed))
        out += [type(expected)(reversed(expected)), type(expected)(v + 1 for v in expected),
                type(expected)(v - 1 for v in expected), type(expected)(2 * v for v in expected),
                type(expected)(sum(expected) if i == 0 else 0 for i in range(len(expected))),
                type(expected)(0 if i == 0 else sum(expected) for i in range(len(expected)))]
        return out
    if isinstance(expected, frozenset):
        return [expected - {v} for v in expected] + [expected | {max(expected) + 1}]
    return []


@pytest.mark.parametrize("key, mistake", MISTAKES)
def test_every_listed_mistake_gets_its_own_hint(key, mistake, demos):
    ex = exercises.registry()[key]
    expected = ex.expected_answer()
    if mistake.value is not None:
        wrong = mistake.value()
        assert not exercises.check_answer(key, ex.expected())[1] == mistake.hint
        assert not _engine._equal(expected, _engine._normalise(ex, ex.resolved_kind(), wrong, expected)), (
            f"{key}: the mistake {mistake.name!r} gives the expected answer"
        )
    elif mistake.example is not None:
        wrong = mistake.example()
    else:
        found = [c for c in _candidates(expected) if mistake.when(c) and not _engine._equal(expected, c)]
        assert found, f"{key}: give Mistake({mistake.name!r}, ..., example=lambda: ...) so the tests can feed it"
        wrong = found[0]
    assert exercises.check_answer(key, wrong) == (False, mistake.hint), f"{key}: {wrong!r} should get {mistake.name!r}"
    assert exercises.mistake_for(key, wrong) == mistake.name


def test_the_demos_cover_every_kind_and_both_forms_of_mistake(demos):
    kinds = {ex.resolved_kind() for ex in DEMOS}
    assert kinds == {"number", "bool", "choice", "set", "list", "pair"}
    assert any(m.when for ex in DEMOS for m in ex.mistakes) and any(m.value for ex in DEMOS for m in ex.mistakes)


def test_a_wrong_answer_that_no_mistake_matches_gets_the_generic_hint(demos):
    assert exercises.check_answer("97-number", 6) == (False, "Not quite. Hint: count window positions")
    assert exercises.mistake_for("97-number", 6) is None
    assert exercises.mistake_for("97-number", 5) == "ceil for floor"
    assert exercises.mistake_for("97-number", 4) is None  # correct
    assert exercises.check_answer("97-list", [24, 48]) == (False, (
        "Not quite. Hint: keep rate × OS constant (Your list has 2 value(s); the answer has a different number.)"
    ))
    assert exercises.check_answer("97-list", [24, 48, 73]) == (False, "Not quite. Hint: keep rate × OS constant")


def test_the_first_listed_mistake_wins_when_two_match(monkeypatch):
    """Issue 24: an answer that shows two listed mistakes gets the first one's hint (value= and when= forms, both orders)."""
    value_first = Mistake("floor for ceil", hint="round up: a partial window still counts", value=lambda: 5)
    when_first = Mistake("any small number", hint="too small: count again", when=lambda a: a < 6)
    for order in [(value_first, when_first), (when_first, value_first)]:
        ex = Exercise(key="97-overlap", question="?", expected=lambda: 7, hint="generic",
                      explanation=lambda: "7", mistakes=order)
        monkeypatch.setitem(_engine._REGISTRY, ex.key, ex)
        assert exercises.check_answer("97-overlap", 5) == (False, order[0].hint)
        assert exercises.mistake_for("97-overlap", 5) == order[0].name
        assert exercises.check_answer("97-overlap", 3) == (False, when_first.hint)  # only one matches


def test_vgg_span_without_u_times_s_gets_its_own_hint():
    """Review rt04: [-90, 121] is output 0's window (u·S forgotten for u = 3), not the generic hint."""
    # VGG-16 pool5: r = 212, S = 32, P = 90 (notebook 03's table); the answer for u = 3 is [6, 217].
    assert exercises.check_answer("03-vgg-span", [6, 217])[0]
    ok, hint = exercises.check_answer("03-vgg-span", [-90, 121])
    assert not ok and "u·S" in hint and not hint.startswith("Not quite")
    assert exercises.mistake_for("03-vgg-span", [-90, 121]) == "u·S forgotten"
    assert exercises.mistake_for("03-vgg-span", (-90, 121)) == "u·S forgotten"


def test_a_predicate_that_cannot_judge_an_answer_does_not_match_it(demos, monkeypatch):
    broken = Exercise(key="97-broken", question="?", expected=lambda: 3, hint="generic",
                      explanation=lambda: "3", mistakes=(Mistake("boom", hint="never", when=lambda a: 1 / 0),))
    monkeypatch.setitem(_engine._REGISTRY, broken.key, broken)
    assert exercises.check_answer("97-broken", 4) == (False, "Not quite. Hint: generic")


# --------------------------------------------------------------------------- malformed answers

JUNK = [
    "abc", "", "12", "  4 ", "True", None, ..., [[1, 2], [3]], [[1, 2], [3, 4]], {"a": 1}, {}, [], (), (1,),
    [1, 2, 3, 4, 5], [1, "x"], ["a", "b"], float("nan"), float("inf"), -float("inf"), np.int64(3),
    np.float32(0.25), np.array(3), np.array([1, 2]), np.array([[1, 2], [3, 4]]), np.array([]), np.bool_(True),
    {1, 2}, frozenset({4, 6, 9}), {1: 2}, True, False, 0, -1, 10**100, 1e308, complex(1, 2), b"x", object(),
    lambda: 1, range(3), iter([1, 2]), [None], (None, None), [float("nan"), 1], "b", "B", "both", Exception("x"),
]


@pytest.mark.parametrize("key", list(ALL))
def test_no_answer_of_any_shape_raises(key, demos, capsys):
    ex = exercises.registry()[key]
    expected = ex.expected_answer()
    distinctive = repr(expected) if not isinstance(expected, bool) and not (isinstance(expected, int) and abs(expected) < 10) else None
    for junk in JUNK:
        ok, message = exercises.check_answer(key, junk)
        assert isinstance(ok, bool) and isinstance(message, str) and message.strip(), (key, junk)
        if not ok and distinctive and ex.resolved_kind() != "choice":  # (a choice names its option keys)
            ours = message.split(", got ")[0].split(", found ")[0]  # without the learner's own answer echoed
            assert distinctive not in ours, f"{key}: the message for {junk!r} gives the answer away: {message}"
        exercises.check(key, junk)
        out = capsys.readouterr().out
        assert out.startswith(("✓ ", "✗ ")) and out.count("\n") == 1, out
    for empty in (None, ...):
        assert exercises.check_answer(key, empty) == (False, _engine.NO_ANSWER)


@pytest.mark.parametrize("answer, sentence", [
    ("4", "write the number without quotes"),
    ([4], "Expected a whole number"),
    (float("nan"), "the answer is a finite number"),
    (np.array([4, 4]), "Expected a whole number"),
])
def test_malformed_numbers_get_a_sentence_naming_the_form(answer, sentence):
    ok, message = exercises.check_answer("00-warmup", answer)
    assert not ok and sentence in message and message.endswith("Try again.")


def test_pairs_lists_and_sets_name_their_form(demos):
    assert "a pair of two values" in exercises.check_answer("97-pair", (1, 2, 3))[1]
    assert "a pair of two values" in exercises.check_answer("97-pair", 3)[1]
    assert "has no order" in exercises.check_answer("97-list", {24, 48, 72})[1]
    assert "with numbers in it" in exercises.check_answer("97-list", [24, "48", 72])[1]
    assert "a set of values" in exercises.check_answer("97-set", "4, 6, 9")[1]
    assert "elements must be plain values" in exercises.check_answer("97-set", [{"a": 4}])[1]
    assert "with numbers in it" in exercises.check_answer("97-set", [[4], [6]])[1]
    assert "True or False" in exercises.check_answer("97-bool", 0)[1]


# --------------------------------------------------------------------------- accepted forms


def test_numbers_accept_int_for_float_and_float_for_int_with_a_tolerance(demos):
    right = exercises.registry()["00-warmup"].expected()  # an int
    assert exercises.check_answer("00-warmup", float(right))[0] and exercises.check_answer("00-warmup", np.int64(right))[0]
    assert exercises.check_answer("00-warmup", np.array(right))[0]
    assert not exercises.check_answer("00-warmup", right + 0.5)[0]
    assert exercises.check_answer("97-float", 0.25)[0] and exercises.check_answer("97-float", 1 / 4)[0]
    assert exercises.check_answer("97-float", np.float32(0.25))[0]
    assert exercises.check_answer("97-float", 0.25 + 1e-9)[0] and not exercises.check_answer("97-float", 0.26)[0]
    assert exercises.check_answer("04-compute-factor", 4)[0]  # an int answer to a float question


def test_choice_accepts_the_key_or_the_option_text_case_insensitively(demos):
    for answer in ("b", "B", " b ", "remove the last stride", "Remove the LAST stride.", "remove  the last\nstride"):
        assert exercises.check_answer("97-choice", answer) == (True, "Correct!"), answer
    assert exercises.check_answer("97-choice", "A") == (False, "rates change the field of view, not the size")
    assert exercises.check_answer("97-choice", "double every rate")[1] == "rates change the field of view, not the size"
    assert exercises.check_answer("97-choice", "c") == (False, "Not quite. Hint: the heatmap side is N / OS; which change halves OS?")
    ok, message = exercises.check_answer("97-choice", "d")
    assert not ok and "'a', 'b', 'c'" in message and "its letter or its text" in message
    assert "'a', 'b', 'c'" in exercises.check_answer("97-choice", 2)[1]


def test_sets_lists_pairs_and_bools_accept_their_natural_spellings(demos):
    for answer in ({4, 6, 9}, [9, 6, 4], (4, 6, 9), np.array([4, 6, 9]), frozenset({4.0, 6, 9})):
        assert exercises.check_answer("97-set", answer)[0], answer
    assert not exercises.check_answer("97-set", {4, 6})[0]
    for answer in ([24, 48, 72], (24, 48, 72), np.array([24, 48, 72]), [24.0, 48, 72]):
        assert exercises.check_answer("97-list", answer)[0], answer
    assert not exercises.check_answer("97-list", [48, 24, 72])[0]  # order matters
    for answer in ((1, 2), [1, 2], np.array([1, 2])):
        assert exercises.check_answer("97-pair", answer)[0], answer
    assert exercises.check_answer("97-pair", (3, 0)) == (False, "that is the total, split it")
    for answer in (False, np.bool_(False), "false", "False"):
        assert exercises.check_answer("97-bool", answer)[0], answer


def test_every_registered_exercise_accepts_its_own_expected_answer():
    for key, ex in exercises.registry().items():
        assert exercises.check_answer(key, ex.expected()) == (True, "Correct!"), key
        assert ex.resolved_kind() in exercises.KINDS


# --------------------------------------------------------------------------- construction


GOOD = dict(key="98-ok", question="q?", expected=lambda: 1, hint="h", explanation=lambda: "e")


@pytest.mark.parametrize("change, error, field", [
    ({"key": "x"}, ValueError, "key"),
    ({"key": 5}, TypeError, "key"),
    ({"question": ""}, ValueError, "question"),
    ({"question": None}, TypeError, "question"),
    ({"expected": 3}, TypeError, "expected"),
    ({"hint": "  "}, ValueError, "hint"),
    ({"explanation": "typed text"}, TypeError, "explanation"),
    ({"kind": "text"}, ValueError, "kind"),
    ({"kind": "choice"}, ValueError, "options"),
    ({"options": {"a": "x"}}, ValueError, "options"),
    ({"options": {"a": "x", "A": "y"}}, ValueError, "options"),
    ({"options": {"a": "x", "b": "X"}}, ValueError, "options"),
    ({"options": {"a": "b", "b": "y"}}, ValueError, "options"),
    ({"options": {"a": 1, "b": "y"}}, TypeError, "options"),
    ({"options": ["a", "b"]}, TypeError, "options"),
    ({"kind": "number", "options": {"a": "x", "b": "y"}}, ValueError, "options"),
    ({"mistakes": Mistake("m", hint="h", value=lambda: 2)}, TypeError, "mistakes"),
    ({"mistakes": ("off by one",)}, TypeError, "mistakes"),
    ({"mistakes": (Mistake("m", hint="h", value=lambda: 2), Mistake("m", hint="g", value=lambda: 3))}, ValueError, "mistakes"),
    ({"predict_first": "yes"}, TypeError, "predict_first"),
    ({"spoiler_forms": ["49"]}, TypeError, "spoiler_forms"),
])
def test_exercise_fields_are_validated_naming_the_field(change, error, field):
    with pytest.raises(error, match=field):
        Exercise(**{**GOOD, **change})


@pytest.mark.parametrize("kwargs, error, field", [
    ({"name": "", "hint": "h", "value": lambda: 1}, ValueError, "name"),
    ({"name": "m", "hint": 3, "value": lambda: 1}, TypeError, "hint"),
    ({"name": "m", "hint": "h"}, ValueError, "value="),
    ({"name": "m", "hint": "h", "value": lambda: 1, "when": lambda a: True}, ValueError, "value="),
    ({"name": "m", "hint": "h", "value": 3}, TypeError, "value"),
    ({"name": "m", "hint": "h", "when": True}, TypeError, "when"),
    ({"name": "m", "hint": "h", "value": lambda: 1, "example": lambda: 1}, ValueError, "example"),
])
def test_mistake_fields_are_validated_naming_the_field(kwargs, error, field):
    with pytest.raises(error, match=field):
        Mistake(**kwargs)


def test_choice_is_inferred_from_options_and_its_expected_key_must_be_an_option(monkeypatch):
    bad = Exercise(**{**GOOD, "key": "98-bad-choice", "options": {"a": "x", "b": "y"}, "expected": lambda: "z"})
    assert bad.resolved_kind() == "choice"
    with pytest.raises(ValueError, match="98-bad-choice"):
        bad.expected_answer()


def test_unknown_keys_and_duplicates_are_refused():
    with pytest.raises(ValueError, match="unknown exercise"):
        exercises.check_answer("99-nope", 1)
    with pytest.raises(TypeError, match="key"):
        exercises.solution(5)
    with pytest.raises(ValueError, match="already registered"):
        exercises.register(exercises.registry()["00-warmup"])


# --------------------------------------------------------------------------- hidden solutions and reveals


@pytest.mark.parametrize("key", list(ALL))
def test_solutions_are_collapsed_html_with_a_spoiler_free_plain_text(key, demos):
    shown = exercises.solution(key)
    plain = repr(shown)
    assert plain == (
        "Worked solution hidden: open 'Show the worked solution', "
        f"or print(exercises.solution_text({key!r}))"
    )
    page = shown._repr_html_()
    assert page.startswith('<details class="sh-solution"><summary>Show the worked solution</summary>')
    assert "<details open" not in page and page.endswith("</details>")
    text = exercises.solution_text(key)
    assert text.startswith("Answer: ") and len(text) > len("Answer: x. ")
    import html

    assert html.escape(text.split("\n")[0]) in page.replace("<br>", "\n")


def test_solution_text_shows_choices_and_sets_readably(demos):
    assert exercises.solution_text("97-choice").startswith("Answer: b (remove the last stride). ")
    assert exercises.solution_text("97-set").startswith("Answer: {4, 6, 9}. ")
    assert exercises.solution_text("06-overlap-values").startswith("Answer: {4, 6, 9}. ")


def test_reveal_embeds_figures_text_and_html_collapsed(demos):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(1, 1))
    ax.plot([0, 1], [0, 1])

    class Table:
        def _repr_html_(self):
            return "<table><tr><td>planted-cell</td></tr></table>"

    shown = exercises.reveal("97-bool", "<b>no holes</b>", fig, Table())
    assert not plt.fignum_exists(fig.number), "the figure is closed after embedding"
    page = shown._repr_html_()
    assert page.startswith('<details class="sh-reveal"><summary>Reveal: run or open this after you have committed to an answer</summary>')
    assert "&lt;b&gt;no holes&lt;/b&gt;" in page and "data:image/png;base64," in page and "planted-cell" in page
    assert repr(shown) == "Reveal for '97-bool' hidden: open 'Reveal: run or open this after you have committed to an answer'"
    custom = exercises.reveal("97-bool", "x", summary="Run the explorer")
    assert "<summary>Run the explorer</summary>" in custom._repr_html_() and "Run the explorer" in repr(custom)
    with pytest.raises(ValueError, match="at least one item"):
        exercises.reveal("97-bool")
    with pytest.raises(TypeError, match="reveal items"):
        exercises.reveal("97-bool", 3)
    with pytest.raises(ValueError, match="summary"):
        exercises.reveal("97-bool", "x", summary="")


def test_exercises_load_neither_matplotlib_nor_ipywidgets():
    code = (
        "import sys; from helpers import exercises as e; "
        "e.solution('00-warmup')._repr_html_(); e.reveal('00-warmup', 'text')._repr_html_(); "
        "e.check('00-warmup', 4); "
        "print('matplotlib' in sys.modules, 'ipywidgets' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.split()[-2:] == ["False", "False"]


def test_every_notebook_module_registers_its_exercises():
    by_notebook = {key[:2] for key in exercises.keys()}
    assert by_notebook == {f"{n:02d}" for n in range(9)}
    for n in range(9):
        module = getattr(exercises, f"nb{n:02d}")
        assert module.__name__ == f"helpers.exercises.nb{n:02d}"


# ---- tests added for mutants that survived benchmarks/mutation.py (issue 24) ----

def test_bools_equal_only_bools():
    """True is not the number 1 to the checker, in either position (Python's True == 1 is not used)."""
    assert not _engine._equal(True, 1) and not _engine._equal(1, True) and not _engine._equal(False, 0)
    assert not _engine._equal(0, False) and not _engine._equal(True, False)
    assert _engine._equal(True, True) and _engine._equal(False, False)
    assert not _engine._equal([1, 0], [True, False]) and not _engine._equal((True, 3), (1, 3))


def test_set_members_equal_to_nine_decimals_are_one_member():
    h = _engine._hashable
    assert h(0.1234567891) == h(0.123456789) == h(0.1234567894)  # equal to 9 decimals
    assert h(0.12345679) != h(0.123456789) and h(0.123456788) != h(0.123456789)  # differ in the 9th
    assert h(4.0) == 4 and type(h(4.0)) is int and h([1.0, [2.5]]) == (1, (2.5,))


@pytest.mark.parametrize("key, form", [("97-set", "a set of values, like {x, y}"), ("97-list", "a list of values, like [x, y, z]"),
                                       ("97-pair", "a pair of two values, like (x, y)")])
@pytest.mark.parametrize("answer", ["4, 6, 9", b"\x04\x06\x09", {4: 1, 6: 1, 9: 1}, 4, 4.5, True, object()],
                         ids=["str", "bytes", "dict", "int", "float", "bool", "object"])
def test_a_non_container_answer_is_named_as_what_it_is(key, form, answer, demos):
    """A string, bytes, a mapping, a number, a bool or an object is never read as a container
    (bytes b'\\x04\\x06\\x09' would iterate as {4, 6, 9}); the message names the form expected."""
    ok, message = exercises.check_answer(key, answer)
    assert not ok and message.startswith(f"Expected {form}, got ") and "numbers in it" not in message


def test_a_mapping_that_is_not_a_dict_is_not_a_set(demos):
    import types

    ok, message = exercises.check_answer("97-set", types.MappingProxyType({4: 0, 6: 0, 9: 0}))
    assert not ok and message.startswith("Expected a set of values, like {x, y}, got ")


def test_an_array_module_array_is_not_taken_for_a_numpy_array(demos):
    """Only objects with a shape (numpy) are unpacked with .tolist(); array.array has .tolist() but no shape."""
    import array

    ok, message = exercises.check_answer("97-list", array.array("i", [24, 48, 72]))
    assert not ok and message.startswith("Expected a list of values, like [x, y, z], got ")


def test_a_fractional_member_is_a_wrong_answer_not_a_malformed_one(demos):
    assert exercises.check_answer("97-set", {4.5, 6, 9}) == (False, "Not quite. Hint: multiply the per-axis counts")
    assert exercises.check_answer("97-list", [24.5, 48, 72]) == (False, "Not quite. Hint: keep rate × OS constant")


def test_numbers_are_required_only_when_every_expected_member_is_a_number(monkeypatch):
    for kind, expected, right in (("set", lambda: {"x", 2}, {2, "x"}), ("list", lambda: ["x", 2], ["x", 2])):
        demo = Exercise(key=f"96-mixed-{kind}", question="?", expected=expected, hint="h", explanation=lambda: "e")
        monkeypatch.setitem(_engine._REGISTRY, demo.key, demo)
        assert exercises.check_answer(demo.key, right) == (True, "Correct!")


def test_numbers_compare_with_a_relative_tolerance_of_one_millionth():
    eq = _engine._equal
    assert eq(4, 4 + 1e-9) and eq(4 + 1e-9, 4) and not eq(4, 5)  # an int expected, a float answer: tolerance too
    assert eq(0.0, 1e-6) and not eq(0.0, 1.5e-6)  # |x| < 1: absolute 1e-6, the bound included
    assert eq(1000.0, 1000.0005) and not eq(1000.0, 1000.002)  # |x| > 1: relative 1e-6


def test_containers_equal_only_containers_of_the_same_family():
    eq = _engine._equal
    assert not eq([4, 6, 9], frozenset({4, 6, 9})) and not eq(frozenset({4, 6, 9}), [4, 6, 9])
    assert not eq((4, 6, 9), frozenset({4, 6, 9})) and eq([4, 6, 9], (4, 6, 9))
    assert not eq([4], 4) and not eq(4, [4])


def test_a_comparison_that_raises_is_not_equal():
    class Moody:
        def __eq__(self, other):
            raise RuntimeError("no comparing")

        __hash__ = object.__hash__

    assert _engine._equal(Moody(), 1) is False and _engine._equal(1, Moody()) is False


def test_an_answer_that_breaks_while_being_read_gets_a_sentence(demos):
    class Exploding:
        def __iter__(self):
            raise RuntimeError("boom")

    ok, message = exercises.check_answer("97-set", Exploding())
    assert not ok and message.startswith("Expected a set of values, like {x, y}, got ") and message.endswith("Try again.")
