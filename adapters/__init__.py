"""Adapters: the ways the domain's ports are filled in (offline and model-backed)."""
