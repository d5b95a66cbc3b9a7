import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).parent))  # so tests can import oracles

# CI runs more examples; a reader's local run stays quick.
settings.register_profile("ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("mutation", max_examples=40, deadline=None, database=None)  # benchmarks/mutation.py: one run per mutant
settings.load_profile(os.environ.get("SH_HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))


import pytest  # noqa: E402


#: Test modules that build or read the website and the nbconvert pages in test-artifacts/: one
#: worker runs them all, so the site is built once and no two processes write the same folder.
PAGE_MODULES = {"test_website.py", "test_static_pages.py", "test_kernel_free_pages.py", "test_local_mathjax.py"}
#: Modules whose tests share one Jupyter server (a module fixture): kept together on one worker.
SERVER_MODULES = {"test_explorers_browser.py"}


def xdist_scope(nodeid: str) -> str:
    """The unit of work a test belongs to when pytest-xdist spreads the suite over processes.

    A notebook's cells share one kernel, so nbval's items of a notebook are one unit; the
    page and server modules above stay whole. Every other test is a unit of its own.

    >>> xdist_scope("notebooks/01_stride.ipynb::Cell 3")
    'notebooks/01_stride.ipynb'
    >>> xdist_scope("tests/test_website.py::test_the_site_builds_without_warnings")
    'pages'
    >>> xdist_scope("tests/test_conv.py::test_conv2d_matches_loops")
    'tests/test_conv.py::test_conv2d_matches_loops'
    """
    path = nodeid.split("::", 1)[0]
    name = path.rsplit("/", 1)[-1]
    if name.endswith(".ipynb") or name in SERVER_MODULES:
        return path
    if name in PAGE_MODULES:
        return "pages"
    return nodeid


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Schedule by :func:`xdist_scope` (pyproject's addopts run two workers with ``--dist loadscope``).

    ``--dist loadgroup`` would do this with marks, but pytest-xdist 3.8 tags a group by
    rewriting ``item._nodeid``, which pytest 9.2 no longer reads; a scope function works
    with every version.
    """
    if config.getvalue("dist") not in ("load", "loadscope", "loadgroup"):
        return None
    from xdist.scheduler import LoadScopeScheduling

    class CourseScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return xdist_scope(nodeid)

    return CourseScheduling(config, log)


@pytest.fixture(scope="session")
def built_site():
    """The course website, built once per test run into test-artifacts/site (see helpers.publish)."""
    pytest.importorskip("jupyter_book", reason="the website needs the [test] extra (jupyter-book<2)")
    from helpers import publish

    return publish.build_site(Path(__file__).resolve().parent.parent / "test-artifacts" / "site")


@pytest.fixture(scope="module")
def one_torch_thread():
    """PyTorch on one thread for a module's tests (the machine is shared: OpenMP threads would spin against
    each other), restored afterwards. Use with ``pytestmark = pytest.mark.usefixtures("one_torch_thread")``."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
