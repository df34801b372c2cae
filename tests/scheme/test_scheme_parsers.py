"""The DRG_Rules parsers on tiny hand-written folders whose expected tables are worked out by hand."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from casemix.scheme import import_chs_drg, load_scheme
from casemix.scheme.cli import main as cli_main

DETAIL = """MDCA 先期分组疾病及相关操作
AC1 胰/肾联合移植
同时包含以下手术：
52.8000 胰腺移植
和
55.6100 肾自体移植术
MDCB 神经系统疾病及功能障碍
MDCB 主诊表
包含以下主要诊断：
S06.000 脑震荡
I61.000 大脑半球的脑内出血，皮质~~下
I61.000 大脑半球的脑内出血，皮质下
BB1 脑创伤开颅术
包含以下主要诊断：
S06.000 脑震荡
包含以下主要手术或操作：
01.2400 其他颅骨切开术
86.700x0013 错误编码
BR1 颅内出血性疾患
包含以下主要诊断：
I61.000 大脑半球的脑内出血
I62.000 硬膜下出血
MDCZ 多发严重创伤
MDCZ 主诊表
头颈部创伤
包含以下主要诊断：
S06.000 脑震荡
胸部创伤
包含以下主要诊断：
S27.000 创伤性气胸
ZZ1 多发性重要创伤无手术
符合 MDCZ 主诊表，且无手术"""

# 1.1 layout: page numbers and repeated headers inside long lines, a name wrapped over a line break,
# a 表 reference split from its number, a 无 record.
MCC11 = ("疾病编码 疾病名称 排除内容\n"
         "A41.900 脓毒症 表 7-1 J96.000 急性呼吸\n"
         "衰竭 表\n"
         "7-2\n"
         "1100 疾病编码 疾病名称 排除内容 U82.100 耐甲氧西林抗生素 无")
CC11 = ("疾病编码 疾病名称 排除内容\n"
        "E87.100 低渗透性和低钠血症 表 7-1 E87.100 低渗透性和低钠血症 表 7-1\n"
        "D51.100 维生素 B12 缺乏性贫血 无")
CCE11 = ("表 7-1\n包含以下主要诊断：\nA41.900 脓毒症\n"
         "1201 表 7-2 包含以下主要诊断： J96.000 急性呼吸衰竭 J96.100 慢性呼吸衰竭")

# 1.0-revised layout: codes, names, references as columns; the second chunk wraps a name.
MCC10 = ("1146\n1、严重并发症或合并症（MCC）\n表 5-1 严重并发症或合并症（MCC）\n疾病编码\nA41.900\nJ96.000\n"
         "疾病名称\n脓毒症\n急性呼吸衰竭\n排除内容\n表 7-1\n表 7-2\nU82.100\n耐甲氧西林\n抗生素\n无")
CC10 = "1202\n表 6-1 并发症或合并症（CC）\n疾病编码\nE87.100\n疾病名称\n低钠血症\n排除内\n容\n表 7-1"


def _folder(root: Path, name: str, mcc: str, cc: str, cce: str) -> Path:
    d = root / name
    d.mkdir()
    (d / "1_MDC.txt").write_text("MDCA 先期分组疾病及相关操作\nMDCB 神经系统疾病及功能障碍\nMDCZ 多发严重创伤", "utf-8")
    (d / "2_ADRG.txt").write_text("AC1 胰／肾联合移植\nBB1 脑创伤开颅术\nBR1 颅内出血性疾患\nZZ1 多发性重要创伤无手术", "utf-8")
    (d / "3_DRG.txt").write_text("AC19 胰/肾联合移植\nBB11 脑创伤开颅术，伴严重并发症或合并症\n"
                                 "BB15 脑创伤开颅术，不伴并发症或合并症\nBR19 颅内出血性疾患\nZZ19 多发性重要创伤无手术",
                                 "utf-8")  # no final newline, like the real files
    (d / "4_ADRG_DETAIL.txt").write_text(DETAIL, "utf-8")
    (d / "5_MCC.txt").write_text(mcc, "utf-8")
    (d / "6_CC.txt").write_text(cc, "utf-8")
    (d / "7_CCE.txt").write_text(cce, "utf-8")
    return d


@pytest.fixture()
def tiny11(tmp_path):
    return import_chs_drg(_folder(tmp_path, "TINY_11", MCC11, CC11, CCE11), "TINY-1.1", supplement=False)


def _rows(df, cols):
    return [tuple(None if pd.isna(v) else v for v in r) for r in df[cols].itertuples(index=False)]


def test_structure(tiny11):
    t = tiny11
    assert _rows(t["mdcs"], ["mdc_code", "precedence", "entry_rule"]) == [
        ("A", 1, "adrg_rules"), ("B", 7, "pdx_table"), ("Z", 4, "multi_trauma")]
    assert _rows(t["adrgs"], ["adrg_code", "mdc_code", "kind", "file_order"]) == [
        ("AC1", "A", "surgical", 1), ("BB1", "B", "surgical", 1), ("BR1", "B", "medical", 2),
        ("ZZ1", "Z", "medical", 1)]
    assert _rows(t["drgs"], ["drg_code", "adrg_code", "severity_digit"]) == [
        ("AC19", "AC1", "9"), ("BB11", "BB1", "1"), ("BB15", "BB1", "5"), ("BR19", "BR1", "9"), ("ZZ19", "ZZ1", "9")]


def test_conditions_and_lists(tiny11):
    t = tiny11
    assert _rows(t["adrg_conditions"], ["adrg_code", "alt_no", "cond_no", "cond_type", "list_id"]) == [
        ("AC1", 1, 1, "any_px_in", "AC1.PX1"), ("AC1", 1, 2, "any_px_in", "AC1.PX2"),
        ("BB1", 1, 1, "pdx_in", "BB1.PDX"), ("BB1", 1, 2, "ppx_in", "BB1.PPX"),
        ("BR1", 1, 1, "pdx_in", "BR1.PDX"),
        ("ZZ1", 1, 1, "mdc_pdx", None), ("ZZ1", 1, 2, "no_or_proc", None)]
    assert _rows(t["code_lists"], ["list_id", "code", "code_type"]) == [
        ("AC1.PX1", "52.8000", "px"), ("AC1.PX2", "55.6100", "px"), ("BB1.PDX", "S06.000", "dx"),
        ("BB1.PPX", "01.2400", "px"), ("BR1.PDX", "I61.000", "dx"), ("BR1.PDX", "I62.000", "dx")]
    # the ~~ wrap is joined; the duplicate line goes to residue
    assert _rows(t["mdc_principal_dx"], ["mdc_code", "dx_code", "body_region", "dx_name"]) == [
        ("B", "S06.000", None, "脑震荡"), ("B", "I61.000", None, "大脑半球的脑内出血，皮质下"),
        ("Z", "S06.000", "头颈部创伤", "脑震荡"), ("Z", "S27.000", "胸部创伤", "创伤性气胸")]
    # OR procedures: union of the surgical ADRGs' procedure lists (AC1, BB1)
    assert sorted(t["or_procedures"]["px_code"]) == ["01.2400", "52.8000", "55.6100"]


def test_cc_token_stream(tiny11):
    t = tiny11
    assert _rows(t["cc_codes"], ["dx_code", "cc_level", "exclusion_table", "dx_name"]) == [
        ("A41.900", "MCC", "7-1", "脓毒症"), ("J96.000", "MCC", "7-2", "急性呼吸衰竭"),
        ("U82.100", "MCC", None, "耐甲氧西林抗生素"),
        ("E87.100", "CC", "7-1", "低渗透性和低钠血症"), ("D51.100", "CC", None, "维生素 B12 缺乏性贫血")]
    assert _rows(t["cc_exclusions"], ["exclusion_table", "pdx_code"]) == [
        ("7-1", "A41.900"), ("7-2", "J96.000"), ("7-2", "J96.100")]


def test_residue(tiny11):
    got = _rows(tiny11["residue"], ["file", "line_no", "token", "problem"])
    assert got == [
        ("4_ADRG_DETAIL.txt", 12, "I61.000", "duplicate code in MDCB principal-dx table"),
        ("4_ADRG_DETAIL.txt", 18, "86.700x0013", "malformed procedure code in list BB1.PPX"),
        ("4_ADRG_DETAIL.txt", None, "I62.000", "principal dx of medical ADRG BR1 missing from MDCB principal-dx table"),
        ("6_CC.txt", 2, "E87.100", "duplicate code (identical row dropped)"),
    ]


def test_column_dump_layout(tmp_path):
    t = import_chs_drg(_folder(tmp_path, "TINY_10P", MCC10, CC10, CCE11), "TINY-1.0R", supplement=False)
    assert _rows(t["cc_codes"], ["dx_code", "cc_level", "exclusion_table", "dx_name"]) == [
        ("A41.900", "MCC", "7-1", "脓毒症"), ("J96.000", "MCC", "7-2", "急性呼吸衰竭"),
        # two name lines for one code: the name is not guessed, it comes from elsewhere or stays empty
        ("U82.100", "MCC", None, None),
        ("E87.100", "CC", "7-1", "低钠血症")]
    res = t["residue"]
    assert res[res["file"] == "5_MCC.txt"]["token"].tolist() == ["U82.100"]


def test_supplement_merge(tmp_path):
    sup = tmp_path / "sup.csv"
    sup.write_text("adrg_code,action,alt_key,cond_type,list_id,codes,attr,min_value,max_value,note\n"
                   "ZZ1,and,,min_body_regions,,,,2,,two regions\n"
                   "BB1,alt,x,any_px_in,BB1.EXTRA,01.3900 01.5900,,,,extra\n"
                   "BB1,alt,x,attr_range,,,age_days,0,365,infant\n", "utf-8")
    t = import_chs_drg(_folder(tmp_path, "TINY_S", MCC11, CC11, CCE11), "TINY-S", supplement=sup)
    c = t["adrg_conditions"]
    assert _rows(c[c["source"] == "supplement"],
                 ["adrg_code", "alt_no", "cond_no", "cond_type", "list_id", "attr", "min_value", "max_value"]) == [
        ("ZZ1", 1, 3, "min_body_regions", None, None, 2.0, None),
        ("BB1", 2, 1, "any_px_in", "BB1.EXTRA", None, None, None),
        ("BB1", 2, 2, "attr_range", None, "age_days", 0.0, 365.0)]
    cl = t["code_lists"]
    assert cl.loc[cl["list_id"] == "BB1.EXTRA", "code"].tolist() == ["01.3900", "01.5900"]


def test_load_scheme_dispatch(tmp_path):
    d = _folder(tmp_path, "TINY_L", MCC11, CC11, CCE11)
    assert load_scheme(d)["scheme_versions"]["scheme_version"].tolist() == ["TINY_L"]
    with pytest.raises(ValueError):
        load_scheme(tmp_path)


def test_cli_import_and_show(tmp_path, capsys):
    d = _folder(tmp_path, "TINY_C", MCC11, CC11, CCE11)
    out, wh = tmp_path / "out", tmp_path / "wh.duckdb"
    assert cli_main(["scheme", "import", "--source", str(d), "--version", "TINY-C", "--out", str(out),
                     "--warehouse", str(wh)]) == 0
    assert (out / "adrg_conditions.csv").exists()
    assert cli_main(["scheme", "show", str(out)]) == 0
    text = capsys.readouterr().out
    assert "scheme TINY-C" in text and "residue:" in text
    import duckdb
    con = duckdb.connect(str(wh), read_only=True)
    assert con.execute("SELECT count(*) FROM scheme.drgs WHERE scheme_version = 'TINY-C'").fetchone() == (5,)
