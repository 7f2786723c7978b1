"""``python -m citelint`` runs the command line."""

from citelint.cli import run

run()
