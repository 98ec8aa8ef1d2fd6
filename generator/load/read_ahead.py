"""Parsing a spec's files in a child process while this one follows their references.

The walk that follows references (`generator.load.bundle`) parses each file when it first
meets a reference to it. On a large spec, parsing is half of reading: 0.29 s of
DigitalOcean's 0.55 s, over 1,509 files. So a forked child finds the files the root
refers to from their text (every `$ref` address, file to file, in the
order the walk meets them) and parses them in that order. Each one comes back through a
pipe in `marshal`'s format (plain data is all a spec holds), which costs this process a
twentieth of parsing it.

What the child sends is a hint; the walk never depends on it:
- The walk takes a parsed file only under the name it asked for, and only after counting
  it against the same budgets. Otherwise it reads the file itself: when the child has not
  got to the file, failed on it (the errors are then found here, at their lines) or is gone.
- The walk waits only for the file the child is parsing at that moment, and then not idly:
  it parses the next file the child has listed and not begun (the child lists a few files
  ahead of the one it parses). A file the walk parses, for now or for later, is marked in
  memory both processes share, and the child skips it. Both then parse, turn about, while
  the walk keeps up: on DigitalOcean the walk waits 0.03 s in all, not 0.08 s.
- The child reads only what the walk may read: regular files inside the reference roots,
  within the size limits.

A run can start reading its first spec ahead before it imports the rest of the generator
(`start_early`): DigitalOcean's child is then 0.08 s ahead of the walk.

Whichever process parses a referenced file, it keeps its text instead of line tables:
its lines are found only when a diagnostic needs one (as for JSON files; see `SourceFile`).
"""

from __future__ import annotations

import collections
import contextlib
import functools
import marshal
import mmap
import os
import re
import select
import signal
import struct
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, NoReturn

from generator.load.limits import Limits
from generator.load.paths import RealPaths, reference_roots, referenced_file
from generator.load.sources import Budget, FileProblem, SourceFile, digest, parse_text, read_bytes
from generator.load.spec_input import LoadOptions

# `$ref: address#fragment`, quoted or not, in YAML or JSON: its address. An address this
# misses (one spelt with escapes, say) is read by the walk itself.
_REFERENCE = re.compile(rb"""\$ref["']?[ \t]*:[ \t]*["']?([^"'#\s,{}\[\]]+)""")
# A YAML block under an extension key (`x-codeSamples:`): user data the walk copies without
# following its references. DigitalOcean's code samples are 1,363 files the walk never reads.
_EXTENSION_KEY = re.compile(rb"""x-[^:\n]*:""")
_KEY_PREFIX = re.compile(rb"""[ \t]*(?:-[ \t]+)?""")  # what may come before a key on its line
_MESSAGE = struct.Struct("<Q")  # each message: its length, then the marshalled value
_PIPE_BYTES = 1 << 20  # room for the child to run ahead while this process walks
_CLAIM_SLOTS = 1 << 20  # one byte per slot, a slot per file name (by hash): set when parsed here
_NOW = struct.Struct("<qq")  # the file the child is parsing now: its name's hash, its place in the list
_LISTED_BYTES = 1 << 22  # the names the child lists, in order: a count of bytes, then each name
_LISTED_COUNT = struct.Struct("<Q")
_NAME_LENGTH = struct.Struct("<H")
_LOOKAHEAD = 8  # files the child lists ahead of the one it parses: the walk's to take up
_PATIENCE_SECONDS = 10.0  # a child silent this long while it holds a file is stuck


@dataclass(frozen=True)
class ParsedAhead:
    data: Any
    nodes: int  # what parsing it adds to `Budget.nodes`
    alias_nodes: int  # and to `Budget.alias_nodes`
    content: bytes  # the file's text, for its lines
    digest: str  # of `content` (`sources.digest`)
    top_key_lines: dict[str, int]  # `SourceFile.top_key_lines`
    wide_integers: bool  # `SourceFile.wide_integers`

    def source_file(self, path: Path) -> SourceFile:
        """The file as the walk keeps it: its values, and its text for its lines."""
        return SourceFile(
            path,
            self.data,
            text=self.content,
            digest=self.digest,
            top_key_lines=self.top_key_lines,
            wide_integers=self.wide_integers,
        )


