"""`python -m generator watch`: regenerate what each saved change affects, until stopped.

A spec change regenerates its package (a change to a file it `$ref`s counts too); a
template change regenerates every package. A save that breaks a spec prints its
diagnostics and writes nothing; the watcher keeps going.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from generator.assets import RUNTIME_DIR, TEMPLATES_DIR
from generator.cli import generation
from generator.load.spec_input import BadPackageName, LoadOptions, SpecInput
from generator.write import stamps, writer


def watch(
    *,
    specs_dir: Path,
    out_dir: Path,
    template_dirs: Sequence[Path],
    stop: threading.Event | None = None,
    load: LoadOptions | None = None,
    report: generation.Reporting | None = None,
) -> int:
    """Watch until interrupted (or `stop` is set); 0 when stopped cleanly."""
    from watchfiles import watch as file_changes

    # The runtime is copied into every package, as every package is rendered from the templates.
    watched_templates = [d for d in (*template_dirs, TEMPLATES_DIR, RUNTIME_DIR) if d.is_dir()]
    if not specs_dir.is_dir():
        print(f"error: {specs_dir}/ does not exist", file=sys.stderr)
        return generation.EXIT_USAGE
    print(f"watching {specs_dir}/ and {', '.join(_shown(d) for d in watched_templates)}; Ctrl-C stops", flush=True)
    # First bring the output up to date, so every later line is about one change.
    specs = _discover(specs_dir, load)
    reporting = report or generation.Reporting()
    _generate(specs, template_dirs, out_dir, reporting, remove_stale=True)
    sources = _sources(specs, out_dir)
    try:
        for changes in file_changes(specs_dir, *watched_templates, stop_event=stop, yield_on_timeout=False):
            paths = {Path(path).resolve() for _, path in changes}
            specs = _discover(specs_dir, load)
            if any(_under(path, directory) for path in paths for directory in watched_templates):
                affected = specs
            else:
                affected = [
                    spec
                    for spec in specs
                    if spec.path.resolve() in paths or paths & sources.get(spec.name, frozenset())
                ]
            names = {spec.name for spec in specs}
            gone = [name for name in sources if name not in names]
            if affected or gone:
                _generate(affected, template_dirs, out_dir, reporting, remove_stale=bool(gone), one_line=True)
                sources = {name: files for name, files in sources.items() if name in names}
                sources.update(_sources(affected, out_dir))
            sys.stdout.flush()
            sys.stderr.flush()
    except KeyboardInterrupt:
        pass
    print("stopped watching", flush=True)
    return generation.EXIT_OK


def _discover(specs_dir: Path, load: LoadOptions | None) -> list[SpecInput]:
    """The specs to watch; a file whose name cannot name a package is said once and skipped."""
    specs = []
    for path in sorted(specs_dir.iterdir()):
        if path.is_file() and path.suffix in generation.SPEC_SUFFIXES:
            try:
                specs.append(SpecInput.from_path(path, load=load))
            except BadPackageName as exc:
                print(f"error: {exc}", file=sys.stderr)
    return specs


def _generate(
    specs: Sequence[SpecInput],
    template_dirs: Sequence[Path],
    out_dir: Path,
    report: generation.Reporting,
    *,
    remove_stale: bool,
    one_line: bool = False,
) -> None:
    """One generation; an I/O failure is said and the watcher goes on."""
    try:
        generation.generate(specs, template_dirs, out_dir, report=report, remove_stale=remove_stale, one_line=one_line)
    except writer.WriteError as exc:
        print(f"error: {exc}; no package was changed", file=sys.stderr)


def _sources(specs: Sequence[SpecInput], out_dir: Path) -> dict[str, frozenset[Path]]:
    """Every file each spec is made of, so a change to a `$ref`d file finds its spec.

    The stamp written with each package knows; a spec that has never generated is its own file.
    """
    return {spec.name: stamps.sources(out_dir / spec.name) or frozenset({spec.path.resolve()}) for spec in specs}


def _under(path: Path, directory: Path) -> bool:
    return path.is_relative_to(directory.resolve())


def _shown(directory: Path) -> str:
    try:
        return directory.resolve().relative_to(Path.cwd()).as_posix() + "/"
    except ValueError:
        return directory.as_posix() + "/"
