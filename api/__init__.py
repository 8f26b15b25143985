"""How the world reaches the rules: HTTP, the command line, the event store."""
