"""Skipping work that cannot change anything: a stamp per generated package.

After a package is written, its stamp records the hash of every input (the spec's files,
the templates, the generator's own code and the versions of the tools it runs) and of
every file written. When all of them still hash the same, regenerating would write the
same bytes, so `generate` says "unchanged" without loading the spec at all. Stamps live
in `.pyapigen_cache/` of the working directory and are never needed: without one, the
package is simply generated.

It imports nothing the command line has not loaded already: the no-op path must stay cheap.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from generator.assets import GENERATOR_DIR, RUNTIME_DIR, TEMPLATES_DIR
from generator.load.sources import digest  # loaded by every run's command line already

CACHE_DIR = Path(".pyapigen_cache")
_TOOLS = ("ruff", "jinja2", "pyyaml")


def _stamp_path(package_dir: Path) -> Path:
    key = hashlib.sha256(str(package_dir.resolve()).encode()).hexdigest()[:24]
    return CACHE_DIR / f"{key}.json"


def _code_files(template_dirs: Iterable[Path]) -> list[Path]:
    """The generator's code, the runtime it copies and every template it may read."""
    files = sorted(GENERATOR_DIR.rglob("*.py")) + sorted(RUNTIME_DIR.glob("*.py"))
    for directory in (*template_dirs, TEMPLATES_DIR):
        if directory.is_dir():
            files += sorted(directory.glob("*.jinja"))
    return files


def _tool_versions() -> str:
    found = _installed_versions()
    return ";".join(f"{tool}={found.get(_project(tool)) or _version(tool)}" for tool in _TOOLS)


def _installed_versions() -> dict[str, str]:
    """The version of each distribution installed on the import path, by project name, as
    installers record it in the name of its folder (`PyYAML-6.0.3.dist-info`); where a
    project is installed twice, the first on the path, as Python imports it."""
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:  # not a folder (a zip file) or gone
            continue
        for name in names:
            if name.endswith(".dist-info"):
                # `{name}-{version}`, the name's own hyphens written as underscores (the wheel
                # standard); a folder named otherwise names some other version, and its tool
                # is read through importlib.metadata.
                project, _, version = name.removesuffix(".dist-info").partition("-")
                found.setdefault(_project(project), version)
    return found


def _version(distribution: str) -> str:
    # Only for a tool no `.dist-info` folder names (an egg, a zip): importlib.metadata and the
    # email package it brings along take 30 ms to import, a tenth of a large spec's reading.
    from importlib import metadata

    return metadata.version(distribution)


def _project(name: str) -> str:
    """A project name as the packaging standards compare them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _hash_files(paths: Iterable[Path]) -> dict[str, str] | None:
    try:
        return {str(path): digest(path.read_bytes()) for path in paths}
    except OSError:
        return None


def _hashes_match(expected: Mapping[str, object], paths: Iterable[Path]) -> bool:
    """Whether every file hashes as `expected` says; stops at the first that does not, so an
    edit in a spec of a thousand files is found without hashing all of them."""
    for path in paths:
        try:
            found = digest(path.read_bytes())
        except OSError:
            return False
        if expected.get(str(path)) != found:
            return False
    return True


def is_current(spec_path: Path, package_dir: Path, template_dirs: Iterable[Path], variant: str = "") -> bool:
    """Whether `package_dir` is exactly what generating `spec_path` would write now.

    `variant`: the settings that change the output besides files (the models' maker)."""
    try:
        stamp = json.loads(_stamp_path(package_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(stamp, dict) or stamp.get("spec") != str(spec_path.resolve()):
        return False
    inputs = stamp.get("inputs")
    if not isinstance(inputs, dict) or stamp.get("variant", "") != variant:
        return False
    # The files' hashes before the tools' versions: an edited spec, the usual reason to
    # generate, is found without importing importlib.metadata (see _tool_versions).
    code = _code_files(template_dirs)
    if not _hashes_match(inputs, code):
        return False
    code_paths = {str(path) for path in code}
    if not _hashes_match(inputs, (Path(path) for path in inputs if path not in code_paths)):
        return False
    if stamp.get("tools") != _tool_versions():
        return False
    return _outputs_match(package_dir, stamp.get("outputs"))


def _outputs_match(package_dir: Path, outputs: object) -> bool:
    if not isinstance(outputs, dict):
        return False
    on_disk = {
        Path(root, name).relative_to(package_dir).as_posix()
        for root, folders, names in os.walk(package_dir)
        for name in names
        if "__pycache__" not in root and ".egg-info" not in root
    }
    if on_disk != set(outputs):
        return False
    hashed = _hash_files(package_dir / path for path in outputs)
    return hashed is not None and all(
        outputs[Path(path).relative_to(package_dir).as_posix()] == found for path, found in hashed.items()
    )


def _read_stamp(package_dir: Path) -> dict[str, object]:
    try:
        stamp = json.loads(_stamp_path(package_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stamp if isinstance(stamp, dict) else {}


def sources(package_dir: Path) -> frozenset[Path] | None:
    """The files the package's spec was made of when it was last written, if known."""
    listed = _read_stamp(package_dir).get("sources")
    return frozenset(Path(path) for path in listed) if isinstance(listed, list) else None


def outputs(package_dir: Path) -> frozenset[str]:
    """The files (relative paths) the generator wrote in the package last time, if known."""
    written = _read_stamp(package_dir).get("outputs")
    return frozenset(path for path in written if isinstance(path, str)) if isinstance(written, dict) else frozenset()


def code_digests(template_dirs: Iterable[Path]) -> dict[str, str] | None:
    """The digests of the generator's code, the runtime and the templates, for every stamp of
    a run; None where one could not be read (no stamp is then written)."""
    return _hash_files(_code_files(template_dirs))


def output_digests(files: Mapping[str, bytes]) -> dict[str, str]:
    """The digests of a package's files, for its stamp. Hashing a large file, like writing
    one, lets other threads run: they are hashed while the package is staged."""
    return {path: digest(content) for path, content in files.items()}


def record(
    spec_path: Path,
    sources: Mapping[Path, str],
    package_dir: Path,
    code: Mapping[str, str] | None,
    outputs: Mapping[str, str],
    variant: str = "",
) -> None:
    """Write the stamp of a package just written. Failing to write one costs only speed.

    `sources`: the spec's files, with the digest of what was read of each (`digest`);
    `code`: `code_digests`; `outputs`: the package's files' (`output_digests`)."""
    if code is None:
        return
    inputs = {**code, **{str(path): fingerprint for path, fingerprint in sources.items()}}
    stamp = {
        "spec": str(spec_path.resolve()),
        "sources": sorted(str(path) for path in sources),
        "tools": _tool_versions(),
        "variant": variant,
        "inputs": inputs,
        "outputs": dict(outputs),
    }
    try:
        CACHE_DIR.mkdir(exist_ok=True)
        (CACHE_DIR / ".gitignore").write_text("*\n")
        _stamp_path(package_dir).write_text(json.dumps(stamp, sort_keys=True), encoding="utf-8")  # C encoder: no indent
    except OSError:
        pass
