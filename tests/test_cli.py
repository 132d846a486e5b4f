"""The `firecheck` command, run as a user runs it: a real process, its own data directory and
store (never the user's), exit codes 0 / 1 / 2 / 3 and what it prints."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from graph.pack import load_builtin_pack
from conftest import firecheck as run_firecheck

# A five-storey office that meets every rule the pack has for it (no fail, no unknown), plus a
# flower bed that no rule knows.
PASSING = {
    "schema_version": "1",
    "building": {"id": "B-OK", "name": "合规办公楼", "use": "办公", "height_m": 18,
                 "storeys_above": 5, "storeys_below": 0, "fire_resistance_grade": "二级",
                 "sprinklers": True, "fire_elevators": 0},
    "elements": [
        {"id": "ST-1", "type": "疏散楼梯", "clear_width_m": 1.2, "enclosure": "封闭楼梯间",
         "fire_resistance_h": 1.5, "combustibility": "不燃性"},
        {"id": "C-1", "type": "疏散走道", "clear_width_m": 1.4, "layout": "双面布房"},
        {"id": "FC-1", "type": "防火分区", "storey": 2, "area_m2": 2000, "sprinklers": True,
         "exits": 2},
        {"id": "D-1", "type": "房间疏散门", "clear_width_m": 1.0, "position": "两个安全出口之间",
         "evacuation_distance_m": 30},
        {"id": "BED-1", "type": "花坛"},
    ],
}


def _failing() -> dict:
    """The passing office with a 1.00 m corridor (5.5.18: 公共建筑疏散走道 ≥ 1.10 m) and a
    4,000 m2 compartment (表5.3.1: 2500 m2 × 2 with sprinklers = 5000 m2 still passes)."""
    design = copy.deepcopy(PASSING)
    design["elements"][1]["clear_width_m"] = 1.0
    design["elements"][2]["area_m2"] = 4000
    return design


def firecheck(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """The CLI in its own process, with exactly `env` (no inherited FIRECHECK_* / NEO4J_*)."""
    return run_firecheck(*args, env=env, inherit=False)


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FIRECHECK_", "NEO4J_"))}
    env["XDG_DATA_HOME"] = str(home / "xdg-data")
    env["COLUMNS"] = "200"
    return env


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cli")


@pytest.fixture(scope="module")
def env(home) -> dict[str, str]:
    return _env(home)


@pytest.fixture(scope="module")
def store(home) -> str:
    """One store for the module: created and loaded with the pack by the first command."""
    return str(home / "rules.lbdb")


@pytest.fixture(scope="module")
def rules():
    return load_builtin_pack().rules


@pytest.fixture(scope="module")
def failing(home, env, store) -> tuple[Path, subprocess.CompletedProcess]:
    """The failing design's file and its `check --format json` run (shared by several tests)."""
    path = home / "failing.json"
    path.write_text(json.dumps(_failing(), ensure_ascii=False), encoding="utf-8")
    return path, firecheck("check", str(path), "--format", "json", "--store", store, env=env)


@pytest.fixture(scope="module")
def rules_list(env, store) -> subprocess.CompletedProcess:
    return firecheck("rules", "list", "--store", store, env=env)


def _write(tmp_path: Path, design: dict, name: str = "design.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(design, ensure_ascii=False), encoding="utf-8")
    return path


def _pairs(report: dict, status: str) -> set[tuple[str, str]]:
    return {(f["clause"], f["element_id"]) for f in report["findings"] if f["status"] == status}


# --- check: exit codes --------------------------------------------------------------------


def test_a_design_where_nothing_fails_exits_0(tmp_path, env, store):
    """The compliant office: exit 0, the JSON report counts no failure and some passes, the
    flower bed is listed as unmatched, and the default store location is left alone."""
    done = firecheck("check", str(_write(tmp_path, PASSING)), "--format", "json",
                     "--store", store, env=env)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["summary"]["fail"] == 0
    assert report["summary"]["pass"] >= 8
    assert report["building_id"] == "B-OK"
    assert report["classification"]["category"] == "单、多层公共建筑"
    assert report["unmatched_elements"] == ["BED-1"]
    # --store was given: nothing is created in the user's default data directory.
    assert not (Path(env["XDG_DATA_HOME"]) / "firecheck").exists()


def test_a_design_with_one_failing_finding_exits_1_and_names_it(failing):
    """A 1.00 m corridor in an office fails 5.5.18 (≥ 1.10 m): exit 1, exactly that failure, with
    the report-v1 message, and the 4,000 m2 sprinklered compartment still passes 5.3.1."""
    _, done = failing
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert _pairs(report, "fail") == {("5.5.18", "C-1")}
    (failure,) = [f for f in report["findings"] if f["status"] == "fail"]
    assert failure["message"] == "疏散走道 C-1 净宽度 1.00 m，小于第5.5.18条要求的 1.10 m。"
    assert failure["actual"] == {"value": 1.0, "unit": "m"}
    assert failure["required"] == {"operator": ">=", "value": 1.1, "unit": "m"}
    assert ("5.3.1", "FC-1") in _pairs(report, "pass")


def test_firecheck_store_in_the_environment_is_the_store_used_without_an_option(tmp_path):
    """FIRECHECK_STORE stands in for --store: the store file appears there and the check runs."""
    env = _env(tmp_path)
    env["FIRECHECK_STORE"] = str(tmp_path / "env-store.lbdb")
    done = firecheck("check", str(_write(tmp_path, PASSING)), "--format", "json", env=env)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "env-store.lbdb").exists()
    assert not (Path(env["XDG_DATA_HOME"]) / "firecheck").exists()


