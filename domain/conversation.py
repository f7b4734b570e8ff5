"""One turn of the modelling conversation, as a conversation skill answers it."""

from __future__ import annotations

import attrs

from domain.schema import ContentSchema


@attrs.frozen
class ConversationReply:
    """What the assistant says, the schema as it stands after the turn, and whether the
    person approved it in their message."""

    text: str
    schema: ContentSchema
    approved: bool = False
    tokens: int = 0
