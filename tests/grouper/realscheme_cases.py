"""Cases built from the real CHS-DRG 1.1 tables: one per ADRG from its own conditions, and MCC/CC cases on the
real MCC/CC and exclusion lists. Codes are chosen to avoid lists that the grouper tries earlier (earlier
MDCs by precedence, earlier ADRGs of the MDC), so a case lands in its own ADRG unless the scheme itself
sends it elsewhere: those are the exceptions the coverage test lists."""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

POSITIVE_LISTS = ("pdx_in", "ppx_in", "any_px_in", "any_dx_in")
KIND_RANK = {"surgical": 1, "non_or": 3, "medical": 4}


class SchemeIndex:
    def __init__(self, t: dict[str, pd.DataFrame]):
        self.mdcs = t["mdcs"].set_index("mdc_code")
        self.adrgs = t["adrgs"].set_index("adrg_code")
        self.conds = t["adrg_conditions"].sort_values(["adrg_code", "alt_no", "cond_no"])
        self.lists: dict[str, list[str]] = defaultdict(list)
        for lid, code in zip(t["code_lists"]["list_id"], t["code_lists"]["code"]):
            self.lists[lid].append(code)
        self.mdc_dx: dict[str, list[str]] = defaultdict(list)
        self.regions: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.dx_mdcs: dict[str, set[str]] = defaultdict(set)
        for m, c, r in zip(t["mdc_principal_dx"]["mdc_code"], t["mdc_principal_dx"]["dx_code"],
                           t["mdc_principal_dx"]["body_region"]):
            if c not in self.mdc_dx[m]:
                self.mdc_dx[m].append(c)
            self.dx_mdcs[c].add(m)
            if isinstance(r, str):
                self.regions[m][r].append(c)
        self.or_procs = list(t["or_procedures"]["px_code"])
        self.drg_digits: dict[str, set[str]] = defaultdict(set)
        for a, d in zip(t["drgs"]["adrg_code"], t["drgs"]["severity_digit"]):
            self.drg_digits[a].add(d)
        # which lists hold a code, by (mdc, kind, file_order)
        self.code_in: dict[str, list[tuple[str, str, int, str]]] = defaultdict(list)
        for _, c in self.conds[self.conds["cond_type"].isin(POSITIVE_LISTS)].iterrows():
            a = self.adrgs.loc[c["adrg_code"]]
            for code in self.lists.get(c["list_id"], []):
                self.code_in[code].append((a["mdc_code"], a["kind"], int(a["file_order"]), c["adrg_code"]))
        self.prec = self.mdcs["precedence"].to_dict()

    def alt(self, adrg: str, alt_no: int = 1) -> pd.DataFrame:
        c = self.conds[self.conds["adrg_code"] == adrg]
        return c[c["alt_no"] == alt_no]

    def earlier(self, adrg: str, code: str) -> int:
        """How many lists tried before `adrg` hold `code` (earlier MDCs, earlier ADRGs of the MDC)."""
        a = self.adrgs.loc[adrg]
        m, rank, order = a["mdc_code"], KIND_RANK[a["kind"]], int(a["file_order"])
        n = 0
        for mm, kind, fo, other in self.code_in.get(code, []):
            if other == adrg:
                continue
            if self.prec[mm] < self.prec[m] or (mm == m and (KIND_RANK[kind], fo) < (rank, order)):
                n += 1
        for mm in self.dx_mdcs.get(code, ()):
            if self.prec[mm] < self.prec[m]:
                n += 100
        return n

    def pick(self, adrg: str, codes, exclude=()) -> str | None:
        exclude = set(exclude)
        best, best_score = None, None
        for c in codes:
            if c in exclude:
                continue
            score = self.earlier(adrg, c)
            if score == 0:
                return c
            if best_score is None or score < best_score:
                best, best_score = c, score
        return best


