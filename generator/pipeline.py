"""The whole path from spec files to package files, stage by stage.

load + bundle -> validate -> normalize -> IR -> render (models and templates) -> format.
Nothing here writes to the output directory: `generator.write.writer` does, after every
package of the run has rendered and formatted without error.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from generator.change import changelog
from generator.diagnostics import Diagnostic, Location, SpecError, has_errors
from generator.in_child import InChild
from generator.ir.ir import Api, ModelPackage, PackageHeading
from generator.ir.ir_builder import draft_api, package_heading
from generator.ir.mock_data import Answers, answer_all
from generator.load.bundle import bundle
from generator.load.spec_input import SpecInput
from generator.normalize.normalize import normalize, rename_warnings
from generator.render import json_text
from generator.render.model_builder import build_models
from generator.render.render import (
    CODE_TEMPLATES,
    MODELS_TEMPLATES,
    RESOURCES_FOLDER,
    ROUTES_FOLDER,
    data_files,
    imports_exact,
    notice,
    render_code,
    render_group_modules,
    render_models,
    render_models_package,
    render_readme,
    runtime_files,
)
from generator.validate.validate import validate
from generator.write.formatting import BackgroundFormatter, FormattingBatch, formatted

if TYPE_CHECKING:
    from generator.change.spec_diff import ApiChange, Side
    from generator.render.datamodel_models import DatamodelSettings


@dataclass
class RenderedPackage:
    spec: SpecInput
    api: Api
    files: dict[str, bytes]
    warnings: list[Diagnostic] = field(default_factory=list)
    changes: list[ApiChange] = field(default_factory=list)  # API-level, since the last generation
    sources: dict[Path, str] = field(default_factory=dict)  # every file the spec is made of, and its digest
    formatting: list[FormattingBatch] = field(default_factory=list)  # ruff, under way


def source_label(path: Path) -> str:
    """How generated files name their spec: relative to the working directory, never absolute."""
    relative = os.path.relpath(path.resolve(), Path.cwd())
    return Path(relative).as_posix() if not relative.startswith("..") else path.name


def check_spec(spec: SpecInput) -> list[Diagnostic]:
    """Load and validate a spec; every diagnostic, errors and warnings."""
    try:
        loaded, diagnostics = bundle(spec.path, spec.load, check=validate)
    except SpecError as exc:
        return list(exc.diagnostics)
    return diagnostics + validate(loaded)


@dataclass
class BuiltModels:
    """Our builder's models of a spec and its warnings: their files, rendered and formatted,
    where the built-in templates render them; else the package, for the IR's turn."""

    package: ModelPackage | None
    files: dict[str, bytes]
    warnings: list[Diagnostic]


@dataclass
class LoadedSpec:
    """A spec read, validated and normalized, with its IR."""

    api: Api
    document: dict[str, Any]
    spec_json: bytes  # the bundled spec as the user wrote it, before normalization
    data_files: dict[str, bytes]  # the package's files that are not code (`render.data_files`)
    diagnostics: list[Diagnostic]
    sources: dict[Path, str]  # every file the spec is made of, and its digest (`sources.digest`)
    locate: Callable[[str], Location]  # a pointer into `document` -> where the spec says it
    models: InChild[BuiltModels] | None = None  # our builder's, built beside the IR

    @property
    def side(self) -> Side:
        # Imported here, as in `_changes`: only comparing two specs needs it.
        from generator.change.spec_diff import Side

        return Side(self.api, self.document.get("components", {}).get("schemas") or {})


