"""Files made for the upload tests, inert or not: OLE2 compound files (Word 97), OOXML and
OpenDocument packages, PDFs (with object and cross-reference streams) and polyglots.
Everything is generated here; nothing is downloaded. No tests in this module."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

# ---------- OLE2 compound files (MS-CFB, version 3, 512-byte sectors) ----------

SECTOR = 512
MINI_CUTOFF = 4096  # streams are padded to it, so no mini stream is ever needed
FREE, END, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
FIB = b"\xec\xa5\xc1\x00"  # wIdent 0xA5EC and nFib 0x00C1: Word 97's FIB starts so


def fib(encrypted: bool = False) -> bytes:
    """The start of a WordDocument stream: FibBase, fEncrypted in the flags at offset 10."""
    flags = 0x0100 if encrypted else 0
    return FIB + b"\x00" * 6 + struct.pack("<H", flags) + b"\x00" * 20


def cfb(streams: dict[str, bytes]) -> bytes:
    """A compound file holding `streams` ("Macros/VBA/dir": storages made as needed). The
    first stream comes first on disk, so a WordDocument stream sits at offset 512, where
    Word's (and filetype's) detection looks."""
    entries = [{"name": "Root Entry", "type": 5, "kids": [], "data": b""}]
    index: dict[str, int] = {"": 0}
    for path, data in streams.items():
        parts = path.split("/")
        for depth in range(1, len(parts) + 1):
            key = "/".join(parts[:depth])
            if key in index:
                continue
            leaf = depth == len(parts)
            entries.append(
                {"name": parts[depth - 1], "type": 2 if leaf else 1, "kids": [], "data": data}
            )
            index[key] = len(entries) - 1
            entries[index["/".join(parts[: depth - 1])]]["kids"].append(index[key])

    # Streams first (padded to the mini-stream cutoff), then the FAT, then the directory.
    body = bytearray()
    fat: list[int] = []
    for entry in entries:
        if entry["type"] != 2:
            entry["start"], entry["size"] = (END if entry["type"] == 5 else 0), 0
            continue
        data = entry["data"].ljust(MINI_CUTOFF, b"\x00")
        data += b"\x00" * (-len(data) % SECTOR)
        first = len(fat)
        count = len(data) // SECTOR
        fat += [first + i + 1 for i in range(count - 1)] + [END]
        entry["start"], entry["size"] = first, len(entry["data"].ljust(MINI_CUTOFF, b"\x00"))
        body += data
    directory = bytearray()
    for entry in entries:
        kids = entry["kids"]
        # Siblings chained through their right pointers: a valid (if unbalanced) tree.
        for position, kid in enumerate(kids):
            entries[kid]["right"] = kids[position + 1] if position + 1 < len(kids) else NOSTREAM
        entry["child"] = kids[0] if kids else NOSTREAM
    for entry in entries:
        name = entry["name"].encode("utf-16-le") + b"\x00\x00"
        directory += (
            name.ljust(64, b"\x00")
            + struct.pack("<HBB", len(name), entry["type"], 1)
            + struct.pack("<III", NOSTREAM, entry.get("right", NOSTREAM), entry["child"])
            + b"\x00" * 16  # CLSID
            + b"\x00" * 4  # state bits
            + b"\x00" * 16  # times
            + struct.pack("<IQ", entry["start"], entry["size"])
        )
    directory += b"\x00" * (-len(directory) % SECTOR)
    dir_start = len(fat) + 1
    dir_sectors = len(directory) // SECTOR
    fat_sector = len(fat)
    fat += [FATSECT] + [dir_start + i + 1 for i in range(dir_sectors - 1)] + [END]
    assert len(fat) <= SECTOR // 4, "one FAT sector is enough for test files"
    fat_bytes = struct.pack(f"<{SECTOR // 4}I", *(fat + [FREE] * (SECTOR // 4 - len(fat))))
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIII", 0, 1, dir_start, 0)  # dir sectors (v3: 0), FAT sectors, …
        + struct.pack("<IIIII", MINI_CUTOFF, END, 0, END, 0)
        + struct.pack("<109I", fat_sector, *([FREE] * 108))
    )
    assert len(header) == SECTOR
    return header + bytes(body) + fat_bytes + bytes(directory)


def word97(**extra: bytes) -> bytes:
    """A Word 97 document; `extra` streams by path, e.g. {"Macros/VBA/dir": b"…"}."""
    return cfb({"WordDocument": fib(), "1Table": b"\x00" * 64, **_paths(extra)})


def _paths(extra: dict[str, bytes]) -> dict[str, bytes]:
    return {name.replace("__", "/"): data for name, data in extra.items()}


# ---------- ZIP packages ----------


def package(entries: list[tuple[str, bytes]], encrypted: tuple[str, ...] = ()) -> bytes:
    """A ZIP archive; entries named in `encrypted` carry the "encrypted" flag bit (their
    data stays plain: what is checked is the flag any ZIP reader acts on)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            method = zipfile.ZIP_STORED if name in ("mimetype", "[Content_Types].xml") else None
            archive.writestr(name, data, method)
    raw = bytearray(buffer.getvalue())
    for name in encrypted:
        encoded = name.encode()
        for signature, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
            at = raw.find(signature)
            while at != -1:
                if raw[at + name_at : at + name_at + len(encoded)] == encoded:
                    raw[at + flag_at] |= 0x01
                at = raw.find(signature, at + 4)
    return bytes(raw)