def adrg_case(ix: SchemeIndex, adrg: str, bah: str) -> dict:
    a = ix.adrgs.loc[adrg]
    mdc = a["mdc_code"]
    entry = ix.mdcs.loc[mdc, "entry_rule"]
    conds = ix.alt(adrg)
    types = list(conds["cond_type"])
    pdx = None
    sdx: list[str] = []
    px: list[str] = []
    forbidden: set[str] = set()
    age, age_days, bw = "40", "", ""
    if entry == "age_lt_1y":
        age, age_days, bw = "0", "10", "3000"
    for _, c in conds.iterrows():
        if c["cond_type"] == "not_any_px_in":
            forbidden |= set(ix.lists.get(c["list_id"], []))
    mdc_table = ix.mdc_dx.get(mdc, [])
    for _, c in conds.iterrows():
        ct, lst = c["cond_type"], ix.lists.get(c["list_id"], []) if isinstance(c["list_id"], str) else []
        if ct == "pdx_in":
            in_table = [x for x in lst if x in set(mdc_table)] or lst
            pdx = ix.pick(adrg, in_table)
        elif ct == "any_dx_in":
            in_table = [x for x in lst if x in set(mdc_table)]
            if in_table and pdx is None:
                pdx = ix.pick(adrg, in_table)
            else:
                sdx.append(ix.pick(adrg, lst))
        elif ct == "ppx_in":
            px.insert(0, ix.pick(adrg, lst, forbidden))
        elif ct == "any_px_in":
            px.append(ix.pick(adrg, lst, forbidden))
        elif ct == "or_proc_any":
            if not px:
                px.append(ix.pick(adrg, ix.or_procs, forbidden))
        elif ct == "attr_range":
            lo, hi = c["min_value"], c["max_value"]
            val = lo if pd.notna(lo) else (hi - 1)
            if c["attr"] == "age_days":
                age, age_days = "0", str(int(val))
                if int(val) > 28:
                    bw = ""
            elif c["attr"] == "birth_weight_g":
                bw = str(int(val) if val > 0 else 1000)
    if pdx is None:
        if mdc_table:
            pdx = ix.pick(adrg, mdc_table)
        else:  # MDCA: no table; a principal dx from the last MDC's table
            last = max(ix.prec, key=ix.prec.get)
            pdx = ix.pick(adrg, ix.mdc_dx[last])
    if entry == "multi_trauma" or "min_body_regions" in types:
        need = int(max([2] + [v for v in conds.loc[conds["cond_type"] == "min_body_regions", "min_value"]]))
        regs = ix.regions[mdc]
        have = {r for r, codes in regs.items() if pdx in codes}
        for r, codes in regs.items():
            if len(have) >= need:
                break
            if r not in have:
                sdx.append(ix.pick(adrg, codes))
                have.add(r)
    sex = {"M": "1", "N": "2", "O": "2"}.get(mdc, "1")
    r = dict(ZZJGDM="H001", BAH=bah, ZYCS="1", XB=sex, NL=age, BZYZS_NL=age_days, XSECSTZ=bw,
             CYSJ="2023-06-15", SJZYTS="5", ZFY="1000", JBDM=pdx)
    for i, c in enumerate([s for s in sdx if s], 1):
        r[f"JBDM{i}"] = c
    for i, c in enumerate([p for p in px if p], 1):
        r[f"SSJCZBM{i}"] = c
    return r


def coverage_cases(ix: SchemeIndex) -> dict[str, dict]:
    return {adrg: adrg_case(ix, adrg, f"COV-{adrg}") for adrg in ix.adrgs.index}


