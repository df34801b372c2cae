"""The front-page upload layout: one versioned column map for pinyin codes and Chinese headers.

The map lives in ``reference/column_map.csv`` (one row per canonical pinyin code; slot fields carry
``{n}``). Everything that reads or writes an extract (ingest, the generator, the ``check`` and ``group``
CLIs) goes through this module, so a new header alias is added in one place.

No Dagster imports here: this module is unit-tested on its own.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

REFERENCE_DIR = Path(__file__).parent / "reference"
COLUMN_MAP_PATH = REFERENCE_DIR / "column_map.csv"

# HQMS defaults; the 国考 interface goes up to 40 other diagnoses and 41 procedures.
HQMS_DX_SLOTS = 15
HQMS_PX_SLOTS = 7
MAX_SLOTS = 60

DX_SLOT_FIELDS = ("QTZD", "JBDM", "RYBQ")  # name, code, admission condition
PX_SLOT_FIELDS = (
    "SSJCZBM", "SSJCZRQ", "SSJB", "SSJCZMC", "SZ", "YZ", "EZ", "QKDJ", "QKYHLB", "MZFS", "MZYS",
)

# Fee items (1)..(24) in form order; the four 其中 sub-items are contained in their parent item.
FEE_ITEMS = (
    "YLFUF", "ZLCZF", "HLF", "QTFY", "BLZDF", "SYSZDF", "YXXZDF", "LCZDXMF", "FSSZLXMF", "SSZLF",
    "KFF", "ZYZLF", "XYF", "ZCYF", "ZCYF1", "XF", "BDBLZPF", "QDBLZPF", "NXYZLZPF", "XBYZLZPF",
    "HCYYCLF", "YYCLF", "YCXYYCLF", "QTF",
)
FEE_SUB_ITEMS = {"WLZLF": "FSSZLXMF", "MAF": "SSZLF", "SSF": "SSZLF", "KJYWF": "XYF"}


@dataclass(frozen=True)
class ColumnSpec:
    canonical: str          # pinyin code, may hold "{n}" for a slot field
    aliases: tuple[str, ...]
    dtype: str              # str | int | decimal | date | datetime | age_days
    required: bool          # the column must be in the header for the file to load
    role: str               # key | identifier | ''
    group: str
    description: str

    @property
    def is_slot(self) -> bool:
        return "{n}" in self.canonical

    @property
    def slot_prefix(self) -> str:
        return self.canonical.replace("{n}", "")


@dataclass(frozen=True)
class ColumnMap:
    version: str
    specs: tuple[ColumnSpec, ...]
    _alias_index: dict = field(default_factory=dict, compare=False, repr=False)

    def spec(self, canonical: str) -> ColumnSpec:
        """Spec of a canonical code; slot codes like ``JBDM3`` resolve to ``JBDM{n}``."""
        for s in self.specs:
            if s.canonical == canonical:
                return s
        m = re.fullmatch(r"([A-Z_]+?)(\d+)", canonical)
        if m:
            for s in self.specs:
                if s.is_slot and s.slot_prefix == m.group(1):
                    return s
        raise KeyError(canonical)

    @property
    def fixed(self) -> list[ColumnSpec]:
        return [s for s in self.specs if not s.is_slot]

    @property
    def identifiers(self) -> list[str]:
        return [s.canonical for s in self.specs if s.role == "identifier"]

    @property
    def required(self) -> list[str]:
        return [s.canonical for s in self.specs if s.required]


def _norm(header: str) -> str:
    """Header normalisation for alias matching: strip BOM/space, unify brackets, upper-case ASCII."""
    h = header.strip().lstrip("\ufeff").replace(" ", "").replace("\u3000", "")
    h = h.replace("（", "(").replace("）", ")").replace("：", ":")
    return h.upper()


@lru_cache(maxsize=4)
def load_column_map(path: str | Path = COLUMN_MAP_PATH) -> ColumnMap:
    rows = list(csv.DictReader(Path(path).open(encoding="utf-8")))
    versions = {r["map_version"] for r in rows}
    if len(versions) != 1:
        raise ValueError(f"{path}: expected one map_version, found {sorted(versions)}")
    specs = tuple(
        ColumnSpec(
            canonical=r["canonical"],
            aliases=tuple(a for a in r["aliases"].split("|") if a),
            dtype=r["dtype"],
            required=r["required"] == "Y",
            role=r["role"],
            group=r["group"],
            description=r["description"],
        )
        for r in rows
    )
    return ColumnMap(version=versions.pop(), specs=specs)


@dataclass(frozen=True)
class ResolvedHeader:
    """How one file's header maps onto canonical codes."""

    canonical: tuple[str | None, ...]   # per source column: canonical code or None (unknown, ignored)
    unknown: tuple[str, ...]            # source headers that matched nothing
    dx_slots: int                       # number of other-diagnosis slots present
    px_slots: int                       # number of procedure slots present
    duplicates: tuple[str, ...]         # canonical codes named twice

    def index(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.canonical) if c is not None}

    def missing(self, required: list[str]) -> list[str]:
        present = set(self.canonical)
        return [c for c in required if c not in present]


