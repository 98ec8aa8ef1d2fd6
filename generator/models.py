"""Rendering `models.py` through datamodel-code-generator, used as a library.

The normalized document already names every model; datamodel-code-generator turns the
component schemas into pydantic v2 classes. No formatter runs here: ruff formats every
generated file once at the end of the run.
"""

from __future__ import annotations

import ast
import copy
import re
import warnings
from typing import Any

from generator.diagnostics import Location, SpecError, error
from generator.ir import Api
from generator.literals import docstring_text
from generator.traverse import objects
from generator.types import ref_name

_CLASS = re.compile(r"^class (\w+)\b", re.MULTILINE)


def render_models(document: dict[str, Any], api: Api, header: str) -> str:
    """The source of `models.py` for the normalized `document`."""
    from datamodel_code_generator import PythonVersion, generate
    from datamodel_code_generator.enums import DataModelType, InputFileType

    schemas = document.get("components", {}).get("schemas") or {}
    if not schemas:
        return f'{header}\n"""Models of {docstring_text(api.title)}: the spec declares none."""\n'
    models_only = {
        "openapi": document.get("openapi", "3.1.0"),
        "info": {"title": api.title, "version": api.version},
        "paths": {},
        "components": {"schemas": copy.deepcopy(schemas)},
    }
    _drop_ambiguous_discriminators(models_only["components"]["schemas"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            source = generate(
                models_only,
                input_file_type=InputFileType.OpenAPI,
                output_model_type=DataModelType.PydanticV2BaseModel,
                target_python_version=PythonVersion.PY_311,
                formatters=[],
                custom_file_header=header
                + f'\n"""Models of {docstring_text(api.title)}, one pydantic class per schema."""',
                disable_timestamp=True,
                snake_case_field=True,
                allow_population_by_field_name=True,
                use_annotated=True,
                field_constraints=True,
                use_standard_collections=True,
                use_union_operator=True,
                strict_nullable=True,
                use_schema_description=True,
                use_field_description=True,
                use_inline_field_description=True,
                use_single_line_docstring=True,
                capitalise_enum_members=True,
                set_default_enum_member=True,
                keep_model_order=False,
                # Formats JSON Schema treats as plain strings stay `str`: pydantic's EmailStr
                # rejects addresses the spec allows (user@example.test), and AnyUrl rewrites
                # the URLs it is given.
                type_mappings=["email=string", "idn-email=string", "uri=string", "uri-reference=string", "iri=string"],
            )
        except Exception as exc:  # datamodel-code-generator raises many kinds of error
            raise SpecError(
                [error(Location(api.source, "/components/schemas"), f"models could not be generated: {exc}")]
            ) from None
    if not isinstance(source, str):
        raise SpecError([error(Location(api.source, "/components/schemas"), "models did not render to one module")])
    if _narrows_inherited_fields(source):
        source = _NARROWING_DIRECTIVE + source
    missing = sorted(set(api.model_names) - set(_CLASS.findall(source)))
    if missing:
        raise SpecError(
            [
                error(
                    Location(api.source, "/components/schemas"),
                    f"models {', '.join(missing)} were not generated under their own names",
                )
            ]
        )
    return source


# pydantic lets a subclass narrow a field it inherits (an allOf member fixing the
# discriminator to its own value); mypy calls that an incompatible assignment.
_NARROWING_DIRECTIVE = (
    "# mypy: disable-error-code=assignment\n# (allOf subclasses here narrow fields they inherit, as pydantic allows.)\n"
)


def _narrows_inherited_fields(source: str) -> bool:
    """Whether a model class redeclares a field one of its model bases declares."""
    fields: dict[str, set[str]] = {}
    bases: dict[str, list[str]] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef):
            fields[node.name] = {
                item.target.id
                for item in node.body
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)
            }
            bases[node.name] = [base.id for base in node.bases if isinstance(base, ast.Name)]

    def inherited(name: str, seen: frozenset[str] = frozenset()) -> set[str]:
        found: set[str] = set()
        for base in bases.get(name, []):
            if base in fields and base not in seen:
                found |= fields[base] | inherited(base, seen | {base})
        return found

    return any(fields[name] & inherited(name) for name in fields)


def _drop_ambiguous_discriminators(schemas: dict[str, Any]) -> None:
    """Turn discriminated unions pydantic cannot build into plain unions.

    When one member takes several discriminator values, or one member inherits (allOf)
    from another, pydantic sees a value mapped to two classes and the module fails to
    import. A plain union still picks the member that fits best; the server's JSON Schema
    check keeps the spec's oneOf exact.
    """
    for node in objects(schemas):
        discriminator = node.get("discriminator")
        if isinstance(discriminator, dict) and _ambiguous(node, discriminator, schemas):
            del node["discriminator"]


def _ambiguous(union: dict[str, Any], discriminator: dict[str, Any], schemas: dict[str, Any]) -> bool:
    mapping = discriminator.get("mapping")
    targets = list(mapping.values()) if isinstance(mapping, dict) else []
    if len(set(map(str, targets))) < len(targets):
        return True
    members = union.get("oneOf") or union.get("anyOf") or []
    names = {ref_name(member) for member in members if isinstance(member, dict)} - {None}
    return any(names & _ancestors(name, schemas) for name in names if name is not None)


def _ancestors(name: str, schemas: dict[str, Any], seen: frozenset[str] = frozenset()) -> set[str]:
    """The component schemas `name` extends through allOf."""
    schema = schemas.get(name)
    parts = schema.get("allOf") if isinstance(schema, dict) else None
    found: set[str] = set()
    for part in parts if isinstance(parts, list) else []:
        parent = ref_name(part)
        if parent is not None and parent not in seen:
            found |= {parent} | _ancestors(parent, schemas, seen | {parent})
    return found
