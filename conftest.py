"""Root conftest: without PyTorch and torchvision (the optional ``audit`` extra), skip what needs them.

CI installs the extra, so there everything runs; a reader without it still gets a green run of the
rest. (tests/test_audit.py skips itself with pytest.importorskip.)
"""

import importlib.util

collect_ignore = []
if importlib.util.find_spec("torch") is None or importlib.util.find_spec("torchvision") is None:
    collect_ignore += ["helpers/network_audit.py", "notebooks/08_audit_a_real_network.ipynb"]
