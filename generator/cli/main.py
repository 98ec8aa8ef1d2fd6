"""The command line: `python -m generator generate | check | validate | diff | watch`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from generator.cli import settings
from generator.cli.generation import (
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    Reporting,
    count,
    discover_specs,
    generate,
    plural,
    print_diagnostics,
    render_all,
    stale_packages,
)
from generator.diagnostics import Severity, SpecError
from generator.load import limits
from generator.load.sources import display_path
from generator.load.spec_input import BadPackageName, LoadOptions, SpecInput
from generator.write import stamps, writer

if TYPE_CHECKING:
    from generator.change.revisions import Checkout
    from generator.render.datamodel_models import DatamodelSettings


def reporting(arguments: argparse.Namespace) -> Reporting:
    """`--strict` and `-v`, with the project's `strict` setting."""
    strict = bool(getattr(arguments, "strict", False)) or settings.strict_setting(Path.cwd())
    return Reporting(strict=strict, verbose=bool(getattr(arguments, "verbose", False)))


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


def models_backend(arguments: argparse.Namespace) -> DatamodelSettings | None:
    """`--models`, else `[tool.pyapigen] models`: None for our builder, else the project's
    datamodel-code-generator settings. Raises SettingsError where the library is missing,
    before anything is generated."""
    project = Path.cwd()
    backend = getattr(arguments, "models", None) or settings.models_setting(project)
    if backend == settings.BUILTIN_MODELS:
        return None
    from generator.render import datamodel_models

    if not datamodel_models.available():
        raise settings.SettingsError(
            f"models = {backend!r} needs datamodel-code-generator, which is not installed: "
            f"{datamodel_models.INSTALL_HINT}; nothing was written"
        )
    chosen = datamodel_models.read_settings(project)
    for key, why in chosen.overridden:
        print(f"note: [tool.datamodel-codegen] {key} is pyapigen's here: {why}", file=sys.stderr)
    return chosen


def command_generate(arguments: argparse.Namespace) -> int:
    specs = _specs_from_arguments(arguments)
    return generate(
        specs,
        _template_dirs(arguments),
        Path(arguments.out),
        remove_stale=not arguments.specs,
        report=reporting(arguments),
        process_ends=arguments.process_ends,
        datamodel=models_backend(arguments),
    )


def command_check(arguments: argparse.Namespace) -> int:
    specs = _specs_from_arguments(arguments)
    out_dir = Path(arguments.out)
    packages = render_all(
        specs,
        _template_dirs(arguments),
        out_dir,
        reporting(arguments),
        process_ends=arguments.process_ends,
        datamodel=models_backend(arguments),
    )
    if packages is None:
        return EXIT_PROBLEMS
    stale_files = []
    for package in packages:
        target = out_dir / package.spec.name
        written_before = stamps.outputs(target)
        changes = writer.plan(target, package.files, written_before)
        if changes and package.changes:
            from generator.change import spec_diff  # here: only a changed API has a summary

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
            for folder in stale_packages(out_dir, {p.spec.name for p in packages})
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
    # Imported here, as the spec comparison in `_print_diffs`: the other commands need neither.
    from generator.change import revisions

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
        print_diagnostics(exc.diagnostics)
        return EXIT_PROBLEMS
    return EXIT_PROBLEMS if breaking else EXIT_OK


def _print_diffs(pairs: Sequence[tuple[str, Checkout, Path]], revision: str | None, load: LoadOptions) -> bool:
    """Print each pair's API changes; whether any of them breaks callers. Raises SpecError."""
    from generator.change import spec_diff
    from generator.pipeline import load_spec

    breaking = False
    for name, checkout, new_path in pairs:
        with checkout as old_path:
            if old_path is None:
                print(f"{name}: new spec (not in {revision})")
                continue
            old_side = load_spec(SpecInput(old_path, name, load), package=False).side
        changes = spec_diff.compare(old_side, load_spec(SpecInput(new_path, name, load), package=False).side)
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
        errors = count(diagnostics, Severity.ERROR)
        if errors:
            status = EXIT_PROBLEMS
            print(f"{path}: {plural(errors, 'error')}")
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
        command.add_argument(
            "--models",
            choices=settings.MODELS_BACKENDS,
            help="who makes the models (default: builtin; also: [tool.pyapigen] models = ...)",
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


def main(argv: Sequence[str] | None = None, *, process_ends: bool = False) -> int:
    """Run one command. `process_ends` (`python -m generator`): the process exits right
    after, so what the run built need not be freed."""
    parser = build_parser()
    arguments = parser.parse_args(argv)
    arguments.process_ends = process_ends
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
