"""Load and validate the rule specs (``expectations/rules/<dataset>.yml``) — rules as data.

A spec file names its dataset (``discharges`` | ``diagnoses`` | ``procedures``, the frames built by
:mod:`casemix.quality.prepare`) and lists rules::

    dataset: diagnoses
    rules:
      - id: SEX-002                 # catalogue id (standards.md §3.2); sub-ids (PDX-012a) when the
        severity: E                 #   catalogue gives a rule two severities — one severity per rule
        family: sex                 # completeness | dates | sex | age | principal_dx | other_dx | ...
        title: 女性专属诊断用于男性
        message_zh: 女性专属诊断编码用于男性患者
        message_en: Female-only diagnosis code on a male patient
        applies_when:               # optional, ANDed: {column: C, <op>: V}; ops eq ne in not_in gt ge lt le
          - {column: xb, eq: "1"}   #   is_null not_null
        expectation: ExpectColumnValuesToNotMatchRegex   # a GX 1.x expectation class
        kwargs: {column: jbdm, regex: {list: sex_female_only_dx}}   # {list: name} → regex / value set
        requires: [code_table]      # optional: rule runs only when a code table is configured

A rule with several checks uses ``checks:`` (a list of {expectation, kwargs, columns, applies_when,
field, value_column}); ``columns: [a, b]`` fans one check out over columns (``kwargs.column`` = each).
``field`` (the reported field, e.g. ``JBDM``) and ``value_column`` (the column whose value is reported)
default to the checked column.

Everything is validated at load, without importing GX: an unknown expectation, column, list, operator
or a duplicate id raises :class:`RuleSpecError` naming the file and the rule.
"""

from __future__ import annotations

import copy
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from casemix.quality import codelists
from casemix.quality.prepare import DATASET_COLUMNS

# GX 1.x expectations the runner supports: class name -> (column kwargs, null-check?)
# A null-check applies to every row of its condition; the others skip rows whose checked value is null
# (as GX does), so "applicable" counts only rows with a value.
EXPECTATIONS: dict[str, tuple[tuple[str, ...], bool]] = {
    "ExpectColumnValuesToNotBeNull": (("column",), True),
    "ExpectColumnValuesToBeNull": (("column",), True),
    "ExpectColumnValuesToBeInSet": (("column",), False),
    "ExpectColumnValuesToNotBeInSet": (("column",), False),
    "ExpectColumnValuesToMatchRegex": (("column",), False),
    "ExpectColumnValuesToNotMatchRegex": (("column",), False),
    "ExpectColumnValuesToBeBetween": (("column",), False),
    "ExpectColumnPairValuesToBeEqual": (("column_A", "column_B"), False),
    "ExpectColumnPairValuesAToBeGreaterThanB": (("column_A", "column_B"), False),
}
OPS = {"eq", "ne", "in", "not_in", "gt", "ge", "lt", "le", "is_null", "not_null"}
SEVERITIES = {"E", "W", "I"}
ID_RE = re.compile(r"^[A-Z]{2,4}-\d{3}[a-z]?$")
REQUIRES = {"code_table"}
RULE_KEYS = {"id", "catalogue_id", "severity", "family", "title", "message_zh", "message_en",
             "applies_when", "expectation", "kwargs", "columns", "checks", "field", "value_column",
             "requires", "source", "note"}
CHECK_KEYS = {"expectation", "kwargs", "columns", "applies_when", "field", "value_column"}


class RuleSpecError(ValueError):
    pass


@dataclass(frozen=True)
class Condition:
    column: str
    op: str
    value: object = None


@dataclass
class Check:
    """One GX expectation of a rule (after fan-out and list expansion)."""
    key: str                      # unique within the rule set, e.g. "CMP-001#3"
    rule_id: str
    dataset: str
    expectation: str
    kwargs: dict
    conditions: tuple[Condition, ...]
    field: str | None
    value_column: str
    null_check: bool
    columns: tuple[str, ...]      # checked columns (for "applicable")


@dataclass
class Rule:
    id: str
    catalogue_id: str
    severity: str
    family: str
    title: str
    message_zh: str
    message_en: str
    dataset: str
    file: str
    requires: tuple[str, ...]
    checks: list[Check] = field(default_factory=list)
    source: str = ""


@dataclass
class RuleSet:
    version: str                  # e.g. "1.0.0+3f2a91c0" (declared version + content hash)
    rules: list[Rule]
    directory: Path
    settings: dict

    def by_dataset(self, dataset: str) -> list[Rule]:
        return [r for r in self.rules if r.dataset == dataset]

    def columns_by_dataset(self) -> dict[str, set[str]]:
        """The frame columns the rules read (checked, value and condition columns), per dataset."""
        out: dict[str, set[str]] = {}
        for r in self.rules:
            s = out.setdefault(r.dataset, set())
            for c in r.checks:
                s.update(c.columns)
                s.add(c.value_column)
                s.update(cd.column for cd in c.conditions)
        return out

    def parts(self, rule_id: str) -> list[Rule]:
        """The rule's parts (one per dataset it checks)."""
        out = [r for r in self.rules if r.id == rule_id]
        if not out:
            raise KeyError(rule_id)
        return out

    @property
    def ids(self) -> list[str]:
        return sorted({r.id for r in self.rules}, key=rule_sort_key)


