"""The deterministic extractor (`rules`): comparators, lists that share a requirement, several
requirements in one sentence, conditions, exceptions, strength, modifiers and counts — on
sentences written for these tests, and on the extraction-v1 example clause read from the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from extraction.models import Condition, ExtractionResult
from extraction.parser import parse_standard
from extraction.registry import Extractor, get_extractor, run_extractor
from extraction.rules_extractor import build_nlp, noun_objects
from extraction.text import read_text_file

FULL = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "GB50016-2014(2018)_full.txt"


@pytest.fixture(scope="module")
def rules() -> Extractor:
    return get_extractor("rules")


def brief(result: ExtractionResult) -> list[tuple]:
    return [(r.object, r.attribute, r.operator, r.value, r.unit, r.strength) for r in result.rules]


@pytest.mark.parametrize("sentence, expected", [
    ("档案室的门的宽度不应小于1.2m。", ("门", "宽度", ">=", 1.2, "m", "应")),
    ("档案室走道的长度不宜大于20m。", ("档案室走道", "长度", "<=", 20, "m", "宜")),
    # a sentence of its own without any modal word states its final comparison (grammar 1.5.0)
    ("档案库的层数不超过3层。", ("档案库", "层数", "<=", 3, "层", "应")),
    ("层数不超过3层的档案库。", None),  # the comparison modifies a noun: a description
    ("档案库的层数不应超过3层。", ("档案库", "层数", "<=", 3, "层", "应")),
    ("档案库房隔墙的耐火极限不应低于2.00h。", ("档案库房隔墙", "耐火极限", ">=", 2.0, "h", "应")),
    ("档案库的储量应小于50m3。", ("档案库", "储量", "<", 50, "m3", "应")),
    ("档案库的坡度应大于2%。", ("档案库", "坡度", ">", 2, "%", "应")),
    ("档案库的耐火等级不应低于二级。", ("档案库", "耐火等级", ">=", "二级", None, "应")),
    ("档案库的墙必须采用不燃材料。", ("墙", "采用", "==", "不燃材料", None, "必须")),
    ("档案库内严禁采用明火取暖。", ("档案库", "采用", "!=", "明火取暖", None, "必须")),
    ("档案库的门不得采用卷帘门。", ("门", "采用", "!=", "卷帘门", None, "应")),
    ("档案库的保温材料的燃烧性能应为A级。", ("保温材料", "燃烧性能", "==", "A级", None, "应")),
    ("档案库应设置火灾自动报警系统。", ("档案库", "设置", "==", "火灾自动报警系统", None, "应")),
    ("档案库可设置1个安全出口。", ("安全出口", "数量", "==", 1, "个", "可")),
    ("档案库的安全出口不应少于2个。", ("安全出口", "数量", ">=", 2, "个", "应")),
    ("档案库宜设置在首层。", None),  # a location requirement: not extracted
])
def test_one_requirement(rules, sentence, expected):
    result = rules.extract(sentence)
    assert brief(result) == ([expected] if expected else [])


def test_a_list_shares_one_requirement(rules):
    result = rules.extract("档案室的门和窗的宽度不应小于1.2m。")
    assert [r.object for r in result.rules] == ["门", "窗"]
    assert {(r.attribute, r.operator, r.value, r.unit) for r in result.rules} == {("宽度", ">=", 1.2, "m")}
    classes = rules.extract("甲、乙类档案库和丙类档案库的耐火等级不应低于二级。")
    assert [r.object for r in classes.rules] == ["甲、乙类档案库", "丙类档案库"]


def test_several_requirements_in_one_sentence(rules):
    result = rules.extract("档案室门的宽度不应小于1.2m，走道的长度不宜大于20m，且不应大于30m；其墙应采用不燃材料。")
    assert brief(result) == [
        ("档案室门", "宽度", ">=", 1.2, "m", "应"),
        ("走道", "长度", "<=", 20, "m", "宜"),
        ("走道", "长度", "<=", 30, "m", "应"),
        ("墙", "采用", "==", "不燃材料", None, "应"),
    ]


def test_conditions_and_exceptions(rules):
    when = rules.extract("当档案室的建筑面积大于200m2时，其门的净宽度不应小于1.4m。")
    assert brief(when) == [("门", "净宽度", ">=", 1.4, "m", "应")]
    assert when.rules[0].conditions == [Condition(object="档案室", attribute="建筑面积", operator=">", value=200,
                                                  unit="m2")]
    tall = rules.extract("建筑高度大于54m的档案楼，其楼板的耐火极限不应低于2.00h。")
    assert brief(tall) == [("楼板", "耐火极限", ">=", 2.0, "h", "应")]
    assert tall.rules[0].conditions == [Condition(object="档案楼", attribute="建筑高度", operator=">", value=54,
                                                  unit="m")]
    sprinklers = rules.extract("设置自动喷水灭火系统时，档案室的建筑面积不应大于500m2。")
    assert sprinklers.rules[0].conditions == [Condition(attribute="设置自动喷水灭火系统", operator="==", value=True)]
    besides = rules.extract("除地下档案室外，档案室的门应采用甲级防火门。")
    assert brief(besides) == [("门", "采用", "==", "甲级防火门", None, "应")]
    assert besides.rules[0].exceptions == [Condition(attribute="地下档案室", operator="==", value=True)]
    assert besides.rules[0].conditions == []


def test_a_comparator_that_modifies_what_must_be_used(rules):
    result = rules.extract("档案室应采用耐火极限不低于3.00h的隔墙和2.00h的楼板与走道分隔，"
                           "并应设置宽度不小于1.2m、耐火极限不低于1.50h的实体墙。")
    assert brief(result) == [
        ("隔墙", "耐火极限", ">=", 3.0, "h", "应"),
        ("楼板", "耐火极限", ">=", 2.0, "h", "应"),
        ("实体墙", "宽度", ">=", 1.2, "m", "应"),
        ("实体墙", "耐火极限", ">=", 1.5, "h", "应"),
    ]


def test_items_inherit_the_subject_of_their_lead_in(rules):
    result = rules.extract("5.9.1 档案库应符合下列规定：\n1 应设置火灾自动报警系统；\n2 其门的宽度不应小于1.2m。\n"
                           "注：档案库的层数不宜超过3层。")
    assert brief(result) == [
        ("档案库", "设置", "==", "火灾自动报警系统", None, "应"),
        ("门", "宽度", ">=", 1.2, "m", "应"),
        ("档案库", "层数", "<=", 3, "层", "宜"),
    ]


def test_the_extraction_v1_example_clause(rules):
    """extraction-v1's example is clause 5.5.30: 户门 and 安全出口 ≥ 0.90 m, and the stair of a
    residential building not above 18 m with a railing on one side ≥ 1.0 m."""
    if not FULL.exists():
        pytest.skip("../shared/corpus is not available")
    clause = parse_standard(read_text_file(FULL)).clause("5.5.30")
    result = rules.extract(clause.extraction_text, id="5.5.30")
    found = brief(result)
    assert ("户门", "净宽度", ">=", 0.9, "m", "应") in found
    assert ("安全出口", "净宽度", ">=", 0.9, "m", "应") in found
    stair = [r for r in result.rules if r.object == "疏散楼梯" and r.value == 1.0]
    assert len(stair) == 1 and Condition(object="住宅", attribute="建筑高度", operator="<=", value=18,
                                         unit="m") in stair[0].conditions


def test_one_result_per_input_in_order_with_ids(rules):
    results = run_extractor(rules, [("a", "档案室的门的宽度不应小于1.2m。"), ("b", ""), ("c", "没有要求的句子。")])
    assert [(r.id, len(r.rules)) for r in results] == [("a", 1), ("b", 0), ("c", 0)]
    assert results[0].to_json_dict() == {
        "id": "a", "text": "档案室的门的宽度不应小于1.2m。",
        "rules": [{"object": "门", "attribute": "宽度", "operator": ">=", "value": 1.2, "unit": "m",
                   "strength": "应", "conditions": []}],
        "gate_failures": []}


def test_the_pipeline_is_spacy_zh_with_the_lexicon():
    nlp = build_nlp()
    assert nlp.lang == "zh" and nlp.pipe_names == ["firecheck_values", "entity_ruler"]
    doc = nlp("房间的净宽度不应小于0.90m，应采用不燃材料，消防应急广播")
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("房间", "OBJ"), ("净宽度", "ATTR"), ("不应小于", "CMP"), ("0.90m", "VALUE"), ("应采用", "REQ"),
        ("应急", "WORD")]


def test_noun_phrases_give_their_head_and_one_object_per_listed_thing():
    assert noun_objects("公共建筑内疏散门和安全出口") == ["疏散门", "安全出口"]
    assert noun_objects("门厅的疏散走道、首层疏散外门、首层疏散门和疏散楼梯") == [
        "疏散走道", "首层疏散外门", "首层疏散门", "疏散楼梯"]
    assert noun_objects("甲、乙、丙类厂房(库房)") == ["甲、乙、丙类厂房(库房)"]
    assert noun_objects("学校、图书馆的阅览室和报告厅等人员密集场所") == ["人员密集场所"]
    assert noun_objects("零位罐与所属铁路装卸线", relational=True) == ["零位罐"]


def test_grammar_1_3_0_lists_lead_in_items_and_modifiers(rules):
    # `下列X应…：` with noun-phrase items: each item's things take the lead-in's requirements
    items = rules.extract("下列档案库应设置火灾自动报警系统，并宜采用感烟探测器：\n"
                          "1每座建筑面积大于500m2的纸质档案库；\n2胶片库和磁带库。")
    assert sorted({(r.object, r.attribute, r.strength) for r in items.rules}) == sorted(
        (o, a, s) for o in ("纸质档案库", "胶片库", "磁带库") for a, s in (("设置", "应"), ("采用", "宜")))
    # a list of subjects before 其, and a listed object before `和` + a relative clause
    listed = rules.extract("档案库，阅览室，存放胶片的档案库和资料室，其耐火等级不应低于二级。")
    assert [r.object for r in listed.rules] == ["档案库", "阅览室", "档案库", "资料室"]
    assert noun_objects("阅览室、资料室和储存胶片的档案库") == ["阅览室", "资料室", "档案库"]
    # a second modifier joined by 且 before the same 的: the thing is still the rule's object
    joined = rules.extract("档案库之间应采用耐火极限不低于3.00h且不开洞的防火隔墙完全分隔。")
    assert brief(joined) == [("防火隔墙", "耐火极限", ">=", 3.0, "h", "应")]
    # `其他X，` after a requirement is a scope: the thing stays
    scope = rules.extract("甲类档案库的疏散照明的连续供电时间不应小于1.5h；其他档案库，不应小于1.0h。")
    assert [r.object for r in scope.rules] == ["疏散照明", "疏散照明"]


def test_grammar_1_4_0_scope_words_exceptions_in_subjects_and_second_parties(rules):
    # a fire-resistance grade is scope, not part of the object (a bare 建筑 keeps it)
    graded = rules.extract("一、二级耐火等级档案馆的建筑高度不应大于24m。")
    assert brief(graded) == [("档案馆", "建筑高度", "<=", 24, "m", "应")]
    # a door in a wall: the door is the constrained thing
    door = rules.extract("档案库外墙上门的耐火完整性不应低于0.50h。")
    assert [r.object for r in door.rules] == ["门"]
    # 除…外 inside a subject: the exception's things are not objects
    inner = rules.extract("档案库隔墙除设置观察窗外，不应设置其他开口。")
    assert [(r.object, r.attribute, r.operator, r.value) for r in inner.rules] == [
        ("档案库隔墙", "设置", "!=", "其他开口")]
    assert inner.rules[0].exceptions[0].attribute == "设置观察窗"
    # `A与B的…不应小于X；与C，不应小于Y`: C is the second party, the thing stays A
    parties = rules.extract("档案库与阅览室的防火间距不应小于10m；与锅炉房，不宜小于25m。")
    assert [r.object for r in parties.rules] == ["档案库", "档案库"]
    # value boundaries: `将…封堵` and `或具有…功能` end the value; `表面平均温度` is one attribute
    sealed = rules.extract("档案库的管道应采用防火封堵材料将管道周围的空隙填实。")
    assert [r.value for r in sealed.rules] == ["防火封堵材料"]
    warm = rules.extract("散热器表面平均温度不应超过80℃。")
    assert [(r.object, r.attribute) for r in warm.rules] == [("散热器", "表面平均温度")]


def test_grammar_1_5_0_forms_found_in_other_codes(rules):
    # a calculation basis (按X…确定) is not the attribute; counts in Chinese numerals; ranges and ratios
    aired = rules.extract("档案库的通风量应按换气次数不少于6次/h确定。")
    assert brief(aired) == [("档案库", "通风量", ">=", 6, "次/h", "应")]
    two = rules.extract("档案库至少应有两处与走道连通。")
    assert brief(two) == [("档案库", "数量", ">=", 2, "处", "应")]
    spaced = rules.extract("档案库的间隔宜为100m~150m。")
    assert brief(spaced) == [("档案库", "间隔", "==", "100m~150m", None, "宜")]
    ramp = rules.extract("档案库坡道的坡度不宜大于1：8。")
    assert brief(ramp) == [("档案库坡道", "坡度", "<=", "1：8", None, "宜")]
    # 距 as a verb; a part of a thing (下沿) does not become the topic of the parts after it
    window = rules.extract("档案库的窗口的净宽度不应小于1.0m，下沿距地面不宜大于1.1m，间距不宜大于25m。")
    assert [(r.object, r.attribute) for r in window.rules] == [
        ("窗口", "净宽度"), ("下沿", "距离"), ("窗口", "间距")]
    # 对于X after a requirement on another thing is a scope; a list of 对于 scopes names things
    scoped = rules.extract("档案库回车场的面积不应小于10m×10m；对于高层档案库，不宜小于16m×16m。")
    assert [r.object for r in scoped.rules] == ["档案库回车场", "档案库回车场"]
    listed = rules.extract("对于档案库，不应低于1.0lx；对于阅览室，不应低于3.0lx。")
    assert [r.object for r in listed.rules] == []  # no attribute anywhere: nothing to constrain
    # listed things of one kind share the attribute; A的X和B的X; an opening named by where it leads
    kinds = rules.extract("高层档案库，甲、乙类档案库的耐火等级不应低于二级。")
    assert [r.object for r in kinds.rules] == ["高层档案库", "甲、乙类档案库"]
    owners = rules.extract("档案库走道的间隔和走道通向阅览室入口的间隔不宜大于30m。")
    assert [r.object for r in owners.rules] == ["档案库走道", "入口"]
    # distributive scopes inside a phrase; 最近边缘; 间 meaning "between"
    pair = rules.extract("每个档案库相邻两个出口最近边缘之间的净距不应小于6m。")
    assert [r.object for r in pair.rules] == ["出口"]
    between = rules.extract("档案库中心线间的距离不宜大于160m。")
    assert [r.object for r in between.rules] == ["档案库中心线"]
    # verbs before an attribute; comparators with relative values inside a noun's modifier
    verb = rules.extract("档案库隔墙在首层采用耐火极限不低于2.00h。")
    assert [(r.object, r.attribute) for r in verb.rules] == [("档案库隔墙", "耐火极限")]
    eave = rules.extract("档案库外窗的上方应设置宽度不小于1.2m、长度不小于窗口宽度的防火挑檐。")
    assert [(r.object, r.attribute, r.value) for r in eave.rules] == [
        ("防火挑檐", "宽度", 1.2), ("防火挑檐", "长度", "窗口宽度")]
    sealed = rules.extract("档案库管井应在各层楼板处采用不低于楼板耐火极限的防火材料封堵。")
    assert [(r.object, r.attribute, r.value) for r in sealed.rules] == [("防火材料", "耐火极限", "楼板耐火极限")]
    # 其 repeating the attribute refers to the same thing; a count without its noun counts the thing before
    again = rules.extract("档案库内任一点至安全出口的疏散距离不应大于30m，当设置自动喷水灭火系统时，其距离不应大于37.5m。")
    assert [r.object for r in again.rules] == ["任一点", "任一点"]
    counted = rules.extract("档案库的出口不应少于3个；建筑面积不大于80m2时，可设置1个。")
    assert brief(counted)[1] == ("出口", "数量", "==", 1, "个", "可")
    # kinds of a topic are scopes; 否则 is a connector; the thing after 至…的 is the head
    ramps = rules.extract("档案库坡道的净宽度，单向不应小于3.5m，双向不应小于6.5m。")
    assert [(r.object, r.value) for r in ramps.rules] == [("档案库坡道", 3.5), ("档案库坡道", 6.5)]
    guard = rules.extract("档案库外窗的窗台高度不得低于0.8m，否则应设置护栏。")
    assert [r.object for r in guard.rules] == ["窗台", "窗台"]
    exits = rules.extract("档案库首层至室外的疏散出口不应少于2个。")
    assert [r.object for r in exits.rules] == ["疏散出口"]
    # scope words: 独立, 分隔后 (a time), 或X应 ends a value, a modified attribute word
    alone = rules.extract("独立甲类档案库可采用三级耐火等级的建筑。")
    assert [r.object for r in alone.rules] == ["甲类档案库"]
    after = rules.extract("档案库管道井应采用不燃材料分隔，且分隔后的耐火极限不应低于1.00h。")
    assert [r.object for r in after.rules] == ["档案库管道井", "档案库管道井"]
    either = rules.extract("档案库的排风管应采用耐火风管或其外壁应采取保护措施。")
    assert [r.value for r in either.rules] == ["耐火风管"]
    kept = rules.extract("档案库应与锅炉房保持不小于15m的安全距离。")
    assert brief(kept) == [("档案库", "安全距离", ">=", 15, "m", "应")]


def test_grammar_1_5_1_exemptions_openings_and_kinds(rules):
    # 可不设置 is a negated 可: an exemption, annotated as `!=` with strength 可
    exempt = rules.extract("单层档案库可不设置自动喷水灭火系统。")
    assert brief(exempt) == [("单层档案库", "设置", "!=", "自动喷水灭火系统", None, "可")]
    # a lead-in distributes only what follows 下列, to the things its items name
    lead = rules.extract("档案馆每层宜设置1台电梯，但下列档案馆可不设置电梯：\n"
                         "1层数不超过3层的档案库；\n2建筑面积小于100m2，且无人值守的资料库。")
    assert [(r.object, r.attribute, r.operator) for r in lead.rules] == [
        ("电梯", "数量", "=="), ("档案库", "设置", "!="), ("资料库", "设置", "!=")]
    # 应设置X或采用Y gives both; a door opened in a wall: 设置 goes to the wall
    both = rules.extract("不能自然排烟时，档案库走道应设置排烟风机或采用加压送风系统。")
    assert [(r.attribute, r.value) for r in both.rules] == [("设置", "排烟风机"), ("采用", "加压送风系统")]
    opened = rules.extract("档案库与阅览室之间应采用防火隔墙分隔，需要开设门、窗时，应设置甲级防火门、窗。")
    assert [r.object for r in opened.rules if r.attribute == "设置"] == ["防火隔墙"]
    # single-character things listed with 、 stay separate
    openings = rules.extract("档案库外墙的门、窗、洞口之间的净距不应小于3m。")
    assert [r.object for r in openings.rules] == ["门", "窗", "洞口"]
    # kinds of building after `X的Y：` or in the items of `X的Y应符合下列规定：` are scopes of X
    kinds = rules.extract("档案库前室的使用面积：甲级档案馆，不应小于8.0m2；乙级档案馆，不应小于5.0m2。")
    assert [(r.object, r.value) for r in kinds.rules] == [("档案库前室", 8.0), ("档案库前室", 5.0)]
    items = rules.extract("档案库备用电源的供电时间应符合下列规定：\n1建筑高度大于50m的档案馆，不应小于2.0h；\n"
                          "2其他档案馆，不应小于1.0h。")
    assert [(r.object, r.attribute, r.value) for r in items.rules] == [
        ("档案库备用电源", "供电时间", 2.0), ("档案库备用电源", "供电时间", 1.0)]
    # scope words: 相应, 内部, 组内, 从…
    assert [r.object for r in rules.extract("档案馆电梯轿厢内部应设置对讲电话。").rules] == ["档案馆电梯轿厢"]
    assert [r.object for r in rules.extract("组内档案柜的数量不宜超过6个。").rules] == ["档案柜"]


def test_grammar_1_5_2_words_that_hold_a_verb_character_and_places_of_a_thing(rules):
    # 动作 is not the verb 作: the value runs on; 各类 is a determiner
    valve = rules.extract("档案库的风管应设置公称动作温度为70℃的防火阀。")
    assert [r.value for r in valve.rules] == ["公称动作温度为70℃的防火阀"]
    kinds = rules.extract("档案库内各类消防设施应设置明显的标志。")
    assert [r.object for r in kinds.rules] == ["消防设施"]
    # Y在下列部位应设置X：the items are places of Y's X, the thing stays Y
    places = rules.extract("档案库的风管在下列部位应设置防火阀：\n1穿越防火分区处；\n2穿越档案库隔墙处。")
    assert [r.object for r in places.rules] == ["风管"]
    # 下列部位应设置X：the places named by the items are the things
    listed = rules.extract("档案馆的下列部位应设置疏散照明：\n1阅览室；\n2档案库走道。")
    assert [r.object for r in listed.rules] == ["阅览室", "档案库走道"]
