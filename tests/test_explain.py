"""Explanations of failed findings: template without a model; a model's answer only when it is
grounded (no invented numbers, no contradiction, the clause cited); never a changed verdict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.explain import (
    ModelExplainer, TemplateExplainer, clause_contexts, explain_report, finding_facts,
)
from finetune.backends import BackendError, OpenAIBackend
from finetune.prompts import EXPLANATION_SYSTEM
from finetune.serve import make_server, serve_in_thread
from graph.pack import load_builtin_pack
from reasoning.checker import check
from reasoning.design import parse_design
from reasoning.why import ExplainContext, template_explanation

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "E1-office-highrise.design.json"


class Canned:
    name = "canned"

    def __init__(self, reply: str | Exception):
        self.reply, self.asked = reply, []

    def chat(self, messages, *, schema=None, max_new_tokens=512):
        self.asked.append(messages)
        if isinstance(self.reply, Exception):
            raise self.reply
        return self.reply


@pytest.fixture(scope="module")
def report_and_rules():
    rules = load_builtin_pack()
    design = parse_design(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    return check(design, rules), rules


def _statuses(report):
    return [(f.rule_id, f.element_id, f.status, f.message, f.because) for f in report.findings]


def _corridor(report):
    return next(f for f in report.findings if f.status == "fail" and f.clause == "5.5.18")


def test_template_without_a_model(report_and_rules):
    report, rules = report_and_rules
    finding = _corridor(report)
    context = ExplainContext(clause_title="疏散宽度", clause_text="（条文文本）", category="二类高层公共建筑")
    assert TemplateExplainer()(finding, context) == template_explanation(finding, context)
    assert TemplateExplainer()(finding, "（条文文本）").endswith("条文：（条文文本）")  # clause text alone
    assert "5.5.18" in TemplateExplainer()(finding)


def test_a_grounded_answer_is_kept_and_cited(report_and_rules):
    report, _ = report_and_rules
    finding = _corridor(report)
    backend = Canned("该疏散走道净宽度 1.35 m，小于表中 1.40 m 的要求。")
    explainer = ModelExplainer(backend)
    text = explainer(finding, ExplainContext(clause_text="（条文文本）"))
    assert text == f"该疏散走道净宽度 1.35 m，小于表中 1.40 m 的要求。（依据 {finding.standard} 第5.5.18条）"
    system, user = backend.asked[0]
    assert system == {"role": "system", "content": EXPLANATION_SYSTEM}
    assert user["content"] == finding_facts(finding, ExplainContext(clause_text="（条文文本）"))
    for step in finding.because:
        assert step in user["content"]  # the because chain is what the answer is grounded in


@pytest.mark.parametrize(("reply", "problem"), [
    ("走道净宽 1.35 m，小于要求的 1.50 m（第5.5.18条）。", "1.50"),
    ("该走道符合要求（第5.5.18条）。", "矛盾"),
    ("", "空回答"),
    (BackendError("http://x: 无法连接"), "模型不可用"),
])
def test_ungrounded_answers_fall_back_to_the_template(report_and_rules, reply, problem):
    report, _ = report_and_rules
    finding = _corridor(report)
    explainer = ModelExplainer(Canned(reply))
    assert explainer(finding, ExplainContext()) == template_explanation(finding, ExplainContext())
    assert problem in explainer.last_problem


def test_explanations_never_change_a_verdict(report_and_rules):
    report, rules = report_and_rules
    contexts = clause_contexts(report, rules, {"5.5.18": "（条文文本）"})
    for explainer in (TemplateExplainer(), ModelExplainer(Canned("宽度不够（第5.5.18条）。")),
                      ModelExplainer(Canned("完全符合要求。"))):
        explained = explain_report(report, explainer, contexts)
        assert _statuses(explained) == _statuses(report)
        assert explained.summary == report.summary
        assert all((f.explanation is not None) == (f.status == "fail") for f in explained.findings)
    assert all(f.explanation is None for f in report.findings)  # the original is untouched


def test_model_explainer_over_http_with_the_tiny_model(report_and_rules, tmp_path):
    torch = pytest.importorskip("torch")
    pytest.importorskip("xgrammar")
    from finetune.backends import LocalBackend
    from finetune.serve import backend_responder
    from finetune.tiny import make_tiny_glm

    torch.set_num_threads(1)
    backend = LocalBackend(make_tiny_glm(tmp_path, seed=5, layers=1), device="cpu")
    server = make_server(backend_responder(backend), port=0)
    serve_in_thread(server)
    try:
        explainer = ModelExplainer(OpenAIBackend(f"http://127.0.0.1:{server.server_address[1]}/v1"),
                                   max_new_tokens=24)
        report, rules = report_and_rules
        explained = explain_report(report, explainer, clause_contexts(report, rules, {}))
    finally:
        server.shutdown()
        server.server_close()
    assert _statuses(explained) == _statuses(report)
    for finding in explained.findings:
        if finding.status == "fail":
            # a random model's words are kept only if grounded; either way the clause is cited
            assert finding.explanation and finding.clause in finding.explanation


def test_cli_check_explain_and_explain(tmp_path, monkeypatch):
    for name in ("FIRECHECK_LLM_MODEL", "FIRECHECK_LLM_URL"):
        monkeypatch.delenv(name, raising=False)
    env = {"FIRECHECK_STORE": str(tmp_path / "rules.lbdb"), "COLUMNS": "200"}
    runner = CliRunner()
    plain = runner.invoke(app, ["check", str(EXAMPLE), "-f", "json"], env=env)
    explained = runner.invoke(app, ["check", str(EXAMPLE), "-f", "json", "--explain"], env=env)
    assert plain.exit_code == explained.exit_code == 1
    a, b = json.loads(plain.output), json.loads(explained.output)
    assert [(f["rule_id"], f["element_id"], f["status"]) for f in a["findings"]] == \
        [(f["rule_id"], f["element_id"], f["status"]) for f in b["findings"]]
    assert all((f["explanation"] is not None) == (f["status"] == "fail") for f in b["findings"])
    text = runner.invoke(app, ["check", str(EXAMPLE), "--explain"], env=env)
    assert "解释：" in text.output and "[5.5.18] C-1：" in text.output

    corpus = tmp_path / "clauses.jsonl"
    corpus.write_text(json.dumps({"clause_id": "5.5.18", "text": "（测试用条文文本）"}, ensure_ascii=False) + "\n",
                      encoding="utf-8")
    only = runner.invoke(app, ["explain", str(EXAMPLE), "--clause", "5.5.18", "--element", "C-1",
                               "--corpus", str(corpus)], env=env)
    assert only.exit_code == 0, only.output
    lines = only.output.splitlines()
    assert {line.split("：", 1)[0] for line in lines} == {"[5.5.18] C-1（fail）", "[5.5.18] C-1（pass）"}
    assert all("测试用条文文本" in line for line in lines)
    failed = runner.invoke(app, ["explain", str(EXAMPLE), "-f", "json"], env=env)
    assert {f["status"] for f in json.loads(failed.output)} == {"fail"}
    none = runner.invoke(app, ["explain", str(EXAMPLE), "--rule", "no-such-rule"], env=env)
    assert none.exit_code == 2 and "--rule" in none.output
