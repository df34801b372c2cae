"""Import a CHS-DRG rule folder in the OpenDRG/DRG_Rules layout into the normalized scheme tables.

Files: ``1_MDC.txt``, ``2_ADRG.txt``, ``3_DRG.txt`` (``code name`` a line), ``4_ADRG_DETAIL.txt`` (clean line
by line, ``~~`` marks a joined PDF line break), ``5_MCC.txt``/``6_CC.txt``/``7_CCE.txt`` (PDF dumps: parsed as
token streams in the 1.1 layout, as column dumps in the 1.0-revised layout). Everything the importer cannot
place goes to the ``residue`` table, one row per leftover. See docs/scheme.md.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from casemix.scheme.tables import conform

SUPPLEMENT_DIR = Path(__file__).resolve().parent.parent / "reference" / "scheme_supplements"

# Looks like a code (used to cut token streams); STRICT_* decide whether a code is well formed.
DX_LOOSE = re.compile(r"^[A-Z]\d{2}\.[0-9A-Za-z.+*]*$")
PX_LOOSE = re.compile(r"^\d{2}\.[0-9A-Za-z]+$")
DX_STRICT = re.compile(r"^[A-Z]\d{2}(\.[0-9x]{1,3}(x\d{3})?)?(\+[A-Z]\d{2}(\.[0-9x]{1,3})?\*)?$")
PX_STRICT = re.compile(r"^\d{2}\.[0-9x]{2,4}(x\d{3})?$")
ADRG_HEADER = re.compile(r"^([A-Z]{2}\d) (.*)$")
MDC_HEADER = re.compile(r"^MDC([A-Z]) ?(.*)$")
REF_TOKEN = re.compile(r"^7-\d+$")

# MDC precedence: A, P, Y, Z, then M/N (by sex), then B..L, O, Q..X.
MDC_PRECEDENCE_ORDER = "APYZMNBCDEFGHIJKLOQRSTUVWX"
MDC_SEX = {"M": "1", "N": "2"}
MDC_ENTRY = {"A": "adrg_rules", "P": "age_lt_1y", "Z": "multi_trauma"}

KNOWN_SCHEMES = {
    # folder name -> defaults; effective dates are editable defaults, not an official calendar [unverified]
    "CHS_DRG_11": dict(scheme_version="CHS-DRG-1.1", scheme_name="CHS-DRG 细分组方案 1.1 (医保编码2.0)",
                       effective_from="2022-01-01", effective_to=None, dx_edition="医保版2.0",
                       px_edition="医保版2.0"),
    "CHS_DRG_10P": dict(scheme_version="CHS-DRG-1.0R", scheme_name="CHS-DRG 细分组方案 1.0 修正版",
                        effective_from="2021-01-01", effective_to="2022-01-01", dx_edition="医保版2.0",
                        px_edition="医保版2.0"),
}

OR_SOURCE_DERIVED = "derived: union of surgical ADRG lists"
OR_SOURCE_OVERRIDE = "override file"


def adrg_kind(adrg_code: str) -> str:
    """A–J surgical, K–Q non-OR procedure, R–Z medical (second letter). Decoded here only, then stored."""
    c = adrg_code[1]
    if "A" <= c <= "J":
        return "surgical"
    if "K" <= c <= "Q":
        return "non_or"
    return "medical"


def _dx_ok(code: str) -> bool:
    return bool(DX_STRICT.match(code))


def _px_ok(code: str) -> bool:
    return bool(PX_STRICT.match(code))


def _read_lines(path: Path) -> list[str]:
    # utf-8-sig: tolerate a BOM; files may lack a final newline.
    return path.read_text(encoding="utf-8-sig").splitlines()


@dataclass
class _Ctx:
    version: str
    residue: list[dict] = field(default_factory=list)

    def leftover(self, file: str, line_no: int | None, token: str, problem: str) -> None:
        self.residue.append(dict(scheme_version=self.version, file=file, line_no=line_no, token=token,
                                 problem=problem))


# ---------------------------------------------------------------------------------------------- 1/2/3
def _code_name_file(path: Path, ctx: _Ctx, pattern: re.Pattern) -> list[tuple[str, str, int]]:
    out = []
    for i, line in enumerate(_read_lines(path), 1):
        line = line.strip().replace("~~", "")
        if not line:
            continue
        code, _, name = line.partition(" ")
        if not pattern.match(code):
            ctx.leftover(path.name, i, line, "line is not 'code name'")
            continue
        out.append((code, name.strip(), i))
    return out


# ---------------------------------------------------------------------------------------------- 4
@dataclass
class _Detail:
    mdc_dx: list[dict] = field(default_factory=list)          # mdc_principal_dx rows
    lists: "OrderedDict[str, dict]" = field(default_factory=OrderedDict)  # list_id -> meta + codes
    conds: list[dict] = field(default_factory=list)           # adrg_conditions rows (rule_text)
    order: dict[str, tuple[str, int]] = field(default_factory=dict)  # adrg -> (mdc, file_order)


def _parse_detail(path: Path, adrg_codes: set[str], ctx: _Ctx) -> _Detail:
    fname = path.name
    d = _Detail()
    mdc: str | None = None
    in_mdc_table = False
    body_region: str | None = None
    adrg: str | None = None
    cur_list: str | None = None         # list receiving code lines
    cur_mdc_table = False               # code lines go to the MDC principal-dx table
    alt_no = 0
    cond_no = 0
    andpx_no = 0                        # 同时包含 … 和 … counter
    order_in_mdc: Counter = Counter()
    seen_in_list: dict[str, set] = {}
    seen_mdc: set = set()
    combo_alts: list[list[str]] = []     # JA1/JA2/NA1: per alternative, the list suffixes it needs

    def new_list(list_id: str, code_type: str, section: str | None = None) -> str:
        if list_id in d.lists:  # a section repeated: keep appending (rare)
            return list_id
        d.lists[list_id] = dict(code_type=code_type, section=section, codes=[])
        seen_in_list[list_id] = set()
        return list_id

    def add_cond(cond_type: str, list_id: str | None = None, note: str | None = None) -> None:
        nonlocal cond_no
        cond_no += 1
        d.conds.append(dict(adrg_code=adrg, alt_no=alt_no, cond_no=cond_no, cond_type=cond_type,
                            list_id=list_id, attr=None, min_value=None, max_value=None,
                            source="rule_text", note=note))

    def start_alt() -> None:
        nonlocal alt_no, cond_no
        alt_no += 1
        cond_no = 0

    for ln, raw in enumerate(_read_lines(path), 1):
        line = raw.strip().replace("~~", "")
        if not line:
            continue
        m = MDC_HEADER.match(line)
        if m and not DX_LOOSE.match(line.split(" ")[0]):
            letter, rest = m.group(1), m.group(2).strip()
            if rest == "主诊表":
                in_mdc_table, adrg, cur_list, cur_mdc_table, body_region = True, None, None, False, None
            else:
                mdc, in_mdc_table, adrg, cur_list, cur_mdc_table, body_region = letter, False, None, None, False, None
            continue
        m = ADRG_HEADER.match(line)
        if m and m.group(1) in adrg_codes:
            adrg = m.group(1)
            if adrg[0] != mdc:
                ctx.leftover(fname, ln, adrg, f"ADRG header under MDC{mdc}")
            order_in_mdc[adrg[0]] += 1
            d.order[adrg] = (adrg[0], order_in_mdc[adrg[0]])
            in_mdc_table, cur_list, cur_mdc_table = False, None, False
            alt_no, cond_no, andpx_no, combo_alts = 0, 0, 0, []
            see = re.search(r"见 ?([A-Z]{2}\d) ?手术表", m.group(2))
            if see:  # 1.0R VC1 "与损伤有关的清创术见 JD2 手术表": the list of another ADRG
                start_alt()
                add_cond("ppx_in", f"{see.group(1)}.PPX", note=see.group(0))
            continue

        first, _, rest = line.partition(" ")
        is_dx, is_px = bool(DX_LOOSE.match(first)), bool(PX_LOOSE.match(first))
        if is_dx or is_px:
            name = rest.strip() or None
            if cur_mdc_table:
                if not is_dx or not _dx_ok(first):
                    ctx.leftover(fname, ln, first, f"malformed diagnosis code in MDC{mdc} principal-dx table")
                    continue
                key = (first, body_region)
                if key in seen_mdc:
                    ctx.leftover(fname, ln, first, f"duplicate code in MDC{mdc} principal-dx table"
                                 + (f" ({body_region})" if body_region else ""))
                    continue
                seen_mdc.add(key)
                d.mdc_dx.append(dict(mdc_code=mdc, dx_code=first, body_region=body_region, dx_name=name))
            elif cur_list is not None:
                meta = d.lists[cur_list]
                ok = _dx_ok(first) if meta["code_type"] == "dx" else _px_ok(first)
                if not ok:
                    kind = "diagnosis" if meta["code_type"] == "dx" else "procedure"
                    ctx.leftover(fname, ln, first, f"malformed {kind} code in list {cur_list}")
                    continue
                if first in seen_in_list[cur_list]:
                    ctx.leftover(fname, ln, first, f"duplicate code in list {cur_list}")
                    continue
                seen_in_list[cur_list].add(first)
                meta["codes"].append((first, name))
            else:
                ctx.leftover(fname, ln, line, "code line outside any list")
            continue

        # ---- rule lines
        if in_mdc_table:
            if line in ("包含以下主要诊断：", "包含以下诊断："):
                cur_mdc_table = True
            else:  # MDCZ body-region section title
                body_region = line
                cur_mdc_table = False
            continue
        if adrg is None:
            ctx.leftover(fname, ln, line, "rule line outside any ADRG")
            continue
        if line == "包含以下主要诊断：":
            if alt_no == 0:
                start_alt()
            cur_list = new_list(f"{adrg}.PDX", "dx")
            add_cond("pdx_in", cur_list)
        elif line == "包含以下主要手术或操作：":
            if alt_no == 0:
                start_alt()
            cur_list = new_list(f"{adrg}.PPX", "px")
            add_cond("ppx_in", cur_list)
        elif line in ("同时包含以下手术：", "手术同时包含："):
            if alt_no == 0:
                start_alt()
            andpx_no += 1
            cur_list = new_list(f"{adrg}.PX{andpx_no}", "px")
            add_cond("any_px_in", cur_list, note=line.rstrip("："))
        elif line == "和":
            andpx_no += 1
            cur_list = new_list(f"{adrg}.PX{andpx_no}", "px")
            add_cond("any_px_in", cur_list, note="和")
        elif line == "手术包含：":
            if alt_no == 0:
                start_alt()
            andpx_no += 1
            cur_list = new_list(f"{adrg}.PX{andpx_no}", "px")
            add_cond("any_px_in", cur_list, note="手术包含")
        elif line in ("入组条件一：", "入组条件二：", "入组条件三：", "入组条件四："):
            start_alt()
            cur_list = None
        elif line in ("全部手术", "包含全部手术"):
            if alt_no == 0:
                start_alt()
            cur_list = None
            add_cond("or_proc_any", note=line)
        elif line in ("包含以下诊断：", "主要诊断或其他诊断中包含以下诊断："):
            if alt_no == 0:
                start_alt()
            cur_list = new_list(f"{adrg}.DX", "dx")
            add_cond("any_dx_in", cur_list, note=line.rstrip("："))
        elif line.startswith("符合 MDC") and "无手术" in line:
            if alt_no == 0:
                start_alt()
            cur_list = None
            add_cond("mdc_pdx", note=line)
            add_cond("no_or_proc", note=line)
        elif re.match(r"^或?包含以下主要诊断\+", line):
            # combination: principal dx + (any slot) procedure tables; each line is an alternative
            start_alt()
            parts = line.split("+")[1:]
            add_cond("pdx_in", f"{adrg}.PDX", note=line)
            for p in parts:
                mt = re.search(r"(\d+)", p)
                if not mt:
                    ctx.leftover(fname, ln, line, "unparsed combination part")
                    continue
                add_cond("any_px_in", f"{adrg}.T{mt.group(1)}", note=p.strip())
        elif line == "主要诊断：":
            cur_list = new_list(f"{adrg}.PDX", "dx")
        elif re.match(r"^手术(表)? ?\d+：$", line):
            n = re.search(r"(\d+)", line).group(1)
            cur_list = new_list(f"{adrg}.T{n}", "px", section=f"手术表 {n}")
        else:
            ctx.leftover(fname, ln, line, "unrecognised rule line")
            cur_list = None
    return d


# ---------------------------------------------------------------------------------------------- 5/6/7
def _tokens(path: Path) -> list[tuple[int, int, str]]:
    out = []
    for ln, line in enumerate(_read_lines(path), 1):
        line = line.replace("疾病编码 疾病名称 排除内容", " ").replace("~~", "")
        for pos, t in enumerate(line.split()):
            out.append((ln, pos, t))
    return out


def _join_name(pieces: list[tuple[int, str]]) -> str | None:
    """Join name tokens: a space inside a line is kept, a line break (token at position 0) is a PDF wrap."""
    out = ""
    for k, (pos, t) in enumerate(pieces):
        out += t if (k == 0 or pos == 0) else " " + t
    return out or None


def _parse_cc_stream(path: Path, ctx: _Ctx) -> list[dict]:
    """1.1 layout: a token stream of ``code name… (表 7-n | 无)`` records with page numbers and headers mixed in."""
    ts = _tokens(path)
    recs: list[dict] = []
    cur: dict | None = None
    i = 0
    n = len(ts)
    while i < n:
        ln, pos, t = ts[i]
        if t == "表" and i + 1 < n and REF_TOKEN.match(ts[i + 1][2]) or re.fullmatch(r"表7-\d+", t):
            ref = ts[i + 1][2] if t == "表" else t[1:]
            step = 2 if t == "表" else 1
            if cur is not None:
                cur["exclusion_table"] = ref
                recs.append(cur)
                cur = None
            else:
                ctx.leftover(path.name, ln, f"表 {ref}", "exclusion reference without a code")
            i += step
            continue
        if t == "无" and cur is not None and cur["name"]:
            cur["exclusion_table"] = None
            recs.append(cur)
            cur = None
            i += 1
            continue
        if DX_LOOSE.match(t) and (cur is None or cur["name"]):
            if cur is not None:
                ctx.leftover(path.name, cur["line_no"], cur["code"], "code without an exclusion reference")
            cur = dict(code=t, name=[], line_no=ln)
            i += 1
            continue
        if cur is None:
            if not (pos == 0 and t.isdigit()):  # page numbers start a dumped page
                ctx.leftover(path.name, ln, t, "token outside any record")
        elif pos == 0 and t.isdigit() and len(t) >= 3:
            pass  # page number inside a record
        else:
            cur["name"].append((pos, t))
        i += 1
    if cur is not None:
        ctx.leftover(path.name, cur["line_no"], cur["code"], "code without an exclusion reference")
    for r in recs:
        r["name"] = _join_name(r["name"])
    return recs


_COL_HDR = {"疾病编码", "疾病名称", "排除内容", "排除内", "容"}


def _parse_cc_columns(path: Path, ctx: _Ctx, names_lookup: dict[str, str]) -> list[dict]:
    """1.0-revised layout: per page a column of codes, a column of names, a column of ``表 7-n``/``无``.

    Codes and references are zipped in order inside each chunk (codes… names… refs…); names are zipped
    only when the chunk has exactly one name line per code, otherwise taken from the scheme's other files.
    """
    lines = _read_lines(path)
    chunks: list[dict] = []
    cur: dict | None = None
    for ln, raw in enumerate(lines, 1):
        s = raw.strip().replace("~~", "")
        if not s:
            continue
        if DX_LOOSE.match(s):
            if cur is None or cur["R"]:
                cur = dict(C=[], N=[], R=[])
                chunks.append(cur)
            cur["C"].append((ln, s))
        elif re.fullmatch(r"表 ?7-\d+", s) or s == "无":
            ref = None if s == "无" else s.replace(" ", "")[1:]
            if cur is None:
                ctx.leftover(path.name, ln, s, "exclusion reference without a code")
            else:
                cur["R"].append(ref)
        elif s in _COL_HDR or s.isdigit() or re.match(r"^(表 [56]-\d|\d、)", s):
            continue
        elif cur is not None:
            cur["N"].append(s)
        else:
            ctx.leftover(path.name, ln, s, "text before the first code")
    recs = []
    for ch in chunks:
        codes, names, refs = ch["C"], ch["N"], ch["R"]
        if len(codes) != len(refs):
            for ln, c in codes:
                ctx.leftover(path.name, ln, c, f"column chunk has {len(codes)} codes but {len(refs)} references")
            continue
        zip_names = len(names) == len(codes)
        for k, ((ln, c), ref) in enumerate(zip(codes, refs)):
            name = names[k] if zip_names else names_lookup.get(c)
            if name is None:
                ctx.leftover(path.name, ln, c, "name not recoverable from the column dump")
            recs.append(dict(code=c, name=name, exclusion_table=ref, line_no=ln))
    return recs


def _parse_cce(path: Path, ctx: _Ctx) -> "OrderedDict[str, list[tuple[str, str | None, int]]]":
    ts = _tokens(path)
    tabs: OrderedDict = OrderedDict()
    cur: list | None = None
    rec: list | None = None
    before_header: list | None = None   # record cut by a table header (its name wraps after the header)
    i, n = 0, len(ts)
    while i < n:
        ln, pos, t = ts[i]
        m = re.fullmatch(r"表(7-\d+)", t)
        if (t == "表" and i + 1 < n and REF_TOKEN.match(ts[i + 1][2])) or m:
            tid = m.group(1) if m else ts[i + 1][2]
            if tid in tabs:
                ctx.leftover(path.name, ln, f"表 {tid}", "exclusion table header repeated (rows appended)")
            cur = tabs.setdefault(tid, [])
            before_header, rec = rec, None
            i += 1 if m else 2
            continue
        if t == "包含以下主要诊断：":
            rec = before_header = None
            i += 1
            continue
        if DX_LOOSE.match(t) and cur is not None:
            before_header = None
            rec = [t, [], ln]
            cur.append(rec)
            i += 1
            continue
        if rec is None:
            if pos == 0 and t.isdigit():
                pass
            elif before_header is not None:
                before_header[1].append((pos, t))
            else:
                ctx.leftover(path.name, ln, t, "token outside any exclusion-table record")
        elif pos == 0 and t.isdigit() and len(t) >= 3:
            pass
        else:
            rec[1].append((pos, t))
        i += 1
    return OrderedDict((k, [(c, _join_name(nm), ln) for c, nm, ln in v]) for k, v in tabs.items())


# ---------------------------------------------------------------------------------------------- supplement
def _read_supplement(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [{k: (v if v != "" else None) for k, v in row.items()} for row in csv.DictReader(f)]


def _apply_supplement(rows: list[dict], conds: list[dict], lists: "OrderedDict[str, dict]",
                      adrgs: set[str], ctx: _Ctx, fname: str) -> None:
    by_adrg: dict[str, list[dict]] = {}
    for c in conds:
        by_adrg.setdefault(c["adrg_code"], []).append(c)
    new_alts: "OrderedDict[tuple[str, str], list[dict]]" = OrderedDict()
    for i, r in enumerate(rows, 2):
        a = r["adrg_code"]
        if a not in adrgs:
            ctx.leftover(fname, i, a, "supplement names an ADRG not in the scheme")
            continue
        if r.get("codes"):
            lid = r["list_id"]
            if lid in lists:
                ctx.leftover(fname, i, lid, "supplement list id collides with an imported list")
                continue
            code_type = "px" if r["cond_type"].endswith("px_in") else "dx"
            lists[lid] = dict(code_type=code_type, section="supplement",
                              codes=[(c, None) for c in r["codes"].split()])
        spec = dict(cond_type=r["cond_type"], list_id=r.get("list_id"), attr=r.get("attr"),
                    min_value=float(r["min_value"]) if r.get("min_value") else None,
                    max_value=float(r["max_value"]) if r.get("max_value") else None,
                    source="supplement", note=r.get("note"))
        if r["action"] == "and":
            alts = sorted({c["alt_no"] for c in by_adrg.get(a, [])}) or [1]
            for alt in alts:
                existing = [c for c in conds if c["adrg_code"] == a and c["alt_no"] == alt]
                row = dict(adrg_code=a, alt_no=alt, cond_no=len(existing) + 1, **spec)
                conds.append(row)
                by_adrg.setdefault(a, []).append(row)
        elif r["action"] == "alt":
            new_alts.setdefault((a, r.get("alt_key") or str(i)), []).append(spec)
        else:
            ctx.leftover(fname, i, r["action"], "unknown supplement action (use 'and' or 'alt')")
    for (a, _key), specs in new_alts.items():
        alt = max([c["alt_no"] for c in by_adrg.get(a, [])] or [0]) + 1
        for k, spec in enumerate(specs, 1):
            row = dict(adrg_code=a, alt_no=alt, cond_no=k, **spec)
            conds.append(row)
            by_adrg.setdefault(a, []).append(row)


def default_supplement(folder: Path) -> Path | None:
    p = SUPPLEMENT_DIR / f"{folder.name.lower()}.csv"
    return p if p.exists() else None


# ---------------------------------------------------------------------------------------------- main
def import_chs_drg(folder: str | Path, scheme_version: str | None = None, *,
                   supplement: str | Path | None | bool = True,
                   or_override: str | Path | None = None,
                   effective_from: str | None = None, effective_to: str | None = None,
                   ) -> dict[str, pd.DataFrame]:
    """Parse a DRG_Rules folder (``1_MDC.txt`` … ``7_CCE.txt``) into the normalized tables.

    ``supplement``: True (default) merges ``reference/scheme_supplements/<folder name lower>.csv`` when it
    exists; a path merges that file; False/None merges nothing. ``or_override``: a CSV with a ``px_code``
    column replacing the derived operating-room procedure list.
    """
    folder = Path(folder)
    if not (folder / "1_MDC.txt").exists():
        raise FileNotFoundError(f"{folder} is not a DRG_Rules folder (no 1_MDC.txt)")
    known = KNOWN_SCHEMES.get(folder.name, {})
    version = scheme_version or known.get("scheme_version") or folder.name
    ctx = _Ctx(version)

    # 1/2/3 -----------------------------------------------------------------------------------------
    mdc_rows = _code_name_file(folder / "1_MDC.txt", ctx, re.compile(r"^MDC[A-Z]$"))
    adrg_rows = _code_name_file(folder / "2_ADRG.txt", ctx, re.compile(r"^[A-Z]{2}\d$"))
    drg_rows = _code_name_file(folder / "3_DRG.txt", ctx, re.compile(r"^[A-Z]{2}\d[0-9]$"))

    mdcs = pd.DataFrame([dict(scheme_version=version, mdc_code=c[3], mdc_name=n,
                              precedence=MDC_PRECEDENCE_ORDER.index(c[3]) + 1,
                              sex_restriction=MDC_SEX.get(c[3]), entry_rule=MDC_ENTRY.get(c[3], "pdx_table"))
                         for c, n, _ in mdc_rows])
    mdc_set = set(mdcs["mdc_code"])
    adrg_codes = {c for c, _, _ in adrg_rows}

    # 4 ----------------------------------------------------------------------------------------------
    det = _parse_detail(folder / "4_ADRG_DETAIL.txt", adrg_codes, ctx)
    adrg_recs = []
    for c, n, ln in adrg_rows:
        if c[0] not in mdc_set:
            ctx.leftover("2_ADRG.txt", ln, c, "ADRG of an unknown MDC")
        mdc, order = det.order.get(c, (c[0], None))
        if order is None:
            ctx.leftover("4_ADRG_DETAIL.txt", None, c, "ADRG has no section in 4_ADRG_DETAIL")
        adrg_recs.append(dict(scheme_version=version, adrg_code=c, adrg_name=n, mdc_code=mdc,
                              kind=adrg_kind(c), file_order=order))
    adrgs = pd.DataFrame(adrg_recs)
    for c, (_m, _o) in det.order.items():
        if c not in adrg_codes:
            ctx.leftover("4_ADRG_DETAIL.txt", None, c, "ADRG section not listed in 2_ADRG")

    drgs = pd.DataFrame([dict(scheme_version=version, drg_code=c, drg_name=n, adrg_code=c[:3],
                              severity_digit=c[3]) for c, n, _ in drg_rows])
    for c, _n, ln in drg_rows:
        if c[:3] not in adrg_codes:
            ctx.leftover("3_DRG.txt", ln, c, "DRG of an unknown ADRG")
        if c[3] not in "1359":
            ctx.leftover("3_DRG.txt", ln, c, f"unexpected severity digit {c[3]}")
    for a in sorted(adrg_codes - set(drgs["adrg_code"])):
        ctx.leftover("3_DRG.txt", None, a, "ADRG without any DRG")

    conds = list(det.conds)
    lists = det.lists
    if supplement is True:
        supplement = default_supplement(folder)
    if supplement:
        sp = Path(supplement)
        _apply_supplement(_read_supplement(sp), conds, lists, adrg_codes, ctx, sp.name)
    for a in sorted(adrg_codes - {c["adrg_code"] for c in conds}):
        ctx.leftover("4_ADRG_DETAIL.txt", None, a, "ADRG without any entry condition")

    mdc_pdx = pd.DataFrame(det.mdc_dx)
    mdc_pdx.insert(0, "scheme_version", version)

    # medical-ADRG principal diagnoses that their MDC's principal-dx table lacks
    mdc_sets = {m: set(g["dx_code"]) for m, g in mdc_pdx.groupby("mdc_code")} if len(mdc_pdx) else {}
    for c in conds:
        if c["cond_type"] == "pdx_in" and c["source"] == "rule_text":
            a = c["adrg_code"]
            m = a[0]
            if adrg_kind(a) != "medical" or m not in mdc_sets:
                continue
            for code, _name in lists[c["list_id"]]["codes"]:
                if code not in mdc_sets[m]:
                    ctx.leftover("4_ADRG_DETAIL.txt", None, code,
                                 f"principal dx of medical ADRG {a} missing from MDC{m} principal-dx table")

    code_lists = pd.DataFrame([dict(scheme_version=version, list_id=lid, code=code, code_name=name,
                                    code_type=meta["code_type"], section=meta["section"])
                               for lid, meta in lists.items() for code, name in meta["codes"]])
    for lid, meta in lists.items():
        if not meta["codes"]:
            ctx.leftover("4_ADRG_DETAIL.txt", None, lid, "empty code list")
    referenced = {c["list_id"] for c in conds if c.get("list_id")}
    for lid in sorted(referenced - set(lists)):
        ctx.leftover("4_ADRG_DETAIL.txt", None, lid, "condition references a list that was not found")

    cond_df = pd.DataFrame(conds)
    cond_df.insert(0, "scheme_version", version)

    # 5/6/7 -----------------------------------------------------------------------------------------
    cce = _parse_cce(folder / "7_CCE.txt", ctx)
    names_lookup: dict[str, str] = {}
    for rows in cce.values():
        for c, nm, _ in rows:
            if nm:
                names_lookup.setdefault(c, nm)
    for r in det.mdc_dx:
        if r["dx_name"]:
            names_lookup.setdefault(r["dx_code"], r["dx_name"])
    for meta in lists.values():
        if meta["code_type"] == "dx":
            for c, nm in meta["codes"]:
                if nm:
                    names_lookup.setdefault(c, nm)

    cc_rows: list[dict] = []
    seen_cc: dict[str, tuple[str, str | None]] = {}
    for fname, level in (("5_MCC.txt", "MCC"), ("6_CC.txt", "CC")):
        path = folder / fname
        text_head = path.read_text(encoding="utf-8-sig")[:400]
        if "疾病编码 疾病名称 排除内容" in text_head:
            recs = _parse_cc_stream(path, ctx)
        else:
            recs = _parse_cc_columns(path, ctx, names_lookup)
        for r in recs:
            code = r["code"]
            if not _dx_ok(code):
                ctx.leftover(fname, r["line_no"], code, f"malformed diagnosis code in {level} list")
                continue
            if code in seen_cc:
                prev_level, prev_ref = seen_cc[code]
                same = prev_level == level and prev_ref == r["exclusion_table"]
                ctx.leftover(fname, r["line_no"], code,
                             "duplicate code (identical row dropped)" if same else
                             f"code listed again as {level}/{r['exclusion_table']} "
                             f"after {prev_level}/{prev_ref} (first kept)")
                continue
            seen_cc[code] = (level, r["exclusion_table"])
            cc_rows.append(dict(scheme_version=version, dx_code=code, cc_level=level,
                                exclusion_table=r["exclusion_table"], dx_name=r["name"]))
    cc_codes = pd.DataFrame(cc_rows)

    ex_rows = []
    for tid, rows in cce.items():
        if not rows:
            ctx.leftover("7_CCE.txt", None, f"表 {tid}", "exclusion table with no principal diagnoses")
        seen = set()
        for c, nm, ln in rows:
            if not _dx_ok(c):
                ctx.leftover("7_CCE.txt", ln, c, f"malformed diagnosis code in exclusion table {tid}")
                continue
            if c in seen:
                ctx.leftover("7_CCE.txt", ln, c, f"duplicate code in exclusion table {tid}")
                continue
            seen.add(c)
            ex_rows.append(dict(scheme_version=version, exclusion_table=tid, pdx_code=c, pdx_name=nm))
    cc_exclusions = pd.DataFrame(ex_rows)
    known_tabs = set(cce)
    for tid in sorted({r["exclusion_table"] for r in cc_rows if r["exclusion_table"]} - known_tabs):
        ctx.leftover("7_CCE.txt", None, f"表 {tid}", "exclusion table referenced by MCC/CC but absent")

    # OR procedures ---------------------------------------------------------------------------------
    if or_override:
        ov = pd.read_csv(or_override, dtype=str, keep_default_na=False)
        or_codes = sorted(set(ov["px_code"].str.strip()) - {""})
        or_src = OR_SOURCE_OVERRIDE
    else:
        surgical = {a for a in adrg_codes if adrg_kind(a) == "surgical"}
        surg_lists = {c["list_id"] for c in conds
                      if c["adrg_code"] in surgical and c["list_id"] and c["source"] == "rule_text"
                      and c["cond_type"] in ("ppx_in", "any_px_in")}
        or_codes = sorted({code for lid in surg_lists for code, _ in lists[lid]["codes"]})
        or_src = OR_SOURCE_DERIVED
    or_procedures = pd.DataFrame(dict(scheme_version=version, px_code=or_codes, source=or_src))

    sv = pd.DataFrame([dict(
        scheme_version=version,
        scheme_name=known.get("scheme_name", folder.name),
        effective_from=effective_from or known.get("effective_from", "2000-01-01"),
        effective_to=effective_to if effective_to is not None else known.get("effective_to"),
        dx_edition=known.get("dx_edition", "医保版2.0"), px_edition=known.get("px_edition", "医保版2.0"),
        source=f"OpenDRG/DRG_Rules {folder.name} (Apache-2.0), imported by casemix.scheme",
        is_illustrative=False,
        notes="effective dates are defaults of the importer; set them for your region"
              + (f"; supplement {Path(supplement).name}" if supplement else ""),
    )])
    residue = pd.DataFrame(ctx.residue, columns=["scheme_version", "file", "line_no", "token", "problem"])

    raw = dict(scheme_versions=sv, mdcs=mdcs, mdc_principal_dx=mdc_pdx, adrgs=adrgs,
               adrg_conditions=cond_df, code_lists=code_lists, drgs=drgs, cc_codes=cc_codes,
               cc_exclusions=cc_exclusions, or_procedures=or_procedures, residue=residue)
    return {t: conform(t, df) for t, df in raw.items()}
