"""The HTTP API through FastAPI's TestClient, on a fresh embedded store per module."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_api_fixtures import (  # noqa: F401 - isolated_env is a fixture
    API_KEY, CODE, EXAMPLES, STANDARD, TEST_CLAUSES, design, isolated_env, make_store,
)

from api.app import create_app
from api.settings import Settings
from graph.pack import load_builtin_pack
from graph.store import StoreUnavailable
from reasoning.report import Finding
from reasoning.why import ExplainContext

PACK = load_builtin_pack()


@pytest.fixture(scope="module")
def store_path(isolated_env, tmp_path_factory) -> Path:
    return make_store(tmp_path_factory.mktemp("api-store") / "rules.lbdb")


@pytest.fixture(scope="module")
def client(store_path):
    app = create_app(Settings(store=str(store_path), api_keys=frozenset({API_KEY})))
    with TestClient(app) as test_client:
        yield test_client


def error(status: int, code: str, message: str, fields: list[tuple[str, str]] | None = None) -> dict:
    return {"error": {"status": status, "code": code, "message": message,
                      "fields": [{"path": p, "message": m} for p, m in fields or []]}}


def fails(report: dict) -> set[tuple[str, str]]:
    return {(f["clause"], f["element_id"]) for f in report["findings"] if f["status"] == "fail"}


# --- health ------------------------------------------------------------------------------------


def test_healthz_and_readyz(client):
    assert client.get("/healthz").json() == {"status": "ok", "store": None}
    assert client.get("/readyz").json() == {"status": "ready", "store": "ladybug"}


class _DownStore:
    def __init__(self):
        raise StoreUnavailable("Neo4j bolt://db:7687：无法连接服务器")


def test_store_down_is_503_everywhere_but_healthz(isolated_env):
    app = create_app(Settings(api_keys=frozenset({API_KEY})), store_factory=_DownStore)
    with TestClient(app) as down:
        assert down.get("/healthz").status_code == 200
        expected = error(503, "store_unavailable", "规则库不可用：Neo4j bolt://db:7687：无法连接服务器")
        for response in (down.get("/readyz"), down.post("/v1/check", json=design()),
                         down.get("/v1/standards"), down.get("/v1/clauses/GB50016-2014/5.5.12"),
                         down.post("/v1/ask", json={"question": "疏散走道宽度"})):
            assert response.status_code == 503
            assert response.json() == expected
        assert down.get("/readyz").headers["retry-after"] == "5"


# --- /v1/check ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["E1-office-highrise", "E2-residential-tower", "E3-school-lowrise"])
def test_check_examples_match_expected(client, name):
    expected = json.loads((EXAMPLES / f"{name}.expected.json").read_text(encoding="utf-8"))
    body = (EXAMPLES / f"{name}.design.json").read_bytes()
    response = client.post("/v1/check", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 200
    report = response.json()
    assert report["schema_version"] == "1"
    assert report["classification"]["category"] == expected["classification"]
    assert fails(report) == {tuple(x) for x in expected["fail"]}
    passes = {(f["clause"], f["element_id"]) for f in report["findings"] if f["status"] == "pass"}
    assert {tuple(x) for x in expected["pass"]} <= passes
    assert report["summary"]["fail"] == len(expected["fail"])
    assert set(report["summary"]) == {"fail", "pass", "not_applicable", "unknown"}


def test_check_e1_failures_and_explanations(client):
    report = client.post("/v1/check?explain=true", json=design()).json()
    assert fails(report) == {("5.5.12", "ST-1"), ("5.5.18", "C-1"), ("5.5.17", "D-1")}
    corridor = next(f for f in report["findings"]
                    if f["clause"] == "5.5.18" and f["element_id"] == "C-1" and f["status"] == "fail")
    assert corridor["message"] == "疏散走道 C-1 净宽度 1.35 m，小于第5.5.18条要求的 1.40 m。"
    assert corridor["explanation"] == (
        "疏散走道 C-1 净宽度 1.35 m，小于第5.5.18条要求的 1.40 m。"
        "依据 GB 50016-2014(2018) 第5.5.18条（公共建筑疏散门、走道和楼梯的最小净宽度），该条适用于本构件，"
        "理由：C-1 是 疏散走道；建筑为公共建筑 (5.1.1)；建筑为高层建筑 (5.1.1)；"
        "表5.5.18: 其他高层公共建筑 / 双面布房走道 → 1.40 m。"
        "本建筑按第5.1.1条分类为二类高层公共建筑。整改方向：使该项不小于 1.40 m。"
        "条文：" + TEST_CLAUSES["5.5.18"][0])
    assert all(f["explanation"] is None for f in report["findings"] if f["status"] != "fail")
    plain = client.post("/v1/check", json=design()).json()
    assert all(f["explanation"] is None for f in plain["findings"])


def test_check_with_injected_explainer(store_path):
    seen: list[tuple[str, ExplainContext]] = []

    def explainer(finding: Finding, context: ExplainContext) -> str:
        seen.append((finding.rule_id, context))
        return f"模型解释：{finding.clause}"

    app = create_app(Settings(store=str(store_path)), explainer=explainer)
    with TestClient(app) as test_client:
        report = test_client.post("/v1/check?explain=true", json=design()).json()
    explained = {f["clause"]: f["explanation"] for f in report["findings"] if f["explanation"]}
    assert explained == {"5.5.12": "模型解释：5.5.12", "5.5.18": "模型解释：5.5.18",
                         "5.5.17": "模型解释：5.5.17"}
    contexts = {rule_id.split("#")[0]: ctx for rule_id, ctx in seen}
    assert contexts[f"{CODE}:5.5.12"] == ExplainContext(
        clause_title="高层公共建筑疏散楼梯间形式", clause_text=TEST_CLAUSES["5.5.12"][0],
        category="二类高层公共建筑")
    assert contexts[f"{CODE}:5.5.17"].clause_text is None  # not ingested


def test_check_names_the_field_path(client):
    data = design()
    data["elements"][3]["clear_width_m"] = -1
    data["elements"][1]["clear_width_m"] = {"value": 3, "unit": "kg"}
    data["elements"][4]["clear_height_m"] = {"value": 3, "unit": "zz"}
    data["building"]["use"] = "火星基地"
    response = client.post("/v1/check", json=data)
    assert response.status_code == 422
    body = response.json()
    assert body["error"]["code"] == "invalid_design"
    assert body["error"]["message"] == "设计数据有误"
    fields = {f["path"]: f["message"] for f in body["error"]["fields"]}
    assert fields["elements[3].clear_width_m"] == "数值不能为负（-1 m）"
    assert fields["elements[1].clear_width_m"] == "单位 'kg' 与 m 的量纲不同"
    assert fields["elements[4].clear_height_m"] == "未知单位 'zz'"
    assert fields["building.use"].startswith("未知的使用功能 '火星基地'，可用：住宅、办公")


def test_check_shape_errors(client):
    response = client.post("/v1/check", json={"building": {"id": "B"}, "elements": [{"id": "X"}]})
    assert response.status_code == 422
    assert response.json() == error(422, "invalid_design", "设计数据有误",
                                    [("elements[0].type", "缺少必填字段")])
    response = client.post("/v1/check", json=[1, 2])
    assert response.json() == error(422, "invalid_design", "设计数据有误",
                                    [("(root)", "设计文件的顶层应为 JSON 对象")])


@pytest.mark.parametrize(("body", "message"), [
    (b"", "请求体为空，应为 JSON"),
    (b"{building", "请求体不是合法的 JSON（第 1 行第 2 列：Expecting property name enclosed in double quotes）"),
    (b'{"building": {"id": "B", "height_m": NaN}}', "请求体不是合法的 JSON（不允许 NaN）"),
    ("{}".encode("utf-16"), "请求体不是 UTF-8 编码的 JSON"),
], ids=["empty", "syntax", "nan", "utf16"])
def test_check_bad_json_is_400(client, body, message):
    response = client.post("/v1/check", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json() == error(400, "invalid_json", message)


def test_body_limit_by_header_and_by_stream(store_path):
    app = create_app(Settings(store=str(store_path), max_body_bytes=1000))
    with TestClient(app) as small:
        expected = error(413, "payload_too_large", "请求体超过上限 1000 字节")
        big = json.dumps({"building": {"id": "B", "name": "x" * 2000}}).encode()
        response = small.post("/v1/check", content=big, headers={"Content-Type": "application/json"})
        assert (response.status_code, response.json()) == (413, expected)
        # Chunked upload without Content-Length: counted as it streams.
        chunks = iter([big[:600], big[600:1200], big[1200:]])
        response = small.post("/v1/check", content=chunks, headers={"Content-Type": "application/json"})
        assert "content-length" not in response.request.headers
        assert (response.status_code, response.json()) == (413, expected)
        # Just under the limit still works.
        assert small.post("/v1/check", json={"building": {"id": "B"}}).status_code == 200


def test_framework_errors_have_the_shape(client):
    response = client.get("/v1/check")
    assert response.status_code == 405
    assert response.json() == error(405, "method_not_allowed", "该地址不支持此请求方法：GET /v1/check")
    assert response.headers["allow"] == "POST"
    response = client.get("/v1/nothing-here")
    assert response.json() == error(404, "not_found", "没有这个地址：GET /v1/nothing-here")
    response = client.get("/v1/graph", params={"clause": "5.5.12", "depth": 0})
    assert response.json() == error(422, "invalid_request", "请求参数有误", [("query.depth", "应不小于 1")])
    response = client.post("/v1/ask", json={"question": ""})
    assert response.json() == error(422, "invalid_request", "请求参数有误", [("question", "不能为空")])
    response = client.post("/v1/ask", content=b"{", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"


def test_unexpected_error_is_500_without_traceback(store_path):
    def broken(finding: Finding, context: ExplainContext) -> str:
        raise RuntimeError("secret internal detail")

    app = create_app(Settings(store=str(store_path)), explainer=broken)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        response = test_client.post("/v1/check?explain=true", json=design())
    assert response.status_code == 500
    assert response.json() == error(500, "internal_error", "服务器内部错误")
    assert "secret" not in response.text and "Traceback" not in response.text


# --- standards, clauses, rules ---------------------------------------------------------------


def test_standards(client):
    assert client.get("/v1/standards").json() == [{
        "id": STANDARD, "code": CODE, "title": "建筑设计防火规范",
        "clauses": len({c.number for c in PACK.clauses} | {r.clause for r in PACK.rules}),
        "clauses_with_text": len(TEST_CLAUSES), "rules": len(PACK.rules),
    }]


@pytest.mark.parametrize("standard", ["GB50016-2014", "GB%2050016-2014(2018)", "gb50016-2014",
                                      "GB%2050016-2014"])
def test_clause_by_either_standard_id(client, standard):
    response = client.get(f"/v1/clauses/{standard}/5.5.12")
    assert response.status_code == 200
    clause = response.json()
    assert clause["id"] == f"{CODE}:5.5.12"
    assert clause["text"] == TEST_CLAUSES["5.5.12"][0]
    assert [r["id"] for r in clause["rules"]] == sorted(r.id for r in PACK.rules if r.clause == "5.5.12")
    assert clause["references"]["clauses"] == [
        {"standard": STANDARD, "number": "5.1.1", "title": "民用建筑按高度、功能和楼层面积分类"}]


def test_clause_items_tables_and_referenced_by(client):
    lane = client.get("/v1/clauses/GB50016-2014/7.1.8").json()
    assert [(i["number"], i["text"]) for i in lane["items"]] == TEST_CLAUSES["7.1.8"][1]
    widths = client.get("/v1/clauses/GB50016-2014/5.5.18").json()
    assert [(t["number"], t["title"]) for t in widths["tables"]] == [("表5.5.18", "最小净宽度（测试）")]
    classification = client.get("/v1/clauses/GB50016-2014/5.1.1").json()
    assert classification["text"] is None and classification["rules"] == []
    citing = [c["number"] for c in classification["referenced_by"]["clauses"]]
    assert citing == sorted(citing, key=lambda n: [int(p) if p.isdigit() else p for p in n.replace("A", ".A").split(".")])
    assert {"5.5.12", "5.5.18", "7.3.1"} <= set(citing)
    assert any(r["clause"] == "5.1.2" for r in classification["referenced_by"]["rules"])


def test_clause_not_found(client):
    assert client.get("/v1/clauses/GB50016-2014/9.9.9").json() == error(
        404, "clause_not_found", "GB 50016-2014(2018) 中没有第9.9.9条")
    assert client.get("/v1/clauses/GB1-2000/5.5.12").json() == error(
        404, "standard_not_found", "规则库中没有标准 'GB1-2000'")


def test_clause_list_and_search(client):
    everything = client.get("/v1/clauses").json()
    assert len(everything) == client.get("/v1/standards").json()[0]["clauses"]
    assert [c["number"] for c in everything][:3] == ["5.1.1", "5.1.2", "5.1.3"]
    by_number = client.get("/v1/clauses", params={"q": "5.5"}).json()
    assert by_number and all(c["number"].startswith("5.5.") for c in by_number)
    by_text = client.get("/v1/clauses", params={"q": "转弯半径"}).json()
    assert [c["number"] for c in by_text] == ["7.1.8"]
    assert "转弯半径" in by_text[0]["snippet"]
    by_rule = {c["number"] for c in client.get("/v1/clauses", params={"q": "疏散楼梯"}).json()}
    assert {"5.5.12", "5.5.18", "5.5.27"} <= by_rule


def test_rules(client):
    rule = next(r for r in PACK.rules if r.id == f"{CODE}:5.5.18#corridor-width-highrise")
    response = client.get(f"/v1/rules/{CODE}:5.5.18%23corridor-width-highrise")
    assert response.status_code == 200
    body = response.json()
    assert body["rule"] == rule.model_dump(mode="json")
    assert body["provenance"]["source"] == "pack"
    assert body["clause"] == {"standard": STANDARD, "number": "5.5.18",
                              "title": "公共建筑疏散门、走道和楼梯的最小净宽度"}
    listed = client.get("/v1/rules", params={"clause": "5.5.18"}).json()
    assert [r["id"] for r in listed] == sorted(r.id for r in PACK.rules if r.clause == "5.5.18")
    assert client.get(f"/v1/rules/{CODE}:1.1.1%23nothing").json() == error(
        404, "rule_not_found", f"规则库中没有规则 '{CODE}:1.1.1#nothing'")


# --- /v1/graph ---------------------------------------------------------------------------------


def test_graph_of_a_clause(client):
    one = client.get("/v1/graph", params={"clause": "5.5.12"}).json()
    ids = {n["id"]: n for n in one["nodes"]}
    assert ids[f"Clause:{CODE}:5.5.12"]["depth"] == 0
    assert ids[f"Clause:{CODE}:5.5.12"]["caption"] == "5.5.12 高层公共建筑疏散楼梯间形式"
    rules = {f"Rule:{r.id}" for r in PACK.rules if r.clause == "5.5.12"}
    assert rules <= set(ids)
    assert f"Clause:{CODE}:5.1.1" in ids and f"Standard:{STANDARD}" in ids
    assert "Concept:疏散楼梯" not in ids  # two hops away
    assert {"source": f"Clause:{CODE}:5.5.12", "target": f"Clause:{CODE}:5.1.1",
            "type": "REFERENCES"} in one["edges"]
    assert all(e["source"] in ids and e["target"] in ids for e in one["edges"])
    two = client.get("/v1/graph", params={"clause": "5.5.12", "depth": 2}).json()
    two_ids = {n["id"] for n in two["nodes"]}
    assert {"Concept:疏散楼梯", "Attribute:enclosure"} <= two_ids
    # The standard is a hub: shown, not walked through to every other clause.
    assert f"Clause:{CODE}:7.1.8" not in two_ids


def test_graph_of_a_concept_by_alias(client):
    body = client.get("/v1/graph", params={"concept": "evacuation_stair", "depth": 1}).json()
    start = [n for n in body["nodes"] if n["depth"] == 0]
    assert [n["id"] for n in start] == ["Concept:疏散楼梯"]
    assert "Concept:楼梯" in {n["id"] for n in body["nodes"]}


def test_graph_errors(client):
    assert client.get("/v1/graph").json() == error(
        422, "invalid_request", "请给出 clause 或 concept", [("query.clause", "clause 与 concept 至少给出一个")])
    assert client.get("/v1/graph", params={"clause": "5.5.12", "depth": 4}).json() == error(
        422, "invalid_request", "请求参数有误", [("query.depth", "应不大于 3")])
    assert client.get("/v1/graph", params={"clause": "9.9"}).json() == error(
        404, "clause_not_found", "规则库中没有第9.9条")
    assert client.get("/v1/graph", params={"concept": "飞船"}).json() == error(
        404, "concept_not_found", "规则库中没有概念 '飞船'")


def test_graph_node_cap(store_path):
    app = create_app(Settings(store=str(store_path), graph_max_nodes=10))
    with TestClient(app) as test_client:
        body = test_client.get("/v1/graph", params={"concept": "建筑", "depth": 3}).json()
    assert body["truncated"] is True and len(body["nodes"]) == 10


# --- /v1/why -----------------------------------------------------------------------------------


def test_why_clause_for_element(client):
    response = client.post("/v1/why", json={"clause": "5.5.12", "element_id": "ST-1", "design": design()})
    assert response.status_code == 200
    body = response.json()
    assert (body["element_id"], body["element_type"], body["design_path"]) == ("ST-1", "疏散楼梯", "elements[0]")
    assert body["classification"]["category"] == "二类高层公共建筑"
    rules = {r["rule_id"]: r for r in body["rules"]}
    smoke = rules[f"{CODE}:5.5.12#smokeproof-stair"]
    assert (smoke["status"], smoke["applies"]) == ("fail", True)
    kinds = [(s["kind"], s["text"]) for s in smoke["chain"]]
    assert kinds[0] == ("element", "ST-1 是 疏散楼梯")
    assert ("classification", "建筑为高层建筑 (5.1.1)") in kinds
    assert kinds[-1] == ("requirement", "第5.5.12条：楼梯间形式不小于 防烟楼梯间")
    high = next(s for s in smoke["chain"] if s["text"] == "建筑为高层建筑 (5.1.1)")
    assert high["source"] == "5.1.1"
    assert "5.1.1: 公共建筑高度 45 m > 24 m 且为 12 层，为高层公共建筑" in high["derived_from"]
    facts = {f["fact"]: f for f in smoke["facts"]}
    assert facts["element.enclosure"] == {"fact": "element.enclosure", "design_path": "elements[0].enclosure",
                                         "value": "封闭楼梯间", "stated": True, "derived_by": None}
    assert facts["building.high_rise"]["derived_by"] == "5.1.1"
    assert facts["building.height_m"]["design_path"] == "building.height_m"
    assert smoke["references"] == [{"number": "5.1.1", "title": "民用建筑按高度、功能和楼层面积分类"}]
    assert smoke["explanation"].startswith("疏散楼梯 ST-1 楼梯间形式 封闭楼梯间，小于第5.5.12条要求的 防烟楼梯间。")
    enclosed = rules[f"{CODE}:5.5.12#enclosed-stair"]
    assert (enclosed["status"], enclosed["applies"]) == ("not_applicable", False)


def test_why_rule_id_shows_table_and_note(client):
    body = client.post("/v1/why", json={"rule_id": f"{CODE}:5.5.17#room-door-distance",
                                        "element_id": "D-1", "design": design()}).json()
    (rule,) = body["rules"]
    steps = {s["kind"]: s for s in rule["chain"]}
    assert steps["threshold"]["source"] == "表5.5.17"
    assert steps["threshold"]["text"] == "表5.5.17: 其他建筑（高层） / 两个安全出口之间 / 一、二级 → 40 m"
    assert steps["adjustment"] == {"kind": "adjustment", "text": "表5.5.17 注3: ×1.25 → 50 m",
                                   "source": "表5.5.17 注3", "derived_from": []}
    assert rule["status"] == "fail"


@pytest.mark.parametrize(("payload", "status", "expected"), [
    ({"clause": "5.5.12", "element_id": "X-9"}, 422,
     error(422, "invalid_request", "设计中没有 id 为 'X-9' 的构件", [("element_id", "设计中没有 id 为 'X-9' 的构件")])),
    ({"clause": "5.5.12", "element_id": "C-1"}, 422,
     error(422, "invalid_request", "第5.5.12条约束的对象是疏散楼梯，不适用于 C-1（疏散走道）",
           [("element_id", "第5.5.12条约束的对象是疏散楼梯，不适用于 C-1（疏散走道）")])),
    ({"clause": "9.9.9", "element_id": "ST-1"}, 404,
     error(404, "clause_not_found", "规则库中没有第9.9.9条的规则")),
    ({"rule_id": "GB50016-2014:1.1#x", "element_id": "ST-1"}, 404,
     error(404, "rule_not_found", "规则库中没有规则 'GB50016-2014:1.1#x'")),
    ({"element_id": "ST-1"}, 422,
     error(422, "invalid_request", "请给出 clause 或 rule_id 之一", [("clause", "clause 与 rule_id 须且只须给出一个")])),
])
def test_why_errors(client, payload, status, expected):
    response = client.post("/v1/why", json={**payload, "design": design()})
    assert (response.status_code, response.json()) == (status, expected)


def test_why_bad_design_names_the_nested_path(client):
    data = design()
    data["elements"][0]["clear_width_m"] = "宽"
    response = client.post("/v1/why", json={"clause": "5.5.12", "element_id": "ST-1", "design": data})
    assert response.json() == error(422, "invalid_design", "设计数据有误", [
        ("design.elements[0].clear_width_m", '应为数值（m）或 {"value", "unit"} 对象')])


# --- /v1/ask -----------------------------------------------------------------------------------


def test_ask_cites_clauses(client):
    body = client.post("/v1/ask", json={"question": "高层公共建筑的疏散走道最小净宽度是多少？"}).json()
    assert body["found"] is True
    first = body["citations"][0]
    assert (first["clause"], first["url"]) == ("5.5.18", "/clauses/GB50016-2014/5.5.18")
    assert "疏散走道" in body["concepts"] and body["attributes"] == ["净宽度"]
    assert body["answer"].startswith("根据规则库检索，相关条文如下：\n1. GB 50016-2014(2018) 第5.5.18条")
    assert any("1.40 m" in r["summary"] for r in first["rules"])


def test_ask_uses_ingested_text(client):
    body = client.post("/v1/ask", json={"question": "消防车的转弯半径有什么要求", "max_citations": 1}).json()
    assert [c["clause"] for c in body["citations"]] == ["7.1.8"]


def test_ask_refuses_without_support(client):
    body = client.post("/v1/ask", json={"question": "今天的天气怎么样？"}).json()
    assert body == {"question": "今天的天气怎么样？", "found": False, "answer": "未找到相关条文。",
                    "citations": [], "concepts": [], "attributes": []}


# --- write endpoints: API key ----------------------------------------------------------------


@pytest.mark.parametrize("path", ["/v1/extract", "/v1/rules:import"])
def test_write_endpoints_need_a_key(client, path):
    missing = client.post(path, json={})
    assert missing.status_code == 401
    assert missing.json() == error(401, "missing_api_key", "缺少 API 密钥：请在请求头 X-API-Key 中提供")
    wrong = client.post(path, json={}, headers={"X-API-Key": "nope"})
    assert wrong.status_code == 403
    assert wrong.json() == error(403, "invalid_api_key", "API 密钥无效")


def test_no_configured_keys_refuses_every_key(store_path):
    with TestClient(create_app(Settings(store=str(store_path)))) as test_client:
        response = test_client.post("/v1/extract", json={"text": "x"}, headers={"X-API-Key": ""})
        assert response.status_code == 401
        response = test_client.post("/v1/extract", json={"text": "x"}, headers={"X-API-Key": API_KEY})
        assert response.status_code == 403


def test_extract_without_the_extraction_package_is_501(client, monkeypatch):
    import api.routers.extract as extract

    monkeypatch.setattr(extract, "registry", lambda: None)
    response = client.post("/v1/extract", json={"text": "疏散走道的净宽度不应小于1.10m。"},
                           headers={"X-API-Key": API_KEY})
    assert response.status_code == 501
    assert response.json() == error(501, "extractor_unavailable", "规则抽取器尚未安装（缺少 extraction 包）")


def test_extract_with_the_rules_extractor(client):
    response = client.post("/v1/extract", headers={"X-API-Key": API_KEY}, json={
        "lines": [{"id": "t-1", "text": "疏散走道的净宽度不应小于1.10m。"}, {"id": "t-2", "text": "本节为说明。"}]})
    assert response.status_code == 200
    body = response.json()
    assert body["extractor"] == "rules"
    assert [r["id"] for r in body["results"]] == ["t-1", "t-2"]
    assert body["results"][0]["rules"] == [
        {"object": "疏散走道", "attribute": "净宽度", "operator": ">=", "value": 1.1, "unit": "m",
         "strength": "应", "conditions": []}]
    assert body["results"][1]["rules"] == []


def test_extract_unknown_or_unconfigured_extractor(client, monkeypatch):
    for name in [n for n in os.environ if n.startswith("FIRECHECK_LLM")]:
        monkeypatch.delenv(name)
    headers = {"X-API-Key": API_KEY}
    response = client.post("/v1/extract", json={"text": "x", "extractor": "gpt"}, headers=headers)
    assert response.status_code == 422
    message = response.json()["error"]["message"]
    assert message.startswith("没有名为 'gpt' 的抽取器（可用：")
    assert response.json()["error"]["fields"] == [{"path": "extractor", "message": message}]
    response = client.post("/v1/extract", json={"text": "x", "extractor": "llm"}, headers=headers)
    assert response.status_code == 501
    assert response.json()["error"]["message"].startswith("--extractor llm 需要配置模型")


def test_extract_with_injected_extractor(store_path):
    from extraction.models import ExtractionResult

    class Fake:
        name, version = "fake", "0.1"

        def extract(self, text: str, *, id: str | None = None) -> ExtractionResult:
            return ExtractionResult(id=id, text=text, rules=[])

    app = create_app(Settings(store=str(store_path), api_keys=frozenset({API_KEY})), extractor=Fake())
    with TestClient(app) as test_client:
        response = test_client.post("/v1/extract", json={"text": "第一句。\n\n第二句。"},
                                    headers={"X-API-Key": API_KEY})
        assert response.json() == {"extractor": "fake", "version": "0.1", "results": [
            {"text": "第一句。", "rules": [], "gate_failures": []},
            {"text": "第二句。", "rules": [], "gate_failures": []}]}
        response = test_client.post("/v1/extract", json={"text": "a", "lines": []},
                                    headers={"X-API-Key": API_KEY})
        assert response.status_code == 422
        assert response.json()["error"]["fields"] == [
            {"path": "(root)", "message": "Value error, text 与 lines 须且只须给出一个"}]


SMALL_PACK = {
    "version": "test-pack/1",
    "standards": [{"id": "GB 99999-2020", "code": "GB99999-2020", "title": "测试标准"}],
    "clauses": [{"standard": "GB 99999-2020", "number": "3.1.1", "title": "测试条文"}],
    "concepts": [{"name": "测试构件", "aliases": ["test_part"]}],
    "attributes": [{"key": "clear_width_m", "label": "净宽度", "unit": "m"}],
    "rules": [{
        "id": "GB99999-2020:3.1.1#test-width", "standard": "GB 99999-2020", "clause": "3.1.1",
        "title": "测试构件净宽度不小于2m", "object": "测试构件", "attribute": "clear_width_m",
        "attribute_label": "净宽度", "operator": ">=", "value": 2.0, "unit": "m", "strength": "应",
    }],
}


def test_rules_import(isolated_env, tmp_path):
    path = make_store(tmp_path / "rules.lbdb", with_text=False)
    app = create_app(Settings(store=str(path), api_keys=frozenset({API_KEY}), rules_ttl_s=3600))
    headers = {"X-API-Key": API_KEY}
    probe = {"building": {"id": "B"}, "elements": [{"id": "T-1", "type": "test_part", "clear_width_m": 1.5}]}
    with TestClient(app) as test_client:
        before = test_client.post("/v1/check", json=probe).json()
        assert before["unmatched_elements"] == ["T-1"]
        response = test_client.post("/v1/rules:import", json=SMALL_PACK, headers=headers)
        assert response.status_code == 200
        first = response.json()
        assert (first["imported"], first["version"], first["source"]) == (1, "test-pack/1", "api")
        # The compiled rules are refreshed at once, despite the long TTL.
        after = test_client.post("/v1/check", json=probe).json()
        assert fails(after) == {("3.1.1", "T-1")}
        detail = test_client.get("/v1/rules/GB99999-2020:3.1.1%23test-width").json()
        assert detail["provenance"]["source"] == "api"
        assert "GB 99999-2020" in {s["id"] for s in test_client.get("/v1/standards").json()}
        again = test_client.post("/v1/rules:import", json=SMALL_PACK, headers=headers).json()
        assert (again["nodes"], again["edges"]) == (first["nodes"], first["edges"])


def test_rules_import_rejects_bad_packs(client):
    headers = {"X-API-Key": API_KEY}
    bad = json.loads(json.dumps(SMALL_PACK))
    bad["rules"][0]["standard"] = "GB 1-1999"
    assert client.post("/v1/rules:import", json=bad, headers=headers).json() == error(
        422, "invalid_rule_set", "规则包有误", [("rules[0].standard", "标准 'GB 1-1999' 不在 standards 中")])
    bad = json.loads(json.dumps(SMALL_PACK))
    del bad["rules"][0]["strength"]
    response = client.post("/v1/rules:import", json=bad, headers=headers)
    assert response.json() == error(422, "invalid_request", "请求参数有误", [("rules[0].strength", "缺少必填字段")])
    bad = json.loads(json.dumps(SMALL_PACK))
    bad["rules"][0]["object"] = "不存在的概念"
    response = client.post("/v1/rules:import", json=bad, headers=headers)
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["message"] == (
        "Value error, rule GB99999-2020:3.1.1#test-width: object '不存在的概念' is not a concept")
    # Nothing was imported by the refused packs.
    assert "GB 99999-2020" not in {s["id"] for s in client.get("/v1/standards").json()}


# --- settings, serve ---------------------------------------------------------------------------


def test_settings_from_env(monkeypatch):
    monkeypatch.setenv("FIRECHECK_API_KEYS", " a1 , b2,, ")
    monkeypatch.setenv("FIRECHECK_MAX_BODY_BYTES", "4096")
    monkeypatch.setenv("FIRECHECK_STORE", "/tmp/somewhere.lbdb")
    settings = Settings.from_env()
    assert settings.api_keys == frozenset({"a1", "b2"})
    assert settings.max_body_bytes == 4096
    assert settings.store == "/tmp/somewhere.lbdb"
    assert Settings.from_env(store="bolt://x:7687").store == "bolt://x:7687"
    monkeypatch.setenv("FIRECHECK_MAX_BODY_BYTES", "lots")
    with pytest.raises(ValueError, match="环境变量 FIRECHECK_MAX_BODY_BYTES 应为数值，而不是 'lots'"):
        Settings.from_env()


def test_openapi_documents_every_route_and_the_error_shape(client):
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path, method in [("/v1/check", "post"), ("/v1/standards", "get"),
                         ("/v1/clauses/{standard}/{clause}", "get"), ("/v1/rules/{rule_id}", "get"),
                         ("/v1/graph", "get"), ("/v1/why", "post"), ("/v1/ask", "post"),
                         ("/v1/extract", "post"), ("/v1/rules:import", "post"),
                         ("/healthz", "get"), ("/readyz", "get")]:
        operation = paths[path][method]
        assert operation["responses"]["default"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorBody"}
    check = paths["/v1/check"]["post"]
    assert check["requestBody"]["content"]["application/json"]["schema"]["required"] == ["building"]
    assert paths["/v1/extract"]["post"]["security"] == [{"ApiKey": []}]
    assert "/" not in paths and "/clauses" not in paths  # pages stay out of the API schema


def test_serve_command_starts_the_app(isolated_env, tmp_path):
    import socket
    import subprocess
    import sys
    import time

    import httpx

    path = make_store(tmp_path / "rules.lbdb", with_text=False)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    firecheck = Path(sys.executable).parent / "firecheck"
    process = subprocess.Popen([str(firecheck), "serve", "--port", str(port), "--store", str(path)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stdout.read().decode()
                assert time.monotonic() < deadline, "firecheck serve did not answer"
                time.sleep(0.2)
        assert response.json() == {"status": "ready", "store": "ladybug"}
        report = httpx.post(f"http://127.0.0.1:{port}/v1/check", json=design(), timeout=10).json()
        assert report["summary"]["fail"] == 3
    finally:
        process.terminate()
        process.wait(timeout=10)
