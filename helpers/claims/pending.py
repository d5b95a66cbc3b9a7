"""Universal sentences not yet converted to claims (issue 18), by notebook.

Each entry is the start of a flagged sentence (normalised). The third-edition notebook issues empty
these lists; ``tests/test_claims.py`` fails on a flagged sentence that is neither marked nor here,
and on an entry here that no longer matches a flagged sentence.
Regenerate with ``python -m helpers.claims --pending``.
"""

PENDING: dict[str, list[str]] = {
}
