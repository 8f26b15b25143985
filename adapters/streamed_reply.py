"""A Claude reply streamed to the client: its text deltas as they come, shaped as the
recorded reply will be, so that the pieces the client got join to exactly what is stored.

Unstreamed, the reply is the answer's text blocks joined by a blank line and stripped,
then finished by `ClaudeAssistant` (crisis resources appended when the model left them
out; the offline template when it wrote nothing or refused). Streamed, the same shape is
kept while the deltas pass: leading whitespace is dropped, whitespace is held back until
more text follows it (so trailing whitespace never goes out), and a blank line goes
between text blocks. When the answer is complete, `finish` sends what the finished reply
adds after what was sent. Only a refusal after some text cannot fit that way: the client
has already seen the text, so the template follows it after a blank line, and both are
recorded — the record is what the client was shown.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from domain.ports import TextSink, WrittenReply

SEPARATOR = "\n\n"


@dataclass
class StreamedReply:
    on_text: TextSink
    sent: str = ""
    _held: str = ""
    _block: int | None = None

    def model_wrote(self, block: int, delta: str) -> None:
        """Text of content block `block`, as the model wrote it (a block's start, even with
        no text, counts: an empty block still puts a blank line in the reply)."""
        if self._block is not None and block != self._block:
            self._held += SEPARATOR
        self._block = block
        text = self._held + delta
        if not self.sent:
            text = text.lstrip()
        shown = text.rstrip()
        self._held = text[len(shown) :]
        self._send(shown)

    def finish(self, reply: WrittenReply) -> WrittenReply:
        """Send what `reply` (the finished answer) adds; return the reply as recorded."""
        if reply.text.startswith(self.sent):
            self._send(reply.text[len(self.sent) :])
            return reply
        self._send(SEPARATOR + reply.text)
        return replace(reply, text=self.sent)

    def _send(self, text: str) -> None:
        if text:
            self.sent += text
            self.on_text(text)
