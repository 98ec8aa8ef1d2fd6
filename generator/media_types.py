"""How a body travels, by its media type: normalize hoists the bodies made of fields into
models, and the IR tells the generated code how to read and write each kind."""

from __future__ import annotations

import enum
import functools
from typing import Any


class Encoding(enum.StrEnum):
    """How a body travels: the generated code reads and writes each kind its own way."""

    JSON = "json"
    FORM = "form"  # application/x-www-form-urlencoded
    MULTIPART = "multipart"  # multipart/form-data; bytes fields are file parts
    BINARY = "binary"  # the raw bytes: application/octet-stream, application/pdf, image/*
    TEXT = "text"  # text/*, decoded as UTF-8
    EVENTS = "events"  # text/event-stream: server-sent events, each event's data one JSON value

    @classmethod
    def of(cls, media_type: str) -> Encoding:
        base = media_type.split(";")[0].strip().lower()
        if base.endswith(("/json", "+json")) or base == "*/*":
            return cls.JSON
        if base == "application/x-www-form-urlencoded":
            return cls.FORM
        if base.startswith("multipart/"):
            return cls.MULTIPART
        if base == "text/event-stream":
            return cls.EVENTS
        if base.startswith("text/"):
            return cls.TEXT
        return cls.BINARY

    @property
    def has_fields(self) -> bool:
        """Whether the body is an object of named fields (a model), not one value."""
        return self in (Encoding.JSON, Encoding.FORM, Encoding.MULTIPART)


# Which media type wins when a body offers several: JSON first, raw bytes last.
ENCODING_PREFERENCE = (
    Encoding.JSON,
    Encoding.EVENTS,
    Encoding.FORM,
    Encoding.MULTIPART,
    Encoding.TEXT,
    Encoding.BINARY,
)
_ENCODING_RANK = {encoding: index for index, encoding in enumerate(ENCODING_PREFERENCE)}


def preferred_media_type(content: Any) -> str | None:
    """The media type the generated code speaks when a body offers several (`content`)."""
    if not isinstance(content, dict) or not content:
        return None
    return _preferred_of(tuple(str(media_type) for media_type in content))


@functools.lru_cache(maxsize=1024)
def _preferred_of(media_types: tuple[str, ...]) -> str:
    """Asked once per set of media types: a spec repeats a few in every response."""
    return min(media_types, key=lambda media_type: _ENCODING_RANK[Encoding.of(media_type)])
