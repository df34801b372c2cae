"""Write the wide string table as HQMS extracts: CSV (UTF-8 or GB18030) or XLSX, pinyin or Chinese header.

CSV lines are built inside Arrow (``binary_join_element_wise``), quoting only the values that need it
(a comma, quote or line break), so a million rows are written in seconds. XLSX goes through openpyxl's
write-only mode and is then re-zipped with fixed entry timestamps and fixed document properties, so the
same content gives the same bytes.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from casemix.layout import chinese_header

CHUNK_ROWS = 100_000
FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)
FIXED_DOC_TIME = "2020-01-01T00:00:00Z"


_SPECIALS = (",", '"', "\r", "\n")


def _specials_present(col: pa.Array) -> list[str]:
    """Which of , " CR LF occur in the column's values (one pass over its bytes)."""
    data = col.buffers()[2]
    if data is None or len(col) == 0:
        return []
    offs = np.frombuffer(col.buffers()[1], dtype=np.int32)[col.offset: col.offset + len(col) + 1]
    raw = np.frombuffer(data, dtype=np.uint8)[offs[0]: offs[-1]]
    if not raw.size:
        return []
    present = np.bincount(raw, minlength=256)
    return [ch for ch in _SPECIALS if present[ord(ch)]]


def _quote_column(col: pa.Array) -> pa.Array:
    """Quote (RFC 4180) only the values holding a comma, quote or line break."""
    found = _specials_present(col)
    if not found:
        return col
    need = None
    for ch in found:
        m = pc.match_substring(col, ch)
        need = m if need is None else pc.or_(need, m)
    body = pc.replace_substring(col, '"', '""') if '"' in found else col
    quoted = pc.binary_join_element_wise('"', body, '"', "")
    return pc.if_else(need, quoted, col)


def _csv_field(name: str) -> str:
    return '"' + name.replace('"', '""') + '"' if re.search(r'[",\r\n]', name) else name


def _chunk_bytes(part: pa.Table, newline: str) -> bytes:
    cols = []
    for i in range(part.num_columns):
        c = part.column(i)
        c = c.chunk(0) if c.num_chunks == 1 else c.combine_chunks()
        cols.append(_quote_column(c))
    cols[-1] = pc.binary_join_element_wise(cols[-1], newline, "", null_handling="replace")
    lines = pc.binary_join_element_wise(*cols, ",", null_handling="replace")
    if isinstance(lines, pa.ChunkedArray):
        lines = lines.combine_chunks()
    off = np.frombuffer(lines.buffers()[1], dtype=np.int32)
    lo, hi = off[lines.offset], off[lines.offset + len(lines)]
    return memoryview(lines.buffers()[2])[lo:hi].tobytes()


def csv_chunks(table: pa.Table, header: list[str], newline: str = "\n"):
    """Yield the CSV text of ``table`` (header first) as UTF-8 byte chunks, in order.

    Chunks are rendered on a small thread pool (Arrow kernels release the GIL).
    """
    yield (",".join(_csv_field(h) for h in header) + newline).encode("utf-8")
    starts = list(range(0, table.num_rows, CHUNK_ROWS))
    if len(starts) <= 1:
        for st in starts:
            yield _chunk_bytes(table.slice(st, CHUNK_ROWS), newline)
        return
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        pending = []
        for st in starts:
            pending.append(pool.submit(_chunk_bytes, table.slice(st, CHUNK_ROWS), newline))
            if len(pending) > 2:
                yield pending.pop(0).result()
        for f in pending:
            yield f.result()


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
