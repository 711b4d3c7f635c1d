"""The playground in a real browser: headless Chromium (Debian's, driven by Playwright) against a served gateway
whose fake upstream streams slowly. Screenshots go to test-artifacts/. Every request the page makes is recorded:
none may leave the gateway's origin."""

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from playwright.sync_api import Browser, Page, Request, expect, sync_playwright

from gateway import Settings, create_app
from gateway.access.keys import create_key
from tests.conftest import REPO, SHIPPED_SCHEMAS, gateway_settings
from tests.fake_openai import FakeOpenAI
from tests.live_server import LiveServer

ARTIFACTS = REPO / "test-artifacts"
SHIPPED = ("calendar_event", "contact_card", "invoice", "user_detail")
JASON = "Jason Miller is 25 years old and lives in Lyon."
PEOPLE = "Ann Lee is 31. Bo Chen is 42. Cy Diaz is 53."
# Records what the answer area shows at each change, for the assertions on how a run unfolded.
WATCH_RESULT = """() => {
  window.seen = [];
  const json = document.getElementById("json"), result = document.getElementById("result");
  new MutationObserver(() => window.seen.push({
    state: result.dataset.state, json: json.textContent,
  })).observe(json, {childList: true, characterData: true, subtree: true});
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("the playground tests need Debian's chromium: `make test` installs it (scripts/test-tools.sh)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            # Loopback goes direct; anything else would go to a proxy that is not there (port 9: discard).
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                "--proxy-server=http://127.0.0.1:9",
            ],
        )
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def slow_upstream() -> Iterator[FakeOpenAI]:
    # A few characters of JSON every 0.1 s: a user_detail object takes a second or two to form, an invoice 10.
    with FakeOpenAI(chunk_delay=0.1, chunk_size=8, api_key="test-key") as fake:
        yield fake


def slow_settings(upstream: FakeOpenAI, cache: Path, **more: Any) -> Settings:
    """Time enough for the slowest stream (an invoice, ~10 s here)."""
    return gateway_settings(upstream, cache, upstream_timeout=10.0, request_timeout=60.0, **more)


@pytest.fixture(scope="module")
def gateway(slow_upstream: FakeOpenAI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = gateway_settings(
        slow_upstream, tmp_path_factory.mktemp("cache"), upstream_timeout=10.0, request_timeout=60.0
    )
    with LiveServer(create_app(settings)) as server:
        yield server.url


@pytest.fixture
def page(browser: Browser, gateway: str, slow_upstream: FakeOpenAI) -> Iterator[Page]:
    slow_upstream.reset()
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    opened = context.new_page()
    requested: list[str] = []
    blocked: list[str] = []
    opened.on("request", lambda request: requested.append(request.url))
    opened.on("requestfailed", lambda request: blocked.append(request.url) if refused(request) else None)
    yield opened
    context.close()
    own = (f"{gateway}/", f"blob:{gateway}/")  # blob: a worker ReDoc makes from its own script
    outside = [url for url in requested if not url.startswith(own)]
    assert requested and set(outside) <= set(blocked), outside  # anything else, the browser refused to send


def refused(request: Request) -> bool:
    """Whether the page's Content-Security-Policy stopped the request in the browser (it never left)."""
    return request.failure in ("csp", "net::ERR_BLOCKED_BY_CSP")


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"playground-{name}.png"), full_page=True)


def run(page: Page, text: str, shape: str = "one") -> None:
    page.wait_for_selector("#run:enabled")
    page.fill("#text", text)
    page.check(f"input[name=shape][value={shape}]")
    page.evaluate(WATCH_RESULT)
    page.click("#run")


def finished(page: Page) -> None:
    # Run is disabled from the click until the run ends. (Not wait_for_function: the page's policy forbids eval.)
    page.wait_for_selector("#run:enabled", timeout=30_000)


def seen(page: Page) -> list[dict[str, Any]]:
    states: list[dict[str, Any]] = page.evaluate("window.seen")
    return states


