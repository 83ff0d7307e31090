"""Starting a command that a test will interrupt with SIGINT, as Ctrl-C at a terminal would."""

from __future__ import annotations

import signal


def default_sigint() -> None:
    """``preexec_fn`` for a child that must react to SIGINT.

    A shell starts background commands with SIGINT ignored (``nohup cmd &``, a CI script run
    without job control), children inherit that, and Python then never raises
    KeyboardInterrupt: a Ctrl-C test would see the command run to its end. Resetting SIGINT to
    its default before the child starts gives it what a terminal gives it.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
