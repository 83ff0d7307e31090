"""``python -m corridor.cli``: the ``corridor`` command."""

import sys

from corridor.cli.main import main

sys.exit(main())
