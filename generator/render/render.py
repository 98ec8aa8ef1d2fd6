"""Rendering package files from Jinja templates.

Templates receive the IR and nothing else; every spec string reaches them through the
escaping filters of `generator.literals` (`literal`, `docstring`, `comment`, `toml`,
`markdown`). A directory of override templates may replace any built-in template by name.
The modules of `runtime/` are not templates: every package gets them as they are.
"""

from __future__ import annotations

import functools
import hashlib
import io
import tokenize
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any

import jinja2

from generator.assets import RUNTIME_DIR, TEMPLATES_DIR
from generator.change import changelog
from generator.ir.ir import Api, ModelModule, ModelPackage, PackageHeading
from generator.literals import comment_text, docstring_text, markdown_text, python_literal, toml_string
from generator.render import import_order, json_text, module_imports

# Output file (inside the package directory) -> template name.
PACKAGE_TEMPLATES = {"pyproject.toml": "pyproject.toml.jinja"}
README_TEMPLATE = "README.md.jinja"  # rendered last: it lists the changes since the last generation
MODULE_TEMPLATES = {
    "__init__.py": "__init__.py.jinja",
    "client.py": "client.py.jinja",
    "server.py": "server.py.jinja",
    "_resources/__init__.py": "resources_package.py.jinja",
    "_routes/__init__.py": "routes_package.py.jinja",
}
# One module per group of operations (`OperationGroup`), in these folders of the package.
# Only for a spec with webhooks: its events' union, `Webhooks` and `send_webhook`.
WEBHOOKS_TEMPLATE = "webhooks.py.jinja"
RESOURCES_FOLDER, ROUTES_FOLDER = "_resources", "_routes"
GROUP_TEMPLATES = {
    RESOURCES_FOLDER: "resource.py.jinja",
    ROUTES_FOLDER: "routes.py.jinja",
}
# The models package: `models/__init__.py` imports each submodule on first use.
MODELS_PACKAGE_TEMPLATE = "models_package.py.jinja"
MODELS_BASE_TEMPLATE = "models_base.py.jinja"
MODELS_TEMPLATE = "models.py.jinja"  # one submodule of classes
MODELS_TEMPLATES = (MODELS_PACKAGE_TEMPLATE, MODELS_BASE_TEMPLATE, MODELS_TEMPLATE)
# A package of models only (see `Api.models_only`): its own smaller set.
MODELS_ONLY_PACKAGE_TEMPLATES = {"pyproject.toml": "models_only/pyproject.toml.jinja"}
MODELS_ONLY_README_TEMPLATE = "models_only/README.md.jinja"
MODELS_ONLY_MODULE_TEMPLATES = {"__init__.py": "models_only/__init__.py.jinja"}
# The templates of `render_code`'s Python modules (its other files are not Python).
CODE_TEMPLATES = (
    *MODULE_TEMPLATES.values(),
    *GROUP_TEMPLATES.values(),
    WEBHOOKS_TEMPLATE,
    *MODELS_ONLY_MODULE_TEMPLATES.values(),
)
# The built-in templates that write only the imports their module uses, in the order ruff
# sorts them, and `__all__` sorted (`generator.render.import_order`, `module_imports`): their
# modules need no `ruff check --fix`. An override of one may import anything, and is checked.
EXACT_IMPORT_TEMPLATES = frozenset((*MODELS_TEMPLATES, *CODE_TEMPLATES))