def severity_cases(ix: SchemeIndex, t: dict[str, pd.DataFrame]) -> dict[str, tuple[dict, str, str, str]]:
    """bah -> (case, expected ADRG, expected severity, expected DRG) on the real MCC/CC lists."""
    cc = t["cc_codes"]
    excl = t["cc_exclusions"].groupby("exclusion_table")["pdx_code"].apply(set).to_dict()
    medical = [a for a in ix.adrgs.index if ix.adrgs.loc[a, "kind"] == "medical"
               and ix.mdcs.loc[ix.adrgs.loc[a, "mdc_code"], "entry_rule"] == "pdx_table"
               and list(ix.alt(a)["cond_type"]) == ["pdx_in"]]

    def pdx_for(adrg: str, want_in: set | None = None, avoid: set | None = None) -> str | None:
        lst = [x for x in ix.lists[ix.alt(adrg)["list_id"].iloc[0]] if x in set(ix.mdc_dx[ix.adrgs.loc[adrg, "mdc_code"]])]
        if want_in is not None:
            lst = [x for x in lst if x in want_in]
        if avoid is not None:
            lst = [x for x in lst if x not in avoid]
        lst = [x for x in lst if ix.earlier(adrg, x) == 0]
        return lst[0] if lst else None

    def mk(bah, pdx, sdx):
        return dict(ZZJGDM="H001", BAH=bah, ZYCS="1", XB="1" if not pdx.startswith(("N", "O")) else "2",
                    NL="40", CYSJ="2023-06-15", SJZYTS="5", ZFY="1000", JBDM=pdx, JBDM1=sdx)

    out = {}
    full = [a for a in medical if ix.drg_digits[a] == {"1", "3", "5"}]
    # an MCC with an exclusion table: principal inside the table (does not count) vs outside (counts)
    mcc = cc[(cc["cc_level"] == "MCC") & cc["exclusion_table"].notna()]
    done = False
    for _, m in mcc.iterrows():
        table = excl.get(m["exclusion_table"], set())
        for a in full:
            p_in = pdx_for(a, want_in=table)
            p_out = pdx_for(a, avoid=table | {m["dx_code"]})
            if p_in and p_out and p_in != m["dx_code"]:
                out["SEV-MCC-INSIDE"] = (mk("SEV-MCC-INSIDE", p_in, m["dx_code"]), a, "none", a + "5")
                out["SEV-MCC-OUTSIDE"] = (mk("SEV-MCC-OUTSIDE", p_out, m["dx_code"]), a, "MCC", a + "1")
                done = True
                break
        if done:
            break
    # a CC with an exclusion table, principal outside -> 3; inside -> 5
    ccs = cc[(cc["cc_level"] == "CC") & cc["exclusion_table"].notna()]
    done = False
    for _, c in ccs.iterrows():
        table = excl.get(c["exclusion_table"], set())
        for a in full:
            p_in = pdx_for(a, want_in=table)
            p_out = pdx_for(a, avoid=table | {c["dx_code"]})
            if p_in and p_out:
                out["SEV-CC-OUTSIDE"] = (mk("SEV-CC-OUTSIDE", p_out, c["dx_code"]), a, "CC", a + "3")
                out["SEV-CC-INSIDE"] = (mk("SEV-CC-INSIDE", p_in, c["dx_code"]), a, "none", a + "5")
                done = True
                break
        if done:
            break
    # 无: an MCC / CC that always counts
    wu_mcc = cc[(cc["cc_level"] == "MCC") & cc["exclusion_table"].isna()]["dx_code"].iloc[0]
    wu_cc = cc[(cc["cc_level"] == "CC") & cc["exclusion_table"].isna()]["dx_code"].iloc[0]
    a = full[0]
    p = pdx_for(a, avoid={wu_mcc, wu_cc})
    out["SEV-WU-MCC"] = (mk("SEV-WU-MCC", p, wu_mcc), a, "MCC", a + "1")
    out["SEV-WU-CC"] = (mk("SEV-WU-CC", p, wu_cc), a, "CC", a + "3")
    # fallbacks: MCC in an ADRG without 1 -> 3; CC in an ADRG without 3 -> 5; unsplit -> 9
    only35 = next(a for a in medical if ix.drg_digits[a] == {"3", "5"} and pdx_for(a, avoid={wu_mcc}))
    out["SEV-MCC-NO1"] = (mk("SEV-MCC-NO1", pdx_for(only35, avoid={wu_mcc}), wu_mcc), only35, "MCC", only35 + "3")
    only15 = next(a for a in medical if ix.drg_digits[a] == {"1", "5"} and pdx_for(a, avoid={wu_cc}))
    out["SEV-CC-NO3"] = (mk("SEV-CC-NO3", pdx_for(only15, avoid={wu_cc}), wu_cc), only15, "CC", only15 + "5")
    only9 = next(a for a in medical if ix.drg_digits[a] == {"9"} and pdx_for(a, avoid={wu_mcc}))
    out["SEV-UNSPLIT"] = (mk("SEV-UNSPLIT", pdx_for(only9, avoid={wu_mcc}), wu_mcc), only9, "MCC", only9 + "9")
    return out
