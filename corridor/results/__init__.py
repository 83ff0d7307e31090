"""From the engine's records to the tables of a run, and the one store of a results folder.

=============== ==========================================================================
tables          :func:`build_tables`: trips, stages, departures, resources, closures
model_tables    routes, processes (servers over time), nodes and legs of the model as run
results         :class:`Results`: the tables of one run, its summary, save and load
store           writing and reading a results folder: swapped in whole, SHA-256, lock
files           single files written whole, the errors of a write, a folder's lock
=============== ==========================================================================
"""

from corridor.results.results import TABLES, Results
from corridor.results.store import (
    FolderBusyError,
    ResultsFolderError,
    check_output_file,
    check_output_folder,
    folder_lock,
    make_folder,
    read_folder,
    recover_folder,
    sha256_of,
    write_atomic,
    write_folder,
    write_table_atomic,
    write_text_atomic,
)
from corridor.results.tables import build_tables

__all__ = [
    "TABLES",
    "FolderBusyError",
    "Results",
    "ResultsFolderError",
    "build_tables",
    "check_output_file",
    "check_output_folder",
    "folder_lock",
    "make_folder",
    "read_folder",
    "recover_folder",
    "sha256_of",
    "write_atomic",
    "write_folder",
    "write_table_atomic",
    "write_text_atomic",
]