class ReadAhead:
    """The files the spec at `root` refers to, parsed by a child process; `take` one by name.

    `close` stops the child: call it once the walk is done, whatever happened.
    """

    def __init__(self, root: str, real_paths: RealPaths, limits: Limits) -> None:
        self._arrived: dict[str, ParsedAhead | None] = {}  # None: the child could not parse it
        self._buffer = bytearray()
        self._child: int | None = None
        self._pipe: int | None = None  # None once the child has nothing more to send
        self._claims: mmap.mmap | None = None
        self._now: mmap.mmap | None = None
        self._listed: mmap.mmap | None = None
        self._names: list[str] = []  # the child's list, as far as read
        self._listed_read = _LISTED_COUNT.size  # where reading the list goes on
        self._real_paths = real_paths
        self._budget = Budget(limits)  # for what the walk parses ahead of itself, as the child's
        content = _readable(root, real_paths, Budget(limits))
        if content and _REFERENCE.search(content) and hasattr(os, "fork"):  # else nothing to read ahead
            try:
                self._start(root, content, real_paths, limits)
            except OSError:  # no memory, descriptor or process slot: the walk parses every file
                self.close()

    def take(self, name: str) -> ParsedAhead | None:
        """The file the walk names `name`, parsed by the child; None: read it here."""
        if self._child is None or self._claims is None or self._now is None:
            return None
        if self._pipe is not None:
            self._receive(wait=False)
        while name not in self._arrived:
            now, place = _NOW.unpack_from(self._now)
            if self._pipe is None or now != hash(name):
                # Should the child start on it after this test, both parse it.
                self._claims[_slot(name)] = 1
                return None
            # The child is parsing it now: parse one it has yet to begin, else wait.
            self._receive(wait=not self._parse_one_after(place))
        return self._arrived.pop(name)

    def _parse_one_after(self, place: int) -> bool:
        """Parse the first file the child lists after `place` that no one has begun; False
        when there is none (or the walk's own budget for this is spent)."""
        assert self._claims is not None
        limits = self._budget.limits
        if place < 0 or self._budget.nodes > limits.max_nodes or self._budget.alias_nodes > limits.max_alias_nodes:
            return False
        self._read_list()
        for index in range(place + 1, len(self._names)):
            name = self._names[index]
            slot = _slot(name)
            if self._claims[slot] or name in self._arrived:
                continue
            self._claims[slot] = 1
            found = _readable(name, self._real_paths, self._budget)
            self._arrived[name] = _parsed(name, found, self._budget) if found is not None else None
            return True
        return False

    def _read_list(self) -> None:
        """Take in the names the child has listed since last asked."""
        assert self._listed is not None
        (end,) = _LISTED_COUNT.unpack_from(self._listed)
        listed, offset = self._listed, self._listed_read
        while offset + _NAME_LENGTH.size <= end:
            (length,) = _NAME_LENGTH.unpack_from(listed, offset)
            if offset + _NAME_LENGTH.size + length > end:
                break  # not whole yet, as a processor that reorders writes may show it
            offset += _NAME_LENGTH.size
            self._names.append(listed[offset : offset + length].decode("utf-8", "surrogateescape"))
            offset += length
        self._listed_read = offset

    def close(self) -> None:
        if self._pipe is not None:
            os.close(self._pipe)
            self._pipe = None
        if self._child is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._child, signal.SIGKILL)
            os.waitpid(self._child, 0)
            self._child = None
        self._arrived.clear()
        for shared in (self._claims, self._now, self._listed):
            if shared is not None:
                shared.close()
        self._claims = self._now = self._listed = None
        self._names.clear()

    def _start(self, root: str, content: bytes, real_paths: RealPaths, limits: Limits) -> None:
        """Fork the child. Raises OSError, leaving nothing open, where that cannot be done."""
        # Anonymous mappings are shared with a forked child; their pages are only made when written.
        self._claims = claims = mmap.mmap(-1, _CLAIM_SLOTS)
        self._now = now = mmap.mmap(-1, _NOW.size)
        _NOW.pack_into(now, 0, 0, -1)
        self._listed = listed = mmap.mmap(-1, _LISTED_BYTES)
        _LISTED_COUNT.pack_into(listed, 0, _LISTED_COUNT.size)
        read_end, write_end = os.pipe()
        with contextlib.suppress(AttributeError, OSError):  # Linux only; a smaller pipe only waits more
            import fcntl

            fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            raise
        if pid == 0:
            os.close(read_end)
            _child(_Channel(write_end, claims, now, listed), root, content, real_paths, limits)
        os.close(write_end)
        os.set_blocking(read_end, False)
        self._child, self._pipe = pid, read_end

    def _receive(self, *, wait: bool) -> None:
        """Take in what the child has sent; with `wait`, wait for more first. The pipe is
        closed once nothing more will come: the child has finished, failed or gone silent."""
        assert self._pipe is not None
        if wait and not select.select([self._pipe], [], [], _PATIENCE_SECONDS)[0]:
            os.close(self._pipe)
            self._pipe = None
            return
        while True:
            try:
                chunk = os.read(self._pipe, _PIPE_BYTES)
            except BlockingIOError:
                break
            if not chunk:  # the child has exited
                os.close(self._pipe)
                self._pipe = None
                break
            self._buffer += chunk
        self._unpack()

    def _unpack(self) -> None:
        buffer = self._buffer
        while len(buffer) >= _MESSAGE.size:
            (size,) = _MESSAGE.unpack_from(buffer)
            end = _MESSAGE.size + size
            if len(buffer) < end:
                return
            name, *parsed = marshal.loads(buffer[_MESSAGE.size : end])  # our own child's bytes
            del buffer[:end]
            self._arrived[name] = ParsedAhead(*parsed) if parsed else None


