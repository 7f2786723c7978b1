"""citelint: check a manuscript's reference list against Crossref and OpenAlex.

>>> from citelint import check
>>> report = check("manuscript.txt", snapshots=["records.jsonl"], offline=True)
>>> report.to_json()

Importing the package is cheap: :func:`check` and the models load on first use, so that
``citelint --version`` and ``citelint rules`` start without the pipeline's dependencies.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

#: The distribution name on PyPI. ``citelint`` there is another project (a LaTeX citation
#: linter); this one installs the same ``citelint`` package and command under this name.
DISTRIBUTION = "citelint-integrity"
PROJECT_URL = f"https://pypi.org/project/{DISTRIBUTION}/"

try:
    __version__ = version(DISTRIBUTION)
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0"

if TYPE_CHECKING:
    from citelint.api import check
    from citelint.models import Finding, Manuscript, Reference, Report

_LAZY = {"check": "citelint.api", "Finding": "citelint.models", "Manuscript": "citelint.models",
         "Reference": "citelint.models", "Report": "citelint.models"}

__all__ = ["Finding", "Manuscript", "Reference", "Report", "__version__", "check"]


def __getattr__(name: str) -> Any:
    """Load the public names on first use (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module 'citelint' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value
