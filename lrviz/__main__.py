"""Entry point for ``python -m lrviz``."""

import sys

from lrviz.cli import main

sys.exit(main())
