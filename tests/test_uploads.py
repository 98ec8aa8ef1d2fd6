"""File uploads through the generated clients, over real HTTP, sync and async: a multipart
file field and an `application/octet-stream` body each take bytes, a binary file object, a
`pathlib.Path`, or a `(filename, content[, content_type])` tuple, and send the real filename
and the right content type."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pydantic
import pytest
from starlette.responses import JSONResponse, Response

from tests.shop_api_support import FLAVOURS, Received, Shop, run, run_readme_example

PDF = b"%PDF-1.7 a small report"


async def _what_arrived(received: Received) -> Response:
    """The `file` part's name, type and size; for a raw body, the body's."""
    if "file" in received.form:
        filename, content, content_type = received.form["file"]
    else:
        filename, content, content_type = "", received.body, received.headers["content-type"]
    return JSONResponse({"filename": filename, "content_type": content_type, "size": len(content)})


@pytest.fixture
def uploads(shop: Shop) -> Shop:
    shop.answer = _what_arrived
    return shop


def _report(tmp_path: Path) -> Path:
    path = tmp_path / "report.pdf"
    path.write_bytes(PDF)
    return path


# Each input form: how to make it, and the filename and content type that must arrive.
FORMS: dict[str, tuple[Callable[[Path], Any], str, str]] = {
    "bytes": (lambda tmp: PDF, "file", "application/octet-stream"),
    "file object": (lambda tmp: _report(tmp).open("rb"), "report.pdf", "application/pdf"),
    "path": (_report, "report.pdf", "application/pdf"),
    "(filename, content)": (lambda tmp: ("q3.pdf", PDF), "q3.pdf", "application/pdf"),
    "(filename, file object)": (lambda tmp: ("q3.pdf", _report(tmp).open("rb")), "q3.pdf", "application/pdf"),
    "(filename, content, content_type)": (
        lambda tmp: ("q3.bin", PDF, "application/x-report"),
        "q3.bin",
        "application/x-report",
    ),
}


def _closing(value: Any) -> None:
    for item in value if isinstance(value, tuple) else (value,):
        if hasattr(item, "close"):
            item.close()


@FLAVOURS
@pytest.mark.parametrize("form", FORMS)
def test_a_multipart_file_field_takes_each_form_with_its_real_name_and_type(
    flavour: str, form: str, shop_api: ModuleType, uploads: Shop, tmp_path: Path
) -> None:
    make, filename, content_type = FORMS[form]
    file = make(tmp_path)
    try:
        received = run(flavour, shop_api, uploads, lambda c: c.upload_file(body={"file": file, "note": "Q3"}))
    finally:
        _closing(file)
    assert (received.filename, received.content_type, received.size) == (filename, content_type, len(PDF))
    assert uploads.received[-1].form["file"][1] == PDF
    assert uploads.received[-1].form["note"] == "Q3"


@FLAVOURS
def test_a_part_takes_the_content_type_the_spec_declares_unless_the_tuple_says_otherwise(
    flavour: str, shop_api: ModuleType, uploads: Shop, tmp_path: Path
) -> None:
    """shop.yaml's `encoding` declares `thumbnail` image/png: it wins over a guess from the
    filename, and a tuple's own type wins over it."""
    thumbnail = tmp_path / "thumb.bin"
    thumbnail.write_bytes(b"\x89PNG")
    run(flavour, shop_api, uploads, lambda c: c.upload_file(body={"file": PDF, "thumbnail": thumbnail}))
    assert uploads.received[-1].form["thumbnail"] == ("thumb.bin", b"\x89PNG", "image/png")
    body = {"file": PDF, "thumbnail": ("t.webp", b"RIFF", "image/webp")}
    run(flavour, shop_api, uploads, lambda c: c.upload_file(body=body))
    assert uploads.received[-1].form["thumbnail"] == ("t.webp", b"RIFF", "image/webp")


@FLAVOURS
def test_a_list_of_files_sends_one_part_each(flavour: str, shop_api: ModuleType, uploads: Shop, tmp_path: Path) -> None:
    body = {"file": PDF, "attachments": [_report(tmp_path), ("notes.txt", b"hello")]}
    run(flavour, shop_api, uploads, lambda c: c.upload_file(body=body))
    attachments = [part for name, part in uploads.received[-1].parts if name == "attachments"]
    assert attachments == [("report.pdf", PDF, "application/pdf"), ("notes.txt", b"hello", "text/plain")]


@FLAVOURS
def test_a_model_body_sends_its_bytes_as_a_file_part(flavour: str, shop_api: ModuleType, uploads: Shop) -> None:
    upload = shop_api.models.Upload(file=PDF, note="Q3")
    received = run(flavour, shop_api, uploads, lambda c: c.upload_file(body=upload))
    assert (received.filename, received.size) == ("file", len(PDF))
    assert uploads.received[-1].form["note"] == "Q3"


@FLAVOURS
@pytest.mark.parametrize("form", FORMS)
def test_an_octet_stream_body_takes_each_form(
    flavour: str, form: str, shop_api: ModuleType, uploads: Shop, tmp_path: Path
) -> None:
    """The body is the file's bytes; its type is the declared octet-stream, or the tuple's."""
    make, _, content_type = FORMS[form]
    file = make(tmp_path)
    try:
        received = run(flavour, shop_api, uploads, lambda c: c.put_file_content("report", body=file))
    finally:
        _closing(file)
    expected_type = content_type if form == "(filename, content, content_type)" else "application/octet-stream"
    assert (received.content_type, received.size) == (expected_type, len(PDF))
    assert uploads.received[-1].body == PDF


@FLAVOURS
def test_a_missing_file_or_a_text_file_is_refused_before_sending(
    flavour: str, shop_api: ModuleType, uploads: Shop, tmp_path: Path
) -> None:
    with pytest.raises(pydantic.ValidationError, match="file"):
        run(flavour, shop_api, uploads, lambda c: c.upload_file(body={"note": "no file"}))
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with text.open("r") as opened, pytest.raises(TypeError, match="binary mode"):
        run(flavour, shop_api, uploads, lambda c: c.put_file_content("notes", body=opened))
    with pytest.raises(TypeError, match="a file must be"):
        run(flavour, shop_api, uploads, lambda c: c.upload_file(body={"file": 42}))
    assert uploads.received == []


def test_the_readme_example_runs(
    shop_api: ModuleType,
    uploads: Shop,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _report(tmp_path)
    monkeypatch.chdir(tmp_path)
    output = run_readme_example(shop_api, uploads, "Upload files", monkeypatch, capsys)
    assert output.splitlines() == [
        f"filename='report.pdf' content_type='application/pdf' size={len(PDF)}",
        f"filename='report.pdf' content_type='application/pdf' size={len(PDF)}",
        "filename='q3.pdf' content_type='application/pdf' size=8",
    ]
