"""Former home of :func:`helpers.audit`; kept so old imports work. The code lives in :mod:`helpers.audit`."""

from __future__ import annotations

from .audit import INSTALL_HINT, AuditRefusal, AuditReport, AuditRow, audit, require_torch

__all__ = ["audit", "AuditReport", "AuditRow", "AuditRefusal", "INSTALL_HINT", "require_torch"]
