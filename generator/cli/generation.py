"""One run of `generate`: every spec rendered, every package written or none, one line each.

The commands of `generator.cli.main` and the watcher of `generator.cli.watch` both run it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator.diagnostics import Diagnostic, Severity, SpecError, in_document_order
from generator.load import read_ahead
from generator.load.sources import display_path
from generator.load.spec_input import LoadOptions, SpecInput
from generator.write import stamps, writer

if TYPE_CHECKING:
    from generator.change.spec_diff import ApiChange
    from generator.pipeline import RenderedPackage
    from generator.render.datamodel_models import DatamodelSettings

SPEC_SUFFIXES = (".yaml", ".yml", ".json")

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def print_diagnostics(diagnostics: Sequence[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        print(diagnostic, file=sys.stderr)


def count(diagnostics: Sequence[Diagnostic], severity: Severity) -> int:
    return sum(1 for d in diagnostics if d.severity is severity)


def plural(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


@dataclass(frozen=True)
class Reporting:
    """How problems are told: `strict` makes every warning an error; `verbose` lists each
    warning, where by default one line per spec counts them by kind."""

    strict: bool = False
    verbose: bool = False

    def apply(self, diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
        if not self.strict:
            return list(diagnostics)
        return [dataclasses.replace(d, severity=Severity.ERROR) for d in diagnostics]

    def report(self, label: str, diagnostics: Sequence[Diagnostic]) -> None:
        """Every error, and the warnings listed (-v) or counted by kind on one line."""
        warnings = [d for d in diagnostics if d.severity is Severity.WARNING]
        shown = [d for d in diagnostics if d.severity is Severity.ERROR or self.verbose]
        print_diagnostics(in_document_order(shown))
        if warnings:
            kinds = Counter(d.kind for d in warnings)
            counted = ", ".join(
                f"{count} {kind}" for kind, count in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))
            )
            hint = "" if self.verbose else "; -v lists them"
            print(f"{label}: {plural(len(warnings), 'warning')} ({counted}){hint}", file=sys.stderr)


def discover_specs(directory: Path, load: LoadOptions | None = None) -> list[SpecInput]:
    """Every spec file in `directory`. Raises BadPackageName for a file whose name cannot
    name a package: better refused than skipped without a word."""
    if not directory.is_dir():
        return []
    return [
        SpecInput.from_path(path, load=load)
        for path in sorted(directory.iterdir())
        if path.is_file() and path.suffix in SPEC_SUFFIXES
    ]


def render_all(
    specs: Sequence[SpecInput],
    template_dirs: Sequence[Path],
    out_dir: Path,
    report: Reporting,
    *,
    process_ends: bool = False,
    datamodel: DatamodelSettings | None = None,
) -> list[RenderedPackage] | None:
    """Render and format every spec; None (after printing why) if any spec has errors.

    `process_ends`: nothing else runs in this process afterwards (see `_no_garbage_collection`);
    `datamodel`: the models are datamodel-code-generator's, with these settings.
    """
    # The first spec's files start being parsed by a child process now, while the rest of
    # the generator is imported (see generator.load.read_ahead.start_early).
    if specs:
        read_ahead.start_early(specs[0].path, specs[0].load)
    try:
        return _render_each(specs, template_dirs, out_dir, report, process_ends=process_ends, datamodel=datamodel)
    finally:
        read_ahead.stop_early()


def _render_each(
    specs: Sequence[SpecInput],
    template_dirs: Sequence[Path],
    out_dir: Path,
    report: Reporting,
    *,
    process_ends: bool,
    datamodel: DatamodelSettings | None,
) -> list[RenderedPackage] | None:
    # Imported here: a run where every package is current (see stamps) never needs them.
    from generator.pipeline import finish_formatting, render_spec
    from generator.render.render import environment
    from generator.write.formatting import BackgroundFormatter

    env = environment(template_dirs)
    packages, failed = [], 0
    with _no_garbage_collection(process_ends=process_ends), BackgroundFormatter() as formatter:
        for spec in specs:
            try:
                package = render_spec(spec, env, formatter, out_dir / spec.name, datamodel)
                found = package.warnings
            except SpecError as exc:
                found = list(exc.diagnostics)
            diagnostics = report.apply(found)
            report.report(display_path(spec.path), diagnostics)
            errors = count(diagnostics, Severity.ERROR)
            if errors:
                failed += 1
                promoted = report.strict and count(found, Severity.WARNING) > 0
                print(
                    f"{spec.path}: {plural(errors, 'error')}{' (--strict: warnings are errors)' if promoted else ''}",
                    file=sys.stderr,
                )
            else:
                packages.append(package)
        if failed:
            return None
        try:
            finish_formatting(packages)
        except SpecError as exc:
            print_diagnostics(exc.diagnostics)
            return None
    return packages


@contextlib.contextmanager
def _no_garbage_collection(*, process_ends: bool) -> Iterator[None]:
    """Rendering builds a few million objects and almost no reference cycles; the cycle
    collector would walk the growing heap again and again for nothing (0.2-0.3 s on
    DigitalOcean). It runs once at the end instead; or, when the process ends after this
    run, not at all: the run's objects are frozen, out of the collector's sight, and the
    process ends without freeing the spec's parsed files one by one (0.15 s on DigitalOcean).
    """
    gc.disable()
    try:
        yield
    finally:
        if process_ends:
            gc.freeze()
            gc.enable()
        else:
            gc.enable()
            gc.collect()


def stale_packages(out_dir: Path, names: set[str]) -> list[Path]:
    """Generated package directories whose spec is gone."""
    if not out_dir.is_dir():
        return []
    stale = []
    for folder in sorted(out_dir.iterdir()):
        readme = folder / "README.md"
        if (
            folder.is_dir()
            and folder.name not in names
            and readme.is_file()
            and writer.GENERATED_MARKER in readme.read_bytes()[:300]
        ):
            stale.append(folder)
    return stale


def _summary(changes: Sequence[writer.Change], total: int) -> str:
    """`2 changed (a.py, b.py), 9 unchanged`, `11 added` or `unchanged`."""
    if not changes:
        return "unchanged"
    parts = []
    for kind in ("added", "changed", "removed"):
        paths = [c.path for c in changes if c.kind == kind]
        if paths:
            listed = f" ({', '.join(paths)})" if kind != "added" and len(paths) <= 3 else ""
            parts.append(f"{len(paths)} {kind}{listed}")
    unchanged = total - sum(1 for c in changes if c.kind != "removed")
    return ", ".join(parts + ([f"{unchanged} unchanged"] if unchanged else []))


def _api_summary(changes: list[ApiChange]) -> str:
    # Imported here: only a regeneration that changed the API compares specs at all.
    from generator.change import spec_diff

    return spec_diff.summary(changes)


def generate(
    specs: Sequence[SpecInput],
    template_dirs: Sequence[Path],
    out_dir: Path,
    *,
    remove_stale: bool,
    one_line: bool = False,
    report: Reporting = Reporting(),
    process_ends: bool = False,
    datamodel: DatamodelSettings | None = None,
) -> int:
    """Write each spec's package, one summary line per package; nothing at all on errors.

    `one_line` (watch mode) puts the time on each package's line instead of a total line;
    `process_ends`: nothing else runs in this process afterwards.
    """
    started = time.perf_counter()
    if out_dir.exists() and not out_dir.is_dir():
        raise writer.WriteError(f"--out {out_dir}: not a directory")
    writer.recover(out_dir)
    variant = datamodel.fingerprint if datamodel else ""
    current = [spec for spec in specs if stamps.is_current(spec.path, out_dir / spec.name, template_dirs, variant)]
    packages = render_all(
        [spec for spec in specs if spec not in current],
        template_dirs,
        out_dir,
        report,
        process_ends=process_ends,
        datamodel=datamodel,
    )
    if packages is None:
        print(f"nothing was written to {out_dir}/", file=sys.stderr)
        return EXIT_PROBLEMS
    for spec in current:
        print(f"{spec.name}: unchanged", flush=True)
    # Imported here (rendering has imported it): at the top, it would delay reading ahead.
    from concurrent.futures import ThreadPoolExecutor

    # Every package is staged beside its target before any is swapped in: a failure while
    # writing one leaves all of them as they were. The stamps' digests are hashed meanwhile.
    staged: list[writer.Staged | None] = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="stamps") as hashing:
        code = hashing.submit(stamps.code_digests, template_dirs)
        hashed = [hashing.submit(stamps.output_digests, package.files) for package in packages]
        try:
            for package in packages:
                target = out_dir / package.spec.name
                staged.append(writer.stage(target, package.files, stamps.outputs(target)))
        except BaseException:
            hashing.shutdown(cancel_futures=True)  # nothing will be stamped
            writer.discard(filter(None, staged))
            raise
    written = 0
    for package, staging, digests in zip(packages, staged, hashed, strict=True):
        target = out_dir / package.spec.name
        changes = staging.changes if staging else []
        if staging:
            writer.swap_in(staging)
        stamps.record(package.spec.path, package.sources, target, code.result(), digests.result(), variant)
        written += len(changes)
        api = f"; API: {_api_summary(package.changes)}" if package.changes else ""
        took = f" in {time.perf_counter() - started:.2f}s" if one_line else ""
        print(f"{package.spec.name}: {_summary(changes, len(package.files))}{api}{took}", flush=True)
    if remove_stale:
        for folder in stale_packages(out_dir, {spec.name for spec in specs}):
            writer.remove_owned(folder, stamps.outputs(folder))
            print(f"{folder.name}: removed (its spec is gone)")
    if one_line:
        return EXIT_OK
    elapsed = time.perf_counter() - started
    print(
        f"generated {len(specs)} package{'s' if len(specs) != 1 else ''} in {elapsed:.2f}s, "
        f"{written} file{'s' if written != 1 else ''} written"
    )
    return EXIT_OK