def load_spec(spec: SpecInput, *, models_in: jinja2.Environment | None = None, package: bool = True) -> LoadedSpec:
    """Bundle, validate (repairing what can be degraded), normalize and build the IR. Raises SpecError.

    The mock's answers to the responses, half of the IR's work on a large spec, are chosen
    on the normalized document in a process of their own while the IR is built (see
    `generator.ir.mock_data`). With `models_in`, that process then builds our builder's
    models and renders them with its templates (`LoadedSpec.models`). Without `package`,
    the spec is read for its API alone: no data files are made (`LoadedSpec.data_files`).
    """
    loaded, diagnostics = bundle(spec.path, spec.load, check=validate)
    problems = validate(loaded)
    if has_errors(problems):
        raise SpecError(problems)
    document = loaded.document
    source = source_label(spec.path)
    # The answers' process (and the models', the same one) is forked before normalization
    # and normalizes its own copy of the document, while this process writes the spec's
    # JSON text, as repaired, for the package, and then normalizes its own for the IR. The
    # child gains the JSON text's time; this process pays copy-on-write faults for walking
    # a document the child shares. On DigitalOcean the balance is a few hundredths of a
    # second won, or even.
    normalized = _NormalizedOnce(document)
    answer = functools.partial(_answers, normalized, loaded.locate)
    models: InChild[BuiltModels] | None = None
    if models_in is not None:
        heading = package_heading(document, spec.name, source)  # its `info`, which normalizing leaves
        build = functools.partial(_built_models, models_in, normalized, loaded.locate, heading)
        answers, models = InChild.pair(answer, build)
    else:
        answers = InChild(answer)
    try:
        spec_json = json_text.dumps(document, wide_integers=loaded.wide_integers)
        document = normalized.document()
        renamed = normalized.renamed()
        draft = draft_api(document, loaded, spec.name, source)
        try:
            # Made from the operations as built while the answers are chosen: the package's
            # data files need no answer.
            data = data_files(draft.unanswered, spec_json) if package else {}
            api, warnings = draft.finished(answers.result())
        finally:
            draft.release()
    except BaseException:
        answers.discard()
        if models is not None:
            models.discard()
        raise
    api = replace(api, model_renames=tuple(renamed.items()))  # their warnings: see `_rendered`
    return LoadedSpec(
        api,
        document,
        spec_json,
        data,
        diagnostics + problems + warnings,
        {path: source.digest for path, source in loaded.files.items()},
        loaded.locate,
        models,
    )


class _NormalizedOnce:
    """A document normalized in place the first time a process asks for it: in this process,
    and in a child forked before the first ask, in the child's own copy."""

    def __init__(self, document: dict[str, Any]) -> None:
        self._document = document
        self._renamed: dict[str, str] | None = None

    def renamed(self) -> dict[str, str]:
        """What normalizing returned: the schemas renamed to avoid a clash."""
        if self._renamed is None:
            self._renamed = normalize(self._document)
        return self._renamed

    def document(self) -> dict[str, Any]:
        """The document, normalized."""
        self.renamed()
        return self._document


def _answers(normalized: _NormalizedOnce, locate: Callable[[str], Location]) -> Answers:
    return answer_all(normalized.document(), locate)


def _built_models(
    env: jinja2.Environment,
    normalized: _NormalizedOnce,
    locate: Callable[[str], Location],
    heading: PackageHeading,
) -> BuiltModels:
    """Our builder's models, rendered and formatted where the built-in templates render
    them: they read only the package's heading. Templates of one's own get the IR."""
    package, warnings = build_models(normalized.document(), locate)
    exact = imports_exact(env, MODELS_TEMPLATES)
    rendered = formatted(_encoded(render_models(env, heading, package)), check_imports=False) if exact else {}
    return BuiltModels(None if rendered else package, rendered, warnings)


def previous_spec(package_dir: Path) -> Path | None:
    """The spec a generated package was made from (its `openapi.json`), if there is one."""
    found = sorted(package_dir.glob("*/openapi.json")) if package_dir.is_dir() else []
    return found[0] if found else None


def spec_changed(loaded: LoadedSpec, previous: Path | None) -> bool:
    """Whether `previous` (the spec of the package generated before) is not `loaded`'s."""
    return previous is not None and previous.read_bytes() != loaded.spec_json


def _side_of(previous: Path, name: str) -> Side | None:
    """The API and schemas of the spec a package was generated from; None for one an older
    generator wrote that we cannot read back (its package then gets no changelog entry)."""
    try:
        return load_spec(SpecInput(previous, name), package=False).side
    except SpecError:
        return None


def render_spec(
    spec: SpecInput,
    env: jinja2.Environment,
    formatter: BackgroundFormatter,
    package_dir: Path | None = None,
    datamodel: DatamodelSettings | None = None,
) -> RenderedPackage:
    """Every file of one spec's package; its code is being formatted by `formatter` (see
    `finish_formatting`). Raises SpecError.

    With `package_dir` (where the package was generated before), the API-level changes
    since then are added to the package's changelog. With `datamodel`, the models are
    datamodel-code-generator's (see `generator.render.datamodel_models`), else our builder's.
    """
    previous = previous_spec(package_dir) if package_dir else None
    with contextlib.ExitStack() as on_the_way_out:  # a child's work is stopped after an error
        # The spec of the previous generation is read again to tell what changed since (1.8 s
        # for DigitalOcean): by a child, while this process reads the new one. The README,
        # which lists the changes, is rendered last.
        earlier = None
        if previous is not None:
            earlier = InChild(functools.partial(_side_of, previous, spec.name))
            on_the_way_out.callback(earlier.discard)  # nothing to do once it is in
        loaded = load_spec(spec, models_in=env if datamodel is None else None)
        if loaded.models is not None:
            on_the_way_out.callback(loaded.models.discard)
        if earlier is not None and not spec_changed(loaded, previous):
            earlier.discard()  # the same spec: nothing to compare
            earlier = None
        return _rendered(loaded, spec, env, formatter, package_dir, datamodel, earlier)


