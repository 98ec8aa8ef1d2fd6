"""IR: the spec in Python terms, every name, type and example value decided."""
