"""`tmforge tm serve` started for real (uvicorn on 127.0.0.1) and asked over HTTP as Weblate asks it."""

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

from tmforge.tm.model import TranslationUnit
from tmforge.tm.store import Store

PAIRS = [
    ("Проверьте настройки термостата перед запуском системы.",
     "Check the thermostat settings before starting the system."),
    ("Закройте кран и/или вентиль перед запуском насоса.", "Close the tap and/or valve before starting the pump."),
    ("Нажмите кнопку питания.", "Press the power button."),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served(str):
    """The server's base URL, with the pid of the `tmforge tm serve` process."""

    pid: int


@contextmanager
def server(store, *extra):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "tmforge", "tm", "serve", str(store), "--port", str(port),
                             "--no-semantic", *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = Served(f"http://127.0.0.1:{port}")
    base.pid = proc.pid
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/languages/", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None:
                    raise AssertionError(proc.stderr.read())
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def get(url):
    """(status, parsed JSON body) for any status."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def post(url, body: bytes, token=None):
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("serve") / "m.tmdb"
    with Store.create_or_open(path) as st:
        st.import_units([("manual.tmx", lambda: [TranslationUnit(s, t, "ru", "en") for s, t in PAIRS]),
                         ("uk.tmx", lambda: [TranslationUnit("Colour settings.", "Настройки цвета.", "en-GB", "ru")])])
    return path


def test_tmserver_protocol_as_weblate_calls_it(store):
    with server(store) as base:
        status, languages = get(base + "/languages/")
        assert status == 200
        # Units answer lookups both ways round, so every language is a source and a target.
        assert languages == {"sourceLanguages": ["en", "en_gb", "ru"], "targetLanguages": ["en", "en_gb", "ru"]}
        # Weblate url-quotes the text as one path segment (a slash inside becomes %2F).
        status, matches = get(base + "/ru/en/unit/" + quote(PAIRS[1][0].encode(), safe=""))
        assert status == 200
        assert matches[0]["source"] == PAIRS[1][0] and matches[0]["target"] == PAIRS[1][1]
        assert matches[0]["quality"] == 100
        status, matches = get(base + "/ru/en/unit/" + quote("Проверьте настройки термостата перед запуском насоса.",
                                                             safe=""))
        assert status == 200 and [m["target"] for m in matches] == [PAIRS[0][1]]
        assert 70 <= matches[0]["quality"] < 100 and isinstance(matches[0]["quality"], int)
        status, matches = get(base + "/en_gb/ru/unit/" + quote("Colour settings.", safe=""))
        assert status == 200 and matches[0]["target"] == "Настройки цвета."
        status, matches = get(base + "/en/ru/unit/" + quote(PAIRS[2][1], safe=""))      # a ru -> en unit
        assert status == 200 and [(m["source"], m["target"], m["quality"]) for m in matches] == [
            (PAIRS[2][1], PAIRS[2][0], 100)]
        status, matches = get(base + "/de/en/unit/Hallo")
        assert status == 200 and matches == []
        # Many clients at once share a few pooled connections: every one gets its own answer.
        texts = [s for s, _ in PAIRS] * 8
        with ThreadPoolExecutor(max_workers=24) as pool:
            answers = list(pool.map(lambda t: get(base + "/ru/en/unit/" + quote(t, safe="")), texts))
        assert [(status, found[0]["source"]) for status, found in answers] == [(200, t) for t in texts]


def test_richer_api_and_json_errors(store):
    with server(store) as base:
        query = urlencode({"q": "Нажмите кнопку питания.", "src": "ru", "tgt": "en"})
        status, matches = get(f"{base}/api/v1/lookup?{query}")
        assert status == 200
        assert {"source", "target", "quality", "kind", "origin"} <= set(matches[0])
        assert matches[0]["kind"] == "exact" and matches[0]["origin"] == "manual.tmx"
        status, hits = get(f"{base}/api/v1/concordance?" + urlencode({"q": "термостат"}))
        assert status == 200 and len(hits) == 1
        start, end = hits[0]["source_spans"][0]
        assert hits[0]["source"][start:end] == "термостата"
        status, info = get(f"{base}/api/v1/info")
        assert status == 200 and info["units"] == 4 and info["read_only"] is True
        for url, code in [("/xx!/en/unit/abc", 400), ("/api/v1/lookup", 400),
                          ("/api/v1/lookup?q=a&min=abc", 400), ("/api/v1/lookup?q=a&min=500", 400),
                          ("/api/v1/concordance?q=(&regex=true", 400), ("/api/v1/concordance?q=a&side=up", 400),
                          ("/nothing/here", 404)]:
            status, body = get(base + url)
            assert status == code and set(body) == {"error"}, url
        status, body = post(base + "/api/v1/units", b'{"units": []}')
        assert status == 403 and "read-only" in body["error"]


def test_units_are_added_only_with_the_write_token(tmp_path, store):
    copy = tmp_path / "copy.tmdb"
    copy.write_bytes(store.read_bytes())
    unit = {"source": "Сохраните файл.", "target": "Save the file.", "src_lang": "ru", "tgt_lang": "en"}
    with server(copy, "--write-token", "s3cret") as base:
        status, body = post(base + "/api/v1/units", json.dumps({"units": [unit]}).encode(), token="wrong")
        assert status == 401 and set(body) == {"error"}
        status, body = post(base + "/api/v1/units", b"{not json", token="s3cret")
        assert status == 400
        status, body = post(base + "/api/v1/units", json.dumps({"units": [{"source": "x"}]}).encode(), token="s3cret")
        assert status == 400 and "target" in body["error"]
        status, body = post(base + "/api/v1/units", json.dumps({"units": [unit, unit]}).encode(), token="s3cret")
        assert status == 201 and body["added"] == 1 and body["duplicates"] == 1
        status, matches = get(base + "/ru/en/unit/" + quote("Сохраните файл.", safe=""))
        assert status == 200 and matches[0]["target"] == "Save the file."
    with Store.open(store) as original:
        assert original.count() == 4          # the served copy changed, not the original


def _children(pid: int) -> set[int]:
    found = set()
    for task in (Path(f"/proc/{pid}/task")).glob("*/children"):
        found |= {int(child) for child in task.read_text().split()}
    return found


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads the process tree from /proc (Linux)")
def test_worker_processes_share_the_store_and_its_writes(tmp_path, store):
    """Two worker processes: each answers, and a write through one is seen by every worker (a new language
    pair included: no worker keeps a stale list); concurrent writes through both all land."""
    copy = tmp_path / "copy.tmdb"
    copy.write_bytes(store.read_bytes())
    with server(copy, "--workers", "2", "--write-token", "t0k") as base:
        serving = {get(base + "/api/v1/info")[1]["worker_pid"] for _ in range(20)}
        assert serving <= _children(base.pid) and len(_children(base.pid)) >= 2    # answered by worker processes
        unit = {"source": "Hallo Welt.", "target": "Hello world.", "src_lang": "de", "tgt_lang": "en"}
        status, body = post(base + "/api/v1/units", json.dumps({"units": [unit]}).encode(), token="t0k")
        assert status == 201 and body["added"] == 1
        # Every new connection may land on either worker: all of them find the unit.
        answers = [get(base + "/de/en/unit/" + quote("Hallo Welt.", safe="")) for _ in range(12)]
        assert all(status == 200 and found and found[0]["target"] == "Hello world." for status, found in answers)
        new = [{"source": f"Строка номер {k} сохранена.", "target": f"Line number {k} saved.",
                "src_lang": "ru", "tgt_lang": "en"} for k in range(16)]
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(lambda u: post(base + "/api/v1/units", json.dumps({"units": [u]}).encode(),
                                                   token="t0k"), new))
        assert [(status, body["added"]) for status, body in results] == [(201, 1)] * 16
    with Store.open(copy) as st:
        assert st.count() == 4 + 1 + 16



def test_a_port_in_use_or_a_bad_store_is_one_error_line_before_serving(tmp_path, store):
    """uvicorn logged "ERROR: [Errno 98] ... address already in use" and exited with 3; a bad store was
    reported after "serving ... Ctrl-C stops" had been printed."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = subprocess.run([sys.executable, "-m", "tmforge", "tm", "serve", str(store), "--port", str(port),
                              "--no-semantic"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and run.stderr.startswith("error:") and run.stderr.count("\n") == 1, run.stderr
    assert f"127.0.0.1:{port}" in run.stderr and "in use" in run.stderr and "--port" in run.stderr
    bad = tmp_path / "notes.tmdb"
    bad.write_text("not a store", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "tmforge", "tm", "serve", str(bad), "--port", str(free_port()),
                          "--no-semantic"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and run.stderr.startswith("error:") and "serving" not in run.stderr, run.stderr


def test_a_lookup_while_another_process_writes_is_503_json(tmp_path, store):
    """A lookup that waited out an import's lock answered 500 "internal error (OperationalError)"."""
    import sqlite3

    with server(store) as base:
        other = sqlite3.connect(store, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        try:
            status, body = get(base + "/ru/en/unit/" + quote(PAIRS[2][0], safe=""))
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert status == 503 and "retry" in body["error"], body
        status, body = get(base + "/ru/en/unit/" + quote(PAIRS[2][0], safe=""))
        assert status == 200 and body[0]["target"] == PAIRS[2][1]
