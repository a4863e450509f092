"""The HTML report in a real browser: headless Chromium (Debian's package, installed by
.ci/run) opens the page over the Chrome DevTools Protocol, and the test checks that
nothing was logged as an error, that nothing was fetched from the network, that every
chart drew a non-empty SVG or canvas, and saves a full-page screenshot under the test's
temporary folder. Also: PNG figures through kaleido, which drives the same browser."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import websocket
from test_report import make_benchmark

import twin
from twin.report.scenarios import write_scenario_report
from twin.report.write import write_report
from twin.scenarios.evaluate import evaluate_periods
from twin.scenarios.plan import make_plan
from twin.scenarios.sampling import draw
from twin.scenarios.spec import parse_spec
from twin.scenarios.tables import fan, measures, summary
from twin.solvers.options import SolveOptions

pytestmark = pytest.mark.browser

#: Seconds allowed for the browser to start, and for a page to load and draw.
START_S, DRAW_S = 30.0, 60.0
#: Browser flags: headless, no sandbox (root in CI), nothing phoned home.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
)
#: What every plotly chart of the page drew: its size, whether it has its SVG, how many
#: marks (bars, lines, areas, heatmap images, Sankey links and nodes) have a non-empty
#: box, and canvases (WebGL traces).
CHARTS_JS = """
JSON.stringify(Array.from(document.querySelectorAll('.plotly-graph-div')).map(div => {
  const box = div.getBoundingClientRect();
  const marks = div.querySelectorAll(
    'g.trace path, g.trace image, g.hm image, path.sankey-link, g.sankey-node rect');
  const drawn = Array.from(marks).filter(m => {
    const b = m.getBBox(); return b.width > 0 || b.height > 0; }).length;
  return {id: div.id, width: box.width, height: box.height,
          svg: !!div.querySelector('svg.main-svg'), drawn: drawn,
          canvas: div.querySelectorAll('canvas').length, ready: !!div._fullLayout};
}))
"""

#: Every view of the Sankey's element menu in turn (then back to all material).
SANKEY_MENU_JS = """
(async () => {
  const gd = document.getElementById('chart-sankey');
  const buttons = gd.layout.updatemenus[0].buttons;
  for (const b of [...buttons.slice(1), buttons[0]]) { await Plotly.restyle(gd, b.args[0]); }
  return buttons.length;
})()
"""


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    if os.environ.get("CI"):
        pytest.fail("no Chromium on PATH (.ci/run installs Debian's chromium)")
    pytest.skip("no Chromium on PATH (apt-get install chromium)")


class DevTools:
    """A small Chrome DevTools Protocol client over one page's websocket: commands wait
    for their answer; events that arrive meanwhile are kept in `events`."""

    def __init__(self, url: str) -> None:
        self.socket = websocket.create_connection(url, timeout=DRAW_S, suppress_origin=True)
        self.events: list[dict] = []
        self._id = 0

    def send(self, method: str, **params: object) -> dict:
        self._id += 1
        self.socket.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self._id:
                assert "error" not in message, (method, message["error"])
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, method: str) -> dict:
        """The first event `method` (kept or still to come)."""
        deadline = time.monotonic() + DRAW_S
        while time.monotonic() < deadline:
            for event in self.events:
                if event.get("method") == method:
                    return event
            self.events.append(json.loads(self.socket.recv()))
        raise TimeoutError(method)

    def evaluate(self, expression: str) -> object:
        result = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")

    def close(self) -> None:
        self.socket.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A headless Chromium with a fresh profile; yields its DevTools HTTP address."""
    profile = tmp_path_factory.mktemp("chromium-profile")
    process = subprocess.Popen(
        [_chromium(), *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + START_S
        while not (port_file.exists() and port_file.read_text().strip()):
            assert process.poll() is None, "Chromium exited at start"
            assert time.monotonic() < deadline, "Chromium did not start"
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port_file.read_text().split()[0]}"
    finally:
        process.terminate()
        process.wait(timeout=START_S)


def open_page(browser: str, page: Path, screenshot: Path, actions: str = "") -> dict:
    """Open `page` in a new tab, wait until every chart is drawn, run the JavaScript
    `actions`, save a full-page screenshot; what the page logged, fetched and drew."""
    request = urllib.request.Request(f"{browser}/json/new?about:blank", method="PUT")
    with urllib.request.urlopen(request, timeout=START_S) as answer:
        target = json.load(answer)
    tools = DevTools(target["webSocketDebuggerUrl"])
    try:
        for domain in ("Page", "Runtime", "Log", "Network"):
            tools.send(f"{domain}.enable")
        tools.send(
            "Emulation.setDeviceMetricsOverride",
            width=1400,
            height=900,
            deviceScaleFactor=1,
            mobile=False,
        )
        tools.send("Page.navigate", url=page.resolve().as_uri())
        tools.wait_for("Page.loadEventFired")
        deadline = time.monotonic() + DRAW_S
        while True:
            charts = json.loads(str(tools.evaluate(CHARTS_JS)))
            if all(c["ready"] for c in charts) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        if actions:
            tools.evaluate(actions)
            charts = json.loads(str(tools.evaluate(CHARTS_JS)))
        expected = int(str(tools.evaluate("document.body.dataset.charts")))
        size = tools.send("Page.getLayoutMetrics")["cssContentSize"]
        shot = tools.send(
            "Page.captureScreenshot",
            format="png",
            captureBeyondViewport=True,
            clip={"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
        )
        screenshot.write_bytes(base64.b64decode(shot["data"]))
        return {"charts": charts, "expected": expected, "events": tools.events}
    finally:
        tools.close()
        urllib.request.urlopen(f"{browser}/json/close/{target['id']}", timeout=START_S).close()


def errors(events: list[dict]) -> list[str]:
    """Console errors, uncaught exceptions and error log entries among `events`."""
    found = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.exceptionThrown":
            found.append(json.dumps(params["exceptionDetails"])[:400])
        elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
            found.append(json.dumps(params["args"])[:400])
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            found.append(params["entry"]["text"][:400])
    return found


def network(events: list[dict]) -> list[str]:
    """URLs the page asked for other than the page itself and data it carries."""
    return [
        e["params"]["request"]["url"]
        for e in events
        if e.get("method") == "Network.requestWillBeSent"
        and not e["params"]["request"]["url"].startswith(("file:", "data:", "blob:"))
    ]


def check_page(browser: str, page: Path, screenshot: Path, actions: str = "") -> dict:
    """Open `page` (and run `actions`) and assert it is clean: no errors, no network,
    every chart drawn."""
    seen = open_page(browser, page, screenshot, actions)
    assert errors(seen["events"]) == []
    assert network(seen["events"]) == []
    assert len(seen["charts"]) == seen["expected"] > 0
    for chart in seen["charts"]:
        assert chart["ready"] and chart["width"] > 300 and chart["height"] > 200, chart
        assert chart["svg"] and (chart["drawn"] > 0 or chart["canvas"] > 0), chart
    assert screenshot.stat().st_size > 50_000
    return seen


@pytest.mark.slow
def test_report_of_each_shipped_instance_opens_cleanly(browser, solved, shipped_name, tmp_path):
    results = tmp_path / "results"
    solved(shipped_name).write(results)
    page = tmp_path / "report.html"
    write_report(results, page)
    seen = check_page(browser, page, tmp_path / "screenshot.png")
    ids = {c["id"] for c in seen["charts"]}
    assert {"chart-gantt", "chart-sankey", "chart-power", "chart-kpis"} <= ids


def test_benchmark_report_with_every_optional_table_opens_cleanly(browser, solved, tmp_path):
    folder = make_benchmark(solved("copper_chain_week.yaml"), tmp_path / "bench")
    page = tmp_path / "report.html"
    write_report(folder, page)
    seen = check_page(browser, page, tmp_path / "screenshot.png", SANKEY_MENU_JS)
    ids = {c["id"] for c in seen["charts"]}
    assert {"chart-benchmark", "chart-shadow_prices", "chart-sweep", "chart-caps"} <= ids


@pytest.mark.solver
def test_scenario_report_opens_cleanly(browser, instances_dir, tmp_path):
    """The page twin scenarios writes: cost, KPI, output and input histograms, the fan
    chart of the per-period outcomes; the KPI panels say the share of samples meeting
    each target."""
    inst = twin.load(instances_dir / "copper_chain_week.yaml")
    varies = [parse_spec("price:cathode_market=normal(0,0.08)"), parse_spec("tariff=normal(0,0.1)")]
    plan = make_plan(inst, SolveOptions(backend="direct", threads=1))
    hours = inst.horizon.period_length_h
    table, periods = evaluate_periods(plan, draw(varies, 1, 0, 30, inst.horizon.periods, hours))
    measure = measures(table, plan.cost_cny)
    meta = {"instance": inst.name, "mode": "evaluate", "seed": 1, "vary": [str(v) for v in varies]}
    page = write_scenario_report(
        table, summary(table), measure, meta, tmp_path / "report.html", fan(periods)
    )
    seen = check_page(browser, page, tmp_path / "screenshot.png")
    assert {c["id"] for c in seen["charts"]} == {
        "chart-cost",
        "chart-kpis",
        "chart-outputs",
        "chart-fan",
        "chart-inputs",
    }
    assert "so2_cap: met in 100%" in page.read_text()


def test_png_figures_through_kaleido(solved, tmp_path):
    _chromium()
    results = tmp_path / "results"
    solved("tiny_chain.yaml").write(results)
    written = write_report(results, tmp_path / "report.html", png_dir=tmp_path / "png")
    pngs = [p for p in written if p.suffix == ".png"]
    assert {p.stem for p in pngs} >= {"gantt", "sankey", "power", "kpis", "costs"}
    for path in pngs:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5_000