def _build_alias_regexes(cmap: ColumnMap) -> tuple[dict[str, str], list[tuple[re.Pattern, str]]]:
    exact: dict[str, str] = {}
    slot_patterns: list[tuple[re.Pattern, str]] = []
    for s in cmap.specs:
        names = (s.canonical, *s.aliases)
        if s.is_slot:
            for n in names:
                if "{n}" not in n:
                    continue
                pre, post = (_norm(p) for p in n.split("{n}"))
                slot_patterns.append(
                    (re.compile("^" + re.escape(pre) + r"(\d{1,2})" + re.escape(post) + "$"), s.slot_prefix)
                )
        else:
            for n in names:
                exact.setdefault(_norm(n), s.canonical)
    return exact, slot_patterns


def resolve_header(headers: list[str], cmap: ColumnMap | None = None) -> ResolvedHeader:
    """Map source headers (pinyin codes or Chinese names) to canonical codes.

    Exact names win over slot patterns, so ``JBDM`` is the principal diagnosis and ``JBDM1`` the first
    other diagnosis. Slot counts are taken from the highest slot number present for the code field.
    """
    cmap = cmap or load_column_map()
    exact, slot_patterns = _build_alias_regexes(cmap)
    out: list[str | None] = []
    unknown: list[str] = []
    seen: dict[str, int] = {}
    dups: list[str] = []
    dx_max = px_max = 0
    for h in headers:
        key = _norm(h)
        canon = exact.get(key)
        if canon is None:
            for pat, prefix in slot_patterns:
                m = pat.match(key)
                if m and 1 <= int(m.group(1)) <= MAX_SLOTS:
                    canon = f"{prefix}{int(m.group(1))}"
                    if prefix == "JBDM":
                        dx_max = max(dx_max, int(m.group(1)))
                    elif prefix == "SSJCZBM":
                        px_max = max(px_max, int(m.group(1)))
                    break
        if canon is None:
            unknown.append(h)
        elif canon in seen:
            dups.append(canon)
            canon = None
        else:
            seen[canon] = 1
        out.append(canon)
    return ResolvedHeader(tuple(out), tuple(unknown), dx_max, px_max, tuple(dups))


def hqms_header(dx_slots: int = HQMS_DX_SLOTS, px_slots: int = HQMS_PX_SLOTS,
                cmap: ColumnMap | None = None) -> list[str]:
    """Canonical pinyin header in form order, slots expanded (used by the generator and writers)."""
    cmap = cmap or load_column_map()
    cols: list[str] = []
    for s in cmap.specs:
        if not s.is_slot:
            cols.append(s.canonical)
            if s.canonical == "RYBQ":
                for n in range(1, dx_slots + 1):
                    cols += [f"{f}{n}" for f in DX_SLOT_FIELDS]
            if s.canonical == "ZKRQ":
                for n in range(1, px_slots + 1):
                    cols += [f"{f}{n}" for f in PX_SLOT_FIELDS]
    return cols


def chinese_header(canonical_cols: list[str], cmap: ColumnMap | None = None) -> list[str]:
    """The first Chinese alias of each canonical column (for writing Chinese-header extracts)."""
    cmap = cmap or load_column_map()
    out = []
    for c in canonical_cols:
        s = cmap.spec(c)
        zh = next((a for a in s.aliases if not a.isascii()), s.canonical)
        if s.is_slot:
            n = re.fullmatch(r"[A-Z_]+?(\d+)", c).group(1)
            zh = zh.replace("{n}", n)
        out.append(zh)
    return out
