"""Load: spec files read within their budgets, `$ref`s followed into one document."""
