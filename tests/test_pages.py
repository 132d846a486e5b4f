"""The web pages in a real headless Chromium (Debian's chromium + chromium-driver, driven by
selenium; Selenium Manager is never asked to download anything).

The app runs under uvicorn in a background thread on 127.0.0.1 with a free port, on a fresh
embedded store. Screenshots are kept under tests/artifacts/ (gitignored). Without Chromium the
tests skip locally and fail in CI (CI=true), saying how to install it.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from test_api_fixtures import E1_PATH, TEST_CLAUSES, isolated_env, make_store  # noqa: F401

from api.app import create_app
from api.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
IN_CI = os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")
WAIT_S = 20


def _require_browser() -> None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if not missing:
        return
    message = (f"页面测试需要无头 Chromium，缺少 {', '.join(missing)}："
               "apt-get install -y chromium chromium-driver（./dev test 会自动安装）")
    if IN_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def base_url(isolated_env, tmp_path_factory):
    path = make_store(tmp_path_factory.mktemp("pages-store") / "rules.lbdb")
    app = create_app(Settings(store=str(path)))
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="uvicorn-pages", daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start", pytrace=False)
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    _require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", "--window-size=1440,1000",
                     f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(WAIT_S)
    ARTIFACTS.mkdir(exist_ok=True)
    yield driver
    driver.quit()


def _wait(driver, condition, message: str):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_S).until(condition, message)


def _external_requests(driver, base_url: str) -> list[str]:
    names = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")
    return [n for n in names if not n.startswith(base_url) and not n.startswith("data:")]


def _console_errors(driver) -> list[str]:
    """Script errors on the console; a 4xx answer the page itself asked for (a design with
    errors) is not one."""
    return [entry["message"] for entry in driver.get_log("browser")
            if entry["level"] == "SEVERE"
            and "Failed to load resource: the server responded with a status of 4" not in entry["message"]]


def test_check_page_upload_failures_why_and_clause_graph(base_url, browser):
    from selenium.webdriver.common.by import By

    browser.get(base_url + "/")
    assert browser.find_element(By.TAG_NAME, "h1").text == "设计检查（GB 50016）"
    browser.find_element(By.ID, "file").send_keys(str(E1_PATH))
    _wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "tr.finding[data-status=fail]")) == 3,
          "the three failures of E1 were not shown")

    rows = browser.find_elements(By.CSS_SELECTOR, "#findings tbody tr.finding")
    statuses = [row.get_attribute("data-status") for row in rows]
    assert statuses[:3] == ["fail"] * 3 and "fail" not in statuses[3:]  # failures first
    failed = {(r.get_attribute("data-clause"), r.get_attribute("data-element")) for r in rows[:3]}
    assert failed == {("5.5.12", "ST-1"), ("5.5.18", "C-1"), ("5.5.17", "D-1")}
    assert browser.find_element(By.ID, "count-fail").text == "不符合 3"
    assert browser.find_element(By.ID, "classification").text == "建筑 B-E1：二类高层公共建筑"
    # Not-applicable rows are hidden until asked for.
    hidden = browser.find_elements(By.CSS_SELECTOR, "tr.finding[data-status=not_applicable]")
    assert hidden and not any(row.is_displayed() for row in hidden)
    browser.save_screenshot(str(ARTIFACTS / "check-page.png"))

    # Click a failure: the why-chain, citing 5.1.1 for the classification.
    stair = browser.find_element(By.CSS_SELECTOR, "tr.finding[data-clause='5.5.12'][data-element='ST-1']")
    stair.find_elements(By.TAG_NAME, "td")[2].click()
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#why-chain li.step"),
          "the why-chain did not appear")
    steps = browser.find_elements(By.CSS_SELECTOR, "#why-chain > li.step")
    kinds = [s.get_attribute("data-kind") for s in steps]
    assert kinds[0] == "element" and "classification" in kinds and kinds[-1] == "requirement"
    chain_text = browser.find_element(By.ID, "why-chain").text
    assert "建筑为高层建筑 (5.1.1)" in chain_text
    assert "5.1.1: 公共建筑高度 45 m > 24 m 且为 12 层，为高层公共建筑" in chain_text
    assert "第5.5.12条：楼梯间形式不小于 防烟楼梯间" in chain_text
    assert browser.find_element(By.CSS_SELECTOR, "#why .explanation").text.startswith(
        "疏散楼梯 ST-1 楼梯间形式 封闭楼梯间")
    browser.save_screenshot(str(ARTIFACTS / "check-page-why.png"))

    # Open the clause: its text, its rules and the neighbourhood graph drawn by vis-network.
    stair.find_element(By.CSS_SELECTOR, "a.clause-link").click()
    _wait(browser, lambda d: d.find_elements(By.ID, "clause-title"), "the clause page did not open")
    assert browser.find_element(By.ID, "clause-title").text.startswith("GB 50016-2014(2018) 第5.5.12条")
    assert browser.find_element(By.ID, "clause-text").text == TEST_CLAUSES["5.5.12"][0]
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#graph canvas"), "no vis canvas")
    _wait(browser, lambda d: d.execute_script(
        "return window.fcNetwork && Object.keys(window.fcNetwork.getPositions()).length"),
        "the graph has no drawn nodes")
    nodes = browser.execute_script("return window.fcNodes.getIds()")
    assert "Clause:GB50016-2014:5.5.12" in nodes and "Concept:疏散楼梯" in nodes
    canvas = browser.find_element(By.CSS_SELECTOR, "#graph canvas")
    assert canvas.size["width"] > 600 and canvas.size["height"] > 400
    # Painted, not blank: the canvas holds pixels of more than one colour.
    colours = browser.execute_script("""
        const c = document.querySelector('#graph canvas');
        const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const seen = new Set();
        for (let i = 0; i < data.length; i += 397 * 4) seen.add(data.slice(i, i + 4).join(','));
        return seen.size;""")
    assert colours > 3
    browser.save_screenshot(str(ARTIFACTS / "clause-page.png"))
    browser.execute_script("arguments[0].scrollIntoView()", canvas)
    time.sleep(1.0)  # let the layout settle for the screenshot
    canvas.screenshot(str(ARTIFACTS / "clause-graph.png"))
    assert _external_requests(browser, base_url) == []
    assert _console_errors(browser) == []


def test_check_page_shows_field_errors(base_url, browser):
    from selenium.webdriver.common.by import By

    browser.get(base_url + "/")
    area = browser.find_element(By.ID, "design")
    browser.execute_script(
        "arguments[0].value = arguments[1]", area,
        '{"building": {"id": "B"}, "elements": [{"id": "ST-1", "type": "疏散楼梯", "clear_width_m": -2}]}')
    browser.find_element(By.ID, "run").click()
    _wait(browser, lambda d: d.find_element(By.ID, "error").is_displayed(), "no error shown")
    fields = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#error li.field-error")]
    assert fields == ["elements[0].clear_width_m：数值不能为负（-2 m）"]


def test_clause_browser_search(base_url, browser):
    from selenium.webdriver.common.by import By

    browser.get(base_url + "/clauses")
    box = browser.find_element(By.ID, "search")
    box.send_keys("转弯半径")
    box.submit()
    _wait(browser, lambda d: "转弯半径" in d.current_url or "%E8%BD%AC" in d.current_url, "no search")
    rows = browser.find_elements(By.CSS_SELECTOR, "#clause-list tr.clause-row")
    assert [r.find_element(By.TAG_NAME, "a").text for r in rows] == ["第7.1.8条"]
    browser.save_screenshot(str(ARTIFACTS / "clauses-search.png"))


def test_graph_page_for_a_concept(base_url, browser):
    from selenium.webdriver.common.by import By

    browser.get(base_url + "/graph?concept=疏散楼梯&depth=1")
    _wait(browser, lambda d: d.execute_script(
        "return window.fcNodes && window.fcNodes.length"), "no graph")
    assert "Concept:疏散楼梯" in browser.execute_script("return window.fcNodes.getIds()")
    assert browser.find_elements(By.CSS_SELECTOR, "#graph canvas")


def test_ask_page(base_url, browser):
    from selenium.webdriver.common.by import By

    browser.get(base_url + "/ask")
    browser.find_element(By.ID, "question").send_keys("高层公共建筑的疏散走道最小净宽度是多少？")
    browser.find_element(By.ID, "ask-button").click()
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#citations li.citation"), "no answer")
    first = browser.find_element(By.CSS_SELECTOR, "#citations li.citation a")
    assert first.text == "GB 50016-2014(2018) 第5.5.18条"
    assert first.get_attribute("href") == base_url + "/clauses/GB50016-2014/5.5.18"
    browser.save_screenshot(str(ARTIFACTS / "ask-page.png"))
    box = browser.find_element(By.ID, "question")
    box.clear()
    box.send_keys("今天的天气怎么样？")
    browser.find_element(By.ID, "ask-button").click()
    _wait(browser, lambda d: d.find_element(By.ID, "answer-text").text == "未找到相关条文。",
          "the refusal was not shown")
    assert browser.find_elements(By.CSS_SELECTOR, "#citations li") == []
    assert _console_errors(browser) == []
