"""Every rule: hand-made failing and passing cases, with the exact findings (rule, field, value).

All cases go into one in-memory DuckDB and one run (GX has a fixed cost per expectation), then each case's
findings are compared with what is written here. A "pass" case is one the rule *applies to* and that is
right (or the boundary of the rule), and it must have no finding at all.
"""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from quality_fixtures import clean_case

FEE_DELTA_FIELDS = ("ZFY",)


def _px(code, date="2024-03-02", **kw):
    p = {"SSJCZBM": code, "SSJCZMC": f"操作{code}", "SSJCZRQ": date, "SSJB": None, "SZ": None, "YZ": None,
         "EZ": None, "QKDJ": None, "QKYHLB": None, "MZFS": None, "MZYS": None}
    p.update(kw)
    return p


def _newborn(c, days=10, weights=True):
    born = dt.date(2024, 3, 1) - dt.timedelta(days=days)
    c.update(NL=0, BZYZS_NL=days, CSRQ=born.isoformat(), HY="1", ZY="90")
    if weights:
        c.update(XSECSTZ=3200, XSERYTZ=3150)
    return c


def _child(c, years, born="2010-06-01"):
    c.update(NL=years, CSRQ=born)
    return c


def _same_day(c):
    c.update(RYSJ="2024-03-05 08:00:00", CYSJ="2024-03-05 10:00:00", SJZYTS=1)
    for p in c["px"]:
        p["SSJCZRQ"] = "2024-03-05"
    return c


def _no_fees(c):
    from quality_fixtures import _FEES
    for k in _FEES:
        c[k] = "0"
    c.update(ZFY="0", ZFJE="0")
    return c


def _m(**kw):
    def f(c):
        c.update(kw)
        return c
    return f


def _dx(*extra, principal=None):
    def f(c):
        if principal is not None:
            c["dx"][0] = principal
        c["dx"] = c["dx"][:1] + list(extra) + c["dx"][1:]
        return c
    return f


def _chain(*fs):
    def f(c):
        for g in fs:
            c = g(c)
        return c
    return f


