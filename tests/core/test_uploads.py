"""Multipart bodies parsed by tongban.core.uploads give what Django's own parser gives, and keep
Django's limits and its 400 for a malformed body."""

import io

import pytest
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.test import RequestFactory
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.cases.conftest import PDF
from tongban.core.uploads import MultipartUploadHandler, upload_file_name

BOUNDARY = "----tongbantestQ2Vb7xr0"
META = {"CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}"}


def body(parts) -> bytes:
    """parts: ("field", name, text) or ("file", name, filename, content type, bytes)."""
    out = []
    for part in parts:
        out.append(f"--{BOUNDARY}\r\n".encode())
        if part[0] == "field":
            _, name, text = part
            out.append(f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + text.encode() + b"\r\n")
        else:
            _, name, filename, content_type, data = part
            out.append(f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                       f"Content-Type: {content_type}\r\n\r\n".encode() + data + b"\r\n")
    out.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(out)


def parse(data: bytes, handlers):
    meta = dict(META, CONTENT_LENGTH=str(len(data)))
    return MultiPartParser(meta, io.BytesIO(data), handlers, "utf-8").parse()


def ours(data: bytes):
    return parse(data, [MultipartUploadHandler()])


def djangos(data: bytes):
    return parse(data, [MemoryFileUploadHandler(), TemporaryFileUploadHandler()])


def files_seen(files) -> list:
    # Django's parser gives a file's charset as bytes, ours as str.
    return [(field, f.name, f.content_type, f.size, f.charset.decode() if isinstance(f.charset, bytes) else f.charset,
             f.read())
            for field, uploads in sorted(files.lists()) for f in uploads]


# No backslash in a field name: before the closing quote Django reads it as an escape, `multipart`
# as the HTML form-data rules do (a backslash is itself); browsers send it unescaped.
names = st.text(st.characters(min_codepoint=0x30, max_codepoint=0x7A, exclude_characters="\\")
                | st.sampled_from(" 材料"), max_size=8).filter(str.strip)
# File names as clients send them: paths, HTML entities, Chinese, dots (but no quote or CR/LF,
# which a client escapes, and, as for field names, no backslash before the closing quote).
filenames = st.lists(st.sampled_from([*"ab.\\/&;#x2e 报告", "..", "&amp;", "&#47;"]), max_size=12).map(
    "".join).filter(lambda name: not name.endswith("\\"))
field_parts = st.tuples(st.just("field"), names, st.text(st.characters(exclude_categories=["Cs"]), max_size=40))
file_parts = st.tuples(st.just("file"), names, filenames,
                       st.sampled_from(["image/jpeg", "application/pdf", "text/plain; charset=gbk"]),
                       st.binary(max_size=300))


@hypothesis_settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(field_parts, file_parts), max_size=8))
def test_same_fields_and_files_as_djangos_parser(parts):
    data = body(parts)
    our_post, our_files = ours(data)
    their_post, their_files = djangos(data)
    assert sorted(our_post.lists()) == sorted(their_post.lists())
    assert files_seen(our_files) == files_seen(their_files)


@hypothesis_settings(max_examples=300, deadline=None)
@given(filenames | st.text())
def test_file_names_are_sanitised_as_django_does(name):
    assert upload_file_name(name) == MultiPartParser.sanitize_file_name(None, name)


def test_a_body_too_large_for_memory_spools_its_large_files(settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100 * 1024
    large, small = b"\x01" * (200 * 1024), b"\x02" * 10
    post, files = ours(body([("field", "payload", "{}"), ("file", "files", "a.pdf", "application/pdf", large),
                             ("file", "files", "b.pdf", "application/pdf", small)]))
    spooled, kept = files.getlist("files")
    assert not isinstance(spooled, InMemoryUploadedFile) and spooled.read() == large
    assert isinstance(kept, InMemoryUploadedFile) and kept.read() == small
    assert post["payload"] == "{}"


def test_djangos_limits_hold(settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 3
    with pytest.raises(TooManyFieldsSent):
        ours(body([("field", f"f{k}", "x") for k in range(4)]))
    assert len(ours(body([("field", f"f{k}", "x") for k in range(3)]))[0]) == 3
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    with pytest.raises(TooManyFilesSent):
        ours(body([("file", "files", f"{k}.pdf", "application/pdf", PDF) for k in range(3)]))
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    with pytest.raises(RequestDataTooBig):
        ours(body([("field", "payload", "x" * 60), ("field", "note", "y" * 60)]))


@pytest.mark.parametrize("data", [
    body([("field", "payload", "{}")])[:-20],  # cut off before the closing boundary
    b"--wrongboundary\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--wrongboundary--\r\n",
    f"--{BOUNDARY}\r\nContent-Type: text/plain\r\n\r\nno disposition\r\n--{BOUNDARY}--\r\n".encode(),
])
def test_a_malformed_body_is_a_parser_error(data):
    with pytest.raises(MultiPartParserError):
        ours(data)


def test_requests_use_it():
    request = RequestFactory().post("/api/cases", {"payload": "{}"})
    assert [type(h) for h in request.upload_handlers] == [MultipartUploadHandler]
    assert request.POST["payload"] == "{}"

