"""casemix.weights.import_official: CSV and XLSX tables into the official_weights seed format."""

import csv

import pytest

from casemix.weights import import_official


def read(seed):
    with seed.open(encoding="utf-8") as f:
        return list(csv.reader(f))


def test_xlsx_with_chinese_headers_replaces_only_its_version(tmp_path):
    from openpyxl import Workbook

    seed = tmp_path / "official_weights.csv"
    seed.write_text("scheme_version,weight_version,drg_code,rw,base_points\n"
                    "S,OLD,AA1,1.0,\nS,NEW,ZZ9,9.9,\n", encoding="utf-8")
    wb = Workbook()
    ws = wb.active
    ws.append(["某市 2024 年 DRG 权重表"])          # a title row before the header
    ws.append(["序号", "DRG编码", "DRG名称", "权重", "基准点数"])
    ws.append([1, "AA1", "x", 1.2345, 123.45])
    ws.append([2, "BB1", "y", None, 160])
    ws.append([None, None, None, None, None])
    wb.save(tmp_path / "t.xlsx")
    assert import_official(tmp_path / "t.xlsx", "S", "NEW", seed=seed) == 2
    assert read(seed) == [["scheme_version", "weight_version", "drg_code", "rw", "base_points"],
                          ["S", "OLD", "AA1", "1.0", ""],
                          ["S", "NEW", "AA1", "1.2345", "123.45"],
                          ["S", "NEW", "BB1", "", "160"]]


def test_gb18030_csv_with_points_only_and_errors(tmp_path):
    seed = tmp_path / "seed.csv"
    src = tmp_path / "t.csv"
    src.write_text("病组编码,基准点数\nAA1,80\nBB1,abc\n", encoding="gb18030")
    with pytest.raises(ValueError, match="not a number"):
        import_official(src, "S", "V", seed=seed)
    src.write_text("病组编码,基准点数\nAA1,80\nAA1,90\n", encoding="gb18030")
    with pytest.raises(ValueError, match="twice"):
        import_official(src, "S", "V", seed=seed)
    src.write_text("病组编码,基准点数\nAA1,80\n", encoding="gb18030")
    assert import_official(src, "S", "V", seed=seed) == 1
    assert read(seed)[1] == ["S", "V", "AA1", "", "80"]
