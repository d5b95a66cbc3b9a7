"""Sentences with a universal word that are not claims, each with its reason.

A phrase here exempts every sentence that contains it (case-insensitive). Keep the list short:
rephrasing is usually better than an exemption.
"""

ALLOWED: dict[str, str] = {
    "run every cell": "an instruction to the reader, not a statement about convolutions",
    "run all": "the name of a JupyterLab menu command",
}
