"""A rule that cannot be evaluated is reported, never passed: status ``error`` and a structural
``rule_error`` naming it, while the other rules of the same run are still checked. Covers both places a
rule can fail: its row condition (which the runner also evaluates itself, to hand GX only the rows it
selects) and the expectation inside GX."""

from __future__ import annotations

from quality_fixtures import build_db, clean_case, rules_tree
from casemix.quality.rules import load_ruleset
from casemix.quality.runner import check_partitions

RULES = """
dataset: diagnoses
rules:
  - id: TST-001
    severity: E
    family: test
    title: a condition comparing text with a number
    message_zh: 测试规则一
    message_en: test rule one
    applies_when: [{column: xb, gt: 5}]
    expectation: ExpectColumnValuesToNotBeNull
    kwargs: {column: jbdm}
  - id: TST-002
    severity: E
    family: test
    title: an expectation comparing text with a number
    message_zh: 测试规则二
    message_en: test rule two
    expectation: ExpectColumnValuesToBeBetween
    kwargs: {column: jbdm, min_value: 0}
  - id: TST-003
    severity: E
    family: test
    title: a rule that works (female-only code on a man)
    message_zh: 测试规则三
    message_en: test rule three
    applies_when: [{column: xb, eq: "1"}]
    expectation: ExpectColumnValuesToNotMatchRegex
    kwargs: {column: jbdm, regex: "^O"}
"""


def test_a_rule_that_cannot_be_evaluated_is_an_error_and_the_others_still_run(tmp_path, gx_loaded):
    rs = load_ruleset(rules_tree(tmp_path, RULES, "diagnoses.yml"))

    man = clean_case(1)                       # a man (XB 1) with a delivery code as a secondary diagnosis
    man["XB"] = "1"
    man["dx"][1] = ("单胎顺产", "O80.000", "1")
    res = check_partitions(build_db([man, clean_case(2)]), None, rs, code_table=None)

    status = res.summary.set_index("rule_id")["status"].to_dict()
    assert status == {"TST-001": "error", "TST-002": "error", "TST-003": "checked"}
    errors = sorted(s["detail"].split(" ")[0] for s in res.structural if s["check"] == "rule_error")
    assert errors == ["TST-001", "TST-002"]
    assert set(zip(res.issues["discharge_id"], res.issues["rule_id"], res.issues["value"])) == {
        ("d0001", "TST-003", "O80.000")}
