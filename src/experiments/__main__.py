"""``python -m experiments``: see ``experiments.lab.cli``."""

import sys

from experiments.lab.cli import main

sys.exit(main())