# name -> (mutation of the clean case, exact findings {(rule_id, field, value)})
CASES: dict[str, tuple] = {
    "clean": (lambda c: c, set()),
    # A. completeness & value sets
    "CMP-001/CMP-003/CMP-004/CMP-009b pass: the clean record (required fields, principal and other dx "
    "complete, plan 无 without purpose)": (_m(), set()),
    "CMP-001 fail: birth date empty": (_m(CSRQ=None), {("CMP-001", "CSRQ", "")}),
    "CMP-001 fail: sex empty": (_m(XB=None), {("CMP-001", "XB", "")}),
    "CMP-002 fail: admission route 4": (_m(RYTJ="4"), {("CMP-002", "RYTJ", "4")}),
    "CMP-002 fail: other dx admission condition 5": (
        _dx(("肺炎", "J18.900", "5")), {("CMP-002", "RYBQ1", "5")}),
    "CMP-002 fail: incision grade 5": (
        lambda c: (c["px"][0].update(QKDJ="5"), c)[1], {("CMP-002", "QKDJ1", "5")}),
    "CMP-002 pass: GB/T marital code 20": (_m(HY="20"), set()),
    "CMP-003 fail: principal dx name empty": (
        lambda c: (c["dx"].__setitem__(0, (None, "K35.800", "1")), c)[1], {("CMP-003", "ZYZD", "")}),
    "CMP-004 fail: other dx without code": (_dx(("肺炎", None, "1")), {("CMP-004", "JBDM1", "")}),
    "CMP-004 fail: other dx without admission condition": (
        _dx(("肺炎", "J18.900", None)), {("CMP-004", "RYBQ1", "")}),
    "CMP-008 fail: transfer without receiving hospital": (_m(LYFS="2"), {("CMP-008", "YZZY_JGMC", "")}),
    "CMP-008 pass: community transfer with receiver": (_m(LYFS="3", WSY_JGMC="某社区卫生服务中心"), set()),
    "CMP-009a fail: plan yes, purpose empty": (_m(SFZZYJH="2"), {("CMP-009a", "MD", "")}),
    "CMP-009a pass: plan yes, purpose filled": (_m(SFZZYJH="2", MD="化疗"), set()),
    "CMP-009b fail: plan no, purpose filled": (_m(MD="化疗"), {("CMP-009b", "MD", "化疗")}),
    # B. dates
    "DT-001 fail: admitted after discharge": (
        _chain(_m(RYSJ="2024-03-06 08:00:00"), lambda c: (c["px"][0].update(SSJCZRQ="2024-03-05"), c)[1]),
        {("DT-001", "RYSJ", "2024-03-06 08:00:00"), ("PX-005", "SSJCZRQ1", "2024-03-05")}),
    "DT-001/DT-003 pass: same-day stay counts 1": (_same_day, set()),
    "DT-003 fail: LOS 5 for 4 days": (_m(SJZYTS=5), {("DT-003", "SJZYTS", "5")}),
    "DT-005 fail: age 50 for 44 completed years": (_m(NL=50), {("DT-005", "NL", "50")}),
    "DT-005 fail: age 0 without days": (
        _chain(lambda c: _newborn(c, 51, weights=False), _m(BZYZS_NL=None)), {("DT-005", "BZYZS_NL", "")}),
    "DT-005 fail: birthday not reached": (_m(CSRQ="1979-03-02", NL=45), {("DT-005", "NL", "45")}),
    "DT-005 pass: age 0 with 51 days": (lambda c: _newborn(c, 51, weights=False), set()),
    # C. sex
    "SEX-001 fail: female with N40": (_chain(_m(XB="2"), _dx(("前列腺增生", "N40.x00", "1"))),
                                      {("SEX-001", "JBDM1", "N40.x00")}),
    "SEX-001 pass: male with N40": (_dx(("前列腺增生", "N40.x00", "1")), set()),
    "SEX-002 fail: male with N80": (_dx(("子宫内膜异位症", "N80.000", "1")), {("SEX-002", "JBDM1", "N80.000")}),
    "SEX-002 fail: male with principal O80": (
        _dx(principal=("单胎顺产", "O80.000", "1")),
        {("SEX-002", "JBDM", "O80.000"), ("ODX-004", "JBDM", "O80.000")}),
    "SEX-002 pass: female with N80": (_chain(_m(XB="2"), _dx(("子宫内膜异位症", "N80.000", "1"))), set()),
    "SEX-003 fail: female with 60.21": (
        _chain(_m(XB="2"), lambda c: (c["px"].append(_px("60.2100")), c)[1]),
        {("SEX-003", "SSJCZBM2", "60.2100")}),
    "SEX-003 fail: male with 68.4": (
        lambda c: (c["px"].append(_px("68.4900")), c)[1], {("SEX-003", "SSJCZBM2", "68.4900")}),
    "SEX-003 pass: male with 60.21": (lambda c: (c["px"].append(_px("60.2100")), c)[1], set()),
    # D. age
    "AGE-001 fail: P07 at 44": (_dx(("早产儿", "P07.300", "1")), {("AGE-001", "JBDM1", "P07.300")}),
    "AGE-001 pass: P07 as other dx at 3": (
        _chain(lambda c: _child(c, 3, "2020-06-01"), _m(HY="1", ZY="90"), _dx(("早产儿", "P07.300", "1"))),
        set()),
    "AGE-002 fail: principal P07 at 3 years": (
        _chain(lambda c: _child(c, 3, "2020-06-01"), _m(HY="1", ZY="90"),
               _dx(principal=("早产儿", "P07.300", "1"))), {("AGE-002", "JBDM", "P07.300")}),
    "AGE-002 pass: principal P07 at 10 days": (
        _chain(_newborn, _dx(principal=("早产儿", "P07.300", "1"))), set()),
    "AGE-003 fail: P10 at 3 years": (
        _chain(lambda c: _child(c, 3, "2020-06-01"), _dx(("产伤", "P10.000", "1"))),
        {("AGE-003", "JBDM1", "P10.000")}),
    "AGE-003 pass: P10 at 10 days": (_chain(_newborn, _dx(("产伤", "P10.000", "1"))), set()),
    "AGE-004 fail: D25 at 10": (
        _chain(_m(XB="2"), lambda c: _child(c, 10, "2013-06-01"), _dx(("子宫平滑肌瘤", "D25.900", "1"))),
        {("AGE-004", "JBDM1", "D25.900")}),
    "AGE-004 pass: D25 at 13": (
        _chain(_m(XB="2"), lambda c: _child(c, 13, "2010-06-01"), _dx(("子宫平滑肌瘤", "D25.900", "1"))), set()),
    "AGE-006 fail: newborn without admission weight": (
        _chain(_newborn, _m(XSERYTZ=None)), {("AGE-006", "XSERYTZ", "")}),
    "AGE-006 pass: 29 days without weights": (lambda c: _newborn(c, 29, weights=False), set()),
    # E. principal diagnosis
    "PDX-001 fail: principal V43": (
        _dx(principal=("乘车人员损伤", "V43.500", "1")),
        {("PDX-001", "JBDM", "V43.500"), ("ODX-006", "JBDM", "V43.500")}),
    "PDX-002 fail: principal morphology code": (
        _dx(principal=("腺癌", "M8140/3", "1")), {("PDX-002", "JBDM", "M8140/3")}),
    "PDX-002 pass: principal M81.9 (a disease code)": (_dx(principal=("骨质疏松", "M81.900", "1")), set()),
    "PDX-003 fail: principal B96.2": (_dx(principal=("大肠杆菌感染", "B96.200", "1")),
                                      {("PDX-003", "JBDM", "B96.200")}),
    "PDX-003 pass: B96.2 as other dx": (_dx(("大肠杆菌感染", "B96.200", "1")), set()),
    "PDX-004 fail: principal Z85.3": (_dx(principal=("乳腺癌个人史", "Z85.300", "1")),
                                      {("PDX-004", "JBDM", "Z85.300")}),
    "PDX-004 pass: Z85.3 as other dx": (_dx(("乳腺癌个人史", "Z85.300", "1")), set()),
    "PDX-006 fail: principal I69.3": (_dx(principal=("脑梗死后遗症", "I69.300", "1")),
                                      {("PDX-006", "JBDM", "I69.300")}),
    "PDX-006 pass: I69.3 as other dx": (_dx(("脑梗死后遗症", "I69.300", "1")), set()),
    "PDX-010 fail: principal repeated": (_dx(("急性阑尾炎", "K35.800", "1")), {("PDX-010", "JBDM1", "K35.800")}),
    "PDX-010 pass: other dx of the principal's category, another code": (
        _dx(("急性阑尾炎伴局限性腹膜炎", "K35.300", "1")), set()),
    "PDX-011 fail: S72 without external cause": (
        _dx(principal=("股骨颈骨折", "S72.000", "1")), {("PDX-011", "H23", "")}),
    "PDX-011 fail: S72 with a non V–Y cause": (
        _chain(_m(H23="I10.x00"), _dx(principal=("股骨颈骨折", "S72.000", "1"))), {("PDX-011", "H23", "I10.x00")}),
    "PDX-001/ODX-006/PDX-011 pass: S72 with W19 in H23 (the external cause in its field, no V–Y dx)": (
        _chain(_m(H23="W19.x00", WBYY="跌倒"), _dx(principal=("股骨颈骨折", "S72.000", "1"))), set()),
    "PDX-012a fail: C18 without pathology": (
        _dx(principal=("结肠癌", "C18.900", "1")), {("PDX-012a", "JBMM", ""), ("PDX-012a", "BLH", "")}),
    "PDX-012a pass: C18 with M8140/3": (
        _chain(_m(JBMM="M8140/3", BLH="P2024001", BLZD="腺癌"), _dx(principal=("结肠癌", "C18.900", "1"))), set()),
    "PDX-012b fail: C78 with behaviour /3": (
        _chain(_m(JBMM="M8140/3", BLH="P1"), _dx(principal=("肝继发恶性肿瘤", "C78.700", "1"))),
        {("PDX-012b", "JBMM", "M8140/3")}),
    "PDX-012b pass: C78 with /6": (
        _chain(_m(JBMM="M8140/6", BLH="P1"), _dx(principal=("肝继发恶性肿瘤", "C78.700", "1"))), set()),
    # F. other diagnoses
    "ODX-001 fail: I10 twice": (_dx(("高血压", "I10.x00", "1")), {("ODX-001", "JBDM2", "I10.x00")}),
    "ODX-001 pass: two I10 codes that differ": (_dx(("高血压2级", "I10.x02", "1")), set()),
    "ODX-004 fail: delivery without Z37": (
        _chain(_m(XB="2"), _dx(("单胎顺产", "O80.000", "1"))), {("ODX-004", "JBDM", "O80.000")}),
    "ODX-004 pass: delivery with Z37": (
        _chain(_m(XB="2"), _dx(("单胎顺产", "O80.000", "1"), ("单胎活产", "Z37.000", "1"))), set()),
    "ODX-006 fail: W19 as other dx": (_dx(("跌倒", "W19.x00", "1")), {("ODX-006", "JBDM1", "W19.x00")}),
    # G. procedures
    "PX-002 fail: operation without surgeon": (
        lambda c: (c["px"][0].update(SZ=None), c)[1], {("PX-002", "SZ1", "")}),
    "PX-002 pass: non-OR procedure without surgeon": (
        lambda c: (c["px"].append(_px("99.0400")), c)[1], set()),
    "PX-005 fail: procedure after discharge": (
        lambda c: (c["px"][0].update(SSJCZRQ="2024-03-07"), c)[1], {("PX-005", "SSJCZRQ1", "2024-03-07")}),
    "PX-005 fail: procedure date empty": (
        lambda c: (c["px"][0].update(SSJCZRQ=None), c)[1], {("PX-005", "SSJCZRQ1", "")}),
    "PX-005 pass: procedure on admission day": (
        lambda c: (c["px"][0].update(SSJCZRQ="2024-03-01"), c)[1], set()),
    "PX-006 fail: adjunct code as principal": (
        lambda c: (c["px"].insert(0, _px("00.4000")), c)[1], {("PX-006", "SSJCZBM1", "00.4000")}),
    "PX-006 pass: adjunct code second": (lambda c: (c["px"].append(_px("00.4000")), c)[1], set()),
    "PX-009 fail: operation fee without procedure": (
        lambda c: (c.update(px=[], MAF="0", ZFY="9400.00", SSZLF="1900.00"), c)[1], {("PX-009", "SSF", "1500.00")}),
    "PX-009 pass: no procedure, no operation fee": (
        lambda c: (c.update(px=[], MAF="0", SSF="0", SSZLF="0", ZFY="7500.00"), c)[1], set()),
    # H. discharge
    "DS-001 fail: death without autopsy answer": (_m(LYFS="5"), {("DS-001", "SWHZSJ", "")}),
    "DS-001/DS-002 pass: death, autopsy no, no plan": (_m(LYFS="5", SWHZSJ="2"), set()),
    "DS-002 fail: death with readmission plan": (
        _m(LYFS="5", SWHZSJ="2", SFZZYJH="2", MD="复查"), {("DS-002", "SFZZYJH", "2")}),
    # I. fees
    "FEE-001 fail: total 0": (
        _chain(_same_day, _no_fees, lambda c: (c.update(px=[]), c)[1]), {("FEE-001", "ZFY", "0.00")}),
    "FEE-001 pass: total 0.01, the smallest positive": (
        _chain(_same_day, _no_fees, lambda c: (c.update(px=[], ZFY="0.01", QTF="0.01"), c)[1]), set()),
    "FEE-002 fail: total 0.50 off": (_m(ZFY="10000.50"), {("FEE-002", "ZFY", "10000.50")}),
    "FEE-002 pass: total 0.01 off": (_m(ZFY="10000.01"), set()),
    "FEE-003 fail: antibiotics above western drugs": (_m(KJYWF="2500.00"), {("FEE-003", "KJYWF", "2500.00")}),
    "FEE-003 fail: anaesthesia+operation above surgery": (
        _m(MAF="1500.00"), {("FEE-003", "MAF+SSF", "3000.00")}),
    "FEE-003 pass: antibiotics equal western drugs": (_m(KJYWF="2000.00"), set()),
    "FEE-004 fail: self-pay above total": (_m(ZFJE="11000.00"), {("FEE-004", "ZFJE", "11000.00")}),
    "FEE-004 fail: negative item": (_m(QTF="-10.00", ZFY="9990.00"), {("FEE-004", "QTF", "-10.00")}),
    "FEE-004 pass: self-pay equals total": (_m(ZFJE="10000.00"), set()),
    "FEE-005 fail: 4 days without nursing fee": (_m(HLF="0", ZFY="9600.00"), {("FEE-005", "HLF", "0.00")}),
    "FEE-005 pass: same day without nursing fee": (_chain(_same_day, _m(HLF="0", ZFY="9600.00")), set()),
    "FEE-007 fail: anaesthesia without fee": (
        _m(MAF="0", SSZLF="1900.00", ZFY="9400.00"), {("FEE-007", "MAF", "0.00")}),
    "FEE-007 pass: no anaesthesia, no fee": (
        lambda c: (c["px"][0].update(MZFS=None, MZYS=None), c.update(MAF="0", SSZLF="1900.00", ZFY="9400.00"),
                   c)[2], set()),
    "FEE-008 fail: operation without operation fee": (_m(SSF="0"), {("FEE-008", "SSF", "0.00")}),
    "FEE-008 pass: non-OR procedure without operation fee": (
        lambda c: (c.update(px=[_px("99.0400")], SSF="0", MAF="0", SSZLF="0", ZFY="7500.00"), c)[1], set()),
}


