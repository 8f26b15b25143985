"""What the GraphQL endpoint keeps to itself in production (`LASTRESORT_ENV=production`).

Introspection would hand anyone the whole schema; so would validation errors that suggest the
names of fields, arguments, types and enum values ("Did you mean 'audit'?"). Both stay on
outside production, where they make the API easy to explore.
"""

from __future__ import annotations

import re

from graphql.error import GraphQLError
from strawberry.extensions import DisableIntrospection, MaskErrors

SUGGESTION = re.compile(r"\s*Did you mean\b.*$", re.DOTALL)


class HideSuggestions(MaskErrors):
    """Keeps every error and its code, minus any "Did you mean …?" sentence."""

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        for error in errors:
            error.message = SUGGESTION.sub("", error.message)
        return errors


PRODUCTION_EXTENSIONS = (DisableIntrospection, HideSuggestions)