_OPTIONS: dict[str, Any] = {
    "undefined": jinja2.StrictUndefined,
    "autoescape": False,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "keep_trailing_newline": True,
    "auto_reload": False,
}


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs, as Python keeps .pyc files (0.15 s a run).

    Jinja's per-user cache directory (private to the user); an entry is used only when the
    template's source checksum matches, and our names carry the options they were compiled with.
    """
    options = hashlib.sha256(repr(sorted(_OPTIONS.items())).encode()).hexdigest()[:12]
    try:
        return jinja2.FileSystemBytecodeCache(pattern=f"pyapigen-{options}-%s.cache")
    except OSError:  # no usable temporary directory: compile every time
        return None


def environment(override_dirs: Sequence[Path] = ()) -> jinja2.Environment:
    """The template environment; templates in `override_dirs` win over the built-in ones."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*map(str, override_dirs), str(TEMPLATES_DIR)]),
        bytecode_cache=_bytecode_cache(),
        **_OPTIONS,
    )
    env.filters.update(
        literal=python_literal,
        docstring=docstring_text,
        comment=comment_text,
        toml=toml_string,
        markdown=markdown_text,
        qualified=qualified,
        natural_sort=import_order.sorted_by,
    )
    env.globals.update(
        import_block=import_order.import_block,
        sorted_all=import_order.sorted_all,
        sorted_members=import_order.sorted_members,
        only=import_order.only,
        resource_names=module_imports.resource_names,
        route_names=module_imports.route_names,
        used_models=module_imports.used_models,
    )
    return env


def imports_exact(env: jinja2.Environment, templates: Collection[str]) -> bool:
    """Whether the modules `templates` render hold exactly the imports they use, sorted:
    each is one of `EXACT_IMPORT_TEMPLATES`, and no override directory replaces it."""
    return all(
        template in EXACT_IMPORT_TEMPLATES and env.get_template(template).filename == str(TEMPLATES_DIR / template)
        for template in templates
    )


def qualified(expression: str, names: Collection[str], module: str = "models") -> str:
    """A type expression with the model classes in `names` reached through their module:
    `list[Customer] | None` -> `list[models.Customer] | None`. Text inside string literals
    (`Literal["Customer"]`) and attributes (`x.Customer`) stay as they are."""
    for column, name in reversed(_names_in(expression)):
        if name in names:
            expression = f"{expression[:column]}{module}.{expression[column:]}"
    return expression


@functools.lru_cache(maxsize=4096)
def _names_in(expression: str) -> tuple[tuple[int, str], ...]:
    """(column, name) of each name in a type expression but attributes: tokenized once per
    expression, which a large API writes thousands of times (`Droplet | None`)."""
    found = []
    previous = ""
    for token in tokenize.generate_tokens(io.StringIO(expression).readline):
        if token.type == tokenize.NAME and previous != ".":
            found.append((token.start[1], token.string))
        previous = token.string
    return tuple(found)


def notice(api: Api | PackageHeading) -> str:
    return f"Generated by pyapigen from {api.source}. Do not edit: change the spec or the templates and run `make generate`."


def _context(
    api: Api | PackageHeading,
    changes: Sequence[changelog.Entry] = (),
    models: ModelPackage | None = None,
    module: ModelModule | None = None,
) -> dict[str, Any]:
    text = notice(api)
    header = "# " + comment_text(text)
    return {
        "api": api,
        "models": models,
        "module": module,
        "changes": changes,
        "notice": text,
        "header": header,
        "toml_header": header,
    }


def render_code(
    env: jinja2.Environment, api: Api, *, group_folders: Collection[str] = tuple(GROUP_TEMPLATES)
) -> dict[str, str]:
    """The package's files from templates, but for the models and the README: by path in the
    package directory.

    Of the per-tag modules, only those of `group_folders` (see `render_group_modules`).
    """
    context = _context(api)
    package_templates, module_templates = (
        (MODELS_ONLY_PACKAGE_TEMPLATES, MODELS_ONLY_MODULE_TEMPLATES)
        if api.models_only
        else (PACKAGE_TEMPLATES, MODULE_TEMPLATES)
    )
    files = {name: env.get_template(template).render(context) for name, template in package_templates.items()}
    for name, template in module_templates.items():
        files[f"{api.package}/{name}"] = env.get_template(template).render(context)
    if not api.models_only:
        for folder in group_folders:
            files.update(_group_modules(env, api, context, folder))
        if api.webhooks is not None:
            files[f"{api.package}/webhooks.py"] = env.get_template(WEBHOOKS_TEMPLATE).render(context)
    return files


