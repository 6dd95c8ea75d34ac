"""Active content in uploads: what could run, or hide, on the recruiter's computer.

Files are forwarded to recruiters, so a file that is accepted must be inert:
- Office documents: no macros (a `vbaProject.bin`, a macro-enabled content type,
  OpenDocument `Basic/` or `Scripts/`, Word 97 `Macros` / `_VBA_PROJECT_CUR` storages), no
  ActiveX or embedded OLE objects, no encryption (encrypted ZIP entries, an encrypted
  OpenDocument manifest, an encrypted OOXML package or Word 97 document);
- PDF: no JavaScript (`/JS`, `/JavaScript`), launch or import actions, no `/OpenAction`
  but a plain page destination, no `/AA` event actions, no embedded files, rich media or
  XFA forms; every object is read through pypdf, those compressed inside object streams
  included, and the bytes outside streams are scanned too (objects a repairing reader
  could find without the cross-reference table); an encrypted PDF is read with the empty
  password or refused;
- any type: no polyglot (a ZIP archive inside an image, a PDF or a Word 97 file; a PDF
  header within the first 1024 bytes of anything but a PDF).
Each refusal is a catalogue message naming the file (server/applications/messages.py).
"""

from __future__ import annotations

import io
import logging
import re
import zipfile

import olefile
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from server.applications.messages import refuse

ZIP_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
}
MAX_XML = 1024 * 1024  # bytes read from a package's manifest
MAX_PDF_OBJECTS = 200_000
# PDF readers accept a header anywhere in the first 1024 bytes.
PDF_HEADER = re.compile(rb"%PDF-")
# PDF keys that carry scripts or run something, and action types that do.
PDF_ACTIVE_KEYS = {"/JS", "/JavaScript", "/AA", "/Launch", "/RichMedia", "/XFA"}
PDF_EMBEDDED_KEYS = {"/EmbeddedFile", "/EmbeddedFiles"}
PDF_ACTIVE_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/ImportData",
    "/SubmitForm",
    "/GoToE",
    "/Rendition",
    "/RichMediaExecute",
}
_STREAMS = re.compile(rb"stream\r?\n.*?endstream", re.S)
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_RAW_ACTIVE = re.compile(rb"/(?:JS|JavaScript|Launch|RichMedia|XFA)(?![A-Za-z0-9])")

log = logging.getLogger(__name__)
logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed files are our business here


def check(data: bytes, mime: str, name: str, field: str) -> None:
    """Refuse `data` (detected as `mime`, uploaded as `name`) if it holds active content."""
    try:
        _check(data, mime)
    except _Refused as refused:
        log.info("upload refused", extra={"reason": refused.key, "type": mime})
        raise refuse(refused.key, field=field, name=name[:100]) from None