# --- check: formats ------------------------------------------------------------------------


def test_text_report_lists_failures_before_everything_else(failing, env, store):
    """--format text (the default): the classification line, then a table whose first rows are
    the failures; not-applicable rows are hidden behind a count, and unmatched elements named."""
    done = firecheck("check", str(failing[0]), "--store", store, env=env)
    assert done.returncode == 1, done.stderr
    out = done.stdout
    assert out.startswith("建筑 B-OK：单、多层公共建筑\n")
    assert "不符合 1　缺少信息 0　符合" in out
    rows = [line for line in out.splitlines()
            if re.match(r"^│ (不符合|缺少信息|符合|不适用)", line)]
    statuses = [row.split("│")[1].strip() for row in rows]
    assert statuses[0] == "不符合" and statuses.count("不符合") == 1
    assert "不适用" not in statuses
    assert "C-1" in rows[0] and "5.5.18" in rows[0]
    assert re.search(r"（另有 \d+ 项不适用，使用 --all 显示）", out)
    assert "未匹配任何规则的构件：BED-1" in out


def test_text_report_with_all_also_lists_the_not_applicable_findings(failing, env, store):
    """--all adds the not-applicable rows (last) and drops the 'use --all' hint."""
    done = firecheck("check", str(failing[0]), "--all", "--store", store, env=env)
    statuses = [line.split("│")[1].strip() for line in done.stdout.splitlines()
                if re.match(r"^│ (不符合|缺少信息|符合|不适用)", line)]
    assert "不适用" in statuses
    assert statuses == sorted(statuses, key=["不符合", "缺少信息", "符合", "不适用"].index)
    assert "使用 --all 显示" not in done.stdout


def test_html_report_is_a_self_contained_page_with_the_failing_rows(failing, env, store):
    """--format html: one HTML document that fetches nothing (no http(s) URL, no src=, no
    stylesheet link, no script), with a fail row for every failing finding of the JSON report."""
    path, as_json = failing
    html = firecheck("check", str(path), "--format", "html", "--store", store, env=env)
    assert html.returncode == 1, html.stderr
    page = html.stdout
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert page.rstrip().endswith("</html>")
    assert not re.search(r"https?://", page)
    assert not re.search(r"\b(src|href)\s*=", page, re.I)
    assert "<script" not in page.lower() and "<link" not in page.lower()
    report = json.loads(as_json.stdout)
    fails = [f for f in report["findings"] if f["status"] == "fail"]
    assert fails
    for f in fails:
        row = re.search(rf'<tr class="finding s-fail" data-rule="{re.escape(f["rule_id"])}" '
                        rf'data-element="{re.escape(f["element_id"])}">(.*?)</tr>', page, re.S)
        assert row, f"no fail row for {f['rule_id']} on {f['element_id']}"
        assert f["message"] in row.group(1)
    assert page.count('class="finding s-fail"') == len(fails)


def test_an_unknown_report_format_is_a_usage_error_exit_2(tmp_path, env, store):
    """--format xml is refused by the option parser (exit 2), naming the option."""
    done = firecheck("check", str(_write(tmp_path, PASSING)), "--format", "xml",
                     "--store", store, env=env)
    assert done.returncode == 2
    assert "--format" in done.stderr
    assert "Traceback" not in done.stderr


# --- check: files that cannot be read as a design -----------------------------------------


