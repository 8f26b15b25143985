"""The offline assessor: normalisation, a small rule engine, and its rules as TOML data."""
