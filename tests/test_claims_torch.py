"""The claims' PyTorch sweeps (``torch_check``): the same statements, checked against PyTorch's
own operators rather than the course's reference code (REDTEAM.md step 3)."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")

from helpers.claims import registry  # noqa: E402

TORCH_CLAIMS = {cid: c for cid, c in registry().items() if c.torch_check is not None}


@pytest.mark.parametrize("claim_id", list(TORCH_CLAIMS))
def test_claim_holds_against_pytorch(claim_id):
    bad = TORCH_CLAIMS[claim_id].torch_counterexamples()
    assert not bad, f"{claim_id}: PyTorch disagrees at {bad}"


def test_a_torch_check_that_finds_a_counterexample_reports_it():
    import torch

    from helpers.claims import Domain, _core, claim, get

    def wrong():  # "a 3-tap valid convolution keeps the size" — false, PyTorch says n - 2
        return [n for n in range(3, 8) if torch.nn.functional.conv1d(torch.ones(1, 1, n), torch.ones(1, 1, 3)).shape[-1] != n]

    claim("nb99-torch-false", statement="x", domain=Domain(params={"n": range(3, 8)}), torch_check=wrong)(lambda: [])
    try:
        assert get("nb99-torch-false").torch_counterexamples() == [3, 4, 5, 6, 7]
    finally:
        _core._REGISTRY.pop("nb99-torch-false")
