"""Kirby-Gen's plugin system: pluggy hookspecs, the plugin manager and the built-in skills.

Third-party packages implement hooks with the marker exported here::

    from plugins import hookimpl

    @hookimpl
    def kirbygen_skills():
        return [MyParser()]

and register the module under the entry point group ``kirbygen``.
"""

from plugins.hookspecs import hookimpl

__all__ = ["hookimpl"]
