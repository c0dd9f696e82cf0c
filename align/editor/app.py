"""The editor's local web application: Starlette on uvicorn, bound to 127.0.0.1.

Every request must carry the session's random token (in the URL of the page,
then as the X-Token header of the page's own calls): other users of the
machine and pages of other sites cannot read or change the project. The page
and its script are served inline, so it loads nothing from the network.
"""

from __future__ import annotations

import json
import secrets
import socket
import threading
import time
from importlib import resources

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from tmforge.align.editor import ops
from tmforge.align.editor.export import export_formats, realign_inputs
from tmforge.align.editor.ops import EditError
from tmforge.align.editor.project import Project, splice_change, text_change
from tmforge.align.editor.realign import realign, run_digests
from tmforge.errors import TmforgeError
from tmforge.tm.model import now_utc
from tmforge.tm.tmx import tmx_date



def page_html() -> str:
    static = resources.files("tmforge.align.editor") / "static"
    html = (static / "editor.html").read_text(encoding="utf-8")
    return (html.replace("/*CSS*/", (static / "editor.css").read_text(encoding="utf-8"))
                .replace("/*JS*/", (static / "editor.js").read_text(encoding="utf-8")))


class BadRequest(Exception):
    pass


def _int(body: dict, key: str) -> int:
    value = body.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadRequest(f"'{key}' must be an integer")
    return value


def _str(body: dict, key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str):
        raise BadRequest(f"'{key}' must be a string")
    return value


class Editor:
    """The application state: one open project and the exporter it uses."""

    def __init__(self, project: Project, export=None, token: str | None = None):
        self.project = project
        self.export = export  # callable(project, path) -> units written; set by the CLI layer
        self.token = token or secrets.token_urlsafe(24)
        self.allowed_hosts: set[str] = set()
        self.app = Starlette(routes=[
            Route("/", self.index),
            Route("/api/state", self.state),
            Route("/api/edit", self.edit, methods=["POST"]),
            Route("/api/undo", self.undo, methods=["POST"]),
            Route("/api/redo", self.redo, methods=["POST"]),
            Route("/api/realign", self.realign, methods=["POST"]),
            Route("/api/export", self.export_route, methods=["POST"]),
            Route("/api/download", self.download),
        ])
        self.app.add_middleware(_Guard, editor=self)
        project.preload()

    # --- routes

    async def index(self, request: Request) -> Response:
        return HTMLResponse(page_html(), headers={"Cache-Control": "no-store",
                                                   "Content-Security-Policy": _CSP})

    async def state(self, request: Request) -> Response:
        p = self.project
        return JSONResponse({
            "name": p.path.name, "src_lang": p.meta["src_lang"], "tgt_lang": p.meta["tgt_lang"],
            "src": p.sides["src"].texts, "tgt": p.sides["tgt"].texts,
            "beads": [b.to_json() for b in p.beads], "history": p.history_state(),
            "formats": export_formats()})

    async def edit(self, request: Request) -> Response:
        body = await _json(request)
        label, changes = self._changes(body)
        self.project.commit(label, changes)
        return self._changed(changes)

    async def undo(self, request: Request) -> Response:
        return self._history(self.project.undo)

    async def redo(self, request: Request) -> Response:
        return self._history(self.project.redo)

    async def realign(self, request: Request) -> Response:
        started = time.perf_counter()
        settled = set(json.loads(self.project.meta.get("realigned_runs", "[]")))
        splices = realign(self.project.beads, realign_inputs(self.project), settled=settled)
        changes = [splice_change(s) for s in splices]
        if changes:
            self.project.commit("realign", changes)
        self.project.set_meta("realigned_runs", json.dumps(sorted(run_digests(self.project.beads))))
        response = self._changed(changes)
        response.headers["X-Seconds"] = f"{time.perf_counter() - started:.3f}"
        return response

    async def export_route(self, request: Request) -> Response:
        body = await _json(request)
        fmt = _str(body, "format").lower()
        if fmt not in export_formats():
            raise BadRequest(f"unknown format '{fmt}'; use one of {', '.join(export_formats())}")
        if self.export is None:
            raise BadRequest("this editor was started without an exporter")
        path = self.project.path.resolve().with_suffix(fmt)
        units = self.export(self.project, path)
        return JSONResponse({"path": str(path), "units": units, "format": fmt})

    async def download(self, request: Request) -> Response:
        fmt = request.query_params.get("format", "")
        path = self.project.path.resolve().with_suffix(fmt)
        if fmt not in export_formats() or fmt == ".moses" or not path.is_file():
            raise BadRequest("nothing exported in that format yet; export first")
        return FileResponse(path, filename=path.name)

    # --- helpers

    def _history(self, step) -> Response:
        applied = step()
        if applied is None:
            raise BadRequest("nothing to undo" if step == self.project.undo else "nothing to redo")
        # The page applies the same changes in the same order: as cheap as an edit, whatever the size.
        return self._changed(applied.changes)

    def _changed(self, changes: list[dict]) -> JSONResponse:
        return JSONResponse({"changes": changes, "history": self.project.history_state()})

    def _changes(self, body: dict) -> tuple[str, list[dict]]:
        op = _str(body, "op")
        beads = self.project.beads
        when = tmx_date(now_utc())
        if op == "merge":
            k = _int(body, "bead")
            return "merge", [splice_change(ops.merge(beads, k - 1 if body.get("with") == "prev" else k, when))]
        if op == "split":
            return "split", [splice_change(ops.split(beads, _int(body, "bead"), _int(body, "src_cut"),
                                                     _int(body, "tgt_cut"), when))]
        if op == "move":
            return "move", [splice_change(ops.move(beads, _int(body, "bead"), _str(body, "side"),
                                                   _str(body, "direction"), when))]
        if op == "detach":
            return "unalign sentence", [splice_change(ops.detach(beads, _int(body, "bead"), _str(body, "side"),
                                                                 _int(body, "position"), when))]
        if op == "unalign":
            return "unalign", [splice_change(ops.unalign(beads, _int(body, "bead"), when))]
        if op == "confirm":
            status = "confirmed" if body.get("value", True) else "auto"
            return "confirm", [splice_change(ops.set_status(beads, _int(body, "bead"), status, when))]
        if op == "exclude":
            return "delete", [splice_change(ops.set_excluded(beads, _int(body, "bead"),
                                                             bool(body.get("value", True)), when))]
        if op == "text":
            k, side, position = _int(body, "bead"), _str(body, "side"), _int(body, "position")
            text = _str(body, "text").strip()
            bead = ops._bead(beads, k)
            indices = bead.side(ops._side(side))
            if not 0 <= position < len(indices):
                raise EditError(f"bead {k} has no {side} sentence {position}")
            if not text:
                raise EditError("a segment cannot be made empty; mark the sentence unaligned or "
                                "delete the unit from the export instead")
            index = indices[position]
            old = self.project.sides[side].texts[index]
            return "edit text", [text_change(side, index, old, text),
                                 splice_change(ops.mark_edited(beads, k, when))]
        raise BadRequest(f"unknown operation '{op}'")


