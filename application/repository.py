"""The port the application saves through: load a conversation, save its new events.

`eventstore.store.ConversationStore` implements it on Postgres, or on the library's own
in-memory store for tests that need no database; the service knows only this protocol. A
save that loses a race raises the library's `IntegrityError` (the primary key on id and
version), which the service answers by running the command again on a fresh load.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol
from uuid import UUID

from eventsourcing.persistence import Recording

from domain.aggregate import EventSourced
from domain.conversation import Conversation
from domain.review import Review


class Repository(Protocol):
    def get_conversation(self, conversation_id: UUID) -> Conversation:
        """The conversation with every recorded event applied; `NotFound` if none."""
        ...

    def get_cached(self, conversation_id: UUID) -> Conversation:
        """The last copy this store saw, without asking the database when it has one: it
        may lack another process's newest events, so only for a command whose save the
        primary key refuses if it does (`get_conversation` when none is cached)."""
        ...

    def get_review(self, conversation_id: UUID) -> Review | None:
        """The review of `conversation_id`'s ending; None while none was requested."""
        ...

    def save_conversations(self, *conversations: EventSourced) -> Sequence[Recording[UUID]]:
        """Store every pending event of `conversations` (and of the reviews saved with them)
        in one transaction."""
        ...

    def with_branches(self, conversation_ids: Sequence[UUID]) -> list[UUID]:
        """`conversation_ids` and every branch made from them (which copied their text)."""
        ...

    def owned_by(self, owner: str) -> list[UUID]:
        """Every conversation `owner` started or branched."""
        ...

    def shred(self, conversation_ids: Sequence[UUID]) -> None:
        """Delete the conversations' data keys: what people wrote in them is gone for good."""
        ...
