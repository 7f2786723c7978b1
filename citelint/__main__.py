"""``python -m citelint`` runs the command line."""

import sys

from citelint.cli import main

sys.exit(main())