_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:"


async def _json(request: Request) -> dict:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        raise BadRequest("the request body is not JSON") from None
    if not isinstance(body, dict):
        raise BadRequest("the request body must be a JSON object")
    return body


class _Guard:
    """ASGI middleware: the token on every request, a local Host, and errors as JSON."""

    def __init__(self, app, editor: Editor):
        self.app, self.editor = app, editor

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request = Request(scope)
        token = request.headers.get("x-token") or request.query_params.get("token") or ""
        host = request.headers.get("host", "")
        if not secrets.compare_digest(token.encode(), self.editor.token.encode()):
            return await _error(403, "this editor needs the address it printed, token included")(scope, receive, send)
        if self.editor.allowed_hosts and host not in self.editor.allowed_hosts:
            return await _error(403, f"unexpected Host '{host}'")(scope, receive, send)
        started = time.thread_time()

        async def timed_send(message):
            # The server's own CPU time for the request (handlers run on this thread), in the
            # standard Server-Timing header: the speed benchmark tells it from a loaded machine's wall time.
            if message["type"] == "http.response.start":
                cpu_ms = (time.thread_time() - started) * 1000
                message = {**message, "headers": [*message.get("headers", []),
                                                  (b"server-timing", f"cpu;dur={cpu_ms:.2f}".encode())]}
            await send(message)

        try:
            return await self.app(scope, receive, timed_send)
        except BadRequest as exc:
            return await _error(400, str(exc))(scope, receive, send)
        except EditError as exc:
            return await _error(409 if "meanwhile" in str(exc) or "no longer" in str(exc) else 400,
                                str(exc))(scope, receive, send)
        except TmforgeError as exc:
            return await _error(400, str(exc))(scope, receive, send)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def free_socket() -> socket.socket:
    """A listening socket on 127.0.0.1 and a port the system picked."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


class Server:
    """uvicorn serving an Editor on a free local port; `url` carries the token."""

    def __init__(self, editor: Editor):
        import uvicorn

        self.editor = editor
        self.sock = free_socket()
        self.port = self.sock.getsockname()[1]
        editor.allowed_hosts = {f"127.0.0.1:{self.port}", f"localhost:{self.port}"}
        self.server = uvicorn.Server(uvicorn.Config(editor.app, log_level="warning", access_log=False,
                                                    lifespan="off"))
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/?token={self.editor.token}"

    def run(self) -> None:
        """Serve in the foreground until Ctrl-C."""
        self.server.run(sockets=[self.sock])

    def start(self) -> "Server":
        """Serve from a background thread (tests, benchmarks)."""
        self._thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the editor's server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.sock.close()
