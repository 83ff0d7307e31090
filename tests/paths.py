"""Where things are in the repository, for tests in any folder."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
SCENARIOS = REPO / "scenarios"
SEEDS = REPO / "seeds"
DOCS = REPO / "docs"
NOTEBOOKS = REPO / "notebooks"
