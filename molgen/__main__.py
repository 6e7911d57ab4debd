"""``python -m molgen`` runs the CLI."""

import sys

from molgen.cli.main import main

sys.exit(main())