class _Refused(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _check(data: bytes, mime: str) -> None:
    if mime != "application/pdf" and PDF_HEADER.search(data[:1024]):
        raise _Refused("err_file_polyglot")
    if mime in ZIP_TYPES:
        _check_package(data)
        return
    if _holds_zip(data):
        raise _Refused("err_file_polyglot")
    if mime == "application/pdf":
        _check_pdf(data)
    elif mime == "application/msword":
        _check_ole(data)


def _holds_zip(data: bytes) -> bool:
    """An archive a ZIP reader would open: its end record and at least one entry."""
    if b"PK\x05\x06" not in data[-(65536 + 22) :]:
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return bool(archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return False


# ---------- DOCX and ODT: ZIP packages ----------


def _read(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as entry:
        return entry.read(MAX_XML)


def _check_package(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise _Refused("err_file_unreadable") from None
    with archive:
        entries = archive.infolist()
        if any(entry.flag_bits & 0x1 for entry in entries):
            raise _Refused("err_file_encrypted")
        names = [entry.filename.replace("\\", "/").lower() for entry in entries]
        if any(n.endswith(("vbaproject.bin", "vbadata.xml")) for n in names) or any(
            n.startswith(("basic/", "scripts/")) for n in names
        ):
            raise _Refused("err_file_macros")
        embedded = [n for n in names if "/embeddings/" in f"/{n}"]
        if any(n.endswith((".docm", ".xlsm", ".pptm", ".dotm")) for n in embedded):
            raise _Refused("err_file_macros")
        # OLE objects (a Package object carries any program) and ActiveX controls.
        if any(n.endswith(".bin") for n in embedded) or any("activex/" in n for n in names):
            raise _Refused("err_file_embedded")
        try:
            if "[content_types].xml" in names:
                types = _read(archive, entries[names.index("[content_types].xml")].filename)
                if b"macroenabled" in types.lower() or b"vbaproject" in types.lower():
                    raise _Refused("err_file_macros")
            if "meta-inf/manifest.xml" in names:
                manifest = _read(archive, entries[names.index("meta-inf/manifest.xml")].filename)
                if b"encryption-data" in manifest:
                    raise _Refused("err_file_encrypted")
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
            raise _Refused("err_file_unreadable") from None


# ---------- DOC: OLE2 compound files ----------

OLE_MACROS = {"macros", "_vba_project_cur", "vba", "_vba_project"}
OLE_ENCRYPTED = {"encryptedpackage", "encryptioninfo"}
OLE_EMBEDDED = {"objectpool", "\x01ole10native"}
FIB_ENCRYPTED = 0x0100  # FibBase.fEncrypted, in the flags word at offset 10


def _check_ole(data: bytes) -> None:
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except (OSError, ValueError, IndexError, TypeError):
        raise _Refused("err_file_unreadable") from None
    with ole:
        parts = {part.lower() for path in ole.listdir(streams=True, storages=True) for part in path}
        if parts & OLE_MACROS:
            raise _Refused("err_file_macros")
        if parts & OLE_ENCRYPTED:
            raise _Refused("err_file_encrypted")
        if parts & OLE_EMBEDDED:
            raise _Refused("err_file_embedded")
        if ole.exists("WordDocument"):
            fib = ole.openstream("WordDocument").read(12)
            if len(fib) == 12 and int.from_bytes(fib[10:12], "little") & FIB_ENCRYPTED:
                raise _Refused("err_file_encrypted")


# ---------- PDF ----------


def _check_pdf(data: bytes) -> None:
    _scan_raw_pdf(data)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise _Refused("err_file_encrypted")
        for obj in _pdf_objects(reader):
            _inspect(obj)
    except _Refused:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise _Refused("err_file_unreadable") from None
    except Exception as err:  # pypdf raises others on broken files (NotImplementedError …)
        log.info("pdf not readable", extra={"error": repr(err)[:200]})
        raise _Refused("err_file_unreadable") from None


def _scan_raw_pdf(data: bytes) -> None:
    """Names outside streams, `#xx` escapes decoded (/J#61vaScript is /JavaScript)."""
    outside = _STREAMS.sub(b" ", data)
    names = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), outside)
    if _RAW_ACTIVE.search(names):
        raise _Refused("err_file_script")


def _pdf_objects(reader: PdfReader):
    """Every indirect object the cross-reference tables name, in object streams too."""
    numbers: set[tuple[int, int]] = set()
    for generation, table in reader.xref.items():
        numbers.update((number, generation) for number in table)
    numbers.update((number, 0) for number in reader.xref_objStm)
    if len(numbers) > MAX_PDF_OBJECTS:
        raise _Refused("err_file_unreadable")
    for number, generation in sorted(numbers):
        obj = reader.get_object(IndirectObject(number, generation, reader))
        if obj is not None:
            yield obj


def _inspect(obj: object, depth: int = 0) -> None:
    """Direct objects nested in `obj`; indirect ones are visited on their own."""
    if depth > 64:
        raise _Refused("err_file_unreadable")
    if isinstance(obj, DictionaryObject):
        keys = set(obj.keys())
        if keys & PDF_ACTIVE_KEYS:
            raise _Refused("err_file_script")
        if keys & PDF_EMBEDDED_KEYS or obj.get("/Type") == "/EmbeddedFile":
            raise _Refused("err_file_embedded")
        if obj.get("/S") in PDF_ACTIVE_ACTIONS:
            raise _Refused("err_file_script")
        if "/OpenAction" in keys:
            _check_open_action(obj["/OpenAction"])
        for value in obj.values():
            if not isinstance(value, IndirectObject):
                _inspect(value, depth + 1)
    elif isinstance(obj, ArrayObject):
        for value in obj:
            if not isinstance(value, IndirectObject):
                _inspect(value, depth + 1)


def _check_open_action(value: object) -> None:
    """A page to open at ([page /Fit], LaTeX writes it) is fine; an action is not, but a
    plain /GoTo."""
    action = value.get_object() if isinstance(value, IndirectObject) else value
    if isinstance(action, ArrayObject):
        return
    if isinstance(action, DictionaryObject) and action.get("/S") == NameObject("/GoTo"):
        return
    raise _Refused("err_file_script")
