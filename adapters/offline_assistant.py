"""Template replies for each action: the default assistant, with no network and no model.

A platform running lastresort offline still gets replies that do what the action
promises: redirect constructively, warn naming the behaviour, offer crisis resources,
ask for confirmation, and say clearly that a conversation has ended.
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.chunks import chunks
from domain.deadline import NO_DEADLINE, Deadline
from domain.decision import Action, Decision, EndReason
from domain.events import Turn
from domain.ports import TextSink, WrittenReply

BEHAVIOURS = {
    "child_sexual_content": "requests for sexual content involving minors",
    "mass_casualty_violence": "requests for help with violence meant to kill or injure many people",
    "cbrn_weapons": "requests for help with chemical, biological, radiological or nuclear weapons",
    "abuse_of_assistant": "sustained abuse directed at me",
}

CRISIS_RESOURCES = (
    "If you are in immediate danger, please call your local emergency number now. "
    "In the US you can call or text 988 (Suicide & Crisis Lifeline); in the UK and Ireland "
    "Samaritans answer on 116 123; elsewhere, findahelpline.com lists free, confidential "
    "lines in your country."
)


class OfflineAssistant:
    name = "offline-templates-1"

    def write(
        self,
        decision: Decision,
        text: str,
        history: Sequence[Turn],
        deadline: Deadline = NO_DEADLINE,
    ) -> WrittenReply:
        """The template for the action; answers at once, so `deadline` does not concern it."""
        return WrittenReply(self._text(decision, text))

    def stream(
        self,
        decision: Decision,
        text: str,
        history: Sequence[Turn],
        on_text: TextSink,
        deadline: Deadline = NO_DEADLINE,
    ) -> WrittenReply:
        """The template in pieces of a few words, so an offline stream looks like a model's."""
        reply = self.write(decision, text, history, deadline)
        for piece in chunks(reply.text):
            on_text(piece)
        return reply

    def _text(self, decision: Decision, text: str) -> str:
        behaviour = BEHAVIOURS.get(decision.behaviour or "", "these requests")
        match decision.action:
            case Action.REDIRECT:
                return (
                    f"I can't help with that: it falls under {behaviour}. "
                    "I'm glad to help with something else — for example the history, ethics "
                    "or safety side of the topic, or anything unrelated."
                )
            case Action.WARNING:
                return (
                    f"I have redirected you several times, and you keep returning to {behaviour}. "
                    "I won't help with this. If it continues, I will end this conversation. "
                    "You can always start a new one, and I'm happy to help with anything else."
                )
            case Action.CRISIS_SUPPORT:
                return (
                    "I'm really sorry you're going through this, and I'm glad you told me. "
                    "You don't have to face it alone, and I'm staying right here with you. "
                    f"{CRISIS_RESOURCES} Would you like to tell me what's happening right now?"
                )
            case Action.CONFIRM_END:
                return (
                    "I can end this conversation if you'd like. Ending it is permanent: no "
                    "further messages can be sent in it (you can still start a new conversation "
                    "or edit an earlier message to branch). Do you want me to end it? "
                    "Please confirm."
                )
            case Action.ENDED if decision.reason is EndReason.USER_REQUEST:
                return (
                    "As you asked, I've ended this conversation. You can start a new one at "
                    "any time."
                )
            case Action.ENDED:
                return (
                    f"I've ended this conversation because of persistent {behaviour} after "
                    "repeated redirection and a warning. You can start a new conversation at "
                    "any time, or edit an earlier message to take this one in another direction."
                )
            case _:
                return self._reply(decision, text)

    def _reply(self, decision: Decision, text: str) -> str:
        if decision.rule == "end_request.unavailable":
            return (
                "I'm not able to end conversations with this model, but you can simply stop "
                "here or close the chat at any time."
            )
        if decision.rule == "end_request.declined":
            return "Of course — we'll keep going. What would you like to talk about?"
        topic = " ".join(text.split()[:12])
        return (
            f"(offline assistant) Here is my answer to “{topic}”. Configure ANTHROPIC_API_KEY "
            "to have Claude write full replies."
        )
