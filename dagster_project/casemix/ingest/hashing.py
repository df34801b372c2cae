"""Keyed hashes of the identifier columns, computed on each batch in Python before DuckDB scans it.

DuckDB computes HMAC-SHA256 with its own software SHA-256 (four blocks a value, ≈ 1.2 µs of CPU);
``hashlib`` (OpenSSL) with the keyed inner and outer states copied (``casemix.pseudonymise.hmac_states``)
costs about half (``python -m casemix.ingest.costs hash``). Each batch's identifier values are deduplicated first (one
``dictionary_encode`` over all its identifier columns: 现住址 = 户口地址 = 联系人地址 and 电话 = 单位电话
within a record), and each distinct value is hashed once; Arrow cleans the distinct values and builds
the key texts of ``patient_id`` / ``_discharge_id``, and Python receives them as UTF-8 bytes, so its loops
only hash (the BatchHasher ≈ 9 CPU s per 1,000,000 records against ≈ 11 with the cleaning, the
``str.encode`` and the key texts in the loops). The batch DuckDB sees then holds
``<code>_hash`` (the 32 bytes of the HMAC, ``BLOB`` in the stage; ``front_page.discharges`` shows them as
64 lower-case hex digits) and ``patient_id`` instead of the clear identifier columns: the clear values
never reach DuckDB at all. Its other fields come cleaned as ``stage._clean`` defines (``clean_columns``,
on the reader thread: numpy over the Arrow buffers, Arrow's trim where a value needs it), so DuckDB's one
staging thread, which sets the pace of staging, does not clean ≈ 200 fields a record itself.

(Until 2026-12-03 the hashes of the columns whose values repeat across batches (names, addresses) were
also kept in a dict from value to hash for the whole file: on the 1M extract that cost the reader thread
more in lookups, ≈ 0.45 µs each in a dict of 300,000 entries, than hashing again saved; without it the
BatchHasher took 2.9–3.1 CPU s per 312,000 records against 3.2–3.4, docs/ingest.md.)

The value hashed is exactly what the SQL of staging would hash: the field cleaned as ``stage._clean``
does (``trim`` only when it starts or ends with a space, empty → NULL), ``'-'`` → NULL; ``patient_id``
= the first 32 hex digits of HMAC(key, ``trim(ZZJGDM) | trim(BAH)``) as ``pseudonymise.patient_id_sql``;
``_discharge_id`` = the first 32 of HMAC(key, ``trim(ZZJGDM) | trim(BAH) | ZYCS``) as
``pseudonymise.discharge_id_sql``, only where the cleaned ZYCS is a plain positive integer of at most 15
digits (then its text is what SQL's typed value prints); elsewhere NULL, and staging's SQL computes
``discharge_id`` itself (``coalesce``: DuckDB evaluates the SQL HMAC only for those rows). DuckDB's
HMAC cost ≈ 1.2 s of its single staging thread per 1,000,000 records, the reader thread ≈ 0.6 s.
DuckDB's ``trim`` strips the Unicode space separators (category Zs) from both ends, ``TRIM_CHARS``
(tested against DuckDB).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from casemix.pseudonymise import DISCHARGE_ID_HEX, SEP, hmac_states

TRIM_CHARS = ("\u0020\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
              "\u202f\u205f\u3000")

def clean_columns(cols: list[pa.Array]) -> list[pa.Array]:
    """``stage._clean`` on string arrays of one batch (its Python twin): a value that starts or ends with a
    space trimmed of the Unicode space separators (``TRIM_CHARS``), and then an empty value NULL. The
    batch's columns are checked at once (one concatenation, ``_needs_cleaning``); only a column that has such a
    value is rewritten."""
    if not cols:
        return cols
    n = len(cols[0])
    need = _needs_cleaning(pa.concat_arrays(cols))
    if need is None:
        return cols
    out = list(cols)
    for j, col in enumerate(cols):
        m = need[j * n:(j + 1) * n]
        if not m.any():
            continue
        t = pc.utf8_trim(col, TRIM_CHARS)
        t = pc.if_else(pc.equal(t, ""), pa.scalar(None, pa.string()), t)
        out[j] = pc.if_else(pa.array(m), t, col)
    return out


def _needs_cleaning(a: pa.Array) -> np.ndarray | None:
    """Which values of a string array ``clean_columns`` changes (they start or end with an ASCII space, or are
    empty), or None when no value does. Read from the Arrow buffers with numpy: the first and last byte of
    each value (a space is the byte 0x20, which no other UTF-8 character contains), and the empty values
    that are not NULL; about half the CPU of Arrow's ``starts_with`` / ``ends_with`` / ``equal`` kernels."""
    if a.type != pa.string():
        need = pc.or_kleene(pc.or_kleene(pc.starts_with(a, " "), pc.ends_with(a, " ")), pc.equal(a, ""))
        return need.fill_null(False).to_numpy(zero_copy_only=False) if pc.any(need).as_py() else None
    n, o = len(a), a.offset
    if n == 0:
        return None
    validity, offsets, data = a.buffers()
    off = np.frombuffer(offsets, dtype=np.int32)[o:o + n + 1]
    start, end = off[:-1], off[1:]
    valid = (np.ones(n, dtype=bool) if validity is None else
             np.unpackbits(np.frombuffer(validity, dtype=np.uint8), bitorder="little")[o:o + n].astype(bool))
    filled = (end > start) & valid
    empty = valid & ~filled
    i = np.flatnonzero(filled)
    if len(i):
        space = np.frombuffer(data, dtype=np.uint8) == 0x20
        spaced = space[start[i]] | space[end[i] - 1]
    else:
        spaced = np.zeros(0, dtype=bool)
    if not spaced.any() and not empty.any():
        return None
    empty[i] = spaced
    return empty


