"""From the engine's records to the tables of a run, and the one store of a results folder.

=============== ==========================================================================
tables          :func:`build_tables`: trips, stages, departures, resources, closures
model_tables    routes, processes (servers over time), nodes and legs of the model as run
results         :class:`Results`: the tables of one run, its summary, save and load
store           atomic writes, SHA-256, writing and reading a results folder
=============== ==========================================================================
"""

from corridor.results.results import TABLES, Results
from corridor.results.store import (
    ResultsFolderError,
    check_output_folder,
    read_folder,
    sha256_of,
    write_atomic,
    write_folder,
    write_text_atomic,
)
from corridor.results.tables import build_tables

__all__ = [
    "TABLES",
    "Results",
    "ResultsFolderError",
    "build_tables",
    "check_output_folder",
    "read_folder",
    "sha256_of",
    "write_atomic",
    "write_folder",
    "write_text_atomic",
]
