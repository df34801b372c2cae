"""The authored demo scheme DEMO-1.0: loads, is labelled illustrative, is referentially complete, and every
ADRG and DRG can be reached."""

from __future__ import annotations

import pandas as pd

from casemix.scheme import TABLE_NAMES, load_scheme
from casemix.scheme.tables import ATTRS, COND_TYPES, ENTRY_RULES, KINDS, PRIMARY_KEYS, columns


def test_loads_all_tables(demo):
    assert set(demo) == set(TABLE_NAMES)
    for t, df in demo.items():
        assert list(df.columns) == columns(t)
        assert (df["scheme_version"] == "DEMO-1.0").all()
        if PRIMARY_KEYS[t]:
            assert not df.duplicated(list(PRIMARY_KEYS[t])).any(), t


def test_illustrative_and_effective(demo):
    sv = demo["scheme_versions"].iloc[0]
    assert bool(sv["is_illustrative"]) is True
    assert "not for payment" in sv["scheme_name"].lower()
    assert sv["effective_from"] == pd.Timestamp("2020-01-01") and pd.isna(sv["effective_to"])


def test_referential_integrity(demo):
    mdcs = set(demo["mdcs"]["mdc_code"])
    adrgs = set(demo["adrgs"]["adrg_code"])
    lists = set(demo["code_lists"]["list_id"])
    assert set(demo["adrgs"]["mdc_code"]) <= mdcs
    assert set(demo["drgs"]["adrg_code"]) == adrgs           # every DRG's ADRG exists, every ADRG has DRGs
    c = demo["adrg_conditions"]
    assert set(c["adrg_code"]) == adrgs                      # every ADRG has an entry rule
    assert set(c["list_id"].dropna()) == lists               # every referenced list exists, none unused
    assert set(demo["mdc_principal_dx"]["mdc_code"]) == mdcs
    ex_tables = set(demo["cc_exclusions"]["exclusion_table"])
    assert set(demo["cc_codes"]["exclusion_table"].dropna()) == ex_tables
    assert set(c["cond_type"]) <= COND_TYPES
    assert set(c["attr"].dropna()) <= ATTRS
    assert set(demo["mdcs"]["entry_rule"]) <= ENTRY_RULES
    assert set(demo["adrgs"]["kind"]) == KINDS


def test_variety(demo):
    splits = demo["drgs"].groupby("adrg_code")["severity_digit"].agg(lambda s: "".join(sorted(s)))
    assert set(splits) == {"135", "15", "35", "9"}
    assert 20 <= len(demo["adrgs"]) <= 35
    sizes = demo["code_lists"].groupby("list_id").size()
    assert sizes.min() >= 5, sizes[sizes < 5]
    o = demo["mdcs"].set_index("mdc_code")
    assert o.loc["O", "sex_restriction"] == "2" and o.loc["P", "entry_rule"] == "age_lt_1y"
    cl = demo["code_lists"]
    assert cl.loc[cl["list_id"] == "OR1.DX", "code"].str.startswith("Z37").all()   # delivery outcome


def test_every_adrg_reachable(demo):
    """Each ADRG's first alternative can be satisfied by a case of its MDC that no earlier ADRG takes
    (surgical, then non-OR, then medical, by file order), using list codes."""
    c, cl, mp = demo["adrg_conditions"], demo["code_lists"], demo["mdc_principal_dx"]
    codes = cl.groupby("list_id")["code"].apply(list).to_dict()
    or_px = set(demo["or_procedures"]["px_code"])
    rank = {"surgical": 0, "non_or": 1, "medical": 2}
    a = demo["adrgs"].assign(r=lambda d: d["kind"].map(rank)).sort_values(["mdc_code", "r", "file_order"])

    def satisfies(case, conds):
        ok = True
        for r in conds.itertuples():
            L = set(codes.get(r.list_id, []))
            t = r.cond_type
            if t == "pdx_in": ok &= case["pdx"] in L
            elif t == "ppx_in": ok &= bool(case["px"]) and case["px"][0] in L
            elif t == "any_px_in": ok &= bool(L & set(case["px"]))
            elif t == "any_dx_in": ok &= bool(L & ({case["pdx"]} | set(case["sdx"])))
            elif t == "no_or_proc": ok &= not (set(case["px"]) & or_px)
            elif t == "or_proc_any": ok &= bool(set(case["px"]) & or_px)
            elif t == "attr_range":
                v = case[r.attr]
                ok &= v >= r.min_value and (pd.isna(r.max_value) or v < r.max_value)
            else:
                raise AssertionError(t)
        return ok

    for row in a.itertuples():
        conds = c[(c["adrg_code"] == row.adrg_code) & (c["alt_no"] == 1)]
        table = mp[mp["mdc_code"] == row.mdc_code]["dx_code"].tolist()
        pdx_lists = [r.list_id for r in conds.itertuples() if r.cond_type == "pdx_in"]
        candidates = codes[pdx_lists[0]] if pdx_lists else table
        earlier = a[a["mdc_code"] == row.mdc_code]["adrg_code"].tolist()
        earlier = earlier[:earlier.index(row.adrg_code)]
        found = None
        for pdx in candidates:  # a witness case: some principal dx of the list/table
            case = dict(pdx=pdx, px=[], sdx=[], age_days=10, birth_weight_g=3200, vent_hours=0)
            for r in conds.itertuples():
                if r.cond_type in ("ppx_in", "any_px_in"): case["px"].append(codes[r.list_id][0])
                elif r.cond_type == "any_dx_in": case["sdx"].append(codes[r.list_id][0])
                elif r.cond_type == "attr_range": case[r.attr] = r.min_value
            if pdx in table and satisfies(case, conds) and not any(
                    satisfies(case, c[(c["adrg_code"] == e) & (c["alt_no"] == 1)]) for e in earlier):
                found = case
                break
        assert found is not None, f"{row.adrg_code} cannot be reached"


def test_every_split_reachable(demo):
    """'1' needs an MCC, '3' a CC, that no exclusion table removes for some principal dx of the ADRG."""
    cc = demo["cc_codes"]
    assert cc.loc[cc["cc_level"] == "MCC", "exclusion_table"].isna().any()
    assert cc.loc[cc["cc_level"] == "CC", "exclusion_table"].isna().any()


def test_demo_name_and_folder_load_the_same(demo):
    from casemix.scheme import DEMO_DIR
    again = load_scheme(DEMO_DIR)
    for t in TABLE_NAMES:
        pd.testing.assert_frame_equal(again[t], demo[t])
