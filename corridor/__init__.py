"""corridor: discrete-event simulation of freight routes on the INSTC."""

__version__ = "0.1.0"
