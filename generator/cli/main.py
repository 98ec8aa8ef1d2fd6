"""The command line: `python -m generator generate | check | validate`."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gc
import os
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator.change import revisions, spec_diff
from generator.cli import settings
from generator.diagnostics import Diagnostic, Severity, SpecError, in_document_order
from generator.load import limits
from generator.load.sources import display_path
from generator.load.spec_input import BadPackageName, LoadOptions, SpecInput
from generator.write import stamps, writer

if TYPE_CHECKING:
    from generator.pipeline import RenderedPackage

SPEC_SUFFIXES = (".yaml", ".yml", ".json")

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def _print_diagnostics(diagnostics: Sequence[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        print(diagnostic, file=sys.stderr)


def _count(diagnostics: Sequence[Diagnostic], severity: Severity) -> int:
    return sum(1 for d in diagnostics if d.severity is severity)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


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
        _print_diagnostics(in_document_order(shown))
        if warnings:
            kinds = Counter(d.kind for d in warnings)
            counted = ", ".join(
                f"{count} {kind}" for kind, count in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))
            )
            hint = "" if self.verbose else "; -v lists them"
            print(f"{label}: {_plural(len(warnings), 'warning')} ({counted}){hint}", file=sys.stderr)


def reporting(arguments: argparse.Namespace) -> Reporting:
    """`--strict` and `-v`, with the project's `strict` setting."""
    strict = bool(getattr(arguments, "strict", False)) or settings.strict_setting(Path.cwd())
    return Reporting(strict=strict, verbose=bool(getattr(arguments, "verbose", False)))


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


def _specs_from_arguments(arguments: argparse.Namespace) -> list[SpecInput]:
    paths = [Path(p) for p in arguments.specs]
    if arguments.name and len(paths) != 1:
        raise _UsageError("--name needs exactly one SPEC")
    load = load_options(arguments)
    if not paths:
        specs = discover_specs(Path(arguments.specs_dir), load)
        if not specs:
            raise _UsageError(f"no specs found in {arguments.specs_dir}/ (*.yaml, *.yml, *.json)")
        return specs
    return [SpecInput.from_path(path, arguments.name, load) for path in paths]


def load_options(arguments: argparse.Namespace) -> LoadOptions:
    """`--ref-root` and `--limit` on top of the project's pyproject.toml settings."""
    project = Path.cwd()
    ref_roots = [*settings.ref_roots_setting(project), *arguments.ref_root]
    budgets = settings.limits_setting(project)
    try:
        budgets = budgets.with_settings(limits.parse_assignments(arguments.limit), "--limit")
    except ValueError as exc:
        raise _UsageError(str(exc)) from None
    return LoadOptions(tuple(ref_roots), budgets)


class _UsageError(Exception):
    pass


def _render_all(
    specs: Sequence[SpecInput], template_dirs: Sequence[Path], out_dir: Path, report: Reporting
) -> list[RenderedPackage] | None:
    """Render and format every spec; None (after printing why) if any spec has errors."""
    # Imported here: a run where every package is current (see stamps) never needs them.
    from generator.pipeline import finish_formatting, render_spec
    from generator.render.render import environment
    from generator.write.formatting import BackgroundFormatter

    env = environment(template_dirs)
    packages, failed = [], 0
    with _no_garbage_collection(), BackgroundFormatter() as formatter:
        for spec in specs:
            try:
                package = render_spec(spec, env, formatter, out_dir / spec.name)
                found = package.warnings
            except SpecError as exc:
                found = list(exc.diagnostics)
            diagnostics = report.apply(found)
            report.report(display_path(spec.path), diagnostics)
            errors = _count(diagnostics, Severity.ERROR)
            if errors:
                failed += 1
                promoted = report.strict and _count(found, Severity.WARNING) > 0
                print(
                    f"{spec.path}: {_plural(errors, 'error')}{' (--strict: warnings are errors)' if promoted else ''}",
                    file=sys.stderr,
                )
            else:
                packages.append(package)
        if failed:
            return None
        try:
            finish_formatting(packages)
        except SpecError as exc:
            _print_diagnostics(exc.diagnostics)
            return None
    return packages


