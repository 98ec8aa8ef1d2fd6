"""The models of a spec made by datamodel-code-generator, for projects that choose it.

`[tool.pyapigen] models = "datamodel-code-generator"` (or `--models`) hands the normalized
document's component schemas to datamodel-code-generator, used as a library, with the
project's own `[tool.datamodel-codegen]` settings. Clients, servers and mocks are then
rendered on top of the classes it wrote: the IR's annotations are renamed to its class
names (`renamed_api`), which it reports in its model metadata, never guessed.

What the packages need of the models is fixed here, whatever the settings say (`FORCED`):
pydantic v2 classes on the package's `ApiModel` (wire names on the wire, validators built
on first use, unknown response fields kept), every component schema a class of its own
(root models not collapsed: the IR names them), and unformatted output without a timestamp
(ruff formats it with the rest; the same spec gives the same bytes). Enum classes get the
`OpenEnum` base, as ours have, so a response's unknown enum value is kept.

The models are one submodule, `models/_models.py`, behind the same lazy `models/__init__`
as ours: importing any of them imports all of them.
"""

from __future__ import annotations

import ast
import importlib.metadata
import io
import json
import tempfile
import tokenize
import tomllib
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from generator.diagnostics import Diagnostic, Location, SpecError, error, warning
from generator.ir.ir import (
    Api,
    ErrorShape,
    ModelClass,
    ModelKind,
    ModelModule,
    ModelPackage,
    Operation,
    Parameter,
    Response,
)
from generator.literals import comment_text
from generator.render.model_builder import BASE_MODEL, OPEN_ENUM
from generator.render.model_modules import BASE_MODULE

DATAMODEL_CODE_GENERATOR = "datamodel-code-generator"  # the distribution, and who made the classes
MODULE = "_models"  # the submodule of the models package that holds every class
INSTALL_HINT = "pip install 'pyapigen[datamodel-code-generator]'"
_SCHEMA_REF = "#/components/schemas/"
_ENUM_BASES = frozenset({"Enum", "StrEnum", "IntEnum"})

# Settings the packages cannot do without, and why: a project's own value is overridden.
FORCED_REASONS: dict[str, str] = {
    "output_model_type": "clients, servers and the mock validate and dump with pydantic v2",
    "base_class": "the models' ApiModel reads and writes wire names, builds validators on first use "
    "and keeps a response's unknown fields",
    "input_file_type": "the input is the spec as pyapigen normalized it",
    "openapi_scopes": "the IR names component schemas only (inline bodies are components by then)",
    "collapse_root_models": "operations name root models (a list body, a union) by their class",
    "formatters": "ruff formats the models with the rest of the package",
    "disable_timestamp": "the same spec must give the same files",
    "target_python_version": "generated packages support Python 3.11",
    "output": "the models go to the package's models/ directory",
    "emit_model_metadata": "pyapigen reads the class names from it",
}
# Where a project says nothing, what suits the packages better than the library's default.
DEFAULTS: dict[str, Any] = {
    "strict_nullable": True,  # a field that may be absent need not accept null (the schema's own reading)
    "field_constraints": True,  # Field(max_length=...) rather than constr(...), which mypy --strict refuses
    "use_union_operator": True,
    "use_standard_collections": True,
    # pydantic's EmailStr refuses addresses the JSON Schema format allows (`a@b.test`), so
    # the server would refuse requests its spec accepts; its URL types send another text
    # than the one given (`https://A.test` as `https://a.test/`). Text, as our builder has it.
    "type_mappings": ["email=string", "idn-email=string", "uri=string", "uri-reference=string", "iri=string"],
    "set_default_enum_member": True,  # an enum field's default is a member, as its type says
}