def rule_cases() -> list[dict]:
    """Every case of CASES built from its clean case (March), discharge_id = the case's name (so the id
    order is not the insertion order)."""
    cases = []
    for i, (name, (mut, _)) in enumerate(CASES.items()):
        c = mut(copy.deepcopy(clean_case(i + 1)))
        c["discharge_id"] = name
        cases.append(c)
    return cases


@pytest.fixture(scope="session")
def results(ruleset, gx_loaded):
    from quality_fixtures import build_db
    from casemix.quality.runner import check_partitions

    con = build_db(rule_cases())
    res = check_partitions(con, None, ruleset, code_table=None)
    return res


@pytest.mark.parametrize("name", list(CASES))
def test_case_findings(results, name):
    got = {(r.rule_id, r.field, r.value) for r in results.issues[results.issues.discharge_id == name].itertuples()}
    assert got == CASES[name][1]


def _named(kind: str) -> dict[str, set[str]]:
    """rule id -> names of the cases named "<id>[/<id>…] <kind>: …" (kind fail | pass)."""
    out: dict[str, set[str]] = {}
    for name in CASES:
        head, sep, _ = name.partition(f" {kind}:")
        if sep:
            for rid in head.split("/"):
                out.setdefault(rid, set()).add(name)
    return out


def test_every_rule_has_a_failing_and_a_passing_case(ruleset):
    """Each rule has a case named "<id> fail" whose findings include it and one named "<id> pass" without
    any finding of it (CMP-005 needs a code table: test_results.py::test_cmp005_… has both)."""
    rules = set(ruleset.ids) - {"CMP-005"}
    fails, passes = _named("fail"), _named("pass")
    assert rules <= set(fails), sorted(rules - set(fails))
    assert rules <= set(passes), sorted(rules - set(passes))
    for rid in rules:
        assert any(rid in {f[0] for f in CASES[n][1]} for n in fails[rid]), rid
        assert all(rid not in {f[0] for f in CASES[n][1]} for n in passes[rid]), rid


