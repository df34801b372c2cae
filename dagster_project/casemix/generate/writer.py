"""Write the wide string table as HQMS extracts: CSV (UTF-8 or GB18030) or XLSX, pinyin or Chinese header.

CSV lines are built inside Arrow (``binary_join_element_wise``), quoting only the values that need it
(a comma, quote or line break), so a million rows are written in seconds. XLSX goes through openpyxl's
write-only mode and is then re-zipped with fixed entry timestamps and fixed document properties, so the
same content gives the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from casemix.layout import chinese_header

CHUNK_ROWS = 100_000
FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)
FIXED_DOC_TIME = "2020-01-01T00:00:00Z"


def _quote_column(col: pa.ChunkedArray | pa.Array) -> pa.Array:
    need = pc.match_substring_regex(col, r'[",\r\n]')
    if not pc.any(need).as_py():
        return col
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(col, '"', '""'), '"', "")
    return pc.if_else(need, quoted, col)


def _csv_field(name: str) -> str:
    return '"' + name.replace('"', '""') + '"' if re.search(r'[",\r\n]', name) else name


def csv_chunks(table: pa.Table, header: list[str], newline: str = "\n"):
    """Yield the CSV text of ``table`` (header first) as UTF-8 byte chunks."""
    yield (",".join(_csv_field(h) for h in header) + newline).encode("utf-8")
    for start in range(0, table.num_rows, CHUNK_ROWS):
        part = table.slice(start, CHUNK_ROWS)
        if part.num_rows == 0:
            continue
        cols = [_quote_column(pc.fill_null(part.column(i).combine_chunks(), ""))
                for i in range(part.num_columns)]
        cols[-1] = pc.binary_join_element_wise(cols[-1], newline, "")
        lines = pc.binary_join_element_wise(*cols, ",")
        if isinstance(lines, pa.ChunkedArray):
            lines = lines.combine_chunks()
        offsets = lines.buffers()[1]
        data = lines.buffers()[2]
        off = memoryview(offsets).cast("i")
        lo, hi = off[lines.offset], off[lines.offset + len(lines)]
        yield memoryview(data)[lo:hi].tobytes()


def write_csv(table: pa.Table, path: Path, *, encoding: str = "utf-8", chinese: bool = False) -> None:
    header = chinese_header(table.column_names) if chinese else list(table.column_names)
    newline = "\r\n" if encoding != "utf-8" else "\n"
    with path.open("wb") as f:
        for chunk in csv_chunks(table, header, newline):
            f.write(chunk if encoding == "utf-8" else chunk.decode("utf-8").encode(encoding))


def write_xlsx(table: pa.Table, path: Path, *, chinese: bool = False) -> None:
    """A one-sheet workbook, every cell text, byte-identical for identical content."""
    import datetime as dt

    import openpyxl

    header = chinese_header(table.column_names) if chinese else list(table.column_names)
    wb = openpyxl.Workbook(write_only=True)
    fixed = dt.datetime(2020, 1, 1)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.creator = "casemix generate"
    ws = wb.create_sheet("病案首页")
    ws.append(header)
    cols = [table.column(i).to_pylist() for i in range(table.num_columns)]
    for row in zip(*cols):
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(_normalise_zip(buf.getvalue()))


def _normalise_zip(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(src.namelist(), key=lambda n: (n != "[Content_Types].xml", n)):
            body = src.read(name)
            if name == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                              rb"\g<1>" + FIXED_DOC_TIME.encode() + rb"\g<3>", body)
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            dst.writestr(info, body)
    return out.getvalue()
