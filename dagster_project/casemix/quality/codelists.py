"""Versioned code lists the quality rules use (and the generator, to keep clean cases clean).

Every CSV under ``expectations/code_lists/`` has the columns
``list, version, match, code, code_to, value, label, source``; a file may hold several lists, a list
lives in one file and carries one version. ``match`` is one of

- ``exact``  — the code itself (value sets such as 性别 RC001; the procedure attribute file);
- ``prefix`` — every code starting with ``code`` (``D29`` matches ``D29.x00``, ``87.9`` matches ``87.9100``);
- ``range``  — every prefix from ``code`` to ``code_to`` of the same shape (``N40``–``N51``,
  ``D07.4``–``D07.6``, ``V01``–``Y98``, ICD-9-CM-3 chapters ``60``–``64``), expanded to prefixes;
- ``regex``  — a regular expression anchored at the start of the code (``M[89][0-9]{3}``).

A list answers ``contains(code)``, ``matches(array)`` (vectorised), ``regex`` (one anchored pattern for
GX ``regex`` kwargs and DuckDB ``regexp_matches``), ``values`` (exact codes, for GX ``value_set``) and
``lookup(code)`` (the ``value`` column, e.g. the procedure attribute 手术/介入治疗/操作).

The code table (CMP-005) is *not* a code list: it is configured with ``CASEMIX_CODE_TABLE_DIR`` (a folder
with an ICD-10 CSV and an ICD-9-CM-3 CSV, columns ``icd_code, icd_name``) and loaded by
:func:`load_code_table`; unset, CMP-005 reports "not checked".

No Dagster or GX imports here.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

COLUMNS = ["list", "version", "match", "code", "code_to", "value", "label", "source"]
MATCH_KINDS = {"exact", "prefix", "range", "regex"}


def default_expectations_dir() -> Path:
    env = os.environ.get("CASEMIX_EXPECTATIONS_DIR")
    if env:
        return Path(env)
    from casemix.config import settings

    return settings().expectations_dir


class CodeListError(ValueError):
    pass


def _expand_range(lo: str, hi: str) -> list[str]:
    """All prefixes from lo to hi, position by position (digits 0–9, letters A–Z, other chars fixed)."""
    if len(lo) != len(hi):
        raise CodeListError(f"range {lo}–{hi}: ends of different length")
    for a, b in zip(lo, hi):
        if a.isdigit() != b.isdigit() or (not a.isalnum() and a != b):
            raise CodeListError(f"range {lo}–{hi}: ends of different shape")
    if lo > hi:
        raise CodeListError(f"range {lo}–{hi}: start after end")
    alph = [string.digits if c.isdigit() else (string.ascii_uppercase if c.isalpha() else c) for c in lo]
    cur = list(lo)
    out = ["".join(cur)]
    while "".join(cur) != hi:
        i = len(cur) - 1
        while True:
            if len(alph[i]) == 1:       # fixed character (the dot)
                i -= 1
                continue
            k = alph[i].index(cur[i])
            if k + 1 < len(alph[i]):
                cur[i] = alph[i][k + 1]
                break
            cur[i] = alph[i][0]
            i -= 1
            if i < 0:
                raise CodeListError(f"range {lo}–{hi} does not terminate")
        out.append("".join(cur))
        if len(out) > 100_000:
            raise CodeListError(f"range {lo}–{hi} too large")
    return out


@dataclass(frozen=True)
class CodeList:
    name: str
    version: str
    file: str
    exact: tuple[str, ...]
    prefixes: tuple[str, ...]
    regexes: tuple[str, ...]
    values: dict          # exact code -> value column (may be '')

    @property
    def regex(self) -> str:
        """One pattern anchored at the start (``^(?:…)``), for GX regex kwargs and DuckDB."""
        parts = [re.escape(p) for p in sorted(set(self.prefixes))]
        parts += [f"{re.escape(e)}$" for e in sorted(set(self.exact))]
        parts += list(self.regexes)
        if not parts:
            return "^(?!)"
        return "^(?:" + "|".join(parts) + ")"

    @property
    def value_set(self) -> list[str]:
        if self.prefixes or self.regexes:
            raise CodeListError(f"list {self.name} has prefix/range/regex rows: it is not a value set")
        return sorted(set(self.exact))

    def contains(self, code) -> bool:
        if code is None or (isinstance(code, float) and np.isnan(code)):
            return False
        c = str(code)
        if c in self.values:
            return True
        if self.prefixes and c.startswith(tuple(self.prefixes)):
            return True
        return any(re.match(r, c) for r in self.regexes)

    def matches(self, codes) -> np.ndarray:
        """Vectorised ``contains`` over an array/Series of codes (nulls → False)."""
        s = pd.Series(codes, dtype="object")
        ok = s.notna().to_numpy()
        out = np.zeros(len(s), dtype=bool)
        if ok.any():
            ss = s[ok].astype(str)
            out[ok] = ss.str.match(self.regex).to_numpy(dtype=bool)
        return out

    def lookup(self, code, default: str | None = None) -> str | None:
        return self.values.get(str(code), default)


def _list_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.csv"))


@lru_cache(maxsize=8)
def _load_all(directory: str) -> dict[str, CodeList]:
    d = Path(directory)
    if not d.is_dir():
        raise CodeListError(f"code list folder not found: {d}")
    rows_by_list: dict[str, list[dict]] = {}
    file_of: dict[str, str] = {}
    for p in _list_files(d):
        with p.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in ("list", "version", "match", "code") if c not in (reader.fieldnames or [])]
            if missing:
                raise CodeListError(f"{p}: missing column(s) {missing}")
            for i, r in enumerate(reader, start=2):
                name = (r.get("list") or "").strip()
                if not name:
                    raise CodeListError(f"{p}:{i}: empty list name")
                if name in file_of and file_of[name] != p.name:
                    raise CodeListError(f"{p}:{i}: list {name} is already defined in {file_of[name]}")
                file_of[name] = p.name
                r["_line"] = i
                rows_by_list.setdefault(name, []).append(r)
    out = {}
    for name, rows in rows_by_list.items():
        versions = {r["version"].strip() for r in rows}
        if len(versions) != 1:
            raise CodeListError(f"{file_of[name]}: list {name} has several versions {sorted(versions)}")
        exact, prefixes, regexes, values = [], [], [], {}
        for r in rows:
            kind = (r["match"] or "").strip()
            code = (r["code"] or "").strip()
            where = f"{file_of[name]}:{r['_line']} (list {name})"
            if kind not in MATCH_KINDS:
                raise CodeListError(f"{where}: match must be one of {sorted(MATCH_KINDS)}, not {kind!r}")
            if not code:
                raise CodeListError(f"{where}: empty code")
            if kind == "exact":
                exact.append(code)
                values[code] = (r.get("value") or "").strip()
            elif kind == "prefix":
                prefixes.append(code)
            elif kind == "range":
                try:
                    prefixes += _expand_range(code, (r.get("code_to") or "").strip())
                except CodeListError as e:
                    raise CodeListError(f"{where}: {e}") from None
            else:
                try:
                    re.compile(code)
                except re.error as e:
                    raise CodeListError(f"{where}: bad regex {code!r}: {e}") from None
                regexes.append(code)
        out[name] = CodeList(name, versions.pop(), file_of[name], tuple(exact), tuple(prefixes),
                             tuple(regexes), values)
    return out


def code_lists_dir(expectations_dir: str | Path | None = None) -> Path:
    return Path(expectations_dir or default_expectations_dir()) / "code_lists"


def load_code_lists(expectations_dir: str | Path | None = None) -> dict[str, CodeList]:
    return _load_all(str(code_lists_dir(expectations_dir)))


def load_code_list(name: str, expectations_dir: str | Path | None = None) -> CodeList:
    lists = load_code_lists(expectations_dir)
    if name not in lists:
        raise KeyError(f"no code list {name!r} in {code_lists_dir(expectations_dir)} "
                       f"(known: {', '.join(sorted(lists))})")
    return lists[name]


def code_lists_fingerprint(expectations_dir: str | Path | None = None) -> str:
    h = hashlib.sha256()
    for p in _list_files(code_lists_dir(expectations_dir)):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


# ------------------------------------------------------------------------------- code table (CMP-005)

@dataclass(frozen=True)
class CodeTable:
    version: str
    dx: pd.DataFrame      # code, name
    px: pd.DataFrame      # code, name


def load_code_table(directory: str | Path | None = None) -> CodeTable | None:
    """The configured diagnosis/procedure code table, or None when ``CASEMIX_CODE_TABLE_DIR`` is unset.

    The folder holds one ICD-10 CSV (file name contains ``icd10``) and one ICD-9-CM-3 CSV (``icd9``),
    columns ``icd_code, icd_name``. The version is ``CASEMIX_CODE_TABLE_VERSION`` or the two file stems.
    """
    directory = directory or os.environ.get("CASEMIX_CODE_TABLE_DIR") or None
    if not directory:
        return None
    return _load_code_table(str(directory), os.environ.get("CASEMIX_CODE_TABLE_VERSION", ""))


@lru_cache(maxsize=2)
def _load_code_table(directory: str, version: str) -> CodeTable:
    d = Path(directory)
    if not d.is_dir():
        raise CodeListError(f"CASEMIX_CODE_TABLE_DIR: folder not found: {d}")
    dx_files = sorted(p for p in d.glob("*.csv") if "icd10" in p.name.lower())
    px_files = sorted(p for p in d.glob("*.csv") if "icd9" in p.name.lower())
    if len(dx_files) != 1 or len(px_files) != 1:
        raise CodeListError(f"{d}: expected one *icd10*.csv and one *icd9*.csv, found "
                            f"{[p.name for p in dx_files]} / {[p.name for p in px_files]}")

    def read(p: Path) -> pd.DataFrame:
        df = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8")
        if not {"icd_code", "icd_name"} <= set(df.columns):
            raise CodeListError(f"{p}: needs columns icd_code, icd_name")
        df = df.rename(columns={"icd_code": "code", "icd_name": "name"})[["code", "name"]]
        return df.drop_duplicates("code").reset_index(drop=True)

    v = version or f"{dx_files[0].stem}+{px_files[0].stem}"
    return CodeTable(v, read(dx_files[0]), read(px_files[0]))


# ------------------------------------------------------------- predicates for the synthetic generator
SEX_ANY, SEX_MALE, SEX_FEMALE = 0, 1, 2

# What a clean principal diagnosis must avoid: the PDX rule lists, plus the generator's own extra caution
# (R-chapter symptoms, I50.9 unspecified heart failure, T88.6–T88.7) so a clean case trips no rule.
_NOT_PRINCIPAL_LISTS = ("external_cause_dx", "morphology_code", "infectious_agent_dx", "principal_warning_dx",
                        "sequela_dx")


def dx_flags(codes, expectations_dir: str | Path | None = None) -> pd.DataFrame:
    """Per diagnosis code, what the rules restrict (same columns as ``casemix.generate.clean_codes``).

    Used by the generator to keep clean cases clean; built from the same lists the rules use.
    """
    L = load_code_lists(expectations_dir)
    s = pd.Series(list(codes), dtype="object").astype(str)
    male = L["sex_male_only_dx"].matches(s)
    female = L["sex_female_only_dx"].matches(s)
    sex = np.where(male & ~female, SEX_MALE, np.where(female & ~male, SEX_FEMALE, SEX_ANY))
    weird = s.str.contains(r"[*+†]", regex=True).to_numpy(dtype=bool) | \
        ~s.str.fullmatch(r"[A-Z]\d{2}(\.[0-9A-Zx]{1,3}(x\d{3})?)?").to_numpy(dtype=bool)
    morph = L["morphology_code"].matches(s)
    not_any = L["external_cause_dx"].matches(s) | weird | morph | (male & female)
    chapter = s.str.slice(0, 1).to_numpy()
    not_principal = not_any | (chapter == "R") | s.str.startswith(("I50.9", "T88.6", "T88.7")).to_numpy()
    for name in _NOT_PRINCIPAL_LISTS:
        not_principal |= L[name].matches(s)
    return pd.DataFrame({
        "code": s.to_numpy(),
        "sex": sex,
        "not_any": not_any,
        "not_principal": not_principal,
        "perinatal": L["perinatal_dx"].matches(s),
        "obstetric": (chapter == "O") | s.str.match(r"Z3[2-79]").to_numpy(dtype=bool),
        "delivery": L["delivery_dx"].matches(s),
        "outcome": L["delivery_outcome_dx"].matches(s),
        "adult_only": L["not_before_13_dx"].matches(s) & (chapter != "O"),
        "needs_external": L["injury_dx"].matches(s),
        "neoplasm": L["neoplasm_dx"].matches(s),
        "category": s.str.replace(".", "", regex=False).str.slice(0, 3).to_numpy(),
    })


def px_flags(codes, expectations_dir: str | Path | None = None) -> pd.DataFrame:
    """Per procedure code: sex restriction, never-principal (PX-006 adjunct codes), chapter class."""
    L = load_code_lists(expectations_dir)
    s = pd.Series(list(codes), dtype="object").astype(str)
    male = L["sex_male_only_px"].matches(s)
    female = L["sex_female_only_px"].matches(s)
    sex = np.where(male & ~female, SEX_MALE, np.where(female & ~male, SEX_FEMALE, SEX_ANY))
    ch = pd.to_numeric(s.str.slice(0, 2), errors="coerce").fillna(99).to_numpy()
    weird = ~s.str.fullmatch(r"\d{2}\.[0-9x]{1,4}(x\d{3})?").to_numpy(dtype=bool)
    return pd.DataFrame({
        "code": s.to_numpy(),
        "sex": sex,
        "not_any": weird | (male & female),
        "not_principal": L["adjunct_px"].matches(s),
        "interventional": ch <= 86,
        "obstetric": (ch >= 72) & (ch <= 75),
    })
