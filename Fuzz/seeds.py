#!/usr/bin/env python3
"""Builds the seed corpus of one fuzz target at run time (nothing here is committed but the
script): from Samples/, Tests/*/Fixtures/, Fuzz/seeds/ and ../shared/corpus/, as the target's
input format wants them (a leading option byte for targets that take one, XLSX parts packed as
`xlsx-parts` reads them). Usage: seeds.py TARGET OUTPUT_DIR REPO_ROOT SHARED_DIR"""
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import zipfile

target, output, root, shared = sys.argv[1:5]
os.makedirs(output, exist_ok=True)
MAX_SEED = 256 * 1024
PART_SEPARATOR = b"\n@@part@@\n"


def emit(data: bytes) -> None:
    data = data[:MAX_SEED]
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(output, name), "wb") as handle:
        handle.write(data)


def files(*folders, suffixes=()):
    for folder in folders:
        if not os.path.isdir(folder):
            continue
        for base, _, names in os.walk(folder):
            for name in sorted(names):
                if not suffixes or name.lower().endswith(suffixes):
                    yield os.path.join(base, name)


def read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


fixtures = [os.path.join(root, "Tests", name, "Fixtures") for name in sorted(os.listdir(os.path.join(root, "Tests")))]
samples = os.path.join(root, "Samples")
corpus = os.path.join(shared, "corpus")
texts = list(files(samples, os.path.join(shared, "samples"), *fixtures, suffixes=(".txt",)))
workbooks = list(files(os.path.join(corpus, "calamine"), *fixtures, suffixes=(".xlsx", ".xlsm")))
archives = workbooks + list(files(os.path.join(corpus, "calamine"), *fixtures, suffixes=(".ods", ".zip", ".docx")))


def text_tables(data: bytes):
    """The whole text and each table of it alone (cut at caption lines), so seeds stay small."""
    yield data
    lines = data.split(b"\n")
    starts = [i for i, line in enumerate(lines) if re.match(rb"^\s*(\xe9\xa2\x84\xe7\xae\x97|\xe8\xa1\xa8|Table)", line)]
    for first, last in zip(starts, starts[1:] + [len(lines)]):
        yield b"\n".join(lines[first:last])


def deflate_variants():
    """Small archives in the shapes a ZIP reader meets: stored, deflated, ZIP64 records,
    data descriptors (written to a pipe-like stream), an empty archive, a comment."""
    for compression in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression) as archive:
            archive.writestr("xl/workbook.xml", b"<workbook><sheets><sheet name='A' r:id='rId1'/></sheets></workbook>")
            archive.writestr("dir/", b"")
            archive.writestr("zeros.bin", b"\0" * 5000)
            archive.comment = b"comment"
        yield buffer.getvalue()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("big.xml", "w", force_zip64=True) as entry:
            entry.write(b"<a>" + b"x" * 3000 + b"</a>")
    yield buffer.getvalue()

    class Unseekable(io.RawIOBase):
        def __init__(self):
            self.data = bytearray()
        def writable(self):
            return True
        def write(self, chunk):
            self.data += chunk
            return len(chunk)
    stream = Unseekable()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("streamed.txt", b"data descriptor " * 40)
    yield bytes(stream.data)


def pdftotext(path: str, mode: str) -> bytes:
    """poppler's text of a PDF (`-layout` or `-bbox-layout`), or nothing without poppler."""
    if not shutil.which("pdftotext"):
        return b""
    try:
        return subprocess.run(["pdftotext", mode, "-enc", "UTF-8", path, "-"], capture_output=True, timeout=60).stdout
    except (subprocess.SubprocessError, OSError):
        return b""


pdfs = list(files(os.path.join(corpus, "pdf-tables"), *fixtures, suffixes=(".pdf",)))


def xml_parts(path: str):
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.filename.endswith((".xml", ".rels", ".vml")) and info.file_size <= 4 * MAX_SEED:
                    yield info.filename, archive.read(info.filename)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError):
        return


def packed_parts(path: str) -> bytes:
    pieces = [name.encode() + b"\n" + data[:MAX_SEED // 4] for name, data in xml_parts(path)]
    return PART_SEPARATOR.join(pieces)


if target == "decimal":
    for number in ["0", "-0", "-0.00", "1", "+1", "\u22121", "9885.752630", "9,885.752630", "-1,234.50", "(1,234.50)",
                   "(4.7)", ".5", "-.5", "0.500000", "020101", "1.", "1e5", "99999999999999999999999999999999999999",
                   "999999999999999999999999999999999999999", "0.000000000001", "1,23", "12,345,678.9", "()", "-", ""]:
        emit(number.encode())
    for path in texts:
        for token in set(re.findall(rb"[-+(]?[0-9][0-9,.]*\)?", read(path))):
            emit(token)
elif target == "text":
    for path in texts:
        for piece in text_tables(read(path)):
            emit(b"\0" + piece)
            emit(b"\x0e" + piece)
elif target == "layout":
    for path in pdfs:
        for page in pdftotext(path, "-layout").split(b"\f"):
            if page.strip():
                emit(b"\0" + page)
                emit(b"\x30" + page)
    for path in texts:
        for piece in text_tables(read(path)):
            emit(b"\x10" + piece.replace(b"\t", b"    "))
elif target == "wordbox":
    for path in pdfs:
        boxes = pdftotext(path, "-bbox-layout")
        if boxes:
            emit(b"\xff" + boxes)
            # One page alone, so that small seeds reach the layout too.
            first_page = re.search(rb"(?s)^.*?</page>", boxes)
            if first_page:
                emit(b"\x03" + first_page.group(0) + b"</doc></body></html>")
elif target == "csv":
    for path in files(os.path.join(corpus, "csv-spectrum", "csvs"), os.path.join(root, "Fuzz", "seeds", "csv"), *fixtures,
                      suffixes=(".csv", ".tsv")):
        data = read(path)
        for flags in (0, 1, 0x48, 0x3C):
            emit(bytes([flags]) + data)
elif target == "json":
    for path in files(os.path.join(root, "Fuzz", "seeds", "json"), os.path.join(corpus, "csv-spectrum", "json"), *fixtures,
                      suffixes=(".json",)):
        emit(read(path))
    for path in files(os.path.join(corpus, "pdf-tables"), suffixes=(".expected.json",)):
        emit(read(path))
    for path in files(os.path.join(output, "..", "json-from-tabconv"), suffixes=(".json",)):
        emit(read(path))
elif target == "zip":
    for path in archives:
        emit(read(path))
    for data in deflate_variants():
        emit(data)
elif target == "xlsx":
    for path in workbooks:
        emit(b"\0" + read(path))
elif target == "xlsx-parts":
    for path in workbooks:
        packed = packed_parts(path)
        if packed:
            emit(b"\0" + packed)
            emit(b"\x0c" + packed)
elif target == "xml":
    for path in workbooks:
        for _, data in xml_parts(path):
            emit(b"\xff" + data)
            emit(b"\x07" + data)
else:
    sys.exit(f"seeds.py: no seeds for target '{target}'")