def _bad_file(tmp_path: Path, name: str, content: bytes | None) -> Path:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    return path


GBK_DESIGN = '{"building": {"id": "B", "use": "办公", "name": "某办公楼"}}'.encode("gbk")

BAD_FILES = [
    pytest.param("missing.json", None, "文件不存在", id="a file that does not exist"),
    pytest.param("empty.json", b"", "不是合法的 JSON（第 1 行第 1 列：Expecting value）",
                 id="an empty file"),
    pytest.param("cut.json", b'{"building": ', "不是合法的 JSON（第 1 行第 14 列：Expecting value）",
                 id="a non-JSON file (JSON cut short)"),
    pytest.param("plan.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "不是 UTF-8 编码的 JSON 文件",
                 id="a binary file"),
    pytest.param("gbk.json", GBK_DESIGN, "不是 UTF-8 编码的 JSON 文件", id="GBK-encoded JSON"),
]


@pytest.mark.parametrize("name, content, message", BAD_FILES)
def test_a_file_that_is_not_a_design_exits_2_naming_the_file(tmp_path, env, store, name, content,
                                                                message):
    """Exit 2, one line on stderr: `firecheck: FILE: message`, no traceback, nothing on stdout."""
    path = _bad_file(tmp_path, name, content)
    done = firecheck("check", str(path), "--store", store, env=env)
    assert done.returncode == 2
    assert done.stderr.strip() == f"firecheck: {path}: {message}"
    assert done.stdout == ""


def test_a_directory_given_as_the_design_exits_2_naming_it(tmp_path, env, store):
    """A folder is not a file: exit 2 with its path and 无法读取."""
    done = firecheck("check", str(tmp_path), "--store", store, env=env)
    assert done.returncode == 2
    assert done.stderr.startswith(f"firecheck: {tmp_path}: 无法读取（")
    assert "Traceback" not in done.stderr


def test_a_utf8_file_with_a_byte_order_mark_is_read(tmp_path, env, store):
    """Editors on Windows write a BOM; the design is still read (and passes: exit 0)."""
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(PASSING, ensure_ascii=False).encode("utf-8"))
    done = firecheck("check", str(path), "--format", "json", "--store", store, env=env)
    assert done.returncode == 0, done.stderr


# --- the store ------------------------------------------------------------------------------


def test_an_unreachable_neo4j_store_exits_3_naming_it(tmp_path, env):
    """--store bolt://127.0.0.1:1 (nothing listens): exit 3, 存储不可用 with the address."""
    done = firecheck("check", str(_write(tmp_path, PASSING)), "--store", "bolt://127.0.0.1:1",
                     env=env)
    assert done.returncode == 3
    assert done.stderr.startswith("firecheck: 存储不可用（bolt://127.0.0.1:1）")
    assert "Traceback" not in done.stderr


def test_a_store_file_that_is_not_a_database_exits_3(tmp_path, env):
    """--store pointing at a text file: exit 3, 存储不可用 naming the path; the file is kept."""
    bogus = tmp_path / "not-a-db.lbdb"
    bogus.write_text("not a database\n", encoding="utf-8")
    done = firecheck("check", str(_write(tmp_path, PASSING)), "--store", str(bogus), env=env)
    assert done.returncode == 3, done.stderr
    assert done.stderr.startswith(f"firecheck: 存储不可用（{bogus}）")
    assert bogus.read_text(encoding="utf-8") == "not a database\n"


def test_a_store_path_under_a_plain_file_exits_3(tmp_path, env):
    """--store FILE/rules.lbdb where FILE is an ordinary file: the store cannot be opened, so
    exit 3 naming the path (not an internal error)."""
    blocker = tmp_path / "blocker"
    blocker.write_text("", encoding="utf-8")
    store = blocker / "rules.lbdb"
    done = firecheck("check", str(_write(tmp_path, PASSING)), "--store", str(store), env=env)
    assert done.returncode == 3, done.stderr
    assert done.stderr.startswith(f"firecheck: 存储不可用（{store}）")


# --- rules ----------------------------------------------------------------------------------


def test_rules_list_shows_every_rule_and_a_count_line(rules_list, rules):
    """`firecheck rules list`: one line per rule of the pack (each with its id in brackets),
    then `共 N 条规则` with N the pack's rule count."""
    done = rules_list
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[-1] == f"共 {len(rules)} 条规则"
    listed = re.findall(r"\[([^\]]+)\]$", "\n".join(lines[:-1]), re.M)
    assert sorted(listed) == sorted(r.id for r in rules)


