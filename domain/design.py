"""Brand inputs and the design system (a W3C Design Tokens tree)."""

from __future__ import annotations

from typing import Any

import attrs


@attrs.frozen
class BrandInputs:
    """What the person told us about their brand. Brand inputs always win over extracted values."""

    colors: tuple[str, ...] = ()
    font: str | None = None
    moodboard: tuple[str, ...] = ()
    logo: str | None = None


@attrs.frozen
class ImageSample:
    """An image handed to the design skill. ``role`` is moodboard, logo or photo."""

    name: str
    role: str
    data: bytes


@attrs.frozen
class DesignSystem:
    """A DTCG token tree: groups are dicts, tokens are dicts with ``$value`` and ``$type``."""

    tokens: dict[str, Any] = attrs.field(factory=dict)

    def token(self, path: str) -> dict[str, Any] | None:
        node: Any = self.tokens
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node if isinstance(node, dict) and "$value" in node else None

    def value(self, path: str) -> Any:
        token = self.token(path)
        if token is None:
            raise KeyError(path)
        return token["$value"]