def _rendered(
    loaded: LoadedSpec,
    spec: SpecInput,
    env: jinja2.Environment,
    formatter: BackgroundFormatter,
    package_dir: Path | None,
    datamodel: DatamodelSettings | None,
    earlier: InChild[Side | None] | None,
) -> RenderedPackage:
    api = loaded.api
    if datamodel is not None:
        # Imported here: only this backend needs the library and its settings.
        from generator.render import datamodel_models

        # Its class names first: the clients and the server are rendered on them.
        made, model_warnings = datamodel_models.build_models(loaded.document, api, datamodel, notice(api))
        api = datamodel_models.renamed_api(api, made.class_names)
    # The server's route modules, about half the code, are rendered and formatted in a child
    # process while this one renders and hands to ruff the rest; the models come rendered and
    # formatted from the process that built them beside the IR, where the built-in templates
    # make them. The route modules are taken last.
    check_code_imports = not imports_exact(env, CODE_TEMPLATES)
    routes = InChild(functools.partial(_formatted_route_modules, env, api, check_code_imports))
    try:
        # The clients' resource modules, most of the rest, go to ruff first, while the rest
        # is rendered: the batch ruff finishes last is then a small one. Not where ruff sorts
        # imports: it tells the package's own from the package's `__init__.py` files in the batch.
        resources = {} if check_code_imports else _encoded(render_group_modules(env, api, RESOURCES_FOLDER))
        formatting = [] if check_code_imports else [formatter.submit(resources, check_imports=False)]
        code = _encoded(render_code(env, api, group_folders=[RESOURCES_FOLDER] if check_code_imports else []))
        formatting.append(formatter.submit(code, check_code_imports))
        # What the models do not feed comes first: the models' process is seldom done yet.
        data = {**loaded.data_files, **runtime_files(api)}
        changes = _changes(earlier.result(), loaded) if earlier is not None else []
        history = changelog.merged(changelog.read(package_dir) if package_dir else [], api.version, changes)
        readme = _encoded(render_readme(env, api, history))
        formatting.append(formatter.submit(readme, check_imports=False))  # its Python examples; ruff lints no Markdown
        # The warnings of the schemas normalization renamed, told while the models' process
        # finishes: saying where each is written may mean reading the lines of its file.
        renames = rename_warnings(dict(loaded.api.model_renames), loaded.locate)
        if loaded.models is not None:
            built = loaded.models.result()
            model_warnings = built.warnings
            models = built.files  # formatted by that process, where it rendered them
            if built.package is not None:  # templates of one's own
                models = _encoded(render_models(env, api, built.package))
                formatting.append(formatter.submit(models))
        else:
            models = _encoded(render_models_package(env, api, made.package))
            models[f"{api.package}/models/{datamodel_models.MODULE}.py"] = made.code.encode("utf-8")
            formatting.append(formatter.submit(models))  # datamodel-code-generator's module: imports checked
        files = {**code, **resources, **models, **data, **readme}
        if history:
            files[changelog.FILE_NAME] = changelog.dump(history).encode("utf-8")
        files.update(routes.result())
    finally:
        routes.discard()  # after an error; nothing to do once the modules are in
    warnings = loaded.diagnostics + renames + model_warnings
    return RenderedPackage(spec, api, files, warnings, changes, loaded.sources, formatting)


def _changes(before: Side | None, loaded: LoadedSpec) -> list[ApiChange]:
    """What changed for callers from `before` to the spec just read."""
    if before is None:
        return []
    # Imported here: a first generation, or one of an unchanged spec, compares nothing.
    from generator.change.spec_diff import compare

    return compare(before, loaded.side)


def _formatted_route_modules(env: jinja2.Environment, api: Api, check_imports: bool) -> dict[str, bytes]:
    return formatted(_encoded(render_group_modules(env, api, ROUTES_FOLDER)), check_imports)


def _encoded(files: dict[str, str]) -> dict[str, bytes]:
    return {path: text.encode("utf-8") for path, text in files.items()}


def finish_formatting(packages: Sequence[RenderedPackage]) -> None:
    """Wait for the formatting of every package and take the formatted files. Raises SpecError."""
    for package in packages:
        for batch in package.formatting:
            package.files.update(batch.result())
        package.formatting.clear()