def test_every_rule_applies_to_some_passing_case(results, ruleset):
    """For each rule, the summary counts more applicable cases than failed ones (a pass exists)."""
    s = results.summary.groupby("rule_id")[["applicable", "failed"]].sum()
    for rid in set(ruleset.ids) - {"CMP-005"}:
        assert s.loc[rid, "applicable"] > s.loc[rid, "failed"], rid


def test_no_case_is_dropped(results):
    assert results.summary["applicable"].notna().any()
    n = len(CASES)
    cmp001 = results.summary[results.summary.rule_id == "CMP-001"]["applicable"].sum()
    assert cmp001 == n            # CMP-001 applies to every case


def test_summary_counts_and_rate(results):
    s = results.summary.set_index("rule_id")
    # DT-003 applies where both dates exist and RYSJ ≤ CYSJ: every case but the DT-001 one
    assert s.loc["DT-003", "applicable"] == len(CASES) - 1
    assert s.loc["DT-003", "failed"] == 1
    assert s.loc["DT-003", "rate"] == pytest.approx(1 / (len(CASES) - 1))
    # DS-001 applies to the three deaths, one fails
    assert (s.loc["DS-001", "applicable"], s.loc["DS-001", "failed"]) == (3, 1)
    assert s.loc["CMP-005", "status"] == "not checked"
    assert s.loc["CMP-005", "applicable"] is None or s.loc["CMP-005", "applicable"] != s.loc["CMP-005", "applicable"]


def test_issue_rows_carry_versions_and_messages(results, ruleset):
    i = results.issues
    assert (i["ruleset_version"] == ruleset.version).all()
    assert i["code_table_version"].isna().all()
    row = i[i.rule_id == "SEX-002"].iloc[0]
    assert row["severity"] == "E" and row["message"].startswith("女性专属") and "Female-only" in row["message_en"]
    assert set(i[i.rule_id == "PDX-004"]["severity"]) == {"W"}
