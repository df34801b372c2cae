"""Streaming readers for front-page extracts (CSV in UTF-8 or GB18030, XLSX).

Every reader yields Arrow record batches whose columns are all strings, named ``c0 … cN`` after the
file's header position, plus ``_line``: the record's line number in the file (the header is line 1).
Nothing here holds a whole file in memory: CSV goes through ``pyarrow.csv.open_csv`` block by block,
XLSX through openpyxl's read-only row iterator.

pyarrow does not report the line of a malformed record (wrong number of fields), so a CSV holding one
is read again with the ``csv`` module, which does; malformed records come back as ``BadRecord``.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pyarrow as pa
import pyarrow.csv as pacsv

BATCH_ROWS = 100_000
_CHUNK = 1 << 20
HEAD_BYTES = 4 << 20


class ExtractError(Exception):
    """A file that cannot be read at all (encoding, empty, no header)."""


@dataclass
class BadRecord:
    line: int
    text: str
    reason: str


@dataclass
class Extract:
    path: Path
    file_hash: str
    encoding: str               # utf-8 | utf-8-sig | gb18030 | xlsx
    header: list[str]
    bad_records: list[BadRecord] = field(default_factory=list)
    not_utf8: bool = False      # set when a value past the checked head is not UTF-8 after all


def file_sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _decodes_as(path: Path, encoding: str) -> bool:
    dec = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as f:
            while chunk := f.read(_CHUNK):
                dec.decode(chunk)
            dec.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _head_decodes_as_utf8(path: Path) -> bool:
    with path.open("rb") as f:
        head = f.read(HEAD_BYTES)
        final = not f.read(1)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=final)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(path: Path, full: bool = True) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as UTF-8, else GB18030.

    With ``full=False`` a file whose first ``HEAD_BYTES`` decode as UTF-8 is taken as UTF-8 without
    decoding the rest here: the CSV reader checks every value (pyarrow's ``check_utf8``, the csv
    module's decoding) and flags ``Extract.not_utf8`` when one is not, and staging then detects again
    on the whole file. A GB18030 file is told apart within its first Chinese characters."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return "xlsx"
    with path.open("rb") as f:
        head = f.read(3)
    bom = head == codecs.BOM_UTF8
    if full:
        if _decodes_as(path, "utf-8"):
            return "utf-8-sig" if bom else "utf-8"
    elif _head_decodes_as_utf8(path):
        return "utf-8-sig" if bom else "utf-8"
    if _decodes_as(path, "gb18030"):
        return "gb18030"
    raise ExtractError(f"{path}: neither UTF-8 nor GB18030")


def _csv_header(path: Path, encoding: str) -> list[str]:
    with path.open("r", encoding=encoding, newline="") as f:
        try:
            return next(csv.reader(f))
        except StopIteration:
            raise ExtractError(f"{path}: empty file (no header)") from None


def _with_lines(batch: pa.RecordBatch, first_line: int) -> pa.RecordBatch:
    lines = pa.array(range(first_line, first_line + batch.num_rows), type=pa.int64())
    return pa.RecordBatch.from_arrays([*batch.columns, lines], names=[*batch.schema.names, "_line"])


def _python_rows_to_batches(rows: Iterator[tuple[int, list[str]]], ncols: int,
                            ex: Extract) -> Iterator[pa.RecordBatch]:
    names = [f"c{i}" for i in range(ncols)] + ["_line"]
    cols: list[list] = [[] for _ in range(ncols + 1)]
    for line, values in rows:
        if len(values) != ncols:
            if not any(v.strip() for v in values):
                continue  # blank line
            ex.bad_records.append(BadRecord(
                line, ",".join(values)[:500],
                f"wrong number of fields: {len(values)} instead of {ncols}"))
            continue
        for i, v in enumerate(values):
            cols[i].append(v)
        cols[ncols].append(line)
        if len(cols[0]) >= BATCH_ROWS:
            yield pa.RecordBatch.from_arrays(
                [pa.array(c, type=pa.string()) for c in cols[:-1]] + [pa.array(cols[-1], pa.int64())],
                names=names)
            cols = [[] for _ in range(ncols + 1)]
    if cols[0]:
        yield pa.RecordBatch.from_arrays(
            [pa.array(c, type=pa.string()) for c in cols[:-1]] + [pa.array(cols[-1], pa.int64())],
            names=names)


def _python_csv_rows(ex: Extract) -> Iterator[tuple[int, list[str]]]:
    with ex.path.open("r", encoding=ex.encoding, newline="") as f:
        reader = csv.reader(f)
        try:
            next(reader)
            start = reader.line_num + 1
            for values in reader:
                yield start, values
                start = reader.line_num + 1
        except UnicodeDecodeError as e:
            ex.not_utf8 = ex.encoding.startswith("utf-8")
            raise ExtractError(f"{ex.path}: not {ex.encoding} at line {start}: {e}") from e


def _cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S") if (v.hour or v.minute or v.second) else v.strftime("%Y-%m-%d")
    if isinstance(v, dt.date):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return str(v)


def _xlsx_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    try:
        header = [_cell_text(v) for v in next(rows)]
    except StopIteration:
        raise ExtractError(f"{path}: empty workbook (no header)") from None
    while header and header[-1] == "":
        header.pop()
    n = len(header)

    def gen():
        for i, r in enumerate(rows, start=2):
            cells = [_cell_text(v) for v in r]
            vals = cells[:n] + [""] * (n - len(cells[:n]))
            if any(cells[n:]):
                vals += cells[n:]  # values beyond the header: reported as a malformed record
            yield i, vals
        wb.close()

    return header, gen()


def open_extract(path: str | Path, encoding: str | None = None, head_only: bool = False,
                 empty_as_null: bool = False) -> tuple[Extract, Iterator[pa.RecordBatch]]:
    """Open one extract: returns its description and an iterator of string batches.

    ``Extract.bad_records`` fills while the iterator runs (malformed CSV records, ragged XLSX rows).
    Without ``encoding`` it is detected (``detect_encoding``); with ``head_only`` from the file's head
    only, and a value further on that is not UTF-8 sets ``Extract.not_utf8`` and stops the iterator
    with an error (staging then detects again on the whole file). With ``empty_as_null`` pyarrow's
    reader gives an empty unquoted CSV field as null instead of ``""`` (DuckDB takes nulls over from
    Arrow much more cheaply than empty strings; the fallback parser still gives ``""``).
    """
    path = Path(path)
    encoding = encoding or detect_encoding(path, full=not head_only)
    ex = Extract(path=path, file_hash=file_sha256(path), encoding=encoding, header=[])
    if encoding == "xlsx":
        ex.header, rows = _xlsx_rows(path)
        return ex, _python_rows_to_batches(rows, len(ex.header), ex)
    try:
        ex.header = _csv_header(path, encoding)
    except UnicodeDecodeError:
        if not head_only:
            raise
        return open_extract(path, detect_encoding(path, full=True), empty_as_null=empty_as_null)
    return ex, _stream(ex, len(ex.header), empty_as_null)


def _stream(ex: Extract, ncols: int, empty_as_null: bool = False) -> Iterator[pa.RecordBatch]:
    """Fast path through pyarrow; on the first malformed record restart with the exact csv parser.

    Batches already yielded are never yielded twice: the fallback skips lines below the restart point.
    """
    names = [f"c{i}" for i in range(ncols)]
    bad: list[str] = []

    def on_bad(row) -> str:
        bad.append(row.text)
        return "skip"

    line = 2
    try:
        # open_csv already parses the first block, so it raises like the batches do
        reader = pacsv.open_csv(
            ex.path,
            read_options=pacsv.ReadOptions(
                column_names=names, skip_rows=1, block_size=2 << 20,
                encoding="utf8" if ex.encoding.startswith("utf-8") else ex.encoding,
            ),
            parse_options=pacsv.ParseOptions(invalid_row_handler=on_bad),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names}, strings_can_be_null=empty_as_null,
                null_values=[""], quoted_strings_can_be_null=False,
            ),
        )
        for batch in reader:
            if bad:
                break
            yield _with_lines(batch, line)
            line += batch.num_rows
        else:
            if not bad:
                return
    except pa.ArrowInvalid:
        pass  # e.g. a quoted newline, or a value not UTF-8: fall back below
    # Fallback: exact parser from the first line not yet yielded.
    for b in _python_rows_to_batches(
        ((ln, v) for ln, v in _python_csv_rows(ex) if ln >= line), ncols, ex
    ):
        yield b


MONTH_IN_NAME = re.compile(r"(?<!\d)(20\d{2})[-_]?(0[1-9]|1[0-2])(?!\d)")


def month_from_name(path: Path) -> dt.date | None:
    """The discharge month a file name announces (``…_202403.csv``, ``…2024-03…``), if any."""
    m = MONTH_IN_NAME.search(path.stem)
    return dt.date(int(m.group(1)), int(m.group(2)), 1) if m else None
