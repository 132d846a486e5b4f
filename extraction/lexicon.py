"""The domain lexicon of the deterministic extractor: modal words, comparators, requirement
verbs, attributes (with their dimension), objects and units.

Written for this project from the vocabulary of Chinese fire codes (GB 50016 and its family);
it holds words, not clause text. The spaCy EntityRuler patterns are generated from these tables
(extraction/rules_extractor.py), and the quality gates read the same tables (extraction/gates.py),
so a word means one thing everywhere.
"""

from __future__ import annotations

import re

# Modal word → (strength, negative). 不得 and 不应 keep 应; 严禁 is the negative of 必须.
MODALS: dict[str, tuple[str, bool]] = {
    "必须": ("必须", False), "严禁": ("必须", True), "不得": ("应", True), "不应": ("应", True),
    "不宜": ("宜", True), "不可": ("可", True), "可不": ("可", True), "应": ("应", False),
    "宜": ("宜", False), "可": ("可", False),
}

# Comparator base → operator it states without negation.
BASES: dict[str, str] = {
    "小于或等于": "<=", "大于或等于": ">=", "小于等于": "<=", "大于等于": ">=",
    "低于或等于": "<=", "高于或等于": ">=",
    "小于": "<", "大于": ">", "低于": "<", "高于": ">", "少于": "<", "多于": ">",
    "超过": ">", "超出": ">", "等于": "==", "短于": "<", "长于": ">",
}
NEGATED = {"<": ">=", ">": "<=", "<=": ">", ">=": "<", "==": "!=", "!=": "=="}
# The comparator bases as one regex alternation, longest first (小于或等于 before 小于).
BASE_PATTERN = "|".join(sorted(BASES, key=len, reverse=True))

# Adverbs that may stand between a subject and its modal word or comparator.
ADVERBS = ("均", "分别", "各", "仍", "也", "都", "亦", "尚", "还", "至少", "最少", "一般")

# Requirement verbs whose object is the required value (应采用 X → `==` X).
REQUIREMENT_VERBS = ("采用", "设置", "为")
VERB_FILLERS = ("", "只", "直接", "仅")

# Words that contain a modal character but are not modal words; matched as plain words so that
# the modal inside them is never read (应急广播 is not 应).
NOT_MODAL = (
    "应急", "相应", "对应", "适应", "响应", "供应", "反应", "应力", "可燃", "可燃物", "可开启",
    "可能", "可靠", "认可", "许可", "可燃性", "不可燃", "可视", "可调", "可拆", "可移动", "适宜",
    "可行", "可见", "可达", "即可", "可供",
)

