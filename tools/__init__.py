"""Batch tools run from the command line: measuring an assessor against the labelled corpus."""
