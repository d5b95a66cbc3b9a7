"""How the browser tests behave on a machine without a browser (no browser needed to check this)."""

import pytest

import browser_support


@pytest.fixture
def no_chromium(monkeypatch):
    monkeypatch.setattr(browser_support, "find_chromium", lambda: None)


def test_without_chromium_a_reader_gets_a_skip_that_says_how_to_enable(no_chromium, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"apt-get install chromium"):
        browser_support.require_browser()


@pytest.mark.parametrize("value", ["true", "1", "True"])
def test_without_chromium_ci_fails(no_chromium, monkeypatch, value):
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match=r"CI=true, so the browser tests must run: no Chromium found"):
        browser_support.require_browser()


@pytest.mark.parametrize("value", ["", "false", "0"])
def test_ci_off_values(monkeypatch, value):
    monkeypatch.setenv("CI", value)
    assert not browser_support.in_ci()


def test_notebook_facts_know_which_errors_are_expected(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# x"),
        nbformat.v4.new_code_cell("1"),
        nbformat.v4.new_code_cell(""),  # an empty cell does not get an execution count
        nbformat.v4.new_code_cell("1/0", metadata={"tags": ["raises-exception"]}),
    ]
    path = tmp_path / "x.ipynb"
    nbformat.write(nb, path)
    facts = browser_support.NotebookFacts.read(path)
    assert facts.allowed_errors == {2}  # third code cell
    assert facts.allowed_error_counts == {2}  # second cell that runs