def rule_sort_key(rule_id: str) -> tuple:
    fam = ["CMP", "DT", "SEX", "AGE", "PDX", "ODX", "PX", "DS", "FEE"]
    p = rule_id.split("-")[0]
    return (fam.index(p) if p in fam else len(fam), p, rule_id)


def _err(file: str, rule: str | None, msg: str) -> RuleSpecError:
    where = f"{file}" + (f", rule {rule}" if rule else "")
    return RuleSpecError(f"{where}: {msg}")


def _parse_conditions(raw, file: str, rid: str, dataset: str) -> tuple[Condition, ...]:
    if raw is None:
        return ()
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list):
        raise _err(file, rid, "applies_when must be a list of {column: C, <op>: V}")
    out = []
    cols = DATASET_COLUMNS[dataset]
    for c in raw:
        if not isinstance(c, dict) or "column" not in c or len(c) != 2:
            raise _err(file, rid, f"bad condition {c!r}: expected {{column: C, <op>: V}}")
        col = c["column"]
        (op, val), = [(k, v) for k, v in c.items() if k != "column"]
        if op not in OPS:
            raise _err(file, rid, f"unknown condition operator {op!r} (known: {', '.join(sorted(OPS))})")
        if col not in cols:
            raise _err(file, rid, f"unknown column {col!r} in applies_when (dataset {dataset})")
        if op in ("in", "not_in") and not isinstance(val, list):
            raise _err(file, rid, f"condition {op} on {col} needs a list")
        out.append(Condition(col, op, val))
    return tuple(out)


def _expand_lists(obj, lists: dict, file: str, rid: str, kwarg: str | None = None):
    """Replace {list: name} by the list's regex (for 'regex') or value set (for 'value_set')."""
    if isinstance(obj, dict) and set(obj) == {"list"}:
        name = obj["list"]
        if name not in lists:
            raise _err(file, rid, f"unknown code list {name!r}")
        cl = lists[name]
        if kwarg == "regex":
            return cl.regex
        if kwarg == "value_set":
            try:
                return cl.value_set
            except codelists.CodeListError as e:
                raise _err(file, rid, str(e)) from None
        raise _err(file, rid, f"a code list can fill 'regex' or 'value_set', not {kwarg!r}")
    if isinstance(obj, dict):
        return {k: _expand_lists(v, lists, file, rid, k) for k, v in obj.items()}
    return obj


def _referenced_lists(obj) -> set[str]:
    if isinstance(obj, dict):
        if set(obj) == {"list"}:
            return {obj["list"]}
        return set().union(*(_referenced_lists(v) for v in obj.values())) if obj else set()
    if isinstance(obj, list):
        return set().union(*(_referenced_lists(v) for v in obj)) if obj else set()
    return set()


def _build_checks(raw_rule: dict, file: str, rid: str, dataset: str, lists: dict,
                  rule_conditions: tuple[Condition, ...]) -> list[Check]:
    if "checks" in raw_rule:
        if "expectation" in raw_rule:
            raise _err(file, rid, "use either 'expectation' or 'checks', not both")
        raw_checks = raw_rule["checks"]
        if not isinstance(raw_checks, list) or not raw_checks:
            raise _err(file, rid, "'checks' must be a non-empty list")
    elif "expectation" in raw_rule:
        raw_checks = [{k: raw_rule[k] for k in CHECK_KEYS - {"applies_when"} if k in raw_rule}]
    else:
        raise _err(file, rid, "no 'expectation' and no 'checks'")
    cols = DATASET_COLUMNS[dataset]
    out: list[Check] = []
    for rc in raw_checks:
        unknown = set(rc) - CHECK_KEYS
        if unknown:
            raise _err(file, rid, f"unknown check key(s) {sorted(unknown)}")
        exp = rc.get("expectation")
        if exp not in EXPECTATIONS:
            raise _err(file, rid, f"unknown or unsupported expectation {exp!r} "
                                  f"(supported: {', '.join(sorted(EXPECTATIONS))})")
        col_kwargs, null_check = EXPECTATIONS[exp]
        kwargs = copy.deepcopy(rc.get("kwargs") or {})
        if not isinstance(kwargs, dict):
            raise _err(file, rid, "kwargs must be a mapping")
        fan = rc.get("columns")
        if fan is not None:
            if col_kwargs != ("column",) or "column" in kwargs:
                raise _err(file, rid, "'columns' fans out single-column expectations only "
                                      "(and replaces kwargs.column)")
            variants = [dict(kwargs, column=c) for c in fan]
        else:
            variants = [kwargs]
        conds = rule_conditions + _parse_conditions(rc.get("applies_when"), file, rid, dataset)
        for kw in variants:
            for ck in col_kwargs:
                if ck not in kw:
                    raise _err(file, rid, f"{exp} needs kwarg {ck!r}")
                if kw[ck] not in cols:
                    raise _err(file, rid, f"unknown column {kw[ck]!r} (dataset {dataset})")
            for k in ("row_condition", "condition_parser", "result_format", "meta"):
                if k in kw:
                    raise _err(file, rid, f"kwarg {k!r} is set by the runner; use applies_when")
            kw = _expand_lists(kw, lists, file, rid)
            if col_kwargs == ("column_A", "column_B"):
                kw.setdefault("ignore_row_if", "either_value_is_missing")
            vcol = rc.get("value_column") or kw[col_kwargs[0]]
            if vcol not in cols:
                raise _err(file, rid, f"unknown value_column {vcol!r} (dataset {dataset})")
            checked = tuple(kw[c] for c in col_kwargs)
            out.append(Check(f"{rid}#{dataset}#{len(out) + 1}", rid, dataset, exp, kw, conds, rc.get("field"),
                             vcol, null_check, checked))
    return out