# Attribute words → dimension. Longest words are preferred by the matcher, so compounds such as
# 最大允许建筑面积 win over 面积.
_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "length": (
        "宽度", "净宽度", "总净宽度", "最小净宽度", "总宽度", "出挑宽度", "挑出宽度", "净宽", "高度", "净高",
        "净高度", "净空高度", "建筑高度", "室内净高", "埋深", "埋置深度", "长度", "短边长度",
        "总长度", "允许建筑长度", "距离", "直线距离", "水平距离", "最近距离", "最近水平距离",
        "步行距离", "疏散距离", "安全疏散距离", "安全距离", "间距", "防火间距", "间隔距离", "进深", "厚度",
        "直径", "管径", "半径", "深度", "排距", "罐壁高度", "高差", "层高",
        "净距", "间隙", "水平间距", "垂直距离", "竖向距离", "行走距离", "长边长度", "转弯半径",
        "短边", "长边", "距地面高度", "充实水柱", "间隔", "尺寸", "净深", "净深度", "坡长",
    ),
    "area": (
        "面积", "建筑面积", "总建筑面积", "净面积", "有效面积", "开口面积", "占地面积",
        "最大允许建筑面积", "最大允许占地面积", "有效排烟面积", "使用面积", "地面面积",
        "防火分区面积", "每层建筑面积", "层建筑面积", "单层建筑面积", "总面积", "开窗面积",
        "可开启面积", "自然排烟面积", "窗口面积", "洞口面积",
    ),
    "volume": (
        "容积", "总容积", "单罐容积", "容量", "单罐容量", "总容量", "储量", "总储量", "储存量",
        "总储存量", "体积", "有效容量", "储罐容量", "罐容量",
    ),
    "mass": ("储尘量", "质量", "重量", "荷载"),
    "time": (
        "耐火极限", "时间", "火灾延续时间", "持续时间", "供电时间", "连续供电时间",
        "持续供电时间", "疏散时间", "耐火完整性", "耐火隔热性", "延续时间", "响应时间",
        "连续工作时间",
    ),
    "grade": ("耐火等级", "燃烧性能", "燃烧性能等级", "等级", "防火等级", "火灾危险性"),
    "count": (
        "数量", "总数", "个数", "台数", "层数", "人数", "座位数", "排数", "使用人数",
        "作业人数", "停留人数", "疏散人数", "车位数", "停车数量", "床位数",
    ),
    "ratio": ("坡度", "纵坡", "横坡", "含尘浓度", "浓度", "比例", "百分比", "开孔率", "透光率", "人员密度", "长径比"),
    "angle": ("角度", "倾斜角度", "坡角", "倾角"),
    "temperature": ("温度", "闪点", "表面温度", "表面平均温度", "平均温度", "动作温度", "自燃点"),
    "flow": ("风量", "流量", "速度", "风速度", "排烟量", "补风量", "用水量", "风速", "流速", "压力", "余压",
             "工作压力", "照度", "电压", "功率"),
}
ATTRIBUTES: dict[str, str] = {word: dim for dim, words in _ATTRIBUTES.items() for word in words}

# Attribute words whose threshold is a distance between two things: in `X与Y的防火间距` the rule
# is about X; in `户门和安全出口的净宽度` both are objects.
RELATIONAL_ATTRIBUTES = ("距离", "间距", "净距", "高差")

# Unit spellings → dimension. `count` units are classifiers (个 部 台 …).
UNITS: dict[str, str] = {
    "m": "length", "mm": "length", "cm": "length", "km": "length", "米": "length",
    "m2": "area", "平方米": "area", "hm2": "area",
    "m3": "volume", "L": "volume", "立方米": "volume",
    "h": "time", "min": "time", "s": "time", "小时": "time", "分钟": "time",
    "%": "ratio", "‰": "ratio",
    "°": "angle", "度": "angle",
    "℃": "temperature", "°C": "temperature",
    "kg": "mass", "t": "mass", "吨": "mass",
    "m3/h": "flow", "m3/s": "flow", "次/h": "flow", "L/s": "flow", "m/s": "flow", "MPa": "flow", "kPa": "flow",
    "Pa": "flow", "lx": "flow", "kV": "flow", "V": "flow", "kW": "flow", "kVA": "flow",
    "kV·A": "flow", "MV·A": "flow",
    "人/m2": "ratio", "m2/人": "ratio", "人/百人": "ratio", "m/百人": "ratio",
    "人": "count", "个": "count", "部": "count", "台": "count", "座": "count", "层": "count",
    "辆": "count", "张": "count", "间": "count", "排": "count", "处": "count", "樘": "count",
    "扇": "count", "根": "count", "只": "count", "组": "count", "套": "count", "条": "count",
    "道": "count", "具": "count", "支": "count", "倍": "ratio", "次": "count", "户": "count",
    "床": "count", "车位": "count", "级": "count",
}
COUNT_UNITS = {u for u, d in UNITS.items() if d == "count"}

# Compatible dimensions for the unit gate: an attribute of dimension A accepts a unit of one of
# these dimensions (储量 may be in m3 or t; 等级 has no unit).
COMPATIBLE: dict[str, set[str]] = {
    "length": {"length"}, "area": {"area"}, "volume": {"volume", "mass", "flow"},
    "mass": {"mass", "volume"}, "time": {"time"}, "count": {"count"},
    "ratio": {"ratio"}, "angle": {"angle", "ratio"}, "temperature": {"temperature"},
    "flow": {"flow"}, "grade": set(),
}

