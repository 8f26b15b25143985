"""The rules of lastresort: pure Python, no I/O, no framework."""
