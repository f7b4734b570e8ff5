"""Errors raised while collecting skills from plugins."""

from __future__ import annotations

from domain.errors import KirbyGenError


class InvalidPlugin(KirbyGenError):
    """A plugin returned something that is not a usable skill, or its hook failed."""

    code = "plugin_invalid"


class MissingSkill(KirbyGenError):
    """No installed plugin fills a slot the pipeline needs."""

    code = "skill_missing"
