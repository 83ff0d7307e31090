"""``python -m corridor.cli``: the ``corridor`` command."""

import sys

from corridor.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
