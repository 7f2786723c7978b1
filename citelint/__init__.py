"""citelint: check a manuscript's reference list against Crossref and OpenAlex.

>>> from citelint import check
>>> report = check("manuscript.txt", snapshots=["records.jsonl"], offline=True)
>>> report.to_json()
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("citelint")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0"

from citelint.api import check  # noqa: E402
from citelint.models import Finding, Manuscript, Reference, Report  # noqa: E402

__all__ = ["Finding", "Manuscript", "Reference", "Report", "__version__", "check"]