def test_the_object_forms_live_and_ends_as_the_api_answers(page: Page, gateway: str) -> None:
    page.goto(f"{gateway}/playground/user_detail")
    assert page.title() == "UserDetail - playground"
    run(page, JASON)
    finished(page)
    partials = {state["json"] for state in seen(page) if state["state"] == "partial" and state["json"]}
    assert len(partials) >= 2, seen(page)  # fields appeared, strings grew, before the object was final
    assert page.get_attribute("#result", "data-state") == "final"
    assert page.text_content("#status") == "Final: the object is validated against the schema."
    shown = json.loads(page.text_content("#json") or "")
    answered = httpx.post(f"{gateway}/extract/user_detail", json={"text": JASON}, timeout=30)
    assert shown == answered.json()
    meta = dict(
        zip(page.locator("#meta dt").all_text_contents(), page.locator("#meta dd").all_text_contents(), strict=True)
    )
    assert meta["schema version"] == answered.headers["schema-version"]
    assert len(meta["request id"]) == 32 and meta["model"] == "fake-model" and meta["upstream calls"] == "1"
    assert meta["tokens"].endswith("out")
    screenshot(page, "final")


def test_each_value_highlights_its_span_in_the_text(page: Page, gateway: str) -> None:
    page.goto(f"{gateway}/playground/user_detail")
    run(page, JASON)
    finished(page)
    marks = page.locator("#source mark")
    assert marks.all_text_contents() == ["Jason Miller", "25"]
    assert page.text_content("#source") == JASON  # the text itself is unchanged around the marks
    page.hover("#result .value.found[data-path=age]")
    assert page.locator("#source mark.active").all_text_contents() == ["25"]
    assert page.locator("#result .value.active").all_text_contents() == ["25"]
    page.mouse.move(0, 0)
    assert page.locator("#source mark.active").count() == 0
    page.focus("#result .value.found[data-path=name]")  # the keyboard gets the same highlight
    assert page.locator("#source mark.active").all_text_contents() == ["Jason Miller"]
    screenshot(page, "evidence")


def test_list_items_appear_one_by_one(page: Page, gateway: str) -> None:
    page.goto(f"{gateway}/playground/user_detail")
    run(page, PEOPLE, shape="list")
    finished(page)
    counts = [len(json.loads(state["json"])) for state in seen(page) if state["json"]]
    assert counts[-1] == 3 and {1, 2} <= set(counts), counts  # shown with one, then two, items before all three
    shown = json.loads(page.text_content("#json") or "")
    assert shown == httpx.post(f"{gateway}/extract/user_detail/list", json={"text": PEOPLE}, timeout=30).json()
    assert page.text_content("#status") == "Done: 3 objects, each validated."
    screenshot(page, "list")


@pytest.mark.parametrize(
    ("fault", "said"),
    [
        ("500", "Failed with HTTP 502."),  # refused before the stream starts: a JSON error answer
        ("drop", "Failed: see the error."),  # the upstream hangs up mid-stream: the stream's error event
    ],
)
def test_an_upstream_fault_shows_the_error(page: Page, gateway: str, fault: str, said: str) -> None:
    page.goto(f"{gateway}/playground/user_detail")
    run(page, f"{JASON} [[fault:{fault}]]")
    finished(page)
    assert page.is_visible("#error")
    assert page.text_content("#error strong") == "upstream_error"
    assert "upstream LLM" in (page.text_content("#error") or "")
    assert page.text_content("#status") == said
    assert page.get_attribute("#result", "data-state") == "error"
    screenshot(page, f"error-{fault}")


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_schema_has_a_page_that_runs(
    page: Page, gateway: str, slow_upstream: FakeOpenAI, name: str
) -> None:
    # The fake answers with the schema's own example (its rules cannot fill every schema validly).
    (path,) = SHIPPED_SCHEMAS.glob(f"{name}.*")
    example = yaml.safe_load(path.read_text())["x-gateway"]["examples"][0]
    slow_upstream.script(example["output"], example["output"])
    page.goto(f"{gateway}/")
    page.click(f"a[href='/playground/{name}']")
    assert page.url == f"{gateway}/playground/{name}"
    assert page.input_value("#text") == example["text"]  # prefilled from the schema's examples
    assert page.locator(".fields li").count() >= 2
    page.click("#run")  # waits for the button to be enabled, which the script does once loaded
    finished(page)
    assert page.get_attribute("#result", "data-state") == "final", page.text_content("#error")
    answered = httpx.post(f"{gateway}/extract/{name}", json={"text": example["text"]}, timeout=60)
    assert json.loads(page.text_content("#json") or "") == answered.json()


