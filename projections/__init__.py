"""How history becomes answers: read models built from the conversation events."""