CONTENT_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Override PartName="/word/document.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
MACRO_TYPES = CONTENT_TYPES.replace(
    b"officedocument.wordprocessingml.document.main+xml",
    b"ms-word.document.macroEnabled.main+xml",
)


def ooxml(*extra: tuple[str, bytes], types: bytes = CONTENT_TYPES, encrypted=()) -> bytes:
    return package(
        [
            ("[Content_Types].xml", types),
            ("_rels/.rels", b"<Relationships/>"),
            ("word/document.xml", b"<w:document/>"),
            *extra,
        ],
        encrypted,
    )


def odf(*extra: tuple[str, bytes], manifest: bytes = b"<manifest:manifest/>") -> bytes:
    return package(
        [
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", b"<office:document-content/>"),
            ("META-INF/manifest.xml", manifest),
            *extra,
        ]
    )


# ---------- PDF ----------

PAGE_OBJECTS = {
    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
    4: b"<< /Length 0 >>\nstream\n\nendstream",
}


def pdf_file(catalog: bytes = b"", *, objects: dict[int, bytes] | None = None) -> bytes:
    """A one-page PDF with a classic cross-reference table; `catalog` goes into the
    catalog dictionary, `objects` replace or add numbered objects."""
    numbered = {1: b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>", **PAGE_OBJECTS}
    numbered.update(objects or {})
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(numbered):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, numbered[number])
    size = max(numbered) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        if number in offsets:
            out += b"%010d 00000 n \n" % offsets[number]
        else:
            out += b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


def pdf_with_object_stream(hidden: dict[int, bytes]) -> bytes:
    """A PDF 1.5 whose `hidden` objects (the catalog, 1, among them) live compressed in an
    object stream, indexed by a cross-reference stream: none of their bytes are readable
    in the file."""
    bodies, offsets, position = [], [], 0
    for number, body in hidden.items():
        offsets.append((number, position))
        bodies.append(body + b"\n")
        position += len(body) + 1
    header = b" ".join(b"%d %d" % pair for pair in offsets) + b"\n"
    packed = zlib.compress(header + b"".join(bodies))
    objstm = 10
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    at = {}
    for number, body in PAGE_OBJECTS.items():
        at[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    at[objstm] = len(out)
    out += b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\n" % (
        objstm,
        len(hidden),
        len(header),
        len(packed),
    )
    out += b"stream\n" + packed + b"\nendstream\nendobj\n"
    xref_number = objstm + 1
    size = xref_number + 1
    at[xref_number] = len(out)
    rows = bytearray()
    for number in range(size):
        if number in at:
            rows += struct.pack(">BIH", 1, at[number], 0)
        elif number in hidden:
            rows += struct.pack(">BIH", 2, objstm, list(hidden).index(number))
        else:
            rows += struct.pack(">BIH", 0, 0, 0xFFFF)
    out += b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % (
        xref_number,
        size,
        len(rows),
    )
    out += bytes(rows) + b"\nendstream\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % at[xref_number]
    return bytes(out)


def png_with(chunk_text: bytes) -> bytes:
    """A 1×1 PNG with a tEXt chunk holding `chunk_text` (within its first bytes)."""
    signature = b"\x89PNG\r\n\x1a\n"

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    idat = zlib.compress(b"\x00\x00\x00\x00\x00")
    return (
        signature
        + chunk(b"IHDR", ihdr)
        + chunk(b"tEXt", b"Comment\x00" + chunk_text)
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
    )


def encrypted_pdf(user_password: str, open_action: bytes | None = None) -> bytes:
    """`pdf_file()` encrypted by pypdf (AES-256); with `open_action`, a JavaScript action
    whose strings the encryption hides."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_file())))
    if open_action is not None:
        action = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert(1)"),
            }
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    writer.encrypt(user_password, owner_password="owner", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