@pytest.mark.parametrize("path", ["/", "/docs", "/redoc", "/docs/invoice", "/playground/invoice"])
def test_every_page_loads_from_the_gateway_alone(page: Page, gateway: str, path: str) -> None:
    # The page fixture checks that every request went to the gateway; here each page must also render.
    failed: list[str] = []
    page.on("requestfailed", lambda request: None if refused(request) else failed.append(request.url))
    page.on("pageerror", lambda error: failed.append(str(error)))
    page.goto(f"{gateway}{path}", wait_until="networkidle")
    assert not failed
    # Swagger UI and ReDoc render after the network is idle (from the spec they fetched): some text, within 15 s.
    expect(page.locator("body")).to_have_text(re.compile(r"\S"), timeout=15_000)


def test_links_lead_to_the_playground(page: Page, gateway: str) -> None:
    listed = {entry["name"]: entry for entry in httpx.get(f"{gateway}/schemas").json()}
    assert all(listed[name]["playground"] == f"/playground/{name}" for name in SHIPPED)
    assert httpx.get(f"{gateway}/openapi/invoice.json").json()["externalDocs"]["url"] == "/playground/invoice"
    assert httpx.get(f"{gateway}/playground/nope").status_code == 404
    page.goto(f"{gateway}/docs/invoice")  # Swagger UI shows the link under the title (it opens a new tab)
    assert page.get_attribute("a.info__extdocs", "href") == f"{gateway}/playground/invoice"


def test_keyboard_only_and_320_px_wide(browser: Browser, gateway: str) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 700})
    page = context.new_page()
    page.goto(f"{gateway}/playground/invoice")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320  # nothing wider than the screen
    page.focus("#text")
    for _ in range(12):  # from the text, Tab reaches Run
        if page.evaluate("document.activeElement.id") == "run":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "run"
    page.keyboard.press("Enter")
    finished(page)
    assert page.get_attribute("#result", "data-state") == "final"
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    screenshot(page, "320px")
    context.close()


def test_a_key_is_asked_for_and_kept_in_the_tab_only(
    browser: Browser, slow_upstream: FakeOpenAI, tmp_path: Path
) -> None:
    keys = tmp_path / "keys.yaml"
    secret = create_key(keys, "browser", schemas=["user_detail"])
    settings = gateway_settings(
        slow_upstream, tmp_path / "cache", api_keys_file=keys, upstream_timeout=10.0, request_timeout=60.0
    )
    with LiveServer(create_app(settings)) as server:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{server.url}/playground/user_detail")
        assert page.is_visible("#api-key")
        page.click("#run")  # no key yet: asked for, nothing sent
        assert page.evaluate("document.activeElement.id") == "api-key"
        page.fill("#api-key", "gw_wrong")
        page.click("#run")
        finished(page)
        assert page.text_content("#error strong") == "unauthorized"
        page.fill("#api-key", secret)
        page.click("#run")
        finished(page)
        assert page.get_attribute("#result", "data-state") == "final"
        assert page.evaluate("sessionStorage.getItem('gateway-api-key')") == secret
        assert page.evaluate("localStorage.length") == 0 and secret not in page.evaluate("document.cookie")
        page.reload()  # the same tab keeps it
        assert page.input_value("#api-key") == secret
        fresh = context.new_page()  # another tab does not
        fresh.goto(f"{server.url}/playground/user_detail")
        assert fresh.input_value("#api-key") == ""
        context.close()
