"""The `lastresort` command line: a typer app over the engines in `api/` and `projections/`."""
