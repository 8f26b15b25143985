"""Values from users, models and stored data written into Markdown as literal text.

Case files and replay reports are pasted into tickets and rendered by whatever Markdown
renderer the reader has, so nothing a user or a model wrote may come out as a link, an
image, raw HTML or a heading. Each document is a template in `reports/templates/`, where every
such value goes through the `literal` or `quoted` filter.
"""

from __future__ import annotations

import html
import re
from typing import Any

import jinja2

# Characters that open inline Markdown (emphasis, code, links, images, tables, strikethrough,
# attributes) anywhere in a line; `&`, `<` and `>` become entities instead, which every
# renderer decodes to the character and none reads as HTML, an autolink or a quote.
INLINE_MARKUP = re.compile(r"([\\`*_{}\[\]()#+!|~^$])")
# What opens a block only at the start of a line: a list item (`-`, `1.`) or a heading rule.
LINE_START = re.compile(r"^(\d*)([-=.])")


def literal(value: object) -> str:
    """One value as one line of literal Markdown text (line breaks become spaces)."""
    return _escape_line(" ".join(str(value).split()))


def quoted(text: str) -> str:
    """Multi-line text as a blockquote, each line escaped and its line break kept."""
    return "\n".join(
        f"> {_escape_line(line)}  " if line.strip() else ">" for line in text.splitlines() or [""]
    )


def _escape_line(line: str) -> str:
    stripped = line.lstrip()
    # Leading spaces would make an indented code block, where escapes show as backslashes.
    indent = "&#160;" * (len(line) - len(stripped))
    escaped = INLINE_MARKUP.sub(r"\\\1", html.escape(stripped, quote=False))
    return indent + LINE_START.sub(r"\1\\\2", escaped)


# Markdown, not HTML: HTML autoescaping would be the wrong escaping; the filters do it.
TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("reports", "templates"),
    autoescape=False,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
TEMPLATES.filters.update(literal=literal, quoted=quoted)


def render(template: str, **context: Any) -> str:
    """The Markdown document `template` (a file in `reports/templates/`) for `context`."""
    return TEMPLATES.get_template(template).render(**context)
