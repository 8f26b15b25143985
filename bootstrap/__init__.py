"""The composition root: settings, and the one place that wires every layer together."""
