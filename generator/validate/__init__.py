"""Validate: the OpenAPI meta-schema and the rules code generation needs, as diagnostics;
harmless sloppiness repaired, each repair a warning."""