def load_ruleset(expectations_dir: str | Path | None = None) -> RuleSet:
    """Load ``rules/*.yml`` and ``ruleset.yml`` under the expectations folder; validate everything."""
    base = Path(expectations_dir or codelists.default_expectations_dir())
    rules_dir = base / "rules"
    if not rules_dir.is_dir():
        raise RuleSpecError(f"{rules_dir}: rule folder not found")
    meta_path = base / "ruleset.yml"
    meta = yaml.safe_load(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    declared = str((meta or {}).get("version", "0"))
    settings = dict((meta or {}).get("settings") or {})
    try:
        lists = codelists.load_code_lists(base)
    except codelists.CodeListError as e:
        raise RuleSpecError(str(e)) from None

    h = hashlib.sha256()
    rules: list[Rule] = []
    seen: dict[tuple[str, str], str] = {}
    severity_of: dict[str, tuple[str, str]] = {}
    files = sorted(rules_dir.glob("*.yml")) + sorted(rules_dir.glob("*.yaml"))
    if not files:
        raise RuleSpecError(f"{rules_dir}: no rule files")
    for p in files:
        text = p.read_text(encoding="utf-8")
        h.update(p.name.encode())
        h.update(text.encode())
        try:
            doc = yaml.safe_load(text) or {}
        except yaml.YAMLError as e:
            raise _err(p.name, None, f"not valid YAML: {e}") from None
        dataset = doc.get("dataset")
        if dataset not in DATASET_COLUMNS:
            raise _err(p.name, None, f"dataset must be one of {sorted(DATASET_COLUMNS)}, not {dataset!r}")
        for i, rr in enumerate(doc.get("rules") or []):
            rid = rr.get("id") if isinstance(rr, dict) else None
            if not rid or not ID_RE.match(str(rid)):
                raise _err(p.name, rid or f"#{i + 1}", "rule id missing or not like 'SEX-002' / 'PDX-012a'")
            # one id may have a part per dataset (CMP-002 checks header, diagnosis and procedure
            # fields), never two parts in one dataset, and always one severity
            if (rid, dataset) in seen:
                raise _err(p.name, rid, f"duplicate rule id (also in {seen[(rid, dataset)]})")
            seen[(rid, dataset)] = p.name
            unknown = set(rr) - RULE_KEYS
            if unknown:
                raise _err(p.name, rid, f"unknown key(s) {sorted(unknown)}")
            sev = rr.get("severity")
            if sev not in SEVERITIES:
                raise _err(p.name, rid, f"severity must be one of E/W/I (one per rule: split a rule with "
                                        f"two severities into sub-ids), not {sev!r}")
            if rid in severity_of and severity_of[rid][0] != sev:
                raise _err(p.name, rid, f"severity {sev} differs from {severity_of[rid][0]} in "
                                        f"{severity_of[rid][1]}: split it into sub-ids")
            severity_of[rid] = (sev, p.name)
            for k in ("message_zh", "message_en", "family"):
                if not rr.get(k):
                    raise _err(p.name, rid, f"missing {k}")
            req = tuple(rr.get("requires") or ())
            if set(req) - REQUIRES:
                raise _err(p.name, rid, f"unknown requirement(s) {sorted(set(req) - REQUIRES)}")
            for name in _referenced_lists(rr):
                if name not in lists:
                    raise _err(p.name, rid, f"unknown code list {name!r}")
            conds = _parse_conditions(rr.get("applies_when"), p.name, rid, dataset)
            rule = Rule(rid, rr.get("catalogue_id") or re.sub(r"[a-z]$", "", rid), sev, rr["family"],
                        rr.get("title") or rr["message_zh"], rr["message_zh"], rr["message_en"], dataset,
                        p.name, req, source=rr.get("source", ""))
            rule.checks = _build_checks(rr, p.name, rid, dataset, lists, conds)
            rules.append(rule)
    h.update(codelists.code_lists_fingerprint(base).encode())
    return RuleSet(f"{declared}+{h.hexdigest()[:8]}", rules, base, settings)