@dataclass(frozen=True)
class DatamodelSettings:
    """The project's `[tool.datamodel-codegen]` table (TOML spelling), read in `project_dir`."""

    project_dir: Path
    table: tuple[tuple[str, Any], ...] = ()

    @property
    def overridden(self) -> list[tuple[str, str]]:
        """(setting, why) of each setting of the table that pyapigen replaces."""
        keys = {_field_name(key): key for key, _ in self.table}
        return [(keys[name], why) for name, why in FORCED_REASONS.items() if name in keys]

    @property
    def fingerprint(self) -> str:
        """What the settings change in the output, for the package's stamp."""
        version = importlib.metadata.version(DATAMODEL_CODE_GENERATOR) if available() else ""
        return json.dumps([DATAMODEL_CODE_GENERATOR, version, [list(item) for item in self.table]], default=str)


def read_settings(project_dir: Path) -> DatamodelSettings:
    """The `[tool.datamodel-codegen]` table of `project_dir/pyproject.toml` (empty without one)."""
    try:
        data = tomllib.loads((project_dir / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return DatamodelSettings(project_dir)
    table = data.get("tool", {}).get("datamodel-codegen", {})
    if not isinstance(table, dict):
        return DatamodelSettings(project_dir)
    return DatamodelSettings(project_dir, tuple(sorted(table.items())))


def available() -> bool:
    """Whether datamodel-code-generator can be imported (the extra is installed)."""
    try:
        import datamodel_code_generator  # noqa: F401
    except ImportError:
        return False
    return True


def _field_name(key: str) -> str:
    return key.replace("-", "_")


def _config(settings: DatamodelSettings, package: str, metadata: Path, header: str) -> Any:
    """datamodel-code-generator's GenerateConfig: the project's settings, ours on top."""
    from datamodel_code_generator._project_config import load_pyproject_config
    from datamodel_code_generator.enums import DataModelType, InputFileType, OpenAPIScope
    from datamodel_code_generator.format import PythonVersion

    given = {_field_name(key) for key, _ in settings.table}
    overrides: dict[str, Any] = {key: value for key, value in DEFAULTS.items() if key not in given}
    if "custom_file_header" not in given:
        overrides["custom_file_header"] = (
            f"# {comment_text(header)}\n# The models are datamodel-code-generator's, with the project's [tool.datamodel-codegen] settings."
        )
    overrides |= {
        "output_model_type": DataModelType.PydanticV2BaseModel,
        "base_class": f"{package}.models.{BASE_MODULE}.{BASE_MODEL}",
        "input_file_type": InputFileType.OpenAPI,
        "openapi_scopes": [OpenAPIScope.Schemas],
        "collapse_root_models": False,
        "formatters": [],
        "disable_timestamp": True,
        "target_python_version": PythonVersion.PY_311,
        "output": None,
        "emit_model_metadata": metadata,
    }
    if not settings.table:  # no project settings: nothing to look for above the directory
        from datamodel_code_generator.config import GenerateConfig, _rebuild_generate_config

        _rebuild_generate_config()
        return GenerateConfig.model_validate(overrides)
    return load_pyproject_config(settings.project_dir, overrides=overrides)


@dataclass(frozen=True)
class DatamodelModels:
    """What datamodel-code-generator made of a spec: the module's code, and the class of
    each component schema."""

    code: str
    class_names: dict[str, str]  # component (as normalize named it) -> class
    package: ModelPackage  # for the models package's `__init__` and `_base`


def build_models(
    document: dict[str, Any], api: Api, settings: DatamodelSettings, header: str
) -> tuple[DatamodelModels, list[Diagnostic]]:
    """The models module of the normalized `document`. Raises SpecError where the library
    fails or leaves a schema the operations use without a class."""
    from datamodel_code_generator import generate

    with tempfile.TemporaryDirectory(prefix="pyapigen-dmcg-") as scratch:
        metadata_path = Path(scratch) / "models.json"
        try:
            # The library reports what it could not honour (an unknown format, a union it
            # cannot decode) as Python warnings: they become the run's own, at the spec.
            with warnings.catch_warnings(record=True) as reported:
                warnings.simplefilter("always")
                code = generate(document, config=_config(settings, api.package, metadata_path, header))
            metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
        except SpecError:
            raise
        except Exception as exc:  # the library's own errors have no common base
            where = Location("[tool.datamodel-codegen]") if settings.table else Location(api.source)
            raise SpecError(
                [error(where, f"datamodel-code-generator failed: {type(exc).__name__}: {exc}", "models-backend")]
            ) from exc
    if not isinstance(code, str):
        raise SpecError([error(Location(api.source), "datamodel-code-generator wrote several modules, not one")])
    class_names: dict[str, str] = {}
    every_class: list[str] = []
    for model in metadata.get("models", []):
        every_class.append(model["class_name"])
        reference = str(model.get("source_ref", ""))
        if reference.startswith(_SCHEMA_REF) and "/" not in reference[len(_SCHEMA_REF) :]:
            class_names.setdefault(_unescape(reference[len(_SCHEMA_REF) :]), model["class_name"])
    unmade = sorted(name for name in api.operation_model_names if name not in class_names)
    if unmade:
        raise SpecError(
            [
                error(
                    Location(api.source, f"/components/schemas/{name}"),
                    f"datamodel-code-generator made no class of schema {name!r}, which operations use",
                    "models-backend",
                )
                for name in unmade
            ]
        )
    code = _narrowing_allowed(code)
    code = _with_open_enums(
        code.replace(f"from {api.package}.models.{BASE_MODULE} import", f"from .{BASE_MODULE} import")
    )
    classes = tuple(ModelClass(name, ModelKind.OBJECT, ()) for name in dict.fromkeys(every_class))
    module = ModelModule(MODULE, "", classes, (), (), False)
    library_warnings = [
        warning(Location(api.source), f"datamodel-code-generator: {text}", "models-backend")
        for text in dict.fromkeys(str(report.message).splitlines()[0] for report in reported)
    ]
    return DatamodelModels(
        code, class_names, ModelPackage(BASE_MODULE, BASE_MODEL, (module,), made_by=DATAMODEL_CODE_GENERATOR)
    ), library_warnings


def _unescape(pointer_segment: str) -> str:
    return pointer_segment.replace("~1", "/").replace("~0", "~")


def _narrowing_allowed(code: str) -> str:
    """Where a subclass redeclares a field of its base with a narrower type (a
    discriminator's own value), as pydantic allows, mypy is told so for the module, as
    the builtin models' modules do."""
    tree = ast.parse(code)
    fields: dict[str, set[str]] = {}
    bases: dict[str, list[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            bases[node.name] = [base.id for base in node.bases if isinstance(base, ast.Name)]
            fields[node.name] = {
                item.target.id
                for item in node.body
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)
            }

    def inherited(name: str, seen: frozenset[str] = frozenset()) -> set[str]:
        found: set[str] = set()
        for base in bases.get(name, []):
            if base in fields and base not in seen:
                found |= fields[base] | inherited(base, seen | {name})
        return found

    if not any(fields[name] & inherited(name) for name in fields):
        return code
    note = (
        "# mypy: disable-error-code=assignment\n"
        "# (Subclasses here narrow fields they inherit, a discriminator to their own value, as pydantic allows.)\n"
    )
    return note + code


def _with_open_enums(code: str) -> str:
    """Every enum class with `OpenEnum` as its first base, imported from the models' `_base`:
    in a response, a value the spec does not list is kept, as the builtin models do."""
    tree = ast.parse(code)
    lines = code.splitlines(keepends=True)
    enums = [
        node
        for node in tree.body
        if isinstance(node, ast.ClassDef)
        and node.bases
        and any(isinstance(base, ast.Name) and base.id in _ENUM_BASES for base in node.bases)
    ]
    if not enums:
        return code
    for node in reversed(enums):  # from the bottom: earlier offsets stay valid
        first = node.bases[0]
        line = lines[first.lineno - 1]
        column = len(line.encode("utf-8")[: first.col_offset].decode("utf-8"))
        lines[first.lineno - 1] = f"{line[:column]}{OPEN_ENUM}, {line[column:]}"
    imports = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    at = imports[-1].end_lineno if imports else 0
    assert at is not None
    lines.insert(at, f"from .{BASE_MODULE} import {OPEN_ENUM}\n")
    return "".join(lines)


# --- the IR on the library's class names -----------------------------------------------------


def renamed_api(api: Api, class_names: Mapping[str, str]) -> Api:
    """`api` with every model name the templates read replaced by the class the library wrote."""
    renames = {name: new for name, new in class_names.items() if new != name}

    def names(values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted({renames.get(value, value) for value in values}))

    def one(value: str | None) -> str | None:
        return renames.get(value, value) if value is not None else None

    def typed(expression: str | None) -> str | None:
        return _renamed_expression(expression, renames) if expression is not None else None

    def parameter(value: Parameter) -> Parameter:
        renamed = typed(value.python_type) or "Any"
        return value if renamed == value.python_type else replace(value, python_type=renamed)

    def response(value: Response) -> Response:
        return replace(value, python_type=typed(value.python_type), model_name=one(value.model_name))

    def operation(value: Operation) -> Operation:
        body = value.body
        if body is not None:
            body = replace(body, python_type=typed(body.python_type) or "Any", model_name=one(body.model_name))
        # Parameters are told apart by identity (the idempotency key): one is new only if renamed.
        parameters = {id(p): parameter(p) for p in value.parameters}
        key = value.idempotency_key
        pagination = value.pagination
        if pagination is not None:
            pagination = replace(pagination, item_type=typed(pagination.item_type) or "Any")
        return replace(
            value,
            parameters=tuple(parameters[id(p)] for p in value.parameters),
            idempotency_key=parameters.get(id(key), key) if key is not None else None,
            body=body,
            success=response(value.success),
            errors=tuple(response(error_) for error_ in value.errors),
            pagination=pagination,
        )

    def shape(value: ErrorShape) -> ErrorShape:
        return replace(value, model_name=one(value.model_name))

    operations = tuple(operation(value) for value in api.operations)
    by_id = {id(old): new for old, new in zip(api.operations, operations, strict=True)}
    groups = tuple(
        replace(
            group,
            operations=tuple(by_id.get(id(o), operation(o)) for o in group.operations),
            model_names=names(group.model_names),
        )
        for group in api.groups
    )
    # (the schema's name in the spec, its class) where they differ: the README lists them.
    spec_name = {new: old for old, new in api.model_renames}
    model_renames = sorted(
        {(spec_name.get(name, name), renames.get(name, name)) for name in api.model_names if name in class_names}
        - {(name, name) for name in api.model_names}
    )
    webhooks = api.webhooks
    if webhooks is not None:
        events = tuple(
            replace(event, model_name=renames.get(event.model_name, event.model_name)) for event in webhooks.events
        )
        webhooks = replace(webhooks, events=events)
    return replace(
        api,
        operations=operations,
        webhooks=webhooks,
        groups=groups,
        # A schema the library made no class of (none the operations use) is not offered.
        model_names=names(tuple(name for name in api.model_names if name in class_names)),
        operation_model_names=names(api.operation_model_names),
        error_shapes=tuple(shape(value) for value in api.error_shapes),
        model_renames=tuple(model_renames),
    )


def _renamed_expression(expression: str, renames: Mapping[str, str]) -> str:
    """A type expression with class names replaced, text in string literals left alone."""
    replacements: list[tuple[int, int, str]] = []
    previous = ""
    for token in tokenize.generate_tokens(io.StringIO(expression).readline):
        if token.type == tokenize.NAME and token.string in renames and previous != ".":
            replacements.append((token.start[1], token.end[1], renames[token.string]))
        previous = token.string
    for start, end, new in reversed(replacements):
        expression = f"{expression[:start]}{new}{expression[end:]}"
    return expression
