"""Notebook 06: bilinear_upsample against torch.nn.functional.interpolate (optional; skipped without torch)."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

from helpers import bilinear_upsample  # noqa: E402


@given(
    h=st.integers(1, 8), w=st.integers(1, 8), h_out=st.integers(1, 20), w_out=st.integers(1, 20),
    align=st.booleans(), seed=st.integers(0, 999),
)
def test_bilinear_matches_torch(h, w, h_out, w_out, align, seed):
    x = np.random.default_rng(seed).standard_normal((1, 2, h, w))
    ref = F.interpolate(torch.from_numpy(x), size=(h_out, w_out), mode="bilinear", align_corners=align).numpy()
    np.testing.assert_allclose(bilinear_upsample(x, (h_out, w_out), align_corners=align), ref, rtol=1e-9, atol=1e-9)