@contextlib.contextmanager
def _no_garbage_collection() -> Iterator[None]:
    """Rendering builds a few million objects and almost no reference cycles; the cycle
    collector would walk the growing heap again and again for nothing (0.2-0.3 s on
    DigitalOcean). It runs once at the end instead."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


def _stale_packages(out_dir: Path, names: set[str]) -> list[Path]:
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


def command_generate(arguments: argparse.Namespace) -> int:
    specs = _specs_from_arguments(arguments)
    return generate(
        specs,
        _template_dirs(arguments),
        Path(arguments.out),
        remove_stale=not arguments.specs,
        report=reporting(arguments),
    )


def generate(
    specs: Sequence[SpecInput],
    template_dirs: Sequence[Path],
    out_dir: Path,
    *,
    remove_stale: bool,
    one_line: bool = False,
    report: Reporting = Reporting(),
) -> int:
    """Write each spec's package, one summary line per package; nothing at all on errors.

    `one_line` (watch mode) puts the time on each package's line instead of a total line.
    """
    started = time.perf_counter()
    if out_dir.exists() and not out_dir.is_dir():
        raise writer.WriteError(f"--out {out_dir}: not a directory")
    writer.recover(out_dir)
    current = [spec for spec in specs if stamps.is_current(spec.path, out_dir / spec.name, template_dirs)]
    packages = _render_all([spec for spec in specs if spec not in current], template_dirs, out_dir, report)
    if packages is None:
        print(f"nothing was written to {out_dir}/", file=sys.stderr)
        return EXIT_PROBLEMS
    for spec in current:
        print(f"{spec.name}: unchanged", flush=True)
    # Every package is staged beside its target before any is swapped in: a failure while
    # writing one leaves all of them as they were.
    staged: list[writer.Staged | None] = []
    try:
        for package in packages:
            target = out_dir / package.spec.name
            staged.append(writer.stage(target, package.files, stamps.outputs(target)))
    except BaseException:
        writer.discard(filter(None, staged))
        raise
    written = 0
    for package, staging in zip(packages, staged, strict=True):
        target = out_dir / package.spec.name
        changes = staging.changes if staging else []
        if staging:
            writer.swap_in(staging)
        stamps.record(package.spec.path, package.sources, target, package.files, template_dirs)
        written += len(changes)
        api = f"; API: {spec_diff.summary(package.changes)}" if package.changes else ""
        took = f" in {time.perf_counter() - started:.2f}s" if one_line else ""
        print(f"{package.spec.name}: {_summary(changes, len(package.files))}{api}{took}", flush=True)
    if remove_stale:
        for folder in _stale_packages(out_dir, {spec.name for spec in specs}):
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


def command_check(arguments: argparse.Namespace) -> int:
    specs = _specs_from_arguments(arguments)
    out_dir = Path(arguments.out)
    packages = _render_all(specs, _template_dirs(arguments), out_dir, reporting(arguments))
    if packages is None:
        return EXIT_PROBLEMS
    stale_files = []
    for package in packages:
        target = out_dir / package.spec.name
        written_before = stamps.outputs(target)
        changes = writer.plan(target, package.files, written_before)
        if changes and package.changes:
            # What the spec change means for callers, above the files it rewrites.
            print(f"{package.spec.name}: the spec changed the API ({spec_diff.summary(package.changes)}):")
            for change in package.changes:
                print(f"  {change}")
        if changes:
            label = f"{out_dir.as_posix()}/{package.spec.name}"
            sys.stdout.write(writer.unified_diff(target, package.files, label, written_before))
            stale_files += [f"{out_dir.as_posix()}/{package.spec.name}/{c.path} ({c.kind})" for c in changes]
    if not arguments.specs:
        stale_files += [
            f"{folder.as_posix()}/ (its spec is gone)"
            for folder in _stale_packages(out_dir, {p.spec.name for p in packages})
        ]
    if stale_files:
        print(
            f"{out_dir}/ is not what the specs and templates produce; run `make generate`. Differing:", file=sys.stderr
        )
        for line in stale_files:
            print(f"  {line}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"{out_dir}/ is up to date ({len(packages)} package{'s' if len(packages) != 1 else ''})")
    return EXIT_OK


def _template_dirs(arguments: argparse.Namespace) -> list[Path]:
    """`--templates` directories, else the `templates` setting of pyproject.toml."""
    if arguments.templates:
        return list(arguments.templates)
    configured = settings.templates_setting(Path.cwd())
    return [configured] if configured is not None else []


def command_diff(arguments: argparse.Namespace) -> int:
    """Print the API-level changes between two versions of specs; exit 1 if any breaks callers."""
    if arguments.git is not None:
        paths = [Path(p) for p in arguments.specs] or [s.path for s in discover_specs(Path(arguments.specs_dir))]
        if not paths:
            raise _UsageError(f"no specs given and none found in {arguments.specs_dir}/")
        pairs = [(path.stem, revisions.spec_at(path, arguments.git), path) for path in paths]
    else:
        if len(arguments.specs) != 2:
            raise _UsageError("diff takes OLD and NEW, or --git REV [SPEC ...]")
        old, new = map(Path, arguments.specs)
        pairs = [(new.stem, revisions.Checkout(old, None), new)]
    breaking = False
    try:
        breaking = _print_diffs(pairs, arguments.git, load_options(arguments))
    except SpecError as exc:
        _print_diagnostics(exc.diagnostics)
        return EXIT_PROBLEMS
    return EXIT_PROBLEMS if breaking else EXIT_OK


def _print_diffs(
    pairs: Sequence[tuple[str, revisions.Checkout, Path]], revision: str | None, load: LoadOptions
) -> bool:
    """Print each pair's API changes; whether any of them breaks callers. Raises SpecError."""
    from generator.pipeline import load_spec

    breaking = False
    for name, checkout, new_path in pairs:
        with checkout as old_path:
            if old_path is None:
                print(f"{name}: new spec (not in {revision})")
                continue
            old_side = load_spec(SpecInput(old_path, name, load)).side
        changes = spec_diff.compare(old_side, load_spec(SpecInput(new_path, name, load)).side)
        if not changes:
            print(f"{name}: no API changes")
            continue
        breaking = breaking or spec_diff.has_breaking(changes)
        print(f"{name}: {spec_diff.summary(changes)}")
        for change in changes:
            print(f"  {change}")
    return breaking


