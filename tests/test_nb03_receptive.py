"""Notebook 03's pure helpers: rf_table, erf_std, uniform_erf_std — against path walking and published tables."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from oracles import path_counts, reachable_inputs, tf_same_split

from helpers import Layer, effective_receptive_field, erf_std, resnet50, rf_table, uniform_erf_std, vgg16

layer_st = st.builds(
    Layer,
    kernel=st.integers(1, 5),
    stride=st.integers(1, 3),
    dilation=st.integers(1, 3),
    padding=st.integers(0, 3),
)


def parse(table):
    """Rows of an rf_table as lists of strings (layer names contain no spaces)."""
    lines = table.splitlines()
    return lines[0], [line.split() for line in lines[1:]]


# --------------------------------------------------------------------------- rf_table


@given(st.lists(layer_st, min_size=1, max_size=5))
def test_rf_table_rows_match_path_walk(layers):
    _, rows = parse(rf_table(layers))
    assert len(rows) == len(layers)
    for i, (row, layer) in enumerate(zip(rows, layers)):
        prefix = layers[: i + 1]
        first, second = reachable_inputs(prefix, 0), reachable_inputs(prefix, 1)
        r, P, S = max(first) - min(first) + 1, -min(first), min(second) - min(first)
        centre = (min(first) + max(first)) / 2
        assert row[0] == f"layer{i + 1}"
        assert [int(v) for v in row[1:4]] == [layer.kernel, layer.stride, layer.dilation]
        assert row[4] == str(layer.padding)
        assert int(row[5]) == layer.dilation * (layer.kernel - 1) + 1
        assert [int(v) for v in row[6:9]] == [r, S, P]
        assert float(row[9]) == centre


def test_rf_table_published_column_agrees_with_araujo():
    # Araujo, Norris & Sim, Distill 2019, vgg_16 per-endpoint table (r / S / P)
    published = {"conv1_1": (3, 1, 1), "pool1": (6, 2, 2), "pool3": (44, 8, 18), "pool5": (212, 32, 90)}
    header, rows = parse(rf_table(vgg16(), published=published))
    assert header.split()[-3:] == ["published", "r/S/P", "agrees"]
    by_name = {row[0]: row for row in rows}
    for name, (r, S, P) in published.items():
        assert by_name[name][-2:] == [f"{r}/{S}/{P}", "yes"]
    assert len(by_name["conv1_2"]) == 10  # no published value: both extra cells blank


def test_rf_table_flags_a_wrong_published_value():
    _, rows = parse(rf_table(vgg16(), published={"pool5": (211, 32, 90)}))
    assert rows[-1][-2:] == ["211/32/90", "NO"]


def test_rf_table_names_selects_rows_in_stack_order():
    _, rows = parse(rf_table(vgg16(), names=["pool5", "pool1"]))
    assert [row[0] for row in rows] == ["pool1", "pool5"]
    assert [int(v) for v in rows[1][6:9]] == [212, 32, 90]  # Araujo et al.: vgg_16 pool5


def test_rf_table_shows_asymmetric_same_padding():
    # TF-Slim ResNet pool1: 3x3, stride 2, "SAME" on the 112-pixel map after conv1
    _, rows = parse(rf_table(resnet50(), input_size=224, names=["pool1"]))
    before, after = tf_same_split(112, 3, 2, 1)
    assert rows[0][4] == f"{before}/{after}" == "0/1"


@pytest.mark.parametrize(
    "kwargs, exc, words",
    [
        (dict(published=[("pool5", (1, 1, 1))]), TypeError, "published must be a dict"),
        (dict(published={"pool9": (1, 1, 1)}), ValueError, "'pool9' is not a printed layer"),
        (dict(published={"pool5": (1, 1)}), ValueError, "must be a triple"),
        (dict(published={"pool5": (1, 1, "1")}), TypeError, "published['pool5'][2] must be an integer"),
        (dict(names="pool5"), TypeError, "not a single string"),
        (dict(names=["pool6"]), ValueError, "no layer called 'pool6'"),
        (dict(names=["pool1"], published={"pool5": (212, 32, 90)}), ValueError, "'pool5' is not a printed layer"),
    ],
)
def test_rf_table_errors(kwargs, exc, words):
    with pytest.raises(exc) as info:
        rf_table(vgg16(), **kwargs)
    assert words in str(info.value)


def test_rf_table_needs_input_size_for_strided_same():
    with pytest.raises(ValueError, match="pass input_size"):
        rf_table([Layer(3, stride=2, padding="same")])


# --------------------------------------------------------------------------- erf_std


def std_of_counts(counts):
    p = counts / counts.sum()
    x = np.arange(p.size)
    mean = (p * x).sum()
    return float(np.sqrt((p * (x - mean) ** 2).sum()))


def test_erf_std_of_two_points():
    a = np.zeros((5, 9))
    a[2, 1] = a[2, 7] = 1.0  # columns 1 and 7: mean 4, offsets +-3 -> variance 9; rows: variance 0
    assert erf_std(a) == pytest.approx(np.sqrt((9 + 0) / 2))


def test_erf_std_ignores_scale_and_position():
    rng = np.random.default_rng(3)
    blob = np.zeros((20, 20))
    blob[2:7, 3:9] = rng.random((5, 6))
    moved = np.roll(blob, (9, 8), axis=(0, 1))
    assert erf_std(5.0 * blob) == pytest.approx(erf_std(blob)) == pytest.approx(erf_std(moved))


@given(
    kernels=st.lists(st.integers(1, 3), min_size=1, max_size=3),
    strides=st.lists(st.integers(1, 2), min_size=3, max_size=3),
    dilations=st.lists(st.integers(1, 3), min_size=3, max_size=3),
)
def test_erf_std_of_uniform_stack_is_spread_of_path_counts(kernels, strides, dilations):
    # With uniform weights the gradient is (path count along x) * (path count along y) / const,
    # so its spread is that of the 1-D path counts of the oracle.
    layers = [Layer(k, stride=s, dilation=d) for k, s, d in zip(kernels, strides, dilations)]
    counts = path_counts(layers)
    erf = effective_receptive_field(layers, 4 * counts.size + 9)
    assert erf_std(erf) == pytest.approx(std_of_counts(counts), abs=1e-9)


@pytest.mark.parametrize("n", [1, 2, 3, 5])
@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_uniform_erf_std_is_luo_law(n, k):
    # Luo et al. 2016 (derived): std sqrt(n (k^2 - 1) / 12); checked against enumerated tap chains
    assert uniform_erf_std(n, k) == pytest.approx(std_of_counts(path_counts([Layer(k)] * n)))


@pytest.mark.parametrize(
    "call, exc, words",
    [
        (lambda: erf_std(np.ones(4)), ValueError, "non-empty 2-D array"),
        (lambda: erf_std(np.zeros((0, 3))), ValueError, "non-empty 2-D array"),
        (lambda: erf_std(np.zeros((3, 3))), ValueError, "positive sum"),
        (lambda: erf_std(-np.ones((3, 3))), ValueError, "non-negative"),
        (lambda: erf_std(np.full((2, 2), np.nan)), ValueError, "finite"),
        (lambda: erf_std([["a"]]), TypeError, "erf must hold integers or floats"),
        (lambda: uniform_erf_std(0, 3), ValueError, "n_layers must be an integer >= 1"),
        (lambda: uniform_erf_std(2, 2.5), TypeError, "kernel must be an integer"),
    ],
)
def test_erf_errors(call, exc, words):
    with pytest.raises(exc) as info:
        call()
    assert words in str(info.value)
