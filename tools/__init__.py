"""Batch tools run over the whole record: replay under another policy, verify the record
and its read models, seed a demo, and measure an assessor against the labelled corpus."""
