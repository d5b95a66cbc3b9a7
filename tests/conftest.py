import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).parent))  # so tests can import oracles

# CI runs more examples; a reader's local run stays quick.
settings.register_profile("ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


import pytest  # noqa: E402


@pytest.fixture(scope="session")
def built_site():
    """The course website, built once per test run into test-artifacts/site (see helpers.publish)."""
    pytest.importorskip("jupyter_book", reason="the website needs the [test] extra (jupyter-book<2)")
    from helpers import publish

    return publish.build_site(Path(__file__).resolve().parent.parent / "test-artifacts" / "site")
