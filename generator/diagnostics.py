"""Problems found in a spec, reported as data rather than exceptions.

Every stage appends to a list of `Diagnostic`s; the command line prints them together,
one line each, so one bad operation never hides the rest.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Location:
    """Where a problem is: the file, its line when known, and the JSON pointer inside it."""

    file: str
    pointer: str = ""
    line: int | None = None

    def __str__(self) -> str:
        place = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{place}: {self.pointer or '/'}"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    severity: Severity
    location: Location
    message: str
    # What sort of problem, for the summary line that counts warnings ("default-mismatch",
    # "unknown-keyword", "unresolvable-ref", ...): one short kebab-case word per rule.
    kind: str = "other"

    def __str__(self) -> str:
        return f"{self.location}: {self.severity}: {self.message}"


def error(location: Location, message: str, kind: str = "other") -> Diagnostic:
    return Diagnostic(Severity.ERROR, location, message, kind)


def warning(location: Location, message: str, kind: str = "other") -> Diagnostic:
    return Diagnostic(Severity.WARNING, location, message, kind)


def in_document_order(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """By file, then line, then pointer: the order a user reads a spec in."""
    return sorted(diagnostics, key=lambda d: (d.location.file, d.location.line or 0, d.location.pointer))


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)


class SpecError(Exception):
    """Raised when a spec has errors; carries every diagnostic found so far."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        super().__init__(f"{len(self.diagnostics)} problem(s) in the spec")
