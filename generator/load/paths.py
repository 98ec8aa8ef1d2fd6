"""Where a `$ref` address leads, and whether the file there may be read.

Both the walk that follows references (`generator.load.bundle`) and the listing of the
files it will meet (`generator.load.read_ahead`) name files this way, so a file listed
ahead is found again under the same name.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote


def reference_roots(root: Path, more: tuple[Path, ...]) -> tuple[Path, ...]:
    """Where the files of the spec rooted at `root` (resolved) may lie: its directory and
    the real paths of the `--ref-root`s."""
    return (root.parent, *(Path(os.path.realpath(directory)) for directory in more))


def referenced_file(referrer: str, address: str) -> str:
    """The file a relative `address` names from the file `referrer`. Normalized, not
    resolved: resolving costs an lstat per path component (see `RealPaths`)."""
    return os.path.normpath(os.path.join(os.path.dirname(referrer), unquote(address)))


class RealPaths:
    """Real paths (symlinks resolved), with each directory resolved once: DigitalOcean's
    1,509 files lie in 136 directories."""

    def __init__(self, roots: tuple[Path, ...]) -> None:
        self.roots = roots  # reference roots: only files inside them may be read
        self._inside = tuple(os.path.join(root, "") for root in roots)  # each with a trailing separator
        self._directories: dict[str, str] = {}

    def of(self, name: str) -> str | None:
        """`os.path.realpath(name)`; None for a name no file can have (`%00` in an address)."""
        if "\0" in name:
            return None
        directory, base = os.path.split(name)
        real_directory = self._directories.get(directory)
        if real_directory is None:
            real_directory = self._directories[directory] = os.path.realpath(directory)
        real = os.path.join(real_directory, base)
        return os.path.realpath(real) if os.path.islink(real) else real

    def inside_roots(self, real: str) -> bool:
        """Whether a real path lies inside one of the reference roots."""
        return real.startswith(self._inside) or real in map(str, self.roots)
