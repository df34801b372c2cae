"""Keyed pseudonymisation (HMAC-SHA256) of patient identifiers and the ``discharge_id``.

The key comes from ``CASEMIX_PSEUDONYM_KEY`` (hex or text) or the key file (``CASEMIX_KEY_FILE``,
default ``warehouse/.pseudonym_key``, ignored by git). ``ensure_key_file`` makes a random local key for
the demo. ``hmac_hex`` is the reference (the generator's manifest, tests); ingest computes the same
HMAC for the identifiers, ``patient_id`` and most ``discharge_id`` values on the reader thread of staging
(``casemix.ingest.hashing.BatchHasher``: the keyed SHA-256 states of ``hmac_states`` copied, ≈ 0.7 µs a
value) and for the other ``discharge_id`` values in
DuckDB SQL (``hmac_sql``, ≈ 1.2 µs); all are tested to agree.

``discharge_id`` = the first 32 hex digits (128 bits) of HMAC(key, ZZJGDM | BAH | ZYCS);
``patient_id`` = the same over (ZZJGDM | BAH): a hospital keeps one 病案号 per patient, so this links a
patient's stays (readmission rules) without carrying the 病案号 into marts.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

DISCHARGE_ID_HEX = 32
SEP = "|"


def ensure_key_file(path: Path) -> Path:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32) + "\n")
        path.chmod(0o600)
    return path


def load_key(key_file: Path | None = None) -> bytes:
    env = os.environ.get("CASEMIX_PSEUDONYM_KEY")
    if env:
        return env.encode("utf-8")
    if key_file is None:
        from casemix.config import settings

        key_file = settings().key_file
    if not key_file.exists():
        raise FileNotFoundError(
            f"pseudonymisation key file {key_file} not found: set CASEMIX_PSEUDONYM_KEY or "
            f"CASEMIX_KEY_FILE, or run `casemix init-key`"
        )
    return key_file.read_text().strip().encode("utf-8")


def hmac_hex(key: bytes, value: str) -> str:
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def _pads(key: bytes) -> tuple[bytes, bytes]:
    """HMAC-SHA256's inner and outer key pads (RFC 2104): the key (hashed when longer than the 64-byte
    block) padded with zeros, XOR 0x36 and XOR 0x5C. The one home of the key block for every HMAC here."""
    block = key if len(key) <= 64 else hashlib.sha256(key).digest()
    block = block.ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in block), bytes(b ^ 0x5C for b in block)


def hmac_states(key: bytes):
    """The ``copy`` methods of HMAC-SHA256's keyed inner and outer SHA-256 states: HMAC(key, m) =
    ``outer()`` updated with the digest of ``inner()`` updated with m."""
    ipad, opad = _pads(key)
    return hashlib.sha256(ipad).copy, hashlib.sha256(opad).copy


def discharge_id(key: bytes, zzjgdm: str, bah: str, zycs: int | str) -> str:
    return hmac_hex(key, natural_key(zzjgdm, bah, zycs))[:DISCHARGE_ID_HEX]


def natural_key(zzjgdm: str, bah: str, zycs: int | str) -> str:
    return SEP.join([str(zzjgdm).strip(), str(bah).strip(), str(int(zycs))])


def hmac_sql(key: bytes, expr: str) -> str:
    """A DuckDB expression computing hex(HMAC-SHA256(key, expr)) for a VARCHAR expression."""
    ipad, opad = (p.hex() for p in _pads(key))
    return (
        f"sha256(from_hex('{opad}') || from_hex(sha256(from_hex('{ipad}') || encode({expr}))))"
    )


def discharge_id_sql(key: bytes, zzjgdm: str, bah: str, zycs: str) -> str:
    """SQL twin of :func:`discharge_id`; arguments are SQL expressions (zycs already an integer)."""
    nk = f"(trim({zzjgdm}) || '{SEP}' || trim({bah}) || '{SEP}' || cast({zycs} as varchar))"
    return f"left({hmac_sql(key, nk)}, {DISCHARGE_ID_HEX})"


def patient_id(key: bytes, zzjgdm: str, bah: str) -> str:
    return hmac_hex(key, SEP.join([str(zzjgdm).strip(), str(bah).strip()]))[:DISCHARGE_ID_HEX]


def patient_id_sql(key: bytes, zzjgdm: str, bah: str) -> str:
    return f"left({hmac_sql(key, f'(trim({zzjgdm}) || {SEP!r} || trim({bah}))')}, {DISCHARGE_ID_HEX})"
