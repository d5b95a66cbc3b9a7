"""The claim registry (issue 18): every universal sentence is linked to a swept claim.

- every marker names a registered claim, and every notebook claim is linked from somewhere;
- every claim's brute-force sweep finds no counter-example;
- each claim's domain covers the control ranges it names, follows the domain rule of its notebook,
  and the words of its ``scope`` stand in every sentence linked to it;
- every flagged universal sentence is marked, allowed, or still listed in ``pending.py``, and
  the pending list holds nothing stale.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import claims
from helpers.claims import Domain, registry
from helpers.claims.pending import PENDING
from helpers.claims.scan import exercise_sentences, flagged, normalise, notebook_sentences

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
CLAIMS = registry()


def _all_sentences():
    out = []
    for nb in NOTEBOOKS:
        out.extend(notebook_sentences(nb))
    out.extend(exercise_sentences())
    return out


SENTENCES = _all_sentences()


def _linked(claim_id: str):
    return [s for s in SENTENCES if claim_id in s.claims]


def test_every_marker_names_a_registered_claim():
    unknown = sorted({(s.where, s.cell, cid) for s in SENTENCES for cid in s.claims if cid not in CLAIMS},
                     key=str)
    assert not unknown, f"markers naming no registered claim: {unknown}"


def test_every_claim_is_linked_from_the_course():
    unlinked = [cid for cid, c in CLAIMS.items() if not _linked(cid) and not c.where]
    assert not unlinked, f"registered claims that no sentence names (add the marker, or where=): {unlinked}"


@pytest.mark.parametrize("claim_id", list(CLAIMS))
def test_claim_holds_on_its_domain(claim_id):
    bad = CLAIMS[claim_id].counterexamples()
    assert not bad, f"{claim_id}: counter-examples {bad}"


@pytest.mark.parametrize("claim_id", [cid for cid, c in CLAIMS.items() if c.domain.reach])
def test_domain_covers_the_control_ranges_it_names(claim_id):
    c = CLAIMS[claim_id]
    for name in c.domain.reach:
        for param, values in claims.ranges(name).items():
            if param in c.domain.params:
                missing = sorted(set(values) - set(c.domain.params[param]))
                assert not missing, f"{claim_id}: {name} offers {param} = {missing} outside the domain"


_UNDILATED = ("no dilation", "without dilation", "undilated")


@pytest.mark.parametrize("claim_id", [cid for cid, c in CLAIMS.items() if c.domain.reach])
def test_a_control_offering_dilation_is_swept_or_the_claim_says_no_dilation(claim_id):
    """A control with dilation d > 1 puts d in the domain, or the scope says the claim is undilated.

    The coverage test above only compares the parameters a domain already has; a domain with no ``d``
    passed it silently although the learner can set the dilation (notebook 01's claims, issue nb01d).
    """
    c = CLAIMS[claim_id]
    for name in c.domain.reach:
        dilations = [v for v in claims.ranges(name).get("d", ()) if v > 1]
        if dilations and "d" not in c.domain.params:
            assert any(words in c.scope.lower() for words in _UNDILATED), (
                f"{claim_id}: {name} offers dilation d = {dilations[0]}–{dilations[-1]}, but the domain has no d "
                f"and the scope {c.scope!r} does not say {' / '.join(repr(w) for w in _UNDILATED)}: sweep d over "
                f"the control's range, or scope the claim in words")


def _span(domain: Domain) -> int:
    k = max(domain.params.get("k", (1,)))
    d = max(domain.params.get("d", (1,)))
    return d * (k - 1) + 1


@pytest.mark.parametrize("claim_id", list(CLAIMS))
def test_domain_rule(claim_id):
    """Dilation once 02 has taught it, transposed layers once 06 has, small inputs; else a scope."""
    c = CLAIMS[claim_id]
    params, nb = c.domain.params, c.notebook
    if c.scope:
        return  # a narrower domain, said in words (checked below)
    if nb is not None and nb >= "02" and "d" in params:
        assert max(params["d"]) > 1, f"{claim_id}: notebook {nb} has taught dilation; sweep d > 1 or scope it"
    if nb is not None and nb >= "06" and c.domain.kinds and {"conv", "pool"} & set(c.domain.kinds):
        assert "transposed" in c.domain.kinds, f"{claim_id}: notebook {nb} has taught transposed layers"
    if "n" in params and all(isinstance(v, int) for v in params["n"]):
        assert min(params["n"]) <= 2, f"{claim_id}: small inputs (N = 1, 2) are outside the domain"
        assert max(params["n"]) >= min(2 * _span(c.domain), 64), f"{claim_id}: N stops below twice the span"


@pytest.mark.parametrize("claim_id", [cid for cid, c in CLAIMS.items() if c.scope])
def test_scope_is_said_in_every_linked_sentence(claim_id):
    c = CLAIMS[claim_id]
    words = normalise(c.scope).lower()
    missing = [(s.where, s.cell, s.text) for s in _linked(claim_id) if words not in s.text.lower()]
    assert not missing, f"{claim_id}: the sentence must say its scope {c.scope!r}: {missing}"


def _pending_key(s) -> str:
    if s.where.startswith("exercise:"):
        return "exercises " + s.where.split(":")[1][:2]
    return s.where


def _flagged_by_key():
    out: dict[str, set[str]] = {}
    for s in flagged(SENTENCES):
        out.setdefault(_pending_key(s), set()).add(normalise(s.text))
    return out


def test_every_universal_sentence_is_a_claim_or_pending():
    flagged_now = _flagged_by_key()
    new = []
    for key, texts in flagged_now.items():
        entries = PENDING.get(key, [])
        new += [(key, t) for t in sorted(texts) if not any(t.startswith(e) for e in entries)]
    assert not new, (
        "universal sentences with no claim id: mark each with <!-- claim: ID --> after the sentence and "
        "register the claim in helpers/claims/nbNN.py, or rephrase it (see README, 'Adding a claim'):\n"
        + "\n".join(f"  {k}: {t}" for k, t in new))


def test_pending_list_has_no_stale_entries():
    flagged_now = _flagged_by_key()
    stale = [(key, e) for key, entries in PENDING.items() for e in entries
             if not any(t.startswith(e) for t in flagged_now.get(key, ()))]
    assert not stale, f"pending.py entries that no longer match a flagged sentence (remove them): {stale}"


# ----------------------------------------------------------------------------------- the mechanism


def test_scanner_flags_an_unmarked_universal_sentence_and_accepts_a_marked_one():
    nb = {"cells": [{"cell_type": "markdown", "source": [
        "Stride never changes the field.<!-- claim: nb99-x --> Dilation always does.\n",
        "Run every cell first. Code like `all(x)` and math $\\forall$ do not count.",
    ]}]}
    flagged_texts = [s.text for s in flagged(notebook_sentences(nb, "fixture.ipynb"))]
    assert flagged_texts == ["Dilation always does."]


def test_marker_before_the_full_stop_and_after_a_space_both_attach():
    texts = claims.sentences("A holds always<!-- claim: nb99-a -->. B holds always. <!-- claim: nb99-b --> C.")
    assert [(s.text, s.claims) for s in texts] == [
        ("A holds always.", ("nb99-a",)), ("B holds always.", ("nb99-b",)), ("C.", ())]


def test_a_break_outside_the_domain_is_refused():
    with pytest.raises(ValueError, match="outside the claim's domain"):
        claims.claim("nb99-too-narrow", statement="x", domain=Domain(params={"d": (1,)}),
                     breaks=[{"d": 2}])(lambda: [])


def test_a_registered_check_that_finds_a_counterexample_reports_it():
    from helpers.claims import _core

    claims.claim("nb99-false", statement="every k is odd", domain=Domain(params={"k": range(1, 5)}))(
        lambda: [k for k in range(1, 5) if k % 2 == 0])
    try:
        assert claims.get("nb99-false").counterexamples() == [2, 4]
    finally:
        _core._REGISTRY.pop("nb99-false")


def test_bad_ids_and_domains_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="nbNN-short-slug"):
        claims.claim("Bad Id", statement="x", domain=Domain())
    with pytest.raises(ValueError, match="not one of"):
        Domain(kinds=("deconv",))
    with pytest.raises(TypeError, match="non-empty tuple or range"):
        Domain(params={"k": []})


def test_markers_render_as_nothing_in_exercise_messages():
    from helpers.exercises import _engine

    assert "claim:" not in _engine._displayed("Always.<!-- claim: nb99-a --> Fine.")


def test_census_prints_every_claim():
    out = subprocess.run([sys.executable, "-m", "helpers.claims", "--no-check"], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    for cid in CLAIMS:
        assert cid in out.stdout
    assert f"{len(CLAIMS)} claims" in out.stdout


# ---- added for mutants that survived benchmarks/mutation.py (issue 24) ----

def test_domain_validates_each_field():
    from helpers.claims import Domain

    for bad in ((), [1, 2], 3, "abc"):
        with pytest.raises(TypeError, match=r"Domain.params\['k'\] must be a non-empty tuple or range"):
            Domain(params={"k": bad})
    with pytest.raises(TypeError, match="must be a mapping"):
        Domain(params=[("k", (1,))])
    for dims in ((), (0,), (4,), (1, 4), (2, 0)):
        with pytest.raises(ValueError, match="Domain.dims must hold 1, 2 or 3"):
            Domain(dims=dims)
    for dims in ((1,), (2,), (3,), (1, 2, 3)):
        assert Domain(dims=dims).dims == dims
    with pytest.raises(ValueError, match="is not one of"):
        Domain(kinds=("conv", "deconv"))
    assert Domain(params={"k": range(1, 4)}).params == {"k": (1, 2, 3)}


def test_domain_size_counts_the_grid():
    from helpers.claims import Domain

    assert Domain().size == 1
    assert Domain(params={"k": range(1, 4), "s": (1, 2)}).size == 6
    assert Domain(params={"k": (1, 2, 3)}, kinds=("conv", "pool"), dims=(1, 2)).size == 3 * 2 * 2
    assert Domain(params={"k": (5,)}, dims=(2,)).size == 1


def test_domain_contains_each_kind_of_coordinate():
    from helpers.claims import Domain

    d = Domain(params={"k": (1, 2, 3), "layers": ((1, 2), (3,))}, kinds=("conv",), dims=(2,))
    assert d.contains({"k": 3, "kind": "conv", "dim": 2, "other": "ignored"})
    assert not d.contains({"k": 4}) and not d.contains({"kind": "pool"}) and not d.contains({"dim": 1})
    assert d.contains({"layers": (1, 2)}) and not d.contains({"layers": (1,)})
    assert Domain(params={"k": (1, 2, 3)}).contains({"k": [1, 3]}) and not Domain(params={"k": (1, 2, 3)}).contains({"k": [1, 4]})
    assert Domain(params={"k": (1,)}).contains({"kind": "anything"})  # no kinds listed: any kind


def test_domain_describe_each_form_of_range():
    from helpers.claims import Domain

    assert Domain(params={"k": range(1, 6), "s": (1, 2)}, dims=(1, 2)).describe() == "k 1–5, s 1–2; 1-D and 2-D"
    assert Domain(params={"k": (3,)}).describe() == "k 3; 1-D"
    assert Domain(params={"k": (1, 3, 5)}).describe() == "k 1, 3, 5; 1-D"
    assert Domain(params={"k": (1, 3, 5, 7, 9, 11)}).describe() == "k 1, 3, 5, 7, 9, 11; 1-D"
    assert Domain(params={"k": (1, 3, 5, 7, 9, 11, 13)}).describe() == "k 7 values; 1-D"
    assert Domain(params={"m": ("a", "b")}, kinds=("conv", "pool")).describe() == "m a, b; conv/pool; 1-D"
    assert Domain(params={"f": (1.0, 2.0)}).describe() == "f 1.0, 2.0; 1-D"


def test_domain_contains_a_list_against_a_single_value_range():
    from helpers.claims import Domain

    assert Domain(params={"k": (3,)}).contains({"k": [3, 3]})
    assert not Domain(params={"k": (3,)}).contains({"k": [3, 4]})


def test_domain_describe_mixed_numbers_lists_them():
    from helpers.claims import Domain

    assert Domain(params={"x": (1, 2.5)}).describe() == "x 1, 2.5; 1-D"


def test_claim_counterexamples_and_torch_counterexamples_report_what_the_checks_yield():
    from helpers.claims import Domain
    from helpers.claims._core import Claim

    c = Claim("nb99-x", "x", Domain(), lambda: iter([1, 2, 3]), torch_check=lambda: (x for x in "abcdefg"))
    assert c.counterexamples() == [1, 2, 3] and c.counterexamples(limit=2) == [1, 2]
    assert c.torch_counterexamples() == list("abcde") and c.torch_counterexamples(limit=1) == ["a"]
    none = Claim("nb99-y", "y", Domain(), lambda: None, torch_check=lambda: None)
    assert none.counterexamples() == [] and none.torch_counterexamples() == []
    with pytest.raises(ValueError, match="'nb99-y' has no torch_check"):
        Claim("nb99-y", "y", Domain(), lambda: []).torch_counterexamples()


def test_a_claim_needs_a_sentence_and_one_check_per_id():
    from helpers.claims import _core

    for bad in ("", "   ", 3, None):
        with pytest.raises(ValueError, match="'nb99-empty': statement must be a non-empty sentence"):
            claims.claim("nb99-empty", statement=bad, domain=Domain())
    with pytest.raises(TypeError, match="'nb99-empty': domain must be a Domain, got dict"):
        claims.claim("nb99-empty", statement="x", domain={})

    def check():
        return []

    def other():
        return []

    try:
        claims.claim("nb99-twice", statement="x", domain=Domain())(check)
        claims.claim("nb99-twice", statement="x", domain=Domain())(check)  # the same check again (a re-import): fine
        assert claims.get("nb99-twice").check is check
        with pytest.raises(ValueError, match="'nb99-twice' is registered twice"):
            claims.claim("nb99-twice", statement="x", domain=Domain())(other)
    finally:
        _core._REGISTRY.pop("nb99-twice", None)


def test_registry_is_sorted_by_id_and_notebook_is_the_two_digits():
    from helpers.claims._core import Claim

    ids = list(registry())
    assert ids == sorted(ids)  # registration order is the modules' order, not this one
    assert Claim("nb07-x", "x", Domain(), list).notebook == "07"
    assert Claim("nb10-long-slug", "x", Domain(), list).notebook == "10"
    assert Claim("explorer-x", "x", Domain(), list).notebook is None
