"""`tmforge tm serve`: the store over HTTP (Starlette on uvicorn), JSON in and out.

tmserver protocol (what Weblate's "tmserver" machine-translation backend and
amaGama clients call); language codes lower case with underscores (en_gb):

    GET /languages/                      {"sourceLanguages": [...], "targetLanguages": [...]} (every
                                         language of the store on both: units answer either way round)
    GET /{src}/{tgt}/unit/{quoted text}  [{"source", "target", "quality"}, ...] best first
                                         (exact and fuzzy; ?min=70 &max=10)

Richer API (every match field; semantic matches when the store has vectors):

    GET  /api/v1/info                    units, pairs, vectors, read-only or not
    GET  /api/v1/lookup?q=TEXT&src=ru&tgt=en[&min=70&limit=10&semantic=true]
    GET  /api/v1/concordance?q=TERM[&side=src|tgt|both&regex=true&src=&tgt=&limit=50]
    POST /api/v1/units                   {"units": [{"source", "target", "src_lang", "tgt_lang"}, ...]}
                                         with "Authorization: Bearer TOKEN"; only when the server
                                         was started with a write token (read-only otherwise: 403)

Errors are JSON `{"error": "..."}` with a 4xx status for bad requests (never a
traceback); 500 only for faults of the server itself, also as JSON.

Worker processes: a lookup is mostly Python, so one process answers on one
core at a time (the GIL). `serve` starts one uvicorn worker process per usable
core by default, all on one listening socket, each with its own read-only
connections; the store is a file, so they need nothing else in common. Writes
(with a write token) take SQLite's write lock: a write in one worker waits for
one in another (busy timeout), readers in every worker see a write once it is
committed (pairs are reread per lookup).
"""

from __future__ import annotations

import hmac
import importlib
import json
import os
import queue
import sys
import threading
from contextlib import contextmanager
from typing import Callable, Iterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tmforge.errors import TmforgeError
from tmforge.threads import thread_env, usable_cores
from tmforge.tm import concordance as conc
from tmforge.tm.langtags import canonical_tag
from tmforge.tm.lookup import DEFAULT_MIN, DEFAULT_SEMANTIC_MIN, lookup
from tmforge.tm.model import TranslationUnit
from tmforge.tm.store import Store, StoreBusy, is_busy, web_code

MAX_TEXT = 2000          # characters of a query; longer ones are cut, as Weblate cuts at 500
MAX_UNITS_PER_POST = 10_000
MAX_BODY = 20 * 1024 * 1024
WRITE_WAIT_S = 60        # how long a write waits for another worker's write to finish
_WORKER_ENV = "TMFORGE_SERVE_WORKER"   # how the serving command tells its worker processes what to serve


class _Stores:
    """A bounded pool of read-only connections (each with its semantic index); one writer behind a lock.

    Starlette runs the handlers in a pool of up to 40 threads. Letting all of them look up at once on a
    few cores only makes every request slower (and costs a page cache per connection), so at most
    `readers` lookups run together, by default one per usable core; the others wait for a connection.
    """

    def __init__(self, path, encoder_factory: Callable | None, write_token: str | None,
                 readers: int | None = None):
        self.path = path
        self.encoder_factory = encoder_factory
        self.write_token = write_token
        self.readers = readers or usable_cores()
        self._idle: queue.LifoQueue = queue.LifoQueue()      # the most recently used: its cache is warm
        self._opened = 0
        self._open_lock = threading.Lock()
        self._semantic: dict[int, object] = {}
        self._write_lock = threading.Lock()
        Store.open(path).close()   # fail at start, not at the first request, on a bad store

    @contextmanager
    def reader(self) -> Iterator[Store]:
        store = self._take()
        try:
            yield store
        finally:
            self._idle.put(store)

    def _take(self) -> Store:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._open_lock:
            if self._opened < self.readers:
                store = Store.open(self.path, check_same_thread=False)
                self._opened += 1
                return store
        return self._idle.get()

    def semantic(self, store: Store):
        """The connection's semantic index, or None when the store has no vectors or no encoder was given."""
        if self.encoder_factory is None:
            return None
        if id(store) not in self._semantic:
            from tmforge.tm.vectors import SemanticIndex

            try:
                index = SemanticIndex(store, self.encoder_factory())
            except TmforgeError:   # stale vector index: exact and fuzzy lookups still answer
                index = None
            self._semantic[id(store)] = index if index is not None and len(index) else None
        return self._semantic[id(store)]

    def add(self, units: list[TranslationUnit]):
        # The lock orders this process's writes; SQLite's lock (waiting up to WRITE_WAIT_S) those of other workers.
        with self._write_lock, Store.open(self.path, readonly=False, timeout=WRITE_WAIT_S) as store:
            return store.add_units(units, origin="api")


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _lang(code: str, what: str) -> str:
    try:
        return canonical_tag(code.replace("_", "-"))
    except TmforgeError:
        raise HTTPException(400, f"{what} '{code}' is not a language code; use codes such as ru, en, en_gb")