# Objects of fire codes (buildings, spaces, elements, systems). Used to split `疏散门数量` into
# object and attribute and to rate confidence; objects outside this list are still extracted.
OBJECTS: tuple[str, ...] = (
    "建筑", "建筑物", "民用建筑", "公共建筑", "住宅建筑", "住宅", "高层建筑", "高层民用建筑",
    "高层公共建筑", "单、多层建筑", "多层建筑", "裙房", "厂房", "仓库", "库房", "中间仓库",
    "高架仓库", "物流建筑", "汽车库", "修车库", "停车场", "地下室", "半地下室", "地下建筑",
    "地下或半地下建筑(室)", "老年人照料设施", "托儿所", "幼儿园", "儿童活动场所", "医疗建筑",
    "病房楼", "教学建筑", "旅馆", "宿舍", "公寓", "商店", "商店建筑", "展览建筑", "营业厅",
    "展览厅", "观众厅", "多功能厅", "餐厅", "剧场", "电影院", "礼堂", "体育馆", "会议厅",
    "歌舞娱乐放映游艺场所", "人员密集场所", "步行街", "商铺", "中庭", "防火分区", "防烟分区",
    "房间", "楼层", "首层", "走道", "疏散走道", "内走道", "袋形走道", "安全出口", "疏散门",
    "房间疏散门", "户门", "首层疏散外门", "疏散外门", "楼梯", "疏散楼梯", "室外楼梯",
    "室外疏散楼梯", "楼梯间", "封闭楼梯间", "防烟楼梯间", "敞开楼梯间", "前室", "合用前室",
    "避难层", "避难间", "避难走道", "避难层(间)", "消防电梯", "电梯", "电梯井", "管道井",
    "电缆井", "排烟井", "设备间", "设备层", "机房", "消防控制室", "消防水泵房", "柴油发电机房",
    "锅炉房", "变压器室", "配电室", "储油间", "防火墙", "防火隔墙", "隔墙", "房间隔墙",
    "承重墙", "非承重外墙", "外墙", "内墙", "墙体", "墙面", "楼板", "屋面板", "屋顶",
    "屋顶承重构件", "吊顶", "柱", "梁", "构件", "防火门", "防火窗", "防火卷帘", "防火阀",
    "甲级防火门", "乙级防火门", "丙级防火门", "门", "窗", "外窗", "洞口", "开口", "门窗",
    "防火玻璃墙", "实体墙", "围护构件", "保温材料", "保温系统", "外保温系统", "装饰层",
    "防护层", "绝热层", "芯材", "顶棚", "回廊", "挑檐", "平台", "梯段", "栏杆扶手", "踏步",
    "消防车道", "消防车登高操作场地", "消防救援窗口", "救援窗口", "消防水源", "消火栓",
    "室内消火栓", "室外消火栓", "消防软管卷盘", "自动喷水灭火系统", "火灾自动报警系统",
    "排烟设施", "防烟设施", "排烟口", "排烟窗", "送风口", "疏散照明", "疏散指示标志",
    "应急照明", "消防应急照明", "储罐", "储罐区", "储罐组", "堆场", "可燃材料堆场",
    "液化石油气储罐", "可燃气体储罐", "防火堤", "零位罐", "架空电力线", "电力电缆",
    "消防配电线路", "配电线路", "电气线路", "电缆", "保护层", "天桥", "栈桥", "管廊",
    "通风管道", "风管", "排风管道", "除尘器", "过滤器", "空气", "粉尘", "隧道", "人行通道",
    "疏散通道", "出口", "入口", "窗口", "下沉式广场", "室外开敞空间", "防风雨篷",
    "防烟楼梯间前室", "消防电梯前室", "木结构建筑", "木骨架组合墙体", "冷库", "氨压缩机房",
    "加工车间", "门斗", "灭火器", "内部装修材料", "装修材料", "防火隔间", "固定顶罐", "浮顶罐", "卧式储罐", "立式储罐", "球形储罐",
)

