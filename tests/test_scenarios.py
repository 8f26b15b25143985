"""Every example conversation (`tests/examples.json`), through the service on the offline
assessor, reaches its outcome; an ended one refuses the next message; a branch goes on by
itself and leaves its parent as it was."""

from __future__ import annotations

from uuid import uuid4

import pytest

from application.service import ConversationService
from domain.access import Principal
from domain.conversation import Status
from domain.errors import ConversationEnded
from tests.examples import Example, check_outcome, examples, feed


@pytest.mark.parametrize("example", examples(), ids=str)
def test_example_reaches_its_outcome(service: ConversationService, example: Example) -> None:
    alice = Principal(f"alice-{uuid4().hex[:8]}")
    min_redirects = service.policy.min_redirects
    cid = service.start(alice, example.model).id

    kinds, ending = feed(service, alice, cid, example.turns)
    check_outcome(example.expect, kinds, ending, min_redirects)
    if ending is not None:
        with pytest.raises(ConversationEnded) as refused:
            service.send_message(alice, cid, "Still there?")
        assert refused.value.code == "conversation_ended"

    if example.branch is not None:
        first, *rest = example.branch.turns
        made = service.branch(alice, cid, example.branch.from_position, first.text)
        branch = made.conversation
        assert branch.parent_id == cid
        more, branch_ending = (
            ([], str(branch.ended.decision.reason))
            if branch.ended is not None
            else feed(service, alice, branch.id, rest)
        )
        check_outcome(
            example.branch.expect,
            [str(made.turn.decision.action), *more],
            branch_ending,
            min_redirects,
        )
        parent = service.get(alice, cid)
        assert parent.status == (Status.ENDED if ending else Status.OPEN)
