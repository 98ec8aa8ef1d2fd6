"""The response headers a spec declares for request ids: the generated client reads them
first when it tells an error's, or a raw response's, `request_id`."""

from __future__ import annotations

import functools
import re
from typing import Any

from generator.validate.validate import resolve_local

# Header names that carry a request id by convention, whatever the API calls its ids.
_ID_NAME = re.compile(r"(?:x-)?(?:request|trace|correlation)-id", re.IGNORECASE)
# A description that says the header is one: "The request id of this response", ...
_ID_DESCRIPTION = re.compile(r"\brequest[ -]?id\b", re.IGNORECASE)
# The runtime reads these whatever the spec says; they need no declaring.
_ALWAYS_READ = frozenset({"x-request-id", "request-id"})
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def request_id_headers(document: dict[str, Any]) -> tuple[str, ...]:
    """The declared response headers that carry a request id, spelt as the spec first
    declares them and in that order, without those the runtime reads anyway."""
    found: dict[str, str] = {}
    paths = document.get("paths")
    for path_item in paths.values() if isinstance(paths, dict) else ():
        path_item = resolve_local(document, path_item)
        for method in _METHODS:
            operation = path_item.get(method) if isinstance(path_item, dict) else None
            responses = operation.get("responses") if isinstance(operation, dict) else None
            for response in responses.values() if isinstance(responses, dict) else ():
                response = resolve_local(document, response)
                headers = response.get("headers") if isinstance(response, dict) else None
                for name, header in headers.items() if isinstance(headers, dict) else ():
                    if isinstance(name, str) and _carries_request_id(name, resolve_local(document, header)):
                        found.setdefault(name.lower(), name)
    return tuple(name for lowered, name in found.items() if lowered not in _ALWAYS_READ)


def _carries_request_id(name: str, header: Any) -> bool:
    description = header.get("description") if isinstance(header, dict) else None
    return _says_request_id(name, description if isinstance(description, str) else None)


@functools.lru_cache(maxsize=1024)
def _says_request_id(name: str, description: str | None) -> bool:
    """Asked once per name and description: a spec repeats its headers in every response
    (DigitalOcean: 11,000 rate-limit headers, three names)."""
    if not _TOKEN.fullmatch(name):
        return False  # not a header name a response can carry
    if _ID_NAME.fullmatch(name):
        return True
    return description is not None and _ID_DESCRIPTION.search(description) is not None and "id" in name.lower()
