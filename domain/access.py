"""Who may read and write which conversation, the policy registry and the review queue.

An admin changes the policy registry and is otherwise a user: conversations stay the
business of their owners and of reviewers. Refusals are `Forbidden` (403, FORBIDDEN),
as users are refused the audit pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.conversation import Conversation
from domain.errors import Forbidden, NotFound


class Role(StrEnum):
    USER = "user"
    REVIEWER = "reviewer"
    ADMIN = "admin"


@dataclass(frozen=True)
class Principal:
    name: str
    role: Role = Role.USER

    @property
    def is_reviewer(self) -> bool:
        return self.role is Role.REVIEWER

    def check_read_policies(self) -> None:
        """The policy registry is for reviewers (read) and admins; users are refused."""
        if self.role not in (Role.REVIEWER, Role.ADMIN):
            raise Forbidden(
                f"the policy registry is for reviewers and admins; your role is {self.role}"
            )

    def check_change_policies(self) -> None:
        """Only admins change the policy registry; reviewers read it."""
        self.check_read_policies()
        if self.role is not Role.ADMIN:
            raise Forbidden(f"only admins change the policy registry; your role is {self.role}")

    def check_review(self) -> None:
        """The review queue and its verdicts are for reviewers, like the audit; users (and
        admins, users otherwise) are refused."""
        if not self.is_reviewer:
            raise Forbidden(f"reviewing endings is for reviewers; your role is {self.role}")

    def check_erase_user(self, user: str) -> None:
        """A user erases their own data; an admin anyone's."""
        if user != self.name and self.role is not Role.ADMIN:
            raise Forbidden(f"only an admin erases another user's data; your role is {self.role}")

    def check_read(self, conversation: Conversation) -> None:
        """Users see only their own conversations; others' are indistinguishable from missing."""
        if conversation.owner != self.name and not self.is_reviewer:
            raise NotFound(f"conversation {conversation.id} not found")

    def check_write(self, conversation: Conversation) -> None:
        """Only the owner writes; a reviewer reading someone else's conversation gets 403."""
        self.check_read(conversation)
        if conversation.owner != self.name:
            raise Forbidden("reviewers can read conversations but not write in them")
