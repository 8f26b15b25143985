"""Who may read and write which conversation."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.conversation import Conversation
from domain.errors import Forbidden, NotFound


class Role(StrEnum):
    USER = "user"
    REVIEWER = "reviewer"


@dataclass(frozen=True)
class Principal:
    name: str
    role: Role = Role.USER

    @property
    def is_reviewer(self) -> bool:
        return self.role is Role.REVIEWER

    def check_read(self, conversation: Conversation) -> None:
        """Users see only their own conversations; others' are indistinguishable from missing."""
        if conversation.owner != self.name and not self.is_reviewer:
            raise NotFound(f"conversation {conversation.id} not found")

    def check_write(self, conversation: Conversation) -> None:
        """Only the owner writes; a reviewer reading someone else's conversation gets 403."""
        self.check_read(conversation)
        if conversation.owner != self.name:
            raise Forbidden("reviewers can read conversations but not write in them")
