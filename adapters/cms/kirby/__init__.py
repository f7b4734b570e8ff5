"""The Kirby 5 CMS adapter: builds a complete Kirby site folder and checks one on disk."""

from adapters.cms.kirby.adapter import KirbyAdapter
from adapters.cms.kirby.check import KirbySiteChecker

__all__ = ["KirbyAdapter", "KirbySiteChecker"]
