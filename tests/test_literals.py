"""Spec strings reach code only as inert literals, docstrings and comments."""

from __future__ import annotations

import ast

import pytest

from generator.literals import comment_text, docstring_text, python_literal

HOSTILE = [
    "quote \" and ' both",
    '""" triple quotes """',
    "back\\slash \\n not a newline",
    "new\nline",
    "nul \x00 byte",
    "{{ jinja }} {% if %} {# c #}",
    "'); import os; os.system('echo pwned'); ('",
    "\\",
    'ends with a quote"',
]


@pytest.mark.parametrize("text", HOSTILE)
def test_python_literal_round_trips_exactly(text: str) -> None:
    assert ast.literal_eval(python_literal(text)) == text


def test_python_literal_of_nested_data() -> None:
    value = {"a": [1, 2.5, None, True, {"b": HOSTILE}], "c": float("inf")}
    rendered = python_literal(value)
    namespace: dict[str, object] = {}
    exec(compile(f"value = {rendered}", "<literal>", "exec"), {"__builtins__": {"float": float}}, namespace)
    assert namespace["value"] == value


@pytest.mark.parametrize("text", HOSTILE)
def test_docstrings_stay_docstrings(text: str) -> None:
    module = ast.parse(f'def f():\n    """{docstring_text(text)}"""\n')
    function = module.body[0]
    assert isinstance(function, ast.FunctionDef)
    assert len(function.body) == 1  # nothing escaped the docstring


@pytest.mark.parametrize("text", HOSTILE)
def test_comments_stay_on_one_line(text: str) -> None:
    module = ast.parse(f"# {comment_text(text)}\nx = 1\n")
    assert len(module.body) == 1