def render_readme(env: jinja2.Environment, api: Api, changes: Sequence[changelog.Entry] = ()) -> dict[str, str]:
    """The package's README, with `changes`, its changelog's entries."""
    template = MODELS_ONLY_README_TEMPLATE if api.models_only else README_TEMPLATE
    return {"README.md": env.get_template(template).render(_context(api, changes))}


def render_group_modules(env: jinja2.Environment, api: Api, folder: str) -> dict[str, str]:
    """The per-tag modules of `folder`, one per tag: the clients' resources (`RESOURCES_FOLDER`)
    or the server's routes (`ROUTES_FOLDER`); none in a package of models only."""
    return {} if api.models_only else _group_modules(env, api, _context(api), folder)


def _group_modules(env: jinja2.Environment, api: Api, context: dict[str, Any], folder: str) -> dict[str, str]:
    template = env.get_template(GROUP_TEMPLATES[folder])
    return {
        f"{api.package}/{folder}/{group.module_name}.py": template.render(context, group=group) for group in api.groups
    }


# Runtime modules only some packages hold: those whose spec needs them (and the library
# each imports, which the package then depends on).
OPTIONAL_RUNTIME: dict[str, Callable[[Api], bool]] = {
    "_sse.py": lambda api: api.has_event_streams,  # httpx-sse
    "_server_events.py": lambda api: api.has_event_streams,
    "_webhooks.py": lambda api: api.webhooks is not None,  # standardwebhooks
}


def runtime_files(api: Api) -> dict[str, bytes]:
    """The runtime's modules, byte for byte, by path in the package directory (none in a
    package of models only). They are not formatted: they are the same in every package."""
    if api.models_only:
        return {}
    return {
        f"{api.package}/{path.name}": path.read_bytes()
        for path in sorted(RUNTIME_DIR.glob("*.py"))
        if path.name != "__init__.py" and (path.name not in OPTIONAL_RUNTIME or OPTIONAL_RUNTIME[path.name](api))
    }


def render_models(env: jinja2.Environment, api: Api | PackageHeading, models: ModelPackage) -> dict[str, str]:
    """The models package: its `__init__.py`, the base model's module and one per submodule.

    The built-in templates read only the package's heading of `api`: they can be rendered
    before the IR is built. Templates of one's own get the `Api`."""
    directory = f"{api.package}/models"
    files = render_models_package(env, api, models)
    template = env.get_template(MODELS_TEMPLATE)
    for module in models.modules:
        files[f"{directory}/{module.name}.py"] = template.render(_context(api, models=models, module=module))
    return files


def render_models_package(env: jinja2.Environment, api: Api | PackageHeading, models: ModelPackage) -> dict[str, str]:
    """The models package's `__init__.py` (each name imported from its submodule on first
    use) and the base model's module: what any maker of the classes sits behind."""
    directory = f"{api.package}/models"
    context = _context(api, models=models)
    return {
        f"{directory}/__init__.py": env.get_template(MODELS_PACKAGE_TEMPLATE).render(context),
        f"{directory}/{models.base_module}.py": env.get_template(MODELS_BASE_TEMPLATE).render(context),
    }


def data_files(api: Api, spec_json: bytes) -> dict[str, bytes]:
    """The files that are not code: the spec, the server's request schemas, the typing marker."""
    files = {f"{api.package}/py.typed": b"", f"{api.package}/openapi.json": spec_json}
    if not api.models_only:
        files[f"{api.package}/request_schemas.json"] = request_schemas(api)
    return files


def request_schemas(api: Api) -> bytes:
    """The JSON Schemas the server checks requests against, one entry per operation, and
    those of its declared responses (by status, null where the body is not JSON): the
    mock's dynamic answers are made from them and the validating proxy checks answers."""
    operations = {
        operation.method_name: {
            "body": operation.body.json_schema if operation.body else None,
            "parameters": {
                p.python_name: {"name": p.name, "in": p.location.value, "schema": p.json_schema}
                for p in operation.parameters
                if p.json_schema
            },
            "responses": {
                response.status: {"media_type": response.media_type, "schema": response.json_schema}
                for response in operation.declared_responses
            },
        }
        for operation in api.operations
    }
    return json_text.dumps({"$defs": api.json_schema_defs, "operations": operations})
