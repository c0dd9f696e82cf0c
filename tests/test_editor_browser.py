"""The editor end to end: a real server on 127.0.0.1, driven in Debian's chromium through Playwright.

Set TMFORGE_SCREENSHOT=docs/editor.png to keep the screenshot the README shows.
"""

import json
import os
import shutil
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from lxml import etree

from browser import FLAGS, chromium
from conftest import DATA
from editor_fixtures import sample_project
from tmforge.align.editor import ops
from tmforge.align.editor.app import Editor, Server
from tmforge.align.editor.export import export_project
from tmforge.align.editor.project import Project

playwright_api = pytest.importorskip("playwright.sync_api")
DTD = etree.DTD(str(DATA / "tmx" / "dtd" / "tmx14.dtd"))


@pytest.fixture(scope="module")
def built(tmp_path_factory, encoder):
    p = sample_project(tmp_path_factory.mktemp("built") / "sample.tmfproj", encoder)
    p.close()
    return p.path


@pytest.fixture()
def server(tmp_path, built):
    path = tmp_path / "sample.tmfproj"
    shutil.copyfile(built, path)
    project = Project.open(path)
    running = Server(Editor(project, export=lambda p, out: export_project(p, out).written)).start()
    yield running
    running.stop()
    project.close()


@pytest.fixture(scope="module")
def browser():
    exe = chromium()
    with playwright_api.sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=exe, args=FLAGS)
        yield instance
        instance.close()


def call(server, path, body=None, token=None, host=None):
    """A real HTTP request to the editor; (status, JSON body)."""
    url = f"http://127.0.0.1:{server.port}{path}"
    request = urllib.request.Request(url, data=None if body is None else body.encode(), method="GET" if body is None else "POST")
    request.add_header("X-Token", server.editor.token if token is None else token)
    if host:
        request.add_header("Host", host)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_requests_need_the_token_and_bad_edits_change_nothing(server):
    assert call(server, "/api/state", token="")[0] == 403
    assert call(server, "/api/state", token="guess")[0] == 403
    assert call(server, "/api/state", host="evil.example:80")[0] == 403   # DNS rebinding
    status, state = call(server, "/api/state")
    assert status == 200 and len(state["beads"]) == len(server.editor.project.beads)
    for body in ('{"op": "merge", "bead": 100000}', '{"op": "split", "bead": 0, "src_cut": 0, "tgt_cut": 0}',
                 '{"op": "move", "bead": -1, "side": "src", "direction": "up"}', '{"op": "fly", "bead": 0}',
                 '{"op": "merge", "bead": "0"}', "not json", "[1, 2]",
                 '{"op": "text", "bead": 0, "side": "src", "position": 0, "text": "  "}'):
        status, answer = call(server, "/api/edit", body)
        assert 400 <= status < 500 and answer["error"], body
    assert call(server, "/api/state")[1] == state
    assert call(server, "/api/undo", "{}")[0] == 400     # nothing to undo yet


def apply_like_the_page(state, changes):
    """What editor.js's applyChanges does with an answer: splices and text changes, in order."""
    for change in changes:
        if "splice" in change:
            splice = change["splice"]
            start = splice["start"]
            state["beads"][start:start + len(splice["old"])] = splice["new"]
        else:
            state[change["side"]][change["index"]] = change["new"]


def test_undo_and_redo_answers_bring_the_page_to_the_servers_state(server):
    """Undo/redo answer with the changes they applied (not a diff of everything): the page's copy,
    updated from the answers alone, must equal the server's state after every step."""
    page = call(server, "/api/state")[1]
    edits = ['{"op": "merge", "bead": 2}',
             '{"op": "text", "bead": 4, "side": "tgt", "position": 0, "text": "Fixed typo."}',
             '{"op": "split", "bead": 2, "src_cut": 1, "tgt_cut": 1}',
             '{"op": "confirm", "bead": 0}']
    steps = [("/api/edit", e) for e in edits] + [("/api/undo", "{}")] * 4 + [("/api/redo", "{}")] * 3
    for path, body in steps:
        status, answer = call(server, path, body)
        assert status == 200, (path, body, answer)
        apply_like_the_page(page, answer["changes"])
        server_state = call(server, "/api/state")[1]
        for key in ("beads", "src", "tgt"):
            assert page[key] == server_state[key], (path, body, key)

