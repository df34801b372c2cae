"""Which codes a *clean* synthetic case may carry (sex, age and principal-diagnosis restrictions).

The quality-rule engineer owns the code lists the rules use (``casemix.quality.codelists``). When that
module exists and exposes the functions below, the generator uses it; otherwise this local predicate,
written from standards.md §3.2 C–F, keeps clean cases away from every listed restriction. The local copy
is deliberately *stricter* than the rules (e.g. no P code after 28 days, no O code outside 15–50 years),
so a clean case cannot trip a rule whose bounds are configured slightly differently.

All functions take an array of code strings (the scheme's vocabulary, not per case) and return numpy
arrays, so the per-case work is an integer lookup.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEX_ANY, SEX_MALE, SEX_FEMALE = 0, 1, 2

# standards §3.2 C, as 3/4-character ranges over the code with the dot removed.
_MALE_DX = ["B260", "C60-C63", "D074-D076", "D176", "D29", "D40", "E29", "E895", "F524", "I861", "L291",
            "N40-N51", "Q53-Q55", "R86", "S312-S313", "Z125"]
_FEMALE_DX = ["A34", "B373", "C51-C58", "C796", "D06", "D070-D073", "D25-D28", "D39", "E28", "E894",
              "F525", "F53", "I863", "L292", "L705", "M800-M801", "M810-M811", "M830", "N70-N98",
              "N992-N993", "O00-O99", "P546", "Q50-Q52", "R87", "S314", "S374-S376", "T192-T193", "T833",
              "Z014", "Z124", "Z301", "Z303", "Z305", "Z311-Z312", "Z32-Z37", "Z39", "Z437", "Z875",
              "Z975"]
# ICD-9-CM-3: chapters 60–64 male, 65–75 female, plus the listed single codes (prefix match).
_MALE_PX = ["60-64", "87.9", "98.24", "99.94"]
_FEMALE_PX = ["65-75", "87.8", "88.46", "88.78", "89.26", "92.17", "96.14", "96.15", "96.16", "96.17",
              "96.18", "97.7", "98.16", "98.17"]

# Never as principal (PDX-001…006, PDX-013, PDX-008's documented example I50.9).
_NOT_PRINCIPAL = ["V01-Y98", "B95-B97", "T31", "Z37", "Z38", "Z85-Z92", "B90-B94", "E64", "E68", "G09",
                  "I69", "O97", "T90-T98", "Y85-Y89", "T886-T887", "I509"]
# Never in any diagnosis slot (ODX-006: V–Y belong in the external-cause field only).
_NOT_ANY = ["V01-Y98"]
_ADULT_ONLY = ["C50-C63", "D24-D29"]     # AGE-004: not at age <= 12 (we use >= 18)
_DELIVERY = ["O80-O84"]


def _key(code: str) -> str:
    return code.upper().replace(".", "")


def _in_ranges(keys: pd.Series, ranges: list[str]) -> np.ndarray:
    """Prefix-range membership: ``C60-C63`` matches C60…C63 (any extension); ``D074`` a 4-char prefix."""
    out = np.zeros(len(keys), dtype=bool)
    for r in ranges:
        lo, _, hi = r.partition("-")
        hi = hi or lo
        n = len(lo)
        pre = keys.str.slice(0, n)
        out |= ((pre >= lo) & (pre <= hi)).to_numpy(dtype=bool)
    return out


def _px_in(codes: pd.Series, ranges: list[str]) -> np.ndarray:
    out = np.zeros(len(codes), dtype=bool)
    for r in ranges:
        if "-" in r and "." not in r:
            lo, hi = (int(x) for x in r.split("-"))
            ch = pd.to_numeric(codes.str.slice(0, 2), errors="coerce")
            out |= ((ch >= lo) & (ch <= hi)).fillna(False).to_numpy(dtype=bool)
        else:
            out |= codes.str.startswith(r).to_numpy(dtype=bool)
    return out


def dx_flags(codes) -> pd.DataFrame:
    """Per diagnosis code: sex restriction and where a clean case may use it."""
    s = pd.Series(list(codes), dtype="object").astype(str)
    k = s.map(_key)
    male = _in_ranges(k, _MALE_DX)
    female = _in_ranges(k, _FEMALE_DX)
    sex = np.where(male & ~female, SEX_MALE, np.where(female & ~male, SEX_FEMALE, SEX_ANY))
    weird = s.str.contains(r"[*+†]", regex=True).to_numpy(dtype=bool) | \
        ~s.str.fullmatch(r"[A-Z]\d{2}(\.[0-9A-Zx]{1,3}(x\d{3})?)?").to_numpy(dtype=bool)
    morph = s.str.match(r"M[89]\d{3}").to_numpy(dtype=bool)
    not_any = _in_ranges(k, _NOT_ANY) | weird | morph | (male & female)
    chapter = s.str.slice(0, 1).to_numpy()
    return pd.DataFrame({
        "code": s.to_numpy(),
        "sex": sex,
        "not_any": not_any,
        "not_principal": not_any | _in_ranges(k, _NOT_PRINCIPAL) | (chapter == "R"),
        "perinatal": chapter == "P",                      # only for age <= 28 days
        "obstetric": (chapter == "O") | _in_ranges(k, ["Z32-Z37", "Z39"]),   # only in MDC O cases
        "delivery": _in_ranges(k, _DELIVERY),
        "outcome": _in_ranges(k, ["Z37"]),                # 分娩结局 (Z37.x)
        "adult_only": _in_ranges(k, _ADULT_ONLY),
        "needs_external": np.isin(chapter, ["S", "T"]),
        "neoplasm": _in_ranges(k, ["C00-C97", "D00-D48"]),
        "category": k.str.slice(0, 3).to_numpy(),
    })


_ADJUNCT_PX = ["00.40", "00.41", "00.42", "00.43", "00.45", "00.46", "00.47", "00.48", "00.74", "00.75",
               "00.76", "00.77", "00.91", "00.92", "00.93", "00.94"]


def px_flags(codes) -> pd.DataFrame:
    """Per procedure code: sex restriction, 'never principal' (PX-006 adjunct codes), chapter class."""
    s = pd.Series(list(codes), dtype="object").astype(str)
    male = _px_in(s, _MALE_PX)
    female = _px_in(s, _FEMALE_PX)
    sex = np.where(male & ~female, SEX_MALE, np.where(female & ~male, SEX_FEMALE, SEX_ANY))
    ch = pd.to_numeric(s.str.slice(0, 2), errors="coerce").fillna(99).to_numpy()
    weird = ~s.str.fullmatch(r"\d{2}\.[0-9x]{1,4}(x\d{3})?").to_numpy(dtype=bool)
    return pd.DataFrame({
        "code": s.to_numpy(),
        "sex": sex,
        "not_any": weird | (male & female),
        "not_principal": _px_in(s, _ADJUNCT_PX),
        "interventional": ch <= 86,          # chapters 00–86: operations/interventions (87–99: other)
        "obstetric": (ch >= 72) & (ch <= 75),
    })


def _quality_api():
    """The quality engineer's code-list module, when it provides the same two functions."""
    try:
        from casemix.quality import codelists  # type: ignore
    except Exception:
        return None
    if hasattr(codelists, "dx_flags") and hasattr(codelists, "px_flags"):
        return codelists
    return None


def diagnosis_flags(codes) -> pd.DataFrame:
    api = _quality_api()
    return api.dx_flags(codes) if api else dx_flags(codes)


def procedure_flags(codes) -> pd.DataFrame:
    api = _quality_api()
    return api.px_flags(codes) if api else px_flags(codes)

