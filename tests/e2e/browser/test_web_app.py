"""The main flow of the web app in Chromium: register, create a project, upload the example
material (and see a refused file explained), converse and rename a field, approve, watch the
run, see the preview, the palette and the report, download the site and deploy it."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.browser.conftest import (
    TEST_MAX_UPLOAD_BYTES,
    PageChecks,
    Server,
    start_server,
    stop_server,
)
from tests.e2e.conftest import EXAMPLE

pytestmark = pytest.mark.slow
FIRST_LOAD_BUDGET = 100_000  # bytes of our own files, uncompressed
RUN_SECONDS = 120_000  # ms: a whole offline generation on a busy two-core machine


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    started, process = start_server(tmp_path_factory.mktemp("web") / "data")
    try:
        yield started
    finally:
        stop_server(process)


@pytest.fixture
def page(browser: Any, server: Server) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    try:
        yield tab
    finally:
        context.close()


def example_files(folder: Path = EXAMPLE) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def material_with_an_unreadable_year(tmp_path: Path) -> tuple[Path, int]:
    """The example material with one year no one can read as a number, and its line."""
    folder = tmp_path / "material"
    shutil.copytree(EXAMPLE, folder)
    projects = folder / "projects.md"
    lines = projects.read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines) if text.startswith("Year:")) + 1
    lines[line - 1] = "Year: the winter of twenty-two"
    projects.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder, line


def too_big_file(tmp_path: Path) -> Path:
    big = tmp_path / "full-archive.txt"
    line = b"Notes from the studio, kept for the record.\n"
    big.write_bytes(line * (TEST_MAX_UPLOAD_BYTES // len(line) + 100))
    return big


def test_main_flow_with_pointer(page: Any, server: Server, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    checks = PageChecks(page, "pointer")
    page.goto(server.url + "/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert 10_000 < first_load_bytes(page) < FIRST_LOAD_BUDGET
    checks.check("signin")

    page.get_by_role("link", name="Create an account").first.click()
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    checks.check("register")
    page.get_by_label("Email").fill("mara@example.com")
    page.get_by_label("Password").fill("clay-and-ash-2026")
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", name="Your projects")).to_be_visible()
    expect(page.get_by_text("No projects yet")).to_be_visible()
    checks.check("projects-empty")

    page.get_by_role("link", name="New project").first.click()
    expect(page.get_by_role("heading", name="New project")).to_be_visible()
    page.get_by_label("Project name").fill("Mara Lindqvist")
    page.get_by_label("Colour", exact=True).fill("#b4532a")
    page.get_by_role("button", name="Add colour").click()
    expect(page.get_by_role("button", name="Remove #b4532a")).to_be_visible()
    page.get_by_label("Font").fill("Fraunces")
    checks.check("new-project")
    page.get_by_role("button", name="Create project").click()

    expect(page.get_by_role("heading", name="Add your material")).to_be_visible()
    content = page.get_by_role("region", name="Content")
    content.get_by_label("Choose files for Content").set_input_files(
        [*map(str, example_files()), str(too_big_file(tmp_path))]
    )
    files = content.get_by_role("list", name="Content: files sent")
    expect(files.locator(".file--done")).to_have_count(len(example_files()))
    refused = files.locator(".file--rejected")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("full-archive.txt")
    expect(refused).to_contain_text("KIRBYGEN_MAX_UPLOAD_BYTES")
    photo = next(p for p in example_files() if p.suffix == ".jpg")
    drop_file(page, page.get_by_role("region", name="Moodboard").locator(".drop"), photo)
    moodboard = page.get_by_role("list", name="Moodboard: files sent")
    expect(moodboard.locator(".file--done")).to_have_count(1)
    expect(page.locator(".uploaded__item")).to_have_count(len(example_files()) + 1)
    checks.check("material")
    page.get_by_role("button", name="Continue to the conversation").click()

    expect(page.get_by_role("heading", name="Shape your site")).to_be_visible()
    log = page.get_by_role("log", name="Conversation")
    expect(log.locator(".turn--assistant").first).to_be_visible()
    # A rename in the chat shows in the schema editor...
    page.get_by_label("Your answer").fill("rename field client in project to Commissioned by")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_label("Label of field client in Project")).to_have_value("Commissioned by")
    # ...and one in the editor shows in the conversation.
    role = page.get_by_label("Label of field role in Project")
    role.fill("My part")
    role.press("Enter")
    expect(log.locator(".turn--note")).to_contain_text("renamed field Role to My part in Project")
    # A relation made in the editor names the entity it links to.
    page.get_by_label("New field in Writing", exact=True).fill("About the project")
    page.get_by_label("Type of the new field in Writing").select_option("relation")
    page.get_by_label("New field in Writing", exact=True).press("Enter")
    expect(log.locator(".turn--note").last).to_contain_text("added field About the project")
    target = page.get_by_label("About the project in Writing links to")
    target.select_option("project")
    expect(log.locator(".turn--note").last).to_contain_text(
        "linked About the project in Writing to Project"
    )
    schema = server_schema(page, server)
    project = next(e for e in schema["entities"] if e["id"] == "project")
    labels = {f["id"]: f["label"] for f in project["fields"]}
    assert labels["client"] == "Commissioned by" and labels["role"] == "My part"
    writing = next(e for e in schema["entities"] if e["id"] == "writing")
    relation = next(f for f in writing["fields"] if f["id"] == "about_the_project")
    assert relation["type"] == "relation"
    assert relation["options"]["target_entity"] == "project"
    checks.check("conversation")

    page.get_by_role("button", name="Approve schema").click()
    expect(page.locator(".schema-status")).to_contain_text("Approved.")
    page.get_by_role("button", name="Generate the site").click()

    expect(page.get_by_role("heading", name="Generation")).to_be_visible()
    checks.check("run-live")
    result_link = page.get_by_role("link", name="See the result")
    expect(result_link).to_be_visible(timeout=RUN_SECONDS)
    expect(page.locator(".phase--done")).to_have_count(5)
    assert_log_is_whole(page, server)
    checks.check("run-done")

    result_link.click()
    see_the_result(page, checks, "Mara Lindqvist")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download the Kirby site (.zip)").click()
    archive = Path(download.value.path()).read_bytes()
    with zipfile.ZipFile(io.BytesIO(archive)) as site:
        names = set(site.namelist())
    assert ".kirbygen/report.json" in names
    assert "site/blueprints/pages/project.yml" in names

    deploy = page.get_by_role("region", name="Deploy")
    deploy.get_by_label("Where to").select_option("local")
    deploy.get_by_role("button", name="Deploy").click()
    live = deploy.locator(".deployment[data-status='live']")
    expect(live).to_have_count(1, timeout=RUN_SECONDS)
    link = live.get_by_role("link")
    url = link.get_attribute("href")
    assert url and url.startswith("http://127.0.0.1:")
    with page.context.expect_page() as opened:
        link.click()
    site = opened.value
    site.wait_for_load_state()
    assert site.url == url
    expect(site.locator("h1").first).to_contain_text("Mara Lindqvist")
    site.close()
    expect(page.locator(".project-header .badge")).to_have_text("Deployed")
    versions = page.get_by_role("region", name="Versions")
    expect(versions.locator(".version")).to_have_count(1)
    checks.check("result-deployed")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Projects").click()
    expect(page.get_by_role("heading", name="Your projects")).to_be_visible()
    card = page.locator(".project-card", has_text="Mara Lindqvist")
    expect(card).to_contain_text("Deployed")
    expect(card).to_contain_text(re.compile(r"Last run: succeeded"))
    expect(card.locator("iframe.thumb__frame")).to_have_count(1)
    checks.check("projects")


def drop_file(page: Any, zone: Any, path: Path) -> None:
    """Drags a file onto a drop zone the way a browser delivers it: a DataTransfer with a File."""
    data = list(path.read_bytes())
    transfer = page.evaluate_handle(
        """([name, bytes]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([new Uint8Array(bytes)], name));
            return transfer;
        }""",
        [path.name, data],
    )
    zone.dispatch_event("dragenter", {"dataTransfer": transfer})
    zone.dispatch_event("drop", {"dataTransfer": transfer})


def first_load_bytes(page: Any) -> int:
    """What the first page cost in our own files (not the API's answers), uncompressed."""
    total: int = page.evaluate(
        """() => [...performance.getEntriesByType('navigation'),
                  ...performance.getEntriesByType('resource')]
            .filter(e => e.name.startsWith(location.origin) && !e.name.includes('/api/'))
            .reduce((sum, e) => sum + e.decodedBodySize, 0)"""
    )
    return total


def see_the_result(page: Any, checks: PageChecks, name: str) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", name="Your site")).to_be_visible()
    preview = page.frame_locator("iframe[title='Preview of " + name + "']")
    expect(preview.locator("body")).to_contain_text(name)
    swatches = page.get_by_role("region", name="Palette").locator(".swatch")
    expect(swatches.first).to_be_visible()
    assert swatches.count() >= 8
    expect(swatches.first).to_contain_text(re.compile(r"\d+\.\d\d:1"))
    expect(page.get_by_role("region", name="Type")).to_contain_text("Quiet objects")
    report = page.get_by_role("region", name="What was left out or changed")
    expect(report).to_contain_text("items on")
    checks.check("result")


def server_schema(page: Any, server: Server) -> dict[str, Any]:
    project_id = re.search(r"#/p/([\w-]+)/", page.url)
    assert project_id
    token = page.evaluate("async () => (await import('/api.js')).token()")
    schema: dict[str, Any] = server.api(
        "GET", f"/api/projects/{project_id.group(1)}/schema", token=token
    )["schema"]
    return schema


def assert_log_is_whole(page: Any, server: Server) -> None:
    """The live log shows every stored event of the run exactly once, in order."""
    match = re.search(r"#/p/([\w-]+)/run/([\w-]+)", page.url)
    assert match
    token = page.evaluate("async () => (await import('/api.js')).token()")
    stored = server.api(
        "GET", f"/api/projects/{match.group(1)}/runs/{match.group(2)}/events", token=token
    )["items"]
    shown = page.locator(".log__entry").evaluate_all("els => els.map(e => Number(e.dataset.seq))")
    assert shown == [e["seq"] for e in stored]
    assert len(shown) == len(set(shown)) > 5


def focus(page: Any, target: Any, limit: int = 250) -> None:
    """Tab (only Tab) until ``target`` has the focus, and check the focus can be seen."""
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            visible = target.evaluate(
                """el => [el, ...(el.labels || [])].some(e => {
                    const s = getComputedStyle(e);
                    return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
                })"""
            )
            assert visible, f"no visible focus on {target}"
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


def choose_files_with_the_keyboard(page: Any, file_input: Any) -> Any:
    """Space (or Enter) on the focused file input opens the file chooser. Chromium sometimes
    lets the first key press go by without a dialog; a second press is what a person does."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    focus(page, file_input)
    for key in ("Space", "Enter", "Space"):
        try:
            with page.expect_file_chooser(timeout=4_000) as chooser:
                page.keyboard.press(key)
            return chooser.value
        except PlaywrightTimeout:
            focus(page, file_input)
    raise AssertionError("the keyboard never opened the file chooser")


def test_main_flow_with_the_keyboard_only(page: Any, server: Server, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    checks = PageChecks(page, "keyboard")
    page.goto(server.url + "/#/register")
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    focus(page, page.get_by_label("Email"))
    page.keyboard.type("ines@example.com")
    page.keyboard.press("Tab")
    page.keyboard.type("glaze-and-fire-2026")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Your projects")).to_be_visible()
    focus(page, page.get_by_role("link", name="Start your first project"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="New project")).to_be_visible()
    focus(page, page.get_by_label("Project name"))
    page.keyboard.type("Ines Studio")
    focus(page, page.get_by_label("Font"))
    page.keyboard.type("Inter")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Add your material")).to_be_visible()
    content = page.get_by_role("region", name="Content")
    unknown = tmp_path / "setup.exe"
    unknown.write_bytes(b"MZ\x90\x00\x03" + bytes(range(256)) * 8)
    material, odd_line = material_with_an_unreadable_year(tmp_path)
    chooser = choose_files_with_the_keyboard(page, content.locator("input[type=file]"))
    chooser.set_files([*map(str, example_files(material)), str(unknown)])
    files = content.get_by_role("list", name="Content: files sent")
    expect(files.locator(".file--done")).to_have_count(len(example_files(material)))
    refused = files.locator(".file--rejected")
    expect(refused).to_contain_text("setup.exe")
    expect(refused).to_contain_text("not an accepted type")
    focus(page, page.get_by_role("button", name="Continue to the conversation"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Shape your site")).to_be_visible()
    focus(page, page.get_by_label("Your answer"))
    page.keyboard.type("rename field year in project to Year made")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Label of field year in Project")).to_have_value("Year made")
    materials = page.get_by_label("Label of field materials in Project")
    focus(page, materials)
    page.keyboard.press("Control+A")
    page.keyboard.type("Made from")
    page.keyboard.press("Enter")
    log = page.get_by_role("log", name="Conversation")
    expect(log.locator(".turn--note")).to_contain_text("renamed field Materials to Made from")
    focus(page, page.get_by_role("button", name="Approve schema"))
    page.keyboard.press("Enter")
    generate = page.get_by_role("button", name="Generate the site")
    expect(generate).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Generation")).to_be_visible()
    result_link = page.get_by_role("link", name="See the result")
    expect(result_link).to_be_visible(timeout=RUN_SECONDS)
    assert_log_is_whole(page, server)
    focus(page, result_link)
    page.keyboard.press("Enter")

    see_the_result(page, checks, "Ines Studio")
    # The value that could not be stored as written, with its source opened at the line.
    source = page.get_by_role("button", name=f"projects.md, line {odd_line}")
    expect(source.locator("xpath=..")).to_contain_text("the winter of twenty-two")
    focus(page, source)
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name=f"projects.md, line {odd_line}")
    expect(dialog.locator(".source__line--marked")).to_have_text("Year: the winter of twenty-two")
    checks.check("source")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    focus(page, page.get_by_role("button", name="Download the Kirby site (.zip)"))
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    with zipfile.ZipFile(download.value.path()) as site:
        assert ".kirbygen/tokens.json" in site.namelist()

    focus(page, page.get_by_label("Where to"))
    page.keyboard.press("Home")  # the first target: this computer
    focus(page, page.get_by_role("button", name="Deploy", exact=True))
    page.keyboard.press("Enter")
    link = page.locator(".deployment[data-status='live']").get_by_role("link")
    expect(link).to_be_visible(timeout=RUN_SECONDS)
    focus(page, link)
    with page.context.expect_page() as opened:
        page.keyboard.press("Enter")
    opened.value.wait_for_load_state()
    expect(opened.value.locator("h1").first).to_contain_text("Ines Studio")


def test_a_killed_websocket_reconnects_and_shows_every_event_once(
    page: Any, server: Server
) -> None:
    """The first connection is cut after three events; the next one gets every message
    twice (as a replay overlapping the live stream would): the log still shows each event
    once, in order, and nothing is missing."""
    from playwright.sync_api import expect

    connections: list[str] = []

    def intercept(socket: Any) -> None:
        connections.append(socket.url)
        upstream = socket.connect_to_server()
        first = len(connections) == 1
        events = 0

        def from_server(message: str | bytes) -> None:
            nonlocal events
            if first:
                events += 1
                if events > 3:
                    socket.close(code=4000, reason="cut by the test")
                    upstream.close()
                    return
                socket.send(message)
            else:
                socket.send(message)
                socket.send(message)

        upstream.on_message(from_server)

    token = sign_up(server, "kai@example.com")
    project_id = ready_project(server, token)
    page.route_web_socket(re.compile(r"/api/projects/.+/events"), intercept)
    page.goto(server.url + "/")
    sign_in_page(page, "kai@example.com")
    run = server.api("POST", f"/api/projects/{project_id}/runs", token=token)
    page.evaluate(f"location.hash = '#/p/{project_id}/run/{run['id']}'")
    expect(page.get_by_role("link", name="See the result")).to_be_visible(timeout=RUN_SECONDS)
    assert len(connections) >= 2, connections
    assert "after=0" in connections[0] and "after=3" in connections[1], connections
    assert_log_is_whole(page, server)


def sign_up(server: Server, email: str) -> str:
    server.api("POST", "/api/auth/register", {"email": email, "password": "pots-and-kilns-1"})
    login = server.api("POST", "/api/auth/login", {"email": email, "password": "pots-and-kilns-1"})
    return str(login["access_token"])


def sign_in_page(page: Any, email: str) -> None:
    from playwright.sync_api import expect

    page.evaluate("location.hash = '#/signin'")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("pots-and-kilns-1")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your projects")).to_be_visible()


def ready_project(server: Server, token: str) -> str:
    """A project with the example material and an approved schema, made over the API."""
    project = server.api("POST", "/api/projects", {"name": "Kai Works"}, token=token)
    for path in example_files():
        upload_file(server, token, project["id"], path)
    base = f"/api/projects/{project['id']}"
    server.api("POST", f"{base}/conversation", {}, token=token)
    server.api("POST", f"{base}/schema/approve", token=token)
    return str(project["id"])


def upload_file(server: Server, token: str, project_id: str, path: Path) -> None:
    import urllib.request

    boundary = "----kirbygen-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{path.name}"'
            "\r\nContent-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + path.read_bytes()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        f"{server.url}/api/projects/{project_id}/uploads?kind=content", data=body, method="POST"
    )
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201