def command_watch(arguments: argparse.Namespace) -> int:
    from generator.cli.watch import watch

    return watch(
        specs_dir=Path(arguments.specs_dir),
        out_dir=Path(arguments.out),
        template_dirs=_template_dirs(arguments),
        load=load_options(arguments),
        report=reporting(arguments),
    )


def command_validate(arguments: argparse.Namespace) -> int:
    from generator.pipeline import check_spec

    status = EXIT_OK
    load = load_options(arguments)
    report = reporting(arguments)
    for path in arguments.specs:
        # Validation needs no package: any file name will do.
        diagnostics = report.apply(check_spec(SpecInput(Path(path), Path(path).stem, load)))
        report.report(display_path(Path(path)), diagnostics)
        errors = _count(diagnostics, Severity.ERROR)
        if errors:
            status = EXIT_PROBLEMS
            print(f"{path}: {_plural(errors, 'error')}")
        else:
            print(f"{path}: valid")
    return status


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m generator", description="Generate typed Python packages from OpenAPI specs."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def add_load_options(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--ref-root",
            type=Path,
            action="append",
            default=[],
            metavar="DIR",
            help="a directory $refs may reach besides the spec's own (default: only the spec's directory)",
        )
        command.add_argument(
            "--limit",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help=f"raise or lower a reading budget ({', '.join(limits.Limits.names())})",
        )
        command.add_argument(
            "--strict", action="store_true", help="warnings are errors (also: [tool.pyapigen] strict = true)"
        )
        command.add_argument("-v", "--verbose", action="store_true", help="list every warning, not only their count")

    def add_generation_options(command: argparse.ArgumentParser) -> None:
        command.add_argument("specs", nargs="*", metavar="SPEC", help="spec files (default: every spec in --specs-dir)")
        command.add_argument("--specs-dir", default="specs", help="where specs are found (default: specs)")
        command.add_argument("--out", default="generated", help="where packages go (default: generated)")
        command.add_argument("--name", help="package name for a single SPEC (default: the file's stem)")
        command.add_argument(
            "--templates",
            type=Path,
            action="append",
            default=[],
            metavar="DIR",
            help="a directory of templates overriding the built-in ones by name",
        )
        add_load_options(command)

    generate = commands.add_parser("generate", help="write the package of each spec")
    add_generation_options(generate)
    generate.set_defaults(run=command_generate)
    check = commands.add_parser("check", help="exit 1 with a diff when the output is not current")
    add_generation_options(check)
    check.set_defaults(run=command_check)
    diff = commands.add_parser(
        "diff", help="API changes between two versions of a spec, breaking or compatible (exit 1 if breaking)"
    )
    diff.add_argument("specs", nargs="*", metavar="SPEC", help="OLD NEW, or with --git the specs to compare")
    diff.add_argument("--git", metavar="REV", help="compare each SPEC with its version at git revision REV")
    diff.add_argument("--specs-dir", default="specs", help="with --git and no SPEC: every spec here")
    add_load_options(diff)
    diff.set_defaults(run=command_diff)
    watch = commands.add_parser("watch", help="regenerate as specs and templates change, until interrupted")
    watch.add_argument("--specs-dir", default="specs", help="where specs are found (default: specs)")
    watch.add_argument("--out", default="generated", help="where packages go (default: generated)")
    watch.add_argument("--templates", type=Path, action="append", default=[], metavar="DIR")
    add_load_options(watch)
    watch.set_defaults(run=command_watch)
    validate = commands.add_parser("validate", help="report a spec's problems, generate nothing")
    validate.add_argument("specs", nargs="+", metavar="SPEC")
    add_load_options(validate)
    validate.set_defaults(run=command_validate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    try:
        return int(arguments.run(arguments))
    except _UsageError as exc:
        parser.print_usage(sys.stderr)
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (BadPackageName, settings.SettingsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except writer.WriteError as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("no package was changed", file=sys.stderr)
        return EXIT_PROBLEMS
    except RecursionError:
        # The reading budgets keep specs shallow enough; this is the last line of defence.
        print("error: the spec nests too deeply to generate; lower --limit max-depth", file=sys.stderr)
        return EXIT_PROBLEMS
    except MemoryError:
        print("error: out of memory; lower --limit max-nodes or max-total-bytes", file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        print("interrupted; nothing more was written", file=sys.stderr)
        return EXIT_PROBLEMS
    except Exception as exc:
        if os.environ.get("PYAPIGEN_DEBUG"):
            raise
        print(f"internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        print("this is a bug in the generator; set PYAPIGEN_DEBUG=1 for the traceback", file=sys.stderr)
        return EXIT_INTERNAL
