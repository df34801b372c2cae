"""The spec loader: errors name the file and the rule; lists expand; sub-ids keep one severity each."""

from __future__ import annotations

import shutil

import pytest

from quality_fixtures import EXPECTATIONS as ROOT, rules_tree as _tree
from casemix.quality.codelists import CodeListError, _expand_range, load_code_lists
from casemix.quality.rules import RuleSpecError, load_ruleset

RULE = """
dataset: diagnoses
rules:
  - id: SEX-002
    severity: E
    family: sex
    message_zh: 女性专属诊断编码用于男性患者
    message_en: Female-only diagnosis code on a male patient
    applies_when: [{column: xb, eq: "1"}]
    expectation: ExpectColumnValuesToNotMatchRegex
    kwargs: {column: jbdm, regex: {list: sex_female_only_dx}}
"""


@pytest.mark.parametrize("change, message", [
    (("ExpectColumnValuesToNotMatchRegex", "ExpectColumnValuesToBeFabulous"), "unknown or unsupported expectation"),
    (("column: jbdm", "column: jbdm_typo"), "unknown column 'jbdm_typo'"),
    (("{column: xb, eq", "{column: sex, eq"), "unknown column 'sex' in applies_when"),
    (("list: sex_female_only_dx", "list: no_such_list"), "unknown code list 'no_such_list'"),
    (("severity: E", "severity: E/W"), "severity must be one of E/W/I"),
    (("eq: \"1\"", "equals: \"1\""), "unknown condition operator 'equals'"),
    (("message_en: Female-only diagnosis code on a male patient", ""), "missing message_en"),
])
def test_spec_errors_name_file_and_rule(tmp_path, change, message):
    d = _tree(tmp_path, RULE.replace(*change))
    with pytest.raises(RuleSpecError) as e:
        load_ruleset(d)
    assert "bad.yml" in str(e.value) and "SEX-002" in str(e.value) and message in str(e.value)


def test_duplicate_id_and_two_severities_are_rejected(tmp_path):
    d = _tree(tmp_path, RULE + RULE.split("rules:\n", 1)[1])
    with pytest.raises(RuleSpecError, match=r"bad.yml, rule SEX-002: duplicate rule id"):
        load_ruleset(d)
    d2 = tmp_path / "b"
    shutil.copytree(d, d2)
    (d2 / "rules" / "bad.yml").write_text(RULE, encoding="utf-8")
    (d2 / "rules" / "other.yml").write_text(RULE.replace("diagnoses", "procedures").replace(
        "severity: E", "severity: W").replace("column: jbdm", "column: ssjczbm"), encoding="utf-8")
    with pytest.raises(RuleSpecError, match="other.yml, rule SEX-002: severity W differs from E in bad.yml"):
        load_ruleset(d2)


def test_valid_spec_expands_lists(tmp_path):
    rs = load_ruleset(_tree(tmp_path, RULE))
    (c,) = rs.parts("SEX-002")[0].checks
    assert c.kwargs["regex"].startswith("^(?:") and "N70" in c.kwargs["regex"] and "O99" in c.kwargs["regex"]
    assert rs.version.startswith("0+")


def test_project_ruleset_has_the_required_rules_with_catalogue_severities():
    rs = load_ruleset(ROOT)
    sev = {r.id: r.severity for r in rs.rules}
    required = ("CMP-001 CMP-002 CMP-003 CMP-004 CMP-005 CMP-008 DT-001 DT-003 DT-005 SEX-001 SEX-002 SEX-003 "
                "AGE-001 AGE-002 AGE-003 AGE-004 AGE-006 PDX-001 PDX-002 PDX-003 PDX-004 PDX-006 PDX-010 "
                "PDX-011 PDX-012a PDX-012b ODX-001 ODX-004 ODX-006 PX-002 PX-005 PX-006 PX-009 DS-001 DS-002 "
                "FEE-001 FEE-002 FEE-003 FEE-004 FEE-005 FEE-007 FEE-008").split()
    assert set(required) <= set(sev)
    warnings = {"AGE-002", "PDX-004", "PDX-006", "PDX-012b", "CMP-009b", "FEE-005", "FEE-007", "FEE-008"}
    assert {k for k, v in sev.items() if v == "W"} == warnings
    assert {r.catalogue_id for r in rs.rules if r.id.startswith("PDX-012")} == {"PDX-012"}


def test_code_list_ranges_and_errors(tmp_path):
    assert _expand_range("N40", "N42") == ["N40", "N41", "N42"]
    assert _expand_range("D07.4", "D07.6") == ["D07.4", "D07.5", "D07.6"]
    assert _expand_range("V98", "W01") == ["V98", "V99", "W00", "W01"]
    L = load_code_lists(ROOT)
    assert L["sex_male_only_dx"].contains("N40.x00") and not L["sex_male_only_dx"].contains("N52.000")
    assert L["sex_male_only_px"].contains("60.2100") and not L["sex_male_only_px"].contains("65.0100")
    assert L["morphology_code"].contains("M8140/3") and not L["morphology_code"].contains("M80.000")
    assert L["procedure_attributes"].lookup("47.0900") == "手术"
    assert "approximation" in L["procedure_attributes"].version + open(
        ROOT / "code_lists" / "procedure_attributes.csv", encoding="utf-8").read()
    d = tmp_path / "cl" / "code_lists"
    d.mkdir(parents=True)
    (d / "x.csv").write_text("list,version,match,code,code_to,value,label,source\n"
                             "a,1,range,N40,N4,,,\n", encoding="utf-8")
    with pytest.raises(CodeListError, match=r"x.csv:2 \(list a\).*different length"):
        load_code_lists(tmp_path / "cl")
