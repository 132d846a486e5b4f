"""No user value is ever formatted into Cypher: a static check of graph/*.py.

Every f-string, `.format()` call and `%` formatting whose text looks like Cypher (or LadybugDB
DDL) is found with `ast`; each value interpolated into such a string must derive only from the
allow-list in graph/schema.py (NODES, EDGES: labels, relationship types, property names and
their types) and literals. "Derives" is followed through assignments, `for` loops and
comprehensions; module constants bound to literals (a table of property names) count as code.
A name that the function checks against the allow-list (`NODES[label]` raises KeyError for
anything else, `(src, dst) in EDGES[kind]`) is trusted in that function; a parameter of a
private (`_name`) function is trusted when every call in its module passes an allow-listed
value for it. `.format()` and `%` are not allowed on Cypher text at all.

The checker is itself tested on small snippets, so a scan that finds nothing means something.
The runtime side (probes that round-trip as data) is in tests/test_store.py.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import REPO

GRAPH = REPO / "graph"
ALLOW_LIST = {"NODES", "EDGES"}  # graph/schema.py's constants
SAFE_BUILTINS = {"list", "sorted", "tuple", "str", "reversed", "enumerate", "zip", "len"}
SAFE_METHODS = {"join", "items", "keys", "values", "get", "upper", "lower", "removeprefix",
                "removesuffix"}
CYPHER = re.compile(
    r"\b(MATCH|MERGE|CREATE|UNWIND|RETURN|DELETE|DETACH|REMOVE|CALL|WHERE|WITH|SET|"
    r"CONSTRAINT|INDEX|REQUIRE|ALTER|TABLE|DROP|LOAD|COPY|FOREACH|FROM|TO)\b|"
    r"\(\w*:|\]->|-\[|\{\{")


@dataclass
class Finding:
    file: str
    line: int
    text: str


@dataclass
class _Scope:
    allowed: set[str] = field(default_factory=set)


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _cypher_text(node: ast.JoinedStr) -> str:
    return "".join(v.value for v in node.values
                   if isinstance(v, ast.Constant) and isinstance(v.value, str))


def looks_like_cypher(text: str) -> bool:
    return bool(CYPHER.search(text))


class _Checker:
    """Walks one module; records every Cypher-looking string built from a non-allow-listed value."""

    def __init__(self, file: str, functions: dict[str, list[str]] | None = None,
                 trusted: dict[str, set[str]] | None = None):
        self.file = file
        self.findings: list[Finding] = []
        self.functions = functions or {}  # module-level function → its parameter names
        self.trusted = trusted or {}  # private function → parameters its callers make safe
        self.calls: dict[str, dict[str, bool]] = {}  # function → param → safe at every call
        self.validated: set[str] = set()

    # -- is an expression's text derived from the allow-list only?

    def safe(self, node: ast.AST | None, allowed: set[str]) -> bool:
        if node is None:
            return True
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.Name):
            return node.id in allowed or node.id in ALLOW_LIST
        if isinstance(node, ast.JoinedStr):
            return all(self.safe(v.value, allowed) for v in node.values
                       if isinstance(v, ast.FormattedValue))
        if isinstance(node, ast.FormattedValue):
            return self.safe(node.value, allowed)
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            return all(self.safe(e, allowed) for e in node.elts)
        if isinstance(node, ast.Dict):
            return all(self.safe(k, allowed) for k in node.keys) and \
                all(self.safe(v, allowed) for v in node.values)
        if isinstance(node, ast.Starred):
            return self.safe(node.value, allowed)
        if isinstance(node, ast.Subscript):
            return self.safe(node.value, allowed) and self.safe(node.slice, allowed)
        if isinstance(node, ast.Slice):
            return all(self.safe(p, allowed) for p in (node.lower, node.upper, node.step))
        if isinstance(node, ast.Attribute):  # NODES.items, ", ".join
            return node.attr in SAFE_METHODS and self.safe(node.value, allowed)
        if isinstance(node, ast.Call):
            func = node.func
            func_ok = (isinstance(func, ast.Name) and func.id in SAFE_BUILTINS) or \
                (isinstance(func, ast.Attribute) and self.safe(func, allowed))
            return func_ok and all(self.safe(a, allowed) for a in node.args) and \
                all(self.safe(k.value, allowed) for k in node.keywords)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self.safe(node.left, allowed) and self.safe(node.right, allowed)
        if isinstance(node, ast.IfExp):  # the test picks, the branches are the text
            return self.safe(node.body, allowed) and self.safe(node.orelse, allowed)
        if isinstance(node, (ast.GeneratorExp, ast.ListComp, ast.SetComp)):
            inner = self.comprehension_scope(node.generators, allowed)
            return inner is not None and self.safe(node.elt, inner)
        return False

    def comprehension_scope(self, generators: list[ast.comprehension],
                            allowed: set[str]) -> set[str] | None:
        """Names bound by the generators, if each iterates over allow-listed data; filters
        (`if p in columns`) only drop items, they add no text."""
        inner = set(allowed)
        for gen in generators:
            if not self.safe(gen.iter, inner):
                return None
            inner |= _names(gen.target)
        return inner

    # -- find the Cypher strings and check them in their scope

    def visit_expr(self, node: ast.AST, allowed: set[str]) -> None:
        if isinstance(node, (ast.GeneratorExp, ast.ListComp, ast.SetComp, ast.DictComp)):
            inner = set(allowed)
            for gen in node.generators:
                self.visit_expr(gen.iter, inner)
                if self.safe(gen.iter, inner):
                    inner |= _names(gen.target)
                for cond in gen.ifs:
                    self.visit_expr(cond, inner)
            parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            for part in parts:
                self.visit_expr(part, inner)
            return
        if isinstance(node, ast.Lambda):
            return self.visit_expr(node.body, allowed)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                node.func.id in self.functions:
            self.record_call(node, self.functions[node.func.id], allowed)
        if isinstance(node, ast.JoinedStr) and looks_like_cypher(_cypher_text(node)):
            for value in node.values:
                if isinstance(value, ast.FormattedValue) and not self.safe(value.value, allowed):
                    self.report(node, f"f-string interpolates {ast.unparse(value.value)!r}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr == "format" and isinstance(node.func.value, ast.Constant) and \
                isinstance(node.func.value.value, str) and looks_like_cypher(node.func.value.value):
            self.report(node, "str.format() on Cypher text")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and \
                isinstance(node.left, ast.Constant) and isinstance(node.left.value, str) and \
                looks_like_cypher(node.left.value):
            self.report(node, "%-formatting of Cypher text")
        for child in ast.iter_child_nodes(node):
            if isinstance(node, ast.JoinedStr) and isinstance(child, ast.FormattedValue):
                self.visit_expr(child.value, allowed)
            else:
                self.visit_expr(child, allowed)

    def record_call(self, call: ast.Call, params: list[str], allowed: set[str]) -> None:
        seen = self.calls.setdefault(call.func.id, {})  # type: ignore[attr-defined]
        passed = dict(zip(params, call.args))
        passed.update({k.arg: k.value for k in call.keywords if k.arg})
        for param, value in passed.items():
            seen[param] = seen.get(param, True) and self.safe(value, allowed)

    def report(self, node: ast.AST, why: str) -> None:
        self.findings.append(Finding(self.file, getattr(node, "lineno", 0),
                                     f"{why}: {ast.unparse(node)[:120]}"))

    def visit_body(self, body: list[ast.stmt], allowed: set[str]) -> None:
        for stmt in body:
            self.visit_stmt(stmt, allowed)

    def visit_stmt(self, stmt: ast.stmt, allowed: set[str]) -> None:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.visit_function(stmt, allowed)
            return
        if isinstance(stmt, ast.ClassDef):
            self.visit_body(stmt.body, set(allowed))
            return
        if isinstance(stmt, (ast.For, ast.AsyncFor)):
            self.visit_expr(stmt.iter, allowed)
            if self.safe(stmt.iter, allowed):
                allowed |= _names(stmt.target)
            else:
                allowed -= _names(stmt.target) - self.validated
            self.visit_body(stmt.body, allowed)
            self.visit_body(stmt.orelse, allowed)
            return
        if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            value = stmt.value
            if value is not None:
                self.visit_expr(value, allowed)
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            names = set().union(*(_names(t) for t in targets))
            if value is not None and self.safe(value, allowed) and \
                    not isinstance(stmt, ast.AugAssign):
                allowed |= names
            else:
                allowed -= names - self.validated  # re-bound from something else
            return
        for child in ast.iter_child_nodes(stmt):
            if isinstance(child, ast.stmt):
                self.visit_stmt(child, allowed)
            elif isinstance(child, ast.AST):
                self.visit_expr(child, allowed)

    def visit_function(self, func: ast.FunctionDef | ast.AsyncFunctionDef,
                       outer: set[str]) -> None:
        params = {a.arg for a in [*func.args.posonlyargs, *func.args.args,
                                  *func.args.kwonlyargs]}
        outer_validated = self.validated
        self.validated = self.validated_names(func) | self.trusted.get(func.name, set())
        allowed = set(outer) - params | self.validated
        for decorator in func.decorator_list:
            self.visit_expr(decorator, outer)
        self.visit_body(func.body, allowed)
        self.validated = outer_validated

    @staticmethod
    def validated_names(func: ast.AST) -> set[str]:
        """Names the function checks against the allow-list: used as a key of NODES or EDGES
        (a KeyError for anything else), or tested `in` an allow-list lookup."""
        valid: set[str] = set()
        for node in ast.walk(func):
            if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and \
                    node.value.id in ALLOW_LIST and isinstance(node.slice, ast.Name):
                valid.add(node.slice.id)
            if isinstance(node, ast.Compare) and \
                    all(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops) and \
                    any(_names(c) & ALLOW_LIST for c in node.comparators):
                valid |= _names(node.left)
        return valid


def scan_source(source: str, file: str = "<snippet>") -> list[Finding]:
    module = ast.parse(source)
    functions = {f.name: [a.arg for a in [*f.args.posonlyargs, *f.args.args]]
                 for f in module.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}
    trusted: dict[str, set[str]] = {}
    for _ in range(5):  # until the trusted parameters stop changing
        checker = _Checker(file, functions, trusted)
        checker.visit_body(module.body, set())
        found = {name: {p for p, ok in params.items() if ok}
                 for name, params in checker.calls.items() if name.startswith("_")}
        if found == trusted:
            break
        trusted = found
    return checker.findings


def cypher_strings(source: str) -> list[str]:
    """Every Cypher-looking f-string in the source (to show the scan saw the real queries)."""
    return [ast.unparse(n) for n in ast.walk(ast.parse(source))
            if isinstance(n, ast.JoinedStr) and looks_like_cypher(_cypher_text(n))]


GRAPH_FILES = sorted(GRAPH.glob("*.py"))


def test_the_scan_covers_the_store_modules() -> None:
    names = {p.name for p in GRAPH_FILES}
    assert {"store.py", "ladybug_store.py", "neo4j_store.py", "schema.py"} <= names
    found = {p.name: len(cypher_strings(p.read_text(encoding="utf-8"))) for p in GRAPH_FILES}
    # The shared queries, the LadybugDB DDL and the Neo4j constraints are all built as f-strings.
    assert found["store.py"] >= 5 and found["ladybug_store.py"] >= 3 and \
        found["neo4j_store.py"] >= 1, found


@pytest.mark.parametrize("path", GRAPH_FILES, ids=lambda p: p.name)
def test_no_user_value_is_formatted_into_cypher(path: Path) -> None:
    findings = scan_source(path.read_text(encoding="utf-8"), path.name)
    assert findings == [], "\n".join(f"graph/{f.file}:{f.line}: {f.text}" for f in findings)


@pytest.mark.parametrize("snippet", [
    'def get(tx, rule_id):\n    tx.run(f"MATCH (r:Rule) WHERE r.id = \'{rule_id}\' RETURN r")',
    'def get(tx, label):\n    tx.run(f"MATCH (n:{label}) RETURN n")',
    'def get(tx, rule):\n    key = rule.id\n    tx.run(f"MATCH (r:Rule {{id: \'{key}\'}}) RETURN r")',
    'def get(tx, name):\n    tx.run("MATCH (c:Concept {name: \'%s\'}) RETURN c" % name)',
    'def get(tx, name):\n    tx.run("MATCH (c:Concept {{name: \'{}\'}}) RETURN c".format(name))',
    'def get(tx, names):\n    for n in names:\n        tx.run(f"MERGE (c:Concept {{name: \'{n}\'}})")',
    'def get(tx, props):\n    sets = ", ".join(f"n.{p} = row.{p}" for p in props)\n'
    '    tx.run(f"UNWIND $rows AS row MERGE (n:Rule {{id: row.id}}) SET {sets}")',
    'def get(tx, label):\n    label = label.strip()\n    tx.run(f"MATCH (n:{label}) RETURN n")',
    'def _q(tx, kind):\n    tx.run(f"MATCH ()-[e:{kind}]->() RETURN e")\n'
    'def api(tx, user_kind):\n    _q(tx, "IS_A")\n    _q(tx, user_kind)',
    'def q(tx, kind):\n    tx.run(f"MATCH ()-[e:{kind}]->() RETURN e")\n'
    'def api(tx):\n    q(tx, "IS_A")',
    'PROPS = {"Rule": input()}\n'
    'def q(tx):\n    tx.run(f"MATCH (n:Rule) RETURN n.{PROPS[\'Rule\']}")',
])
def test_the_scan_flags_a_user_value_in_cypher(snippet: str) -> None:
    assert scan_source(snippet), snippet


@pytest.mark.parametrize("snippet", [
    'def q(label, columns):\n    key, props = NODES[label]\n'
    '    sets = ", ".join(f"n.{p} = row.{p}" for p in props if p in columns)\n'
    '    return f"UNWIND $rows AS row MERGE (n:{label} {{{key}: row.{key}}}) SET {sets}"',
    'def q(kind, src, dst):\n    if (src, dst) not in EDGES[kind]:\n        raise ValueError\n'
    '    return f"MATCH (a:{src})-[:{kind}]->(b:{dst}) RETURN count(*) AS n"',
    'def counts(run):\n    return {label: run(f"MATCH (n:{label}) RETURN count(n) AS n") '
    'for label in NODES}',
    'def msg(path, exc):\n    return f"无法打开图数据库 {path}：{exc}"',
    'def _q(tx, kind):\n    tx.run(f"MATCH ()-[e:{kind}]->() RETURN e")\n'
    'def api(tx):\n    for kind in EDGES:\n        _q(tx, kind)\n    _q(tx, kind="IS_A")',
    'SHOWN = {"Rule": ("title", "clause")}\n'
    'def q(run, nodes):\n    for label, keys in nodes.items():\n        key = NODES[label][0]\n'
    '        cols = ", ".join(f"n.{p} AS {p}" for p in SHOWN.get(label, ()))\n'
    '        run(f"MATCH (n:{label}) WHERE n.{key} IN $keys RETURN {cols}", {"keys": keys})',
])
def test_the_scan_accepts_allow_listed_names(snippet: str) -> None:
    assert scan_source(snippet) == [], snippet
