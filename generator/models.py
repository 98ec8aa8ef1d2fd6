"""Rendering `models.py` through datamodel-code-generator, used as a library.

The normalized document already names every model; datamodel-code-generator turns the
component schemas into pydantic v2 classes. No formatter runs here: ruff formats every
generated file once at the end of the run.
"""

from __future__ import annotations

import copy
import re
import warnings
from typing import Any

from generator.diagnostics import Location, SpecError, error
from generator.ir import Api

_CLASS = re.compile(r"^class (\w+)\b", re.MULTILINE)


def render_models(document: dict[str, Any], api: Api, header: str) -> str:
    """The source of `models.py` for the normalized `document`."""
    from datamodel_code_generator import PythonVersion, generate
    from datamodel_code_generator.enums import DataModelType, InputFileType

    schemas = document.get("components", {}).get("schemas") or {}
    if not schemas:
        return f'{header}\n"""Models of the {api.title} API: the spec declares none."""\n'
    models_only = {
        "openapi": document.get("openapi", "3.1.0"),
        "info": {"title": api.title, "version": api.version},
        "paths": {},
        "components": {"schemas": copy.deepcopy(schemas)},
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            source = generate(
                models_only,
                input_file_type=InputFileType.OpenAPI,
                output_model_type=DataModelType.PydanticV2BaseModel,
                target_python_version=PythonVersion.PY_311,
                formatters=[],
                custom_file_header=header + f'\n"""Models of the {api.title} API, one pydantic class per schema."""',
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
