"""`tmforge edit` as a user runs it: aligns, saves the project, serves the page, stops on Ctrl-C, reopens."""

import json
import os
import signal
import subprocess
import sys
import urllib.request

from conftest import SAMPLES


def start(args, cwd):
    env = {**os.environ, "TMFORGE_NO_BROWSER": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "tmforge", "edit", *map(str, args), "--no-browser"], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    line = proc.stdout.readline()
    assert line.startswith("editor: http://127.0.0.1:"), (line, proc.stderr.read() if proc.poll() is not None else "")
    return proc, line.split()[1]


def state(url):
    base, token = url.split("/?token=")
    request = urllib.request.Request(f"{base}/api/state", headers={"X-Token": token})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def stop(proc):
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=60) == 0, proc.stderr.read()


def test_edit_makes_a_project_serves_it_and_reopens_it(tmp_path):
    folder = SAMPLES / "parallel"
    proc, url = start([folder / "en.sent", folder / "ru.sent", "--segmented", "--user", "Ann"], tmp_path)
    try:
        first = state(url)
        assert first["src_lang"] == "en" and len(first["src"]) == len((folder / "en.sent").read_text().splitlines())
    finally:
        stop(proc)
    project = tmp_path / "en.tmfproj"
    assert project.is_file()

    again = subprocess.run([sys.executable, "-m", "tmforge", "edit", str(folder / "en.sent"), str(folder / "ru.sent"),
                            "--no-browser"], cwd=tmp_path, capture_output=True, text=True)
    assert again.returncode == 2 and "already exists" in again.stderr and "tmforge edit en.tmfproj" in again.stderr

    proc, url = start([project], tmp_path)
    try:
        assert state(url)["beads"] == first["beads"]
    finally:
        stop(proc)


def test_edit_of_folders_says_it_takes_one_pair(tmp_path, cli):
    for lang in ("ru", "en"):
        (tmp_path / lang).mkdir()
        (tmp_path / lang / "a.txt").write_text((SAMPLES / "parallel" / f"{lang}.txt").read_text(encoding="utf-8"),
                                               encoding="utf-8")
    result = cli("edit", tmp_path / "ru", tmp_path / "en", "--no-browser")
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1
    assert "folder" in lines[0] and "one document pair" in lines[0]
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.txt", "a.txt", "en", "ru"]   # nothing written
