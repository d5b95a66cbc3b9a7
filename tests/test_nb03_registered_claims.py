"""Notebook 03's registered claims (helpers/claims/nb03.py): each sweep is empty; the breaks of issue 20 are
reproduced with the tap-walking oracle of tests/oracles.py (no shared code with the claims module)."""

from __future__ import annotations

import pytest
from oracles import reachable_inputs

from helpers import Layer, exercises
from helpers.claims import nb03

CHECKS = [nb03._periodic_exponential, nb03._stride_equals_rate, nb03._fixed_rate_linear, nb03._resnet50_field]


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_sweep_finds_no_counter_example(check):
    assert list(check()) == []


def _r(layers):
    coords = reachable_inputs(layers, 0)
    return max(coords) - min(coords) + 1


def test_periodic_breaks_of_issue_20():
    """'Only while each layer's contribution keeps doubling' was wrong: a stride 2 every third layer gives
    7, 19, 43, 91 (about ×2 per period), rates ×3 per layer give 3, 9, 27, 81."""
    every_third = [Layer(3, stride=2 if i % 3 == 2 else 1, padding=1) for i in range(12)]
    assert [_r(every_third[:n]) for n in (3, 6, 9, 12)] == [7, 19, 43, 91]
    assert [_r([Layer(3, dilation=3**i, padding=3**i) for i in range(n)]) for n in (1, 2, 3, 4)] == [3, 9, 27, 81]


def test_periodic_sweep_reports_a_wrong_formula(monkeypatch):
    monkeypatch.setattr(nb03, "_field", lambda layers: len(layers) + 1)   # a linear field: must be reported
    assert list(nb03._periodic_exponential())


def test_stride_position_answer_by_walking_taps():
    a = [Layer(3, stride=2, padding=1)] + [Layer(3, padding=1)] * 3
    b = [Layer(3, padding=1)] * 3 + [Layer(3, stride=2, padding=1)]
    assert (_r(a), _r(b)) == (15, 9)
    assert exercises.check_answer("03-stride-position", "a")[0]
    assert exercises.mistake_for("03-stride-position", "c") == "same layers, same field"


def test_pool_stack_slip_13_has_its_hint():
    """Issue 20: 13 in the pool question is the updated jump used for the pool itself."""
    assert exercises.mistake_for("03-pool-stack", 13) == "updated jump used for the pool itself"


def test_doubling_depth_generic_hint_hides_the_closed_form():
    hint = exercises.registry()["03-doubling-depth"].hint
    assert "2^(" not in hint and "2**" not in hint
