"""citelint: check a manuscript's reference list against Crossref and OpenAlex."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("citelint")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0"