def wait_saved(page, count):
    page.wait_for_function(f"Number(document.body.dataset.saved || 0) >= {count}", timeout=15000)


def bead_count(page):
    return page.evaluate("window.__editor.state.beads.length")


def test_a_translator_corrects_realigns_and_exports_in_the_page(server, browser, tmp_path):
    project = server.editor.project
    n_src, n_tgt = len(project.sides["src"].texts), len(project.sides["tgt"].texts)
    # bypass_csp: the page forbids eval, which Playwright's wait_for_function uses
    page = browser.new_page(viewport={"width": 1400, "height": 900}, bypass_csp=True)
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(server.url)
    page.wait_for_selector("body[data-ready='1']")
    total = len(project.beads)
    assert page.locator(".bead").count() < total or total < 40   # only what is on screen is rendered
    assert "to review" in page.inner_text("#counts") and "Keys" in page.inner_text("#help")

    saved = 0

    def press(key):
        nonlocal saved
        page.keyboard.press(key)
        saved += 1
        wait_saved(page, saved)
        assert not page.evaluate("document.body.dataset.error || ''")

    press("c")                                                      # confirm bead 0
    assert "confirmed" in page.get_attribute(".bead[data-bead='0']", "class")
    page.keyboard.press("j")
    press("m")                                                      # merge beads 1 and 2
    assert bead_count(page) == total - 1
    press("Control+z")
    assert bead_count(page) == total
    press("Control+y")
    assert bead_count(page) == total - 1
    press("s")                                                      # split it again
    assert bead_count(page) == total
    page.keyboard.press("j")
    press("[")                                                      # last source sentence to the next bead
    press("]")                                                      # and back
    press("u")                                                      # the whole bead unaligned
    assert bead_count(page) == total + 1
    press("Control+z")
    page.keyboard.press("j")
    page.click(".bead[data-bead='4'] .side.tgt .s")                # select a target sentence
    page.keyboard.press("e")
    page.keyboard.press("Control+a")
    page.keyboard.type("Исправленный перевод.")
    press("Enter")
    assert "Исправленный перевод." in page.inner_text(".bead[data-bead='4']")
    page.keyboard.press("j")
    press("x")                                                      # bead 5 left out of the export
    assert "excluded" in page.get_attribute(".bead[data-bead='5']", "class")
    press("r")                                                      # realign the rest
    state = page.evaluate("window.__editor.state.beads")

    # Reload: everything was saved on the server, the page shows the same.
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    assert page.evaluate("window.__editor.state.beads") == state
    assert "Исправленный перевод." in page.inner_text(".bead[data-bead='4']")
    assert "confirmed" in page.get_attribute(".bead[data-bead='0']", "class")
    ops.check_partition(project.beads, n_src, n_tgt)

    # Problems: jump to the next one and filter to problems only.
    problems = int(page.get_attribute("body", "data-problems"))
    page.keyboard.press("n")
    if problems:
        selected = page.evaluate("window.__editor.state.selected")
        page.keyboard.press("f")
        shown = page.locator(".bead").count()
        assert shown <= problems + 1 and f"data-bead=\"{selected}\"" in page.inner_html("#rows")
        page.keyboard.press("f")

    page.screenshot(path=str(tmp_path / "editor.png"))
    if os.environ.get("TMFORGE_SCREENSHOT"):
        shutil.copyfile(tmp_path / "editor.png", os.environ["TMFORGE_SCREENSHOT"])

    # Export from the page: the TMX lands beside the project and validates.
    page.select_option("#format", ".tmx")
    page.click("#export")
    page.wait_for_function("document.body.dataset.exported", timeout=15000)
    out = Path(page.get_attribute("body", "data-exported"))
    tree = etree.parse(str(out))
    assert DTD.validate(tree), DTD.error_log.filter_from_errors()
    segs = [tu.findtext("tuv[2]/seg") for tu in tree.findall(".//tu")]
    assert any("Исправленный перевод." in s for s in segs)
    assert tree.find(".//tu").get("changedate") and tree.find(".//tu/prop[@type='x-status']").text == "confirmed"
    with page.expect_download() as download:
        page.click("#status a")
    assert download.value.path().read_bytes() == out.read_bytes()

    local = f"http://127.0.0.1:{server.port}/"
    assert all(u.startswith(local) for u in requests), [u for u in requests if not u.startswith(local)]
    page.close()
