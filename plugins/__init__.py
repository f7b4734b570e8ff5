"""Kirby-Gen's plugin system: pluggy hookspecs, the plugin manager and the built-in skills.

Third-party packages implement hooks with the marker exported here::

    from plugins import hookimpl

    @hookimpl
    def kirbygen_skills():
        return [MyParser()]

and register the module under the entry point group ``kirbygen``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from plugins.hookspecs import hookimpl

__all__ = ["hookimpl"]


def __getattr__(name: str) -> Any:
    # Imported on first use: the parser child processes import this package for its
    # modules alone, and pluggy with the hookspecs would cost each of them a quarter second.
    if name == "hookimpl":
        from plugins.hookspecs import hookimpl

        return hookimpl
    raise AttributeError(f"module 'plugins' has no attribute {name!r}")
