"""The command line: generate, check, validate, diff and watch."""
