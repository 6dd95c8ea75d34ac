"""Attachment checks: the type comes from the content, never from the name or the browser;
then nothing active may hide in it (server/applications/active_content.py)."""

from __future__ import annotations

from dataclasses import dataclass

import filetype
from werkzeug.datastructures import FileStorage

from server.applications import active_content
from server.applications.limits import MAX_FILES, MAX_TOTAL_BYTES
from server.applications.messages import refuse

# Detected MIME type → the extension the stored name gets.
ACCEPTED = {
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.oasis.opendocument.text": "odt",
    "image/jpeg": "jpg",
    "image/png": "png",
}
_DETECTORS = [t for t in filetype.TYPES if t.mime in ACCEPTED]


@dataclass
class CheckedFile:
    filename: str
    mime_type: str
    data: bytes
    is_cv: bool

    @property
    def size(self) -> int:
        return len(self.data)


def _safe_name(raw: str, extension: str) -> str:
    # Keep something recognisable for the recruiter, but nothing that could act as a path
    # or a header: letters, digits and a few separators, with the detected extension.
    stem = raw.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0]
    cleaned = "".join(c if c.isalnum() or c in "-_ " else "_" for c in stem).strip(" _")
    return f"{(cleaned or 'document')[:100]}.{extension}"


def detect(data: bytes) -> str | None:
    """The accepted MIME type of `data`, or None."""
    kind = filetype.match(data[:8192], matchers=_DETECTORS)
    return kind.mime if kind else None


def check_files(cv: FileStorage | None, others: list[FileStorage]) -> list[CheckedFile]:
    """The CV first, then the other files; ApiError naming the field at fault."""
    if cv is None or not cv.filename:
        raise refuse("err_cv_required", field="cv")
    uploads = [(cv, True, "cv")] + [(f, False, "attachments") for f in others if f.filename]
    if len(uploads) > MAX_FILES:
        raise refuse("err_too_many_files", field="attachments")
    checked: list[CheckedFile] = []
    total = 0
    for upload, is_cv, field in uploads:
        # Read at most one byte past the limit: a huge upload is refused without buffering it.
        data = upload.stream.read(MAX_TOTAL_BYTES - total + 1)
        total += len(data)
        if total > MAX_TOTAL_BYTES:
            raise refuse("err_too_large", field=field)
        name = upload.filename or "document"
        if not data:
            raise refuse("err_file_empty", field=field, name=name)
        mime = detect(data)
        if mime is None:
            raise refuse("err_file_type", field=field, name=name)
        active_content.check(data, mime, name, field)  # macros, scripts, polyglots …
        checked.append(CheckedFile(_safe_name(name, ACCEPTED[mime]), mime, data, is_cv))
    return checked
