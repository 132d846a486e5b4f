"""The LLM extractor: output held to the extraction-v1 schema while decoding (even from an
untrained model), validated, repaired once, else the rule-based result with the reason; operator
disagreements flagged; the same through an OpenAI-compatible HTTP server started here."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from extraction.llm import (
    LLMExtractor, disagreements, output_schema, validate_answer,
)
from extraction.models import ExtractedRule, ExtractionResult
from finetune.backends import BackendError, LLMOptions, OpenAIBackend, backend_from_options
from finetune.prompts import EXTRACTION_SYSTEM, extraction_messages, extraction_user_message
from finetune.serve import backend_responder, make_server, serve_in_thread

GOOD = ('{"rules": [{"object": "户门", "attribute": "净宽度", "operator": ">=", "value": 0.9, '
        '"unit": "m", "strength": "应"}]}')
TEXT = "住宅户门的净宽度不小于0.9m。"


class Canned:
    """A backend that replies from a list and records what it was asked."""

    name = "canned"

    def __init__(self, *replies: str | Exception):
        self.replies = list(replies)
        self.asked: list[dict] = []

    def chat(self, messages, *, schema=None, max_new_tokens=512):
        self.asked.append({"messages": messages, "schema": schema})
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply


def rule_based(record) -> ExtractionResult:
    """Stands in for the deterministic extractor: one rule, operator <=."""
    return ExtractionResult(id=record.get("id"), text=record["text"], rules=[ExtractedRule(
        object="户门", attribute="净宽度", operator="<=", value=0.9, unit="m", strength="应")])


# --- validation, repair, fallback, disagreement (no model needed) ------------------------------


def test_a_valid_answer_is_used_and_disagreements_are_flagged():
    backend = Canned(GOOD)
    result = LLMExtractor(backend, rule_based).extract_record({"id": "a", "text": TEXT})
    assert result.fallback_reason is None and result.extractor == "canned"
    assert [(r.object, r.operator, r.value) for r in result.rules] == [("户门", ">=", 0.9)]
    assert [d.model_dump() for d in result.disagreements] == [
        {"object": "户门", "attribute": "净宽度", "llm_operator": ">=", "rule_based_operator": "<="}]
    line = result.to_json_dict()
    assert line["id"] == "a" and line["text"] == TEXT and line["disagreements"]
    asked = backend.asked[0]
    assert asked["messages"] == [{"role": "system", "content": EXTRACTION_SYSTEM},
                                 {"role": "user", "content": extraction_user_message(TEXT)}]
    assert asked["schema"] == output_schema()


def test_one_repair_turn_then_the_answer():
    backend = Canned('{"rules": [{"object": "户门"}]}', GOOD)
    result = LLMExtractor(backend, rule_based).extract_record({"text": TEXT})
    assert result.fallback_reason is None and len(result.rules) == 1
    retry = backend.asked[1]["messages"]
    assert retry[-2] == {"role": "assistant", "content": '{"rules": [{"object": "户门"}]}'}
    assert "不符合 extraction-v1" in retry[-1]["content"] and "operator" in retry[-1]["content"]


def test_still_invalid_after_the_repair_falls_back_with_the_reason():
    result = LLMExtractor(Canned("不是 JSON", '{"rules": [1]}'), rule_based).extract_record({"id": "b", "text": TEXT})
    assert result.extractor == "rules (fallback)"
    assert "不是合法的 JSON" in result.fallback_reason and "修正一次后仍" in result.fallback_reason
    assert [r.operator for r in result.rules] == ["<="] and result.id == "b"
    unreachable = LLMExtractor(Canned(BackendError("http://x: 无法连接")), rule_based).extract_record({"text": TEXT})
    assert unreachable.fallback_reason.startswith("模型不可用") and unreachable.rules
    alone = LLMExtractor(Canned("{}", "{}")).extract_record({"text": TEXT})
    assert alone.rules == [] and "没有规则抽取器可回退" in alone.fallback_reason


def test_validation_messages_and_comparison_details():
    assert validate_answer('```json\n{"rules": []}\n```') == ([], None)
    rules, error = validate_answer('{"rules": [], "extra": 1}')
    assert rules is None and "extra" in error
    same = [ExtractedRule(object="户 门", attribute="净宽度", operator="<=", value=1, strength="应")]
    assert disagreements(same, rule_based({"text": ""}).rules) == []  # spacing does not matter


def test_no_model_configured_means_no_backend(monkeypatch):
    for name in ("FIRECHECK_LLM_MODEL", "FIRECHECK_LLM_URL", "FIRECHECK_LLM_ADAPTER"):
        monkeypatch.delenv(name, raising=False)
    assert backend_from_options() is None
    monkeypatch.setenv("FIRECHECK_LLM_URL", "http://127.0.0.1:9/v1")
    backend = backend_from_options(LLMOptions(name="m"))
    assert isinstance(backend, OpenAIBackend) and backend.model == "m"


# --- HTTP: an OpenAI-format server started here ---------------------------------------------


@pytest.fixture()
def server():
    started = []

    def start(respond, **kw):
        srv = make_server(respond, port=0, **kw)
        serve_in_thread(srv)
        started.append(srv)
        return f"http://127.0.0.1:{srv.server_address[1]}/v1"

    yield start
    for srv in started:
        srv.shutdown()
        srv.server_close()


def test_http_backend_sends_the_schema_and_reads_the_reply(server):
    seen = []

    def respond(body):
        seen.append(body)
        return GOOD

    url = server(respond, api_key="k")
    result = LLMExtractor(OpenAIBackend(url, model="chatglm3-lora", api_key="k"), rule_based) \
        .extract_record({"text": TEXT})
    assert result.fallback_reason is None and result.rules[0].operator == ">="
    body = seen[0]
    assert body["model"] == "chatglm3-lora" and body["temperature"] == 0
    assert body["response_format"]["json_schema"]["schema"] == output_schema()
    wrong_key = LLMExtractor(OpenAIBackend(url, api_key="nope"), rule_based).extract_record({"text": TEXT})
    assert "HTTP 401" in wrong_key.fallback_reason


def test_http_backend_without_structured_output_support():
    """A server that rejects response_format (HTTP 400) is asked again without it."""
    calls = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            calls.append("response_format" in body)
            status, payload = (400, {"error": {"message": "unsupported"}}) if "response_format" in body else \
                (200, {"choices": [{"message": {"role": "assistant", "content": GOOD}}]})
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    serve_in_thread(srv)
    url = f"http://127.0.0.1:{srv.server_address[1]}/v1"
    try:
        backend = OpenAIBackend(url)
        result = LLMExtractor(backend, rule_based).extract_record({"text": TEXT})
        assert result.fallback_reason is None and backend.structured is False
        assert calls == [True, False]
    finally:
        srv.shutdown()
        srv.server_close()
    with pytest.raises(BackendError, match="无法连接"):
        OpenAIBackend(url, timeout=2).chat([{"role": "user", "content": "hi"}])


# --- the real thing: a random tiny GlmForCausalLM, constrained ------------------------------


@pytest.fixture(scope="module")
def tiny_backend(tmp_path_factory):
    torch = pytest.importorskip("torch")
    pytest.importorskip("xgrammar")
    from finetune.backends import LocalBackend
    from finetune.tiny import make_tiny_glm

    torch.set_num_threads(1)
    return LocalBackend(make_tiny_glm(tmp_path_factory.mktemp("tiny"), seed=11), device="cpu")


SMALL = output_schema(max_rules=2, max_conditions=1, max_text=6)  # bounded: an untrained model ends soon
AT_LEAST_ONE = {**SMALL, "properties": {"rules": {**SMALL["properties"]["rules"], "minItems": 1}}}


@pytest.mark.parametrize("text", [TEXT, "走道长度不应超过20m。", "本规范适用于民用建筑。"])
def test_constrained_decoding_from_a_random_model_is_schema_valid(tiny_backend, text):
    # At least one rule, so that nested objects, enums and numbers are exercised every time.
    raw = tiny_backend.chat(extraction_messages(text), schema=AT_LEAST_ONE, max_new_tokens=400)
    rules, error = validate_answer(raw)
    assert error is None, raw
    assert 1 <= len(rules) <= 2 and all(len(r.object) <= 6 and len(r.conditions) <= 1 for r in rules)
    result = LLMExtractor(tiny_backend, rule_based, schema=SMALL, max_new_tokens=400).extract_record({"text": text})
    assert result.fallback_reason is None and result.extractor.startswith("local:")


def test_http_round_trip_through_the_tiny_model(tiny_backend, server):
    """OpenAIBackend → HTTP → server → LocalBackend (constrained by the schema it was sent)."""
    url = server(backend_responder(tiny_backend))
    result = LLMExtractor(OpenAIBackend(url), rule_based, schema=SMALL, max_new_tokens=400) \
        .extract_record({"id": "h", "text": TEXT})
    assert result.fallback_reason is None, result.fallback_reason
    ExtractionResult.model_validate(result.model_dump(include={"id", "text", "rules", "gate_failures"}))


# --- the registry and the scorer: `--extractor llm` is scored like `--extractor rules` --------


def test_registered_llm_extractor_goes_through_the_gates_and_the_scorer(server, monkeypatch):
    from extraction.gold import GoldItem
    from extraction.llm import LLMNotConfigured, extractor_from_environment
    from extraction.registry import available, run_extractor
    from extraction.scorer import score

    assert "llm" in available()
    monkeypatch.delenv("FIRECHECK_LLM_URL", raising=False)
    monkeypatch.delenv("FIRECHECK_LLM_MODEL", raising=False)
    with pytest.raises(LLMNotConfigured, match="FIRECHECK_LLM_URL"):
        extractor_from_environment()

    lane = "消防车道的坡度不宜大于8%。"
    answers = {
        TEXT: GOOD,
        # 9 is not in the text: the value gate refuses the rule, as it would the rules extractor's
        lane: '{"rules": [{"object": "消防车道", "attribute": "坡度", "operator": "<=", "value": 9, '
              '"unit": "%", "strength": "宜"}]}',
    }
    url = server(lambda body: answers[body["messages"][-1]["content"].split("\n", 1)[1]])
    monkeypatch.setenv("FIRECHECK_LLM_URL", url)
    extractor = extractor_from_environment()
    assert extractor.name == "llm" and extractor.version.startswith("llm-1 openai:")
    gold = [GoldItem(id="1", text=TEXT, rules=[ExtractedRule(object="户门", attribute="净宽度", operator=">=",
                                                             value=0.9, unit="m", strength="应")]),
            GoldItem(id="2", text=lane, rules=[ExtractedRule(object="消防车道", attribute="坡度", operator="<=",
                                                             value=8, unit="%", strength="宜")])]
    results = run_extractor(extractor, [(g.id, g.text) for g in gold])
    assert [r.id for r in results] == ["1", "2"] and all(r.fallback_reason is None for r in results)
    assert results[1].rules == [] and results[1].gate_failures[0].gate == "value"
    scored = score(gold, results).as_dict()
    assert scored["levels"]["+object"]["tp"] == 1 and scored["levels"]["+object"]["gold"] == 2
    assert scored["gate_failures"] == 1


def test_cli_extract_and_eval_with_the_llm_extractor(server, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from api.cli import app

    monkeypatch.delenv("FIRECHECK_LLM_MODEL", raising=False)
    monkeypatch.delenv("FIRECHECK_LLM_URL", raising=False)
    from extraction import registry

    registry.register("llm", registry._llm_extractor)  # drop an instance cached by another test
    (tmp_path / "in.txt").write_text(f"{TEXT}\n", encoding="utf-8")
    runner = CliRunner()
    unconfigured = runner.invoke(app, ["extract", "--input", str(tmp_path / "in.txt"), "--extractor", "llm"])
    assert unconfigured.exit_code == 2 and "FIRECHECK_LLM_URL" in unconfigured.output

    url = server(lambda body: GOOD)
    monkeypatch.setenv("FIRECHECK_LLM_URL", url)
    registry.register("llm", registry._llm_extractor)
    out = runner.invoke(app, ["extract", "--input", str(tmp_path / "in.txt"), "--extractor", "llm"])
    assert out.exit_code == 0, out.output
    line = json.loads(out.output.splitlines()[0])
    assert line["rules"][0]["operator"] == ">=" and line["extractor"].startswith("openai:")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "1", "text": TEXT, "rules": json.loads(GOOD)["rules"]}, ensure_ascii=False)
                    + "\n", encoding="utf-8")
    scored = runner.invoke(app, ["eval", "extract", "--gold", str(gold), "--extractor", "llm", "-f", "json"])
    assert scored.exit_code == 0, scored.output
    data = json.loads(scored.output[scored.output.index("{"):])
    assert data["extractor"] == "llm" and data["levels"]["+object"]["f1"] == 1.0
    registry.register("llm", registry._llm_extractor)
