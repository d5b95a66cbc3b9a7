"""The claim registry: each universal sentence of the course, its domain as data, and its sweep.

A *claim* is a sentence that says always, never, only, exactly, every, all, none, cannot, iff,
sufficient, necessary, guarantees, at most / at least (as a bound), or states a rule without a
quantifier. The course registers each one here with

- ``statement``: what it says, true as worded, including its scope;
- ``domain``: the ranges it is swept over, the layer kinds and 1-D/2-D, as data;
- ``check``: a brute-force sweep of that domain that yields counter-examples (none: it holds);
- optional ``torch_check``: the same sweep, or a sample of it, against PyTorch.

A notebook sentence names its claim with an HTML comment right after it,
``<!-- claim: nb02-residue-interior -->``, which renders as nothing in JupyterLab, on the website,
nbviewer and GitHub. See ``README.md`` ("Adding a claim") for the whole recipe.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

__all__ = ["KINDS", "Domain", "Claim", "claim", "registry", "get", "ID_PATTERN"]

#: Layer kinds a domain can name.
KINDS = ("conv", "pool", "pool-ceil", "transposed", "interpolate", "network")
#: A claim id: ``nbNN-slug`` for notebook claims, ``explorer-slug`` / ``widget-slug`` / ``design-slug``.
ID_PATTERN = re.compile(r"(nb\d\d|explorer|widget|design|audit)-[a-z0-9]+(?:-[a-z0-9]+)*")

_REGISTRY: dict[str, "Claim"] = {}


def _values(name: str, values: Any) -> tuple:
    if isinstance(values, range):
        values = tuple(values)
    if not isinstance(values, tuple) or not values:
        raise TypeError(f"Domain.params[{name!r}] must be a non-empty tuple or range of values, got {values!r}")
    return values


@dataclass(frozen=True)
class Domain:
    """Where a claim is swept: parameter ranges, layer kinds, dimensions, and control ranges covered.

    Parameters
    ----------
    params : mapping of str to tuple
        Each parameter's swept values (``range`` is accepted and stored as a tuple). Usual names:
        ``n`` input size, ``k``, ``s``, ``p``, ``d``, ``op`` (output padding), ``layers``,
        ``rates``, ``os`` (output stride), ``dist``, ``offset``.
    kinds : tuple of str
        Layer kinds swept, from :data:`KINDS`.
    dims : tuple of int
        1 for 1-D, 2 for 2-D (a 2-D sweep includes diagonal cases).
    reach : tuple of str
        Names of control ranges (:data:`helpers.claims.reach.CONTROLS`) the domain must cover.
    note : str
        Anything the ranges cannot say (how a random sample was drawn, a fixed network, ...).

    Examples
    --------
    >>> Domain(params={"k": range(1, 4), "s": (1, 2)}, kinds=("conv",)).size
    6
    """

    params: Mapping[str, tuple] = field(default_factory=dict)
    kinds: tuple[str, ...] = ()
    dims: tuple[int, ...] = (1,)
    reach: tuple[str, ...] = ()
    note: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.params, Mapping):
            raise TypeError(f"Domain.params must be a mapping of name -> values, got {type(self.params).__name__}")
        object.__setattr__(self, "params", {str(k): _values(k, v) for k, v in self.params.items()})
        for kind in self.kinds:
            if kind not in KINDS:
                raise ValueError(f"Domain.kinds: {kind!r} is not one of {', '.join(KINDS)}")
        if not self.dims or any(d not in (1, 2, 3) for d in self.dims):
            raise ValueError(f"Domain.dims must hold 1, 2 or 3, got {self.dims!r}")
        object.__setattr__(self, "kinds", tuple(self.kinds))
        object.__setattr__(self, "dims", tuple(self.dims))
        object.__setattr__(self, "reach", tuple(self.reach))

    @property
    def size(self) -> int:
        """Number of parameter combinations × kinds × dims (the grid, before validity filters)."""
        n = 1
        for values in self.params.values():
            n *= len(values)
        return n * max(1, len(self.kinds)) * len(self.dims)

    def contains(self, point: Mapping[str, Any]) -> bool:
        """Whether every coordinate of ``point`` that the domain names lies in its range.

        Keys the domain does not name are ignored, except ``kind`` and ``dim`` which must be in
        ``kinds`` / ``dims`` when given.

        Examples
        --------
        >>> Domain(params={"k": (1, 2, 3)}).contains({"k": 3, "note": "x"})
        True
        >>> Domain(params={"k": (1, 2, 3)}, kinds=("conv",)).contains({"k": 2, "kind": "transposed"})
        False
        """
        for key, value in point.items():
            if key == "kind":
                if self.kinds and value not in self.kinds:
                    return False
            elif key == "dim":
                if value not in self.dims:
                    return False
            elif key in self.params:
                values = self.params[key]
                if isinstance(value, (list, tuple)) and not isinstance(values[0], (list, tuple)):
                    if not all(v in values for v in value):
                        return False
                elif value not in values:
                    return False
        return True

    def describe(self) -> str:
        """A short text: each range as lo–hi (or the values), kinds, dims.

        Examples
        --------
        >>> Domain(params={"k": range(1, 6), "s": (1, 2)}, dims=(1, 2)).describe()
        'k 1–5, s 1–2; 1-D and 2-D'
        """
        parts = []
        for key, values in self.params.items():
            if all(isinstance(v, int) for v in values) and list(values) == list(range(min(values), max(values) + 1)):
                parts.append(f"{key} {min(values)}–{max(values)}" if len(values) > 1 else f"{key} {values[0]}")
            elif len(values) <= 6:
                parts.append(f"{key} " + ", ".join(map(str, values)))
            else:
                parts.append(f"{key} {len(values)} values")
        text = ", ".join(parts)
        if self.kinds:
            text += "; " + "/".join(self.kinds)
        text += "; " + " and ".join(f"{d}-D" for d in self.dims)
        return text


@dataclass(frozen=True)
class Claim:
    """A registered claim. Build it with the :func:`claim` decorator."""

    id: str
    statement: str
    domain: Domain
    check: Callable[[], Iterable[Any]]
    scope: str = ""
    breaks: tuple[Mapping[str, Any], ...] = ()
    sources: tuple[str, ...] = ()
    where: tuple[str, ...] = ()
    torch_check: Callable[[], Iterable[Any]] | None = None

    @property
    def notebook(self) -> str | None:
        """The two-digit notebook number for ``nbNN-`` ids, else None."""
        return self.id[2:4] if self.id.startswith("nb") else None

    def counterexamples(self, limit: int = 5) -> list[Any]:
        """The first ``limit`` counter-examples the sweep finds (empty: the claim holds)."""
        return list(itertools.islice(iter(self.check() or ()), limit))

    def torch_counterexamples(self, limit: int = 5) -> list[Any]:
        """The same against PyTorch (raises ``ValueError`` when the claim has no torch check)."""
        if self.torch_check is None:
            raise ValueError(f"claim {self.id!r} has no torch_check")
        return list(itertools.islice(iter(self.torch_check() or ()), limit))


def claim(
    id: str,
    *,
    statement: str,
    domain: Domain,
    scope: str = "",
    breaks: Iterable[Mapping[str, Any]] = (),
    sources: Iterable[str] = (),
    where: Iterable[str] = (),
    torch_check: Callable[[], Iterable[Any]] | None = None,
) -> Callable[[Callable[[], Iterable[Any]]], Callable[[], Iterable[Any]]]:
    """Register the decorated brute-force sweep as the check of claim ``id``.

    The sweep yields (or returns a list of) counter-examples; none means the claim holds on
    its domain.

    Examples
    --------
    >>> @claim("nb99-demo-odd-squares", statement="The square of an odd number is odd.",
    ...        domain=Domain(params={"m": range(1, 50, 2)}))
    ... def _odd_squares():
    ...     return [m for m in range(1, 50, 2) if (m * m) % 2 == 0]
    >>> get("nb99-demo-odd-squares").counterexamples()
    []
    >>> _ = _REGISTRY.pop("nb99-demo-odd-squares")
    """
    if not isinstance(id, str) or not ID_PATTERN.fullmatch(id):
        raise ValueError(f"claim id must look like 'nbNN-short-slug' (or explorer-/widget-/design-/audit-), got {id!r}")
    if not isinstance(statement, str) or not statement.strip():
        raise ValueError(f"claim {id!r}: statement must be a non-empty sentence")
    if not isinstance(domain, Domain):
        raise TypeError(f"claim {id!r}: domain must be a Domain, got {type(domain).__name__}")
    breaks = tuple(dict(b) for b in breaks)
    for b in breaks:
        if not domain.contains(b):
            raise ValueError(f"claim {id!r}: the break {b} lies outside the claim's domain; widen the domain")

    def register(check: Callable[[], Iterable[Any]]) -> Callable[[], Iterable[Any]]:
        if id in _REGISTRY and _REGISTRY[id].check.__qualname__ != check.__qualname__:
            raise ValueError(f"claim {id!r} is registered twice")
        _REGISTRY[id] = Claim(id, statement.strip(), domain, check, scope, breaks, tuple(sources), tuple(where),
                              torch_check)
        return check

    return register


def registry() -> dict[str, Claim]:
    """Every registered claim by id (the per-notebook modules are imported first).

    Examples
    --------
    >>> all(c.id == k for k, c in registry().items())
    True
    """
    from . import _load_all

    _load_all()
    return dict(sorted(_REGISTRY.items()))


def get(claim_id: str) -> Claim:
    """The claim registered as ``claim_id``.

    Examples
    --------
    >>> get("no-such-claim")
    Traceback (most recent call last):
    ...
    KeyError: "no claim is registered as 'no-such-claim'; python -m helpers.claims lists them"
    """
    claims = registry()
    if claim_id not in claims:
        raise KeyError(f"no claim is registered as {claim_id!r}; python -m helpers.claims lists them")
    return claims[claim_id]
