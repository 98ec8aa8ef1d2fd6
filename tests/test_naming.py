"""Every name a spec may hold becomes a valid, readable Python name."""

from __future__ import annotations

import keyword

import pytest

from generator import naming


@pytest.mark.parametrize(
    ("name", "snake", "pascal"),
    [
        ("updateCustomer", "update_customer", "UpdateCustomer"),
        ("Idempotency-Key", "idempotency_key", "IdempotencyKey"),
        ("organization-id", "organization_id", "OrganizationId"),
        ("page[size]", "page_size", "PageSize"),
        ("HTTPError", "http_error", "HTTPError"),
        ("café au lait", "cafe_au_lait", "CafeAuLait"),
        ("2fa", "field_2fa", "Model2fa"),
        ("class", "class_", "Class"),
        ("match", "match_", "Match"),
    ],
)
def test_case_conversions(name: str, snake: str, pascal: str) -> None:
    assert naming.snake_case(name) == snake
    assert naming.pascal_case(name) == pascal


@pytest.mark.parametrize("name", ["日本", "😀", "---", ""])
def test_names_without_ascii_letters_still_give_identifiers(name: str) -> None:
    for converted in (naming.snake_case(name), naming.class_name(name)):
        assert converted.isidentifier()
        assert not keyword.iskeyword(converted)


@pytest.mark.parametrize(
    "name", ["Client", "BaseModel", "Field", "ConflictError", "InMemoryHandler", "T", "Any", "None", "Exception"]
)
def test_class_names_never_shadow_our_symbols_or_builtins(name: str) -> None:
    assert naming.class_name(name) == naming.pascal_case(name) + "Model"


@pytest.mark.parametrize(
    ("parts", "constant"),
    [
        (("api-key",), "API_KEY"),
        (("RestErrorResponse", "400"), "REST_ERROR_RESPONSE_400"),
        (("ErrorEnvelope", "default"), "ERROR_ENVELOPE_DEFAULT"),
        (("400",), "N_400"),  # only a name that would start with a digit is prefixed
        (("2fa",), "N_2FA"),
        (("class",), "CLASS"),
    ],
)
def test_constant_names_read_as_their_words(parts: tuple[str, ...], constant: str) -> None:
    assert naming.constant_name(*parts) == constant


def test_enum_members_of_numbers_and_of_their_text_read_alike() -> None:
    assert [naming.enum_member_name(v) for v in (400, "400", -1, "", "in-progress")] == [
        "VALUE_400",
        "VALUE_400",
        "MINUS_1",
        "EMPTY",
        "IN_PROGRESS",
    ]


def test_method_and_parameter_names_avoid_reserved_ones() -> None:
    assert naming.method_name("updateCustomer") == "update_customer"
    assert naming.method_name("close") == "close_"
    assert naming.parameter_name("timeout", {"timeout"}) == "timeout_"
    assert naming.parameter_name("self") == "self_"


def test_collisions_after_conversion_get_suffixes() -> None:
    assert naming.unique(["page_size", "page_size", "page_size"]) == ["page_size", "page_size_2", "page_size_3"]
    assert naming.unique(["Pet", "Pet"], taken={"Pet"}) == ["Pet2", "Pet3"]


def test_package_names() -> None:
    assert naming.package_name("chargeover") == "chargeover_api"
    assert naming.distribution_name("chargeover") == "chargeover-api"
    assert naming.exception_name("404") == "NotFoundError"
    assert naming.exception_name("503") == "InternalServerError"
    assert naming.exception_name("418") == "ApiStatusError"


def test_the_exception_named_for_each_status_is_the_one_the_runtime_raises() -> None:
    """The docs and READMEs name, per declared status, the class `runtime/errors.py` raises."""
    from runtime import errors

    for status in range(400, 600):
        assert naming.exception_name(str(status)) == errors.error_class_for(status).__name__, status
    assert naming.exception_name("5XX") == errors.error_class_for(500).__name__