class BatchHasher:
    """Turns the reader's string batches (``c0 … cN``, ``_line``) into batches without the identifier
    columns, with ``<code>_hash`` (binary, the 32 bytes of the HMAC) for each identifier the header has
    and ``patient_id`` when it has both ZZJGDM and BAH. Each batch's identifier values are deduplicated by
    Arrow (one ``dictionary_encode`` over all its identifier columns) and only the distinct ones go
    through Python."""

    def __init__(self, key: bytes, ncols: int, identifiers: dict[str, int],
                 zzjgdm: int | None, bah: int | None, zycs: int | None = None):
        self._inner, self._outer = hmac_states(key)
        self._ids = list(identifiers.items())               # (hash column name, source column)
        drop = set(identifiers.values())
        self._keep = [i for i in range(ncols) if i not in drop]
        self._pid = (zzjgdm, bah) if zzjgdm is not None and bah is not None else None
        self._zycs = zycs if self._pid else None
        self._kept_pos = {c: k for k, c in enumerate(self._keep)}   # source column -> kept column
        names = [f"c{i}" for i in self._keep]
        hashes = [n for n, _ in self._ids]
        extra = (["patient_id"] if self._pid else []) + (["_discharge_id"] if self._zycs is not None else [])
        self.schema = pa.schema([(n, pa.string()) for n in names] + [(n, pa.binary()) for n in hashes]
                                + [(n, pa.string()) for n in extra] + [("_line", pa.int64())])

    def __call__(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        n = batch.num_rows
        hashed = []
        if self._ids:
            out = self._hash_distinct(pa.concat_arrays([batch.column(i) for _, i in self._ids]))
            hashed = [out.slice(k * n, n) for k in range(len(self._ids))]
        kept = clean_columns([batch.column(i) for i in self._keep])
        cols = kept + hashed
        if self._pid:
            pids, dids = self._patient_ids(batch, kept)
            cols.append(pa.array(pids, pa.string()))
            if dids is not None:
                cols.append(pa.array(dids, pa.string()))
        cols.append(batch.column(batch.num_columns - 1))
        return pa.RecordBatch.from_arrays(cols, schema=self.schema)

    def _hash_distinct(self, values: pa.Array) -> pa.Array:
        enc = pc.dictionary_encode(values)
        # the distinct values (never null: nulls stay in the indices) cleaned by Arrow as stage._clean
        # does, '-' and empty NULL, and handed to Python as UTF-8 bytes: the loop below then only hashes
        # (0.70 µs a value against 0.90 with the cleaning and the encoding in it: costs hash)
        d = clean_columns([enc.dictionary])[0]
        d = pc.if_else(pc.equal(d, "-"), pa.scalar(None, pa.string()), d)
        return pa.array(self._hmacs(d), pa.binary()).take(enc.indices)

    def _hmacs(self, texts: pa.Array, hex_digits: int | None = None) -> list:
        """HMAC(key, text) of every text (None for NULL): its 32 bytes, or with ``hex_digits`` the first so
        many of its hex digits: the states of hmac_states copied for every value (this loop runs for every value hashed)."""
        inner, outer = self._inner, self._outer
        out = []
        app = out.append
        for v in texts.cast(pa.binary()).to_pylist():
            if v is None:
                app(None)
                continue
            i = inner()
            i.update(v)
            o = outer()
            o.update(i.digest())
            app(o.hexdigest()[:hex_digits] if hex_digits else o.digest())
        return out

    def _patient_ids(self, batch: pa.RecordBatch, kept: list[pa.Array]) -> tuple[list, list | None]:
        """patient_id of every record and, when the header has ZYCS, _discharge_id (None where SQL
        computes it), from the key fields as ``clean_columns`` leaves them: the kept columns already
        cleaned, a key field that is also hashed away (none in the column map) cleaned here. The texts
        hashed (``trim(ZZJGDM) | trim(BAH)`` and ``… | ZYCS`` where ZYCS is a ``plain_count``) are built
        by Arrow and handed to Python as UTF-8 bytes, so the loop only hashes."""

        def cleaned(c: int) -> pa.Array:
            k = self._kept_pos.get(c)
            return kept[k] if k is not None else clean_columns([batch.column(c)])[0]

        zz, bah = (pc.utf8_trim(cleaned(c), TRIM_CHARS) for c in self._pid)
        nk = pc.binary_join_element_wise(zz, bah, SEP)          # NULL where either is NULL
        pids = self._hmacs(nk, DISCHARGE_ID_HEX)
        if self._zycs is None:
            return pids, None
        n = cleaned(self._zycs)
        dk = pc.if_else(pc.match_substring_regex(n, PLAIN_COUNT), pc.binary_join_element_wise(nk, n, SEP),
                        pa.scalar(None, pa.string()))
        return pids, self._hmacs(dk, DISCHARGE_ID_HEX)


# plain_count as a regular expression (RE2: ASCII digits only)
PLAIN_COUNT = r"^[1-9][0-9]{0,14}$"


def plain_count(v: str) -> bool:
    """A positive integer written plainly (ASCII digits, no sign, no leading zero, at most 15 digits):
    staging's SQL types it to the same number and prints it back as the same text."""
    return 0 < len(v) <= 15 and v.isascii() and v.isdigit() and v[0] != "0"



def hashed_reader(reader: pa.RecordBatchReader, hasher: BatchHasher) -> pa.RecordBatchReader:
    return pa.RecordBatchReader.from_batches(hasher.schema, (hasher(b) for b in reader))
