"""``python -m jiandu``: the command line."""

import sys

from jiandu.cli import main

sys.exit(main())
