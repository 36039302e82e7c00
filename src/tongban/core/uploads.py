"""Multipart request bodies parsed by the `multipart` package instead of Django's own parser.

Django's MultiPartParser spends ~250 us on a case submission's three small parts (each part's
headers go through the email package; the body through a lazy stream that is pushed back and
re-read); `multipart` parses the same body in ~60 us. It plugs in through the hook Django gives
for replacing its parser: an upload handler whose handle_raw_input() returns (POST, FILES).

Django's rules are kept: the DATA_UPLOAD_MAX_* limits raise the exceptions Django raises, a
malformed body is a MultiPartParserError (core.middleware.RejectNulMiddleware, the first to read
the body, answers them: 413 and 400), file names are sanitised as Django does (a file whose
name sanitises to nothing is dropped), and a body larger than FILE_UPLOAD_MAX_MEMORY_SIZE has its
large parts spooled to temporary files instead of memory.
Not kept: the obsolete Content-Transfer-Encoding: base64 of a part (RFC 7578 forbids it; no
browser sends it) is not decoded; a file part without a Content-Type is application/octet-stream;
a file's charset and Content-Type options are str, not bytes.
"""

from __future__ import annotations

import html
from math import inf

import multipart
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils.datastructures import MultiValueDict

# In a body too large to be held in memory, parts up to this size still are.
SPOOL_BYTES = 64 * 1024


def upload_file_name(name: str) -> str | None:
    """An uploaded file's name as Django's MultiPartParser.sanitize_file_name() leaves it: the
    last path segment of the HTML-unescaped name, printable characters only; None for a name
    that is empty or a directory reference."""
    name = html.unescape(name).rsplit("/")[-1].rsplit("\\")[-1]
    name = "".join(char for char in name if char.isprintable())
    return None if name in {"", ".", ".."} else name


def _limit(value: int | None) -> float:
    return inf if value is None else value


class MultipartUploadHandler(FileUploadHandler):
    """Parses the whole multipart body itself; Django's parser and its other handlers never run."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):  # noqa: N803 (Django's name)
        encoding = encoding or settings.DEFAULT_CHARSET
        max_fields = _limit(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)
        max_files = _limit(settings.DATA_UPLOAD_MAX_NUMBER_FILES)
        max_field_bytes = _limit(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        in_memory = content_length <= settings.FILE_UPLOAD_MAX_MEMORY_SIZE
        spool = content_length + 1 if in_memory else SPOOL_BYTES
        parser = multipart.MultipartParser(
            input_data, boundary, content_length, charset=encoding,
            # One part more than the limits allow, so that the count below names the limit.
            part_limit=max_fields + max_files + 1, spool_limit=spool,
            # Whatever the limits allow in memory: the fields and each file's first SPOOL_BYTES.
            memory_limit=content_length + 1 if in_memory else max_field_bytes + max_files * SPOOL_BYTES,
        )
        post, files = QueryDict(mutable=True, encoding=encoding), MultiValueDict()
        fields = field_bytes = file_count = 0
        try:
            for part in parser:
                field_name = part.name.strip()
                if not part.filename:  # as in Django, an empty file name makes a field (an empty file input)
                    fields += 1
                    if fields > max_fields:
                        raise TooManyFieldsSent("The number of POST parameters exceeded "
                                                "settings.DATA_UPLOAD_MAX_NUMBER_FIELDS.")
                    field_bytes += part.size + len(field_name) + 2  # as Django counts: `name=value&`
                    if field_bytes > max_field_bytes:
                        part.close()
                        raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")
                    value = part.raw
                    part.close()
                    if field_name:  # Django skips a part without a name
                        post.appendlist(field_name, value.decode(encoding, errors="replace"))
                    continue
                file_count += 1
                if file_count > max_files:
                    raise TooManyFilesSent("The number of files exceeded settings.DATA_UPLOAD_MAX_NUMBER_FILES.")
                name = upload_file_name(part.filename)
                if name is None or not field_name:
                    part.close()
                    continue
                files.appendlist(field_name, self._uploaded(part, field_name, name))
        except multipart.MultipartError as exc:
            self._close(files)
            raise MultiPartParserError(f"Malformed multipart body: {exc}") from exc
        except Exception:
            self._close(files)
            raise
        return post, files  # POST stays mutable, as Django's parser leaves it

    @staticmethod
    def _uploaded(part, field_name: str, name: str) -> UploadedFile:
        _type, options = multipart.parse_options_header(part.headers.get("Content-Type", ""))
        charset = options.get("charset")
        if part.is_buffered():
            return InMemoryUploadedFile(part.file, field_name, name, part.content_type, part.size, charset, options)
        return UploadedFile(part.file, name, part.content_type, part.size, charset, options)

    @staticmethod
    def _close(files: MultiValueDict) -> None:
        for _name, uploads in files.lists():
            for upload in uploads:
                upload.close()