# A noun-phrase that ends in one of these characters is taken to name a thing (not a property):
# `保护层厚度` → object 保护层, attribute 厚度; `倾斜角度` stays one attribute.
OBJECT_TAILS = set("炉门墙梯道间口室层库房罐板场区线管井窗柱梁顶面站厅所物筑帘廊台池棚车器阀栓堤组街铺材堂院馆舍楼杆槽箱缝"
                   "缆柜机泵灯檐桥坪施沟路")

UNIT_PATTERN = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))


def comparator_forms() -> dict[str, tuple[str, str | None]]:
    """Every comparator word → (operator, strength or None). `不应小于` → ('>=', '应');
    `不小于` → ('>=', None); `应不大于` → ('<=', '应')."""
    forms: dict[str, tuple[str, str | None]] = {}
    for base, op in BASES.items():
        forms[base] = (op, None)
        forms["不" + base] = (NEGATED[op], None)
        for modal, (strength, negative) in MODALS.items():
            forms[modal + base] = (NEGATED[op] if negative else op, strength)
            if not negative:
                forms[modal + "不" + base] = (NEGATED[op], strength)
    forms["不足"] = ("<", None)
    forms["至少"] = (">=", None)
    return forms


COMPARATORS = comparator_forms()


def requirement_forms() -> dict[str, tuple[str, str, str]]:
    """Every requirement-verb word → (verb, operator, strength): 应采用 → ('采用', '==', '应'),
    严禁采用 → ('采用', '!=', '必须')."""
    forms: dict[str, tuple[str, str, str]] = {}
    for verb in REQUIREMENT_VERBS:
        for modal, (strength, negative) in MODALS.items():
            if verb == "为" and modal in ("可", "不可"):
                continue
            for filler in VERB_FILLERS:
                forms[modal + filler + verb] = (verb, "!=" if negative else "==", strength)
    return forms


REQUIREMENTS = requirement_forms()


def operator_of(word: str) -> str | None:
    """The operator a comparator or requirement word states, or None for an unknown word."""
    word = word.strip()
    for adverb in ADVERBS:
        if word.startswith(adverb) and word[len(adverb):] in COMPARATORS:
            word = word[len(adverb):]
    if word in COMPARATORS:
        return COMPARATORS[word][0]
    if word in REQUIREMENTS:
        return REQUIREMENTS[word][1]
    for base in sorted(BASES, key=len, reverse=True):
        if word.endswith(base):
            head = word[: -len(base)]
            negative = head.endswith(("不", "不应", "不宜", "不得", "不要", "严禁", "不可"))
            return NEGATED[BASES[base]] if negative else BASES[base]
    for verb in ("采用", "设置", "设", "为", "设有", "具有", "有", "满足", "符合", "按照", "采取",
                 "留有", "铺设", "安装", "使用", "建"):
        if word.endswith(verb):
            head = word[: -len(verb)]
            for modal, (_, negative) in MODALS.items():
                if head.startswith(modal):
                    return "!=" if negative else "=="
            if head in ("", "需", "只", "应能", "能"):
                return "=="
            if head.startswith(("无法", "不")):
                return "!="
    return None


def strength_of(word: str) -> str | None:
    for modal in sorted(MODALS, key=len, reverse=True):
        if modal in word:
            return MODALS[modal][0]
    return None


def attribute_dimension(attribute: str) -> str | None:
    """Dimension of an attribute word, by the longest lexicon word it ends with."""
    if attribute in ATTRIBUTES:
        return ATTRIBUTES[attribute]
    best = None
    for word, dim in ATTRIBUTES.items():
        if attribute.endswith(word) and (best is None or len(word) > len(best[0])):
            best = (word, dim)
    return best[1] if best else None


def unit_dimension(unit: str | None) -> str | None:
    if not unit:
        return None
    return UNITS.get(unit.strip())