# Started by `start_early`, until `reading_ahead` takes it: by root, reference roots and limits.
_EARLY: dict[tuple[str, tuple[Path, ...], Limits], ReadAhead] = {}


def start_early(root: Path, options: LoadOptions) -> None:
    """Start reading the spec at `root` ahead now, for the walk to take over later (see
    `reading_ahead`). Whatever is not taken over is stopped by `stop_early`."""
    resolved = root.resolve()
    real_paths = RealPaths(reference_roots(resolved, options.ref_roots))
    key = (str(resolved), real_paths.roots, options.limits)
    if key not in _EARLY:
        _EARLY[key] = ReadAhead(str(resolved), real_paths, options.limits)


def stop_early() -> None:
    """Stop what `start_early` started and no walk took over."""
    while _EARLY:
        _EARLY.popitem()[1].close()


def reading_ahead(root: str, real_paths: RealPaths, limits: Limits) -> ReadAhead:
    """The files `root` refers to, being parsed ahead: since `start_early`, or from now."""
    early = _EARLY.pop((root, real_paths.roots, limits), None)
    return early if early is not None else ReadAhead(root, real_paths, limits)


def _slot(name: str) -> int:
    # A forked child hashes strings as its parent does. Two names in one slot cost only
    # speed: the child skips a file the walk then parses itself.
    return hash(name) & (_CLAIM_SLOTS - 1)


@dataclass
class _Channel:
    """The child's side: the pipe, the walk's claims, the file being parsed now and the
    files listed so far."""

    pipe: int
    claims: mmap.mmap
    now: mmap.mmap
    listed: mmap.mmap

    def list(self, name: str) -> bool:
        """Add `name` to the list the walk reads; False when there is no room left."""
        encoded = name.encode("utf-8", "surrogateescape")
        (end,) = _LISTED_COUNT.unpack_from(self.listed)
        if len(encoded) > 0xFFFF or end + _NAME_LENGTH.size + len(encoded) > len(self.listed):
            return False
        _NAME_LENGTH.pack_into(self.listed, end, len(encoded))
        self.listed[end + _NAME_LENGTH.size : end + _NAME_LENGTH.size + len(encoded)] = encoded
        # The count last: the walk reads no name before it is whole.
        _LISTED_COUNT.pack_into(self.listed, 0, end + _NAME_LENGTH.size + len(encoded))
        return True

    def send(self, name: str, parsed: ParsedAhead | None) -> None:
        # In the order of its fields: the walk makes it again from them (`_unpack`).
        values = [getattr(parsed, field.name) for field in fields(parsed)] if parsed else []
        payload = marshal.dumps((name, *values))
        message = memoryview(_MESSAGE.pack(len(payload)) + payload)
        while message:
            message = message[os.write(self.pipe, message) :]