def _int(request: Request, name: str, default: int, lo: int, hi: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise HTTPException(400, f"parameter {name} must be an integer, not '{raw[:40]}'")
    if not lo <= value <= hi:
        raise HTTPException(400, f"parameter {name} must be between {lo} and {hi}")
    return value


def _flag(request: Request, name: str) -> bool:
    raw = request.query_params.get(name, "").lower()
    if raw in ("", "0", "false", "no"):
        return False
    if raw in ("1", "true", "yes"):
        return True
    raise HTTPException(400, f"parameter {name} must be true or false, not '{raw[:40]}'")


def create_app(store_path, *, encoder_factory: Callable | None = None, write_token: str | None = None,
               readers: int | None = None) -> Starlette:
    stores = _Stores(store_path, encoder_factory, write_token, readers)

    def languages(request: Request) -> JSONResponse:
        with stores.reader() as store:
            pairs = store.pairs(refresh=True).values()
        # Units answer lookups in both directions (tm.lookup), so each side's languages are on both lists.
        codes = sorted({web_code(tag) for pair in pairs for tag in pair})
        return JSONResponse({"sourceLanguages": codes, "targetLanguages": codes})

    def unit(request: Request) -> JSONResponse:
        src = _lang(request.path_params["src"], "source language")
        tgt = _lang(request.path_params["tgt"], "target language")
        text = request.path_params["text"][:MAX_TEXT]
        if not text.strip():
            raise HTTPException(400, "the text to look up is empty")
        min_quality, limit = _int(request, "min", DEFAULT_MIN, 1, 100), _int(request, "max", 10, 1, 100)
        with stores.reader() as store:
            matches = lookup(store, text, src, tgt, min_quality=min_quality, limit=limit)
        return JSONResponse([{"source": m.source, "target": m.target, "quality": m.quality,
                              "rank": k} for k, m in enumerate(matches, 1)])

    def info(request: Request) -> JSONResponse:
        with stores.reader() as store:
            summary = store.summary()
            summary["semantic"] = stores.semantic(store) is not None
        summary["read_only"] = stores.write_token is None
        summary["worker_pid"] = os.getpid()
        return JSONResponse(summary)

    def api_lookup(request: Request) -> JSONResponse:
        text = request.query_params.get("q", "")[:MAX_TEXT]
        if not text.strip():
            raise HTTPException(400, "parameter q (the text to look up) is missing or empty")
        src = _lang(request.query_params["src"], "src") if "src" in request.query_params else None
        tgt = _lang(request.query_params["tgt"], "tgt") if "tgt" in request.query_params else None
        use_semantic = _flag(request, "semantic")
        min_quality, limit = _int(request, "min", DEFAULT_MIN, 1, 100), _int(request, "limit", 10, 1, 100)
        semantic_min = _int(request, "semantic_min", DEFAULT_SEMANTIC_MIN, 0, 100)
        with stores.reader() as store:
            matches = lookup(store, text, src, tgt, min_quality=min_quality, limit=limit,
                             semantic=stores.semantic(store) if use_semantic else None, semantic_min=semantic_min)
        return JSONResponse([m.as_json() for m in matches])

    def api_concordance(request: Request) -> JSONResponse:
        term = request.query_params.get("q", "")[:MAX_TEXT]
        if not term.strip():
            raise HTTPException(400, "parameter q (the term to search) is missing or empty")
        src = _lang(request.query_params["src"], "src") if "src" in request.query_params else None
        tgt = _lang(request.query_params["tgt"], "tgt") if "tgt" in request.query_params else None
        side, regex, limit = request.query_params.get("side", "src"), _flag(request, "regex"), _int(
            request, "limit", 50, 1, 1000)
        with stores.reader() as store:
            hits = conc.concordance(store, term, side, src, tgt, regex=regex, limit=limit)
        return JSONResponse([h.as_json() for h in hits])

    async def add_units(request: Request) -> JSONResponse:
        if stores.write_token is None:
            raise HTTPException(403, "this server is read-only; start it with --write-token to accept units")
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {stores.write_token}".encode()):
            raise HTTPException(401, "missing or wrong token; send the header Authorization: Bearer TOKEN")
        body = await request.body()
        if len(body) > MAX_BODY:
            raise HTTPException(413, f"request body over {MAX_BODY} bytes; send fewer units at a time")
        try:
            payload = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise HTTPException(400, "the body is not JSON; send {\"units\": [{...}]}")
        units = _units(payload)
        from starlette.concurrency import run_in_threadpool

        report = await run_in_threadpool(stores.add, units)
        return JSONResponse({"added": report.added, "duplicates": report.duplicates,
                             "skipped_empty": report.skipped_empty}, status_code=201)

    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return _error(exc.status_code, str(exc.detail))

    async def user_error(request: Request, exc: TmforgeError) -> JSONResponse:
        return _error(400, str(exc))

    async def busy(request: Request, exc: Exception) -> JSONResponse:
        return _error(503, "the store is being written by another process (an import); retry in a moment")

    async def server_error(request: Request, exc: Exception) -> JSONResponse:
        if is_busy(exc):            # a lookup waited out another process's write lock: temporary, not a fault
            return await busy(request, exc)
        return _error(500, f"internal error ({type(exc).__name__}); the server log has the details")

    routes = [
        Route("/languages/", languages),
        Route("/languages", languages),
        Route("/api/v1/info", info),
        Route("/api/v1/lookup", api_lookup),
        Route("/api/v1/concordance", api_concordance),
        Route("/api/v1/units", add_units, methods=["POST"]),
        Route("/{src}/{tgt}/unit/{text:path}", unit),
    ]
    return Starlette(routes=routes, exception_handlers={HTTPException: http_error, StoreBusy: busy,
                                                        TmforgeError: user_error, Exception: server_error})


def _units(payload) -> list[TranslationUnit]:
    items = payload.get("units") if isinstance(payload, dict) else None
    if not isinstance(items, list) or not items:
        raise HTTPException(400, "send {\"units\": [{\"source\", \"target\", \"src_lang\", \"tgt_lang\"}, ...]}")
    if len(items) > MAX_UNITS_PER_POST:
        raise HTTPException(413, f"at most {MAX_UNITS_PER_POST} units per request")
    units = []
    for k, item in enumerate(items):
        if not isinstance(item, dict):
            raise HTTPException(400, f"units[{k}] is not an object")
        fields = {}
        for name in ("source", "target", "src_lang", "tgt_lang"):
            value = item.get(name)
            if not isinstance(value, str) or not value.strip():
                raise HTTPException(400, f"units[{k}].{name} is missing or not a non-empty string")
            fields[name] = value
        for name in ("src_lang", "tgt_lang"):
            fields[name] = _lang(fields[name], f"units[{k}].{name}")
        document = item.get("document")
        units.append(TranslationUnit(**fields, document=document if isinstance(document, str) else None))
    return units


def serve(store_path, host: str = "127.0.0.1", port: int = 8080, *, encoder_factory: Callable | None = None,
          write_token: str | None = None, log_level: str = "warning", workers: int | None = None) -> None:
    """Serve until stopped: `workers` processes (default: one per usable core) on one socket."""
    import uvicorn

    cores = usable_cores()
    workers = workers or cores
    factory_path = _import_path(encoder_factory)
    if workers > 1 and encoder_factory is not None and factory_path is None:
        print("warning: the encoder cannot be loaded in worker processes; serving with one process",
              file=sys.stderr)
        workers = 1
    # Each process gets its share of the cores as threads for the encoder, but may run a lookup per core: the
    # kernel hands connections to whichever worker accepts first, so one worker can hold most keep-alive
    # clients (measured: 2 workers with one lookup each served 38 req/s, one worker with two 59 req/s), and a
    # lookup spends much of its time in SQLite, which runs without the GIL.
    share = max(1, cores // workers)
    if workers == 1:
        app = create_app(store_path, encoder_factory=encoder_factory, write_token=write_token, readers=cores)
        uvicorn.run(app, host=host, port=port, log_level=log_level)
        return
    Store.open(store_path).close()    # a bad store fails here, once, not in every worker
    # uvicorn starts worker processes from an import string; they read what to serve from the environment
    # (inherited by the spawned processes, the write token included, visible to this user only).
    os.environ[_WORKER_ENV] = json.dumps({"store": str(os.path.abspath(store_path)), "encoder": factory_path,
                                          "write_token": write_token, "readers": cores})
    with thread_env(share):
        uvicorn.run(f"{__name__}:worker_app", factory=True, workers=workers, host=host, port=port,
                    log_level=log_level)


def worker_app() -> Starlette:
    """The app of one worker process started by `serve` (uvicorn calls this in each worker)."""
    spec = json.loads(os.environ[_WORKER_ENV])
    factory = None
    if spec["encoder"]:
        module, _, name = spec["encoder"].partition(":")
        factory = getattr(importlib.import_module(module), name)
    return create_app(spec["store"], encoder_factory=factory, write_token=spec["write_token"],
                      readers=spec["readers"])


def _import_path(function: Callable | None) -> str | None:
    """'module:name' of a module-level function (one a worker process can import), else None."""
    if function is None:
        return None
    module, name = getattr(function, "__module__", None), getattr(function, "__qualname__", "")
    if not module or "." in name or "<" in name or module == "__main__":
        return None
    try:
        found = getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None
    return f"{module}:{name}" if found is function else None