def test_rules_list_is_ordered_by_clause_number(rules_list):
    """Clauses in the standard's order: 5.1.2 before 5.5.8 before 5.5.18 before 7.1.8."""
    out = rules_list.stdout
    clauses = [line.split()[0] for line in out.strip().splitlines()[:-1]]
    first = {c: clauses.index(c) for c in ("5.1.2", "5.5.8", "5.5.18", "7.1.8")}
    assert first["5.1.2"] < first["5.5.8"] < first["5.5.18"] < first["7.1.8"]


def test_rules_show_a_clause_shows_every_rule_of_that_clause_and_no_other(env, store, rules):
    """`firecheck rules show 5.5.18`: a block per 5.5.18 rule, with the clause title line, and
    表5.5.18's cells for the table rule."""
    done = firecheck("rules", "show", "5.5.18", "--store", store, env=env)
    assert done.returncode == 0, done.stderr
    wanted = sorted(r.id for r in rules if r.clause == "5.5.18")
    assert wanted
    shown = [block.splitlines()[0] for block in done.stdout.strip().split("\n\n")]
    assert sorted(shown) == wanted
    assert done.stdout.count("第5.5.18条：") == len(wanted)
    assert "表5.5.18 其他高层公共建筑 / 双面布房走道: 1.4 m" in done.stdout


def test_rules_show_of_a_clause_not_in_the_pack_exits_2(env, store):
    """`firecheck rules show 9.9.9`: exit 2 with a message naming 9.9.9, no traceback."""
    done = firecheck("rules", "show", "9.9.9", "--store", store, env=env)
    assert done.returncode == 2
    assert done.stderr.strip() == "firecheck: 规则包中没有条文或规则 '9.9.9'（用 firecheck rules list 查看）"


# --- graph ----------------------------------------------------------------------------------


def _load_counts(stdout: str) -> tuple[int, int, int]:
    match = re.search(r"已导入 (\d+) 条规则.*规则图现有 (\d+) 个节点、(\d+) 条边", stdout)
    assert match, stdout
    return tuple(int(g) for g in match.groups())  # type: ignore[return-value]


@pytest.fixture(scope="module")
def loaded_twice(home, env):
    """`graph load` run twice on a fresh store: both outputs and the store path."""
    fresh = str(home / "graph-load.lbdb")
    first = firecheck("graph", "load", "--store", fresh, env=env)
    second = firecheck("graph", "load", "--store", fresh, env=env)
    return first, second, fresh


def test_graph_load_twice_gives_the_same_counts(loaded_twice, rules):
    """Loading the pack is idempotent: the second load reports the same rule, node and edge
    counts as the first, and the rule count is the pack's."""
    first, second, _ = loaded_twice
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert _load_counts(first.stdout) == _load_counts(second.stdout)
    assert _load_counts(first.stdout)[0] == len(rules)


def test_graph_export_json_holds_the_loaded_nodes_and_edges(loaded_twice, env, rules):
    """`graph export --format json`: node and edge totals equal what `graph load` reported, one
    Rule node per rule, and the taxonomy edge 户门 IS_A 疏散门."""
    _, second, fresh = loaded_twice
    done = firecheck("graph", "export", "--format", "json", "--store", fresh, env=env)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    _, nodes, edges = _load_counts(second.stdout)
    assert sum(len(rows) for rows in data["nodes"].values()) == nodes
    assert sum(len(rows) for rows in data["edges"].values()) == edges
    assert sorted(row["id"] for row in data["nodes"]["Rule"]) == sorted(r.id for r in rules)
    assert any(row["src"] == "户门" and row["dst"] == "疏散门" for row in data["edges"]["IS_A"])


def test_graph_export_cypher_has_one_statement_per_node_and_edge(loaded_twice, env):
    """`graph export --format cypher`: a MERGE per node and a MATCH … MERGE per edge, each
    statement on its own line ending in ';' — as many as the load reported."""
    _, second, fresh = loaded_twice
    done = firecheck("graph", "export", "--format", "cypher", "--store", fresh, env=env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    _, nodes, edges = _load_counts(second.stdout)
    assert sum(line.startswith("MERGE (n:") for line in lines) == nodes
    assert sum(line.startswith("MATCH (a:") for line in lines) == edges
    assert len(lines) == nodes + edges
    assert all(line.endswith(";") for line in lines)
    assert 'MATCH (a:Concept {name: "户门"}), (b:Concept {name: "疏散门"}) MERGE (a)-[:IS_A]->(b);' \
        in lines