def _child(channel: _Channel, root: str, content: bytes, real_paths: RealPaths, limits: Limits) -> NoReturn:
    """Parse the files the root refers to, but those the walk has claimed, and send each."""
    status = 1
    try:
        # One budget for all it reads and parses: what it sends this process is bounded by
        # the spec's limits, whatever the walk takes of it.
        budget = Budget(limits)
        files = _referenced_files(root, content, real_paths, budget)
        # The files found and not yet begun, each with its place in the list (-1: not listed,
        # the list being full).
        ahead: collections.deque[tuple[int, str, bytes]] = collections.deque()
        listed = 0
        while True:
            while len(ahead) < _LOOKAHEAD:
                found = next(files, None)
                if found is None:
                    break
                place = listed if channel.list(found[0]) else -1
                listed += place >= 0
                ahead.append((place, *found))
            if not ahead:
                break
            listed_at, name, text = ahead.popleft()
            if not channel.claims[_slot(name)]:
                # Read while written, the two may not match: the walk then parses a file
                # the child parses too, which costs only time.
                _NOW.pack_into(channel.now, 0, hash(name), listed_at)
                channel.send(name, _parsed(name, text, budget))
                if budget.nodes > limits.max_nodes or budget.alias_nodes > limits.max_alias_nodes:
                    break  # spent: the walk reads the rest itself
        status = 0
    finally:
        os._exit(status)  # at once: no exit handlers, no flushing of buffers the parent owns too


def _referenced_files(root: str, content: bytes, real_paths: RealPaths, budget: Budget) -> Iterator[tuple[str, bytes]]:
    """(name, content) of the files `root` refers to, directly or not, as the walk meets
    them: depth first, each file's references in text order. `budget`: the reading's own."""
    seen = {root}
    names: dict[tuple[str, str], str] = {}  # (referrer's directory, address) -> file
    stack = [(root, _addresses(root, content))]
    while stack:
        referrer, addresses = stack[-1]
        directory = os.path.dirname(referrer)
        for address in addresses:
            name = names.get((directory, address))
            if name is None:
                name = names[(directory, address)] = referenced_file(referrer, address)
            if name in seen:
                continue
            seen.add(name)
            found = _readable(name, real_paths, budget)
            if found is not None:
                yield name, found
                stack.append((name, _addresses(name, found)))
                break  # depth first: this file's references before the rest of the referrer's
        else:
            stack.pop()


def _addresses(name: str, content: bytes) -> Iterator[str]:
    """The file addresses of the `$ref`s in a file's text, in order; in YAML, those under an
    extension key left out. One pass over the text."""
    blocks = iter([] if name.endswith(".json") else _extension_blocks(content))
    block = next(blocks, None)
    for reference in _REFERENCE.finditer(content):
        position = reference.start()
        while block is not None and block[1] <= position:
            block = next(blocks, None)
        if block is not None and block[0] <= position:
            continue  # under an extension key
        address = reference.group(1).decode("utf-8", "replace")
        if "://" not in address:
            yield address


def _extension_blocks(content: bytes) -> list[tuple[int, int]]:
    """(start, end) of each YAML block under an extension key, in order and apart, in one
    pass over the text. The block of a key at column c ends at the next line indented less,
    or at c but not as a list item (a list may hang at its key's column)."""
    blocks: list[tuple[int, int]] = []
    line_start = scanned = 0
    for key in _EXTENSION_KEY.finditer(content):
        newline = content.rfind(b"\n", scanned, key.start())  # each stretch of text looked at once
        if newline >= 0:
            line_start = newline + 1
        scanned = key.start()
        if blocks and key.start() < blocks[-1][1]:
            continue  # inside the last block
        prefix = _KEY_PREFIX.match(content, line_start, key.start())
        assert prefix is not None  # it matches the empty text
        between = key.start() - prefix.end()
        if between > 1 or (between == 1 and content[prefix.end()] not in b"\"'"):
            continue  # not a key at the start of its line
        end = _block_end(prefix.end() - line_start).search(content, key.end())
        blocks.append((line_start, end.start() if end else len(content)))
    return blocks


@functools.cache
def _block_end(column: int) -> re.Pattern[bytes]:
    """A line that ends the block of a key at `column`."""
    less = rb" {0,%d}[^ \r\n#]|" % (column - 1) if column else b""
    return re.compile(rb"\n(?:%s {%d}(?![ \r\n#-]))" % (less, column))


def _readable(name: str, real_paths: RealPaths, budget: Budget) -> bytes | None:
    real = real_paths.of(name)
    if real is None or not real_paths.inside_roots(real):
        return None
    try:
        return read_bytes(real, budget)
    except FileProblem:
        return None


def _parsed(name: str, content: bytes, budget: Budget) -> ParsedAhead | None:
    nodes, alias_nodes = budget.nodes, budget.alias_nodes
    try:
        source = parse_text(Path(name), content.decode("utf-8"), budget, lines=False)
    except Exception:  # the walk reads the file again, and reports what is wrong with it where
        return None
    return ParsedAhead(
        source.data,
        budget.nodes - nodes,
        budget.alias_nodes - alias_nodes,
        content,
        digest(content),
        source.top_key_lines,
        source.wide_integers,
    )
