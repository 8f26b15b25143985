"""The event store: conversations saved and loaded through eventsourcing on Postgres."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Mapper, Recording, Transcoder

from api.transcoder import EventMapper, OrjsonTranscoder
from domain.conversation import Conversation
from domain.errors import NotFound
from domain.events import Event

EVENTS_TABLE = "lastresort_events"


class ConversationStore(Application[UUID]):
    """Appends conversation events atomically; a concurrent writer gets `IntegrityError`."""

    name = "lastresort"

    def construct_transcoder(self) -> Transcoder:
        return OrjsonTranscoder()

    def construct_mapper(self) -> Mapper[UUID]:
        return EventMapper(transcoder=self.construct_transcoder())

    def get_conversation(self, conversation_id: UUID) -> Conversation:
        events = cast(list[Event], list(self.events.get(conversation_id)))
        if not events:
            raise NotFound(f"conversation {conversation_id} not found")
        return Conversation.from_events(events)

    def save_conversations(self, *conversations: Conversation) -> Sequence[Recording[UUID]]:
        """Store every pending event of `conversations` in one transaction."""
        return self.save(*conversations)
