"""What every `kirbygen` command shares: exit codes, the usage error, the parser class.

Standard library only: `kirbygen --help` imports this and every command's `add_parsers`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from config.container import Container
    from config.settings import Settings

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

# A command's handler: set with `parser.set_defaults(handler=...)` by its `add_parsers`.
Handler = Callable[[argparse.Namespace, "Container", "Settings"], int]


class UsageError(Exception):
    """A mistake in how the command was called; reported as one line, exit code 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)
