"""A scripted OpenAI-compatible (and Anthropic Messages) HTTP server that runs inside a test process.

No model API is reachable from tests, so the LLM judge's HTTP client is exercised against this server:
real sockets, real status codes, Retry-After, timeouts and dropped connections, with answers chosen by
a script or a responder function. Stdlib only, so users' own test suites can use it too.
"""

from __future__ import annotations

import itertools
import json
import math
import random
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

CHAT_PATH = "/v1/chat/completions"
MESSAGES_PATH = "/v1/messages"
MODELS_PATH = "/v1/models"
DEFAULT_MODEL = "scripted-model"

_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    429: "rate_limit_error",
    503: "overloaded_error",
    529: "overloaded_error",
}
_ERROR_CODES = {401: "invalid_api_key", 404: "not_found", 429: "rate_limit_exceeded"}
_STOP_REASONS = {"stop": "end_turn", "length": "max_tokens"}
_ROUTES = frozenset({("POST", CHAT_PATH), ("POST", MESSAGES_PATH), ("GET", MODELS_PATH)})


def approx_tokens(text: str) -> int:
    """A deterministic stand-in for a tokenizer (~4 characters a token), so usage figures are testable."""
    return max(1, math.ceil(len(text) / 4))


@dataclass(frozen=True)
class Reply:
    """What the server answers to one chat request; build it with the class methods."""

    content: str = "{}"
    status: int = 200
    finish_reason: str = "stop"
    message: str = ""
    """The error message when `status` is not 200."""
    headers: tuple[tuple[str, str], ...] = ()
    delay_s: float = 0.0
    """Sleep this long before answering (on top of the server's latency): to test client timeouts."""
    drop_connection: bool = False
    include_usage: bool = True
    usage: Any = None
    """Sent as the `usage` object instead of the computed one (e.g. `{"prompt_tokens": "n/a"}`), to
    test clients against servers that report usage oddly."""

    @classmethod
    def json(cls, obj: Any, *, finish_reason: str = "stop", delay_s: float = 0.0) -> Reply:
        """The assistant content is `json.dumps(obj)`: what a well-behaved judge model returns."""
        return cls(content=json.dumps(obj), finish_reason=finish_reason, delay_s=delay_s)

    @classmethod
    def text(cls, content: str, *, finish_reason: str = "stop", delay_s: float = 0.0) -> Reply:
        """Raw assistant content, e.g. malformed JSON or prose around a JSON object."""
        return cls(content=content, finish_reason=finish_reason, delay_s=delay_s)

    @classmethod
    def error(
        cls,
        status: int,
        message: str = "scripted error",
        headers: Mapping[str, str] | None = None,
        *,
        delay_s: float = 0.0,
    ) -> Reply:
        """An HTTP error in the provider's error shape.

        E.g. `Reply.error(429, headers={"Retry-After": "1"})`, 500, 503.
        """
        return cls(
            status=status, message=message, headers=tuple((headers or {}).items()), delay_s=delay_s
        )

    @classmethod
    def hang(cls, seconds: float) -> Reply:
        """Answer nothing for `seconds`, then close the connection: a server that never replies."""
        return cls(delay_s=seconds, drop_connection=True)

    @classmethod
    def drop(cls) -> Reply:
        """Close the connection without sending a response."""
        return cls(drop_connection=True)


def _text_of(content: Any) -> str:
    """Message content as text: a string, or the text parts of a list of content blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return "" if content is None else str(content)


@dataclass(frozen=True)
class ChatRequest:
    """One request as the server received it; the helpers read both OpenAI and Anthropic bodies."""

    path: str
    headers: dict[str, str]
    """Lower-case header names."""
    body: dict[str, Any]
    method: str = "POST"

    @property
    def messages(self) -> list[dict[str, str]]:
        """`{role, content}` with text content; an Anthropic `system` comes first as a system message."""
        out: list[dict[str, str]] = []
        system = self.body.get("system")
        if system:
            out.append({"role": "system", "content": _text_of(system)})
        for message in self.body.get("messages") or []:
            if isinstance(message, dict):
                role = str(message.get("role", ""))
                out.append({"role": role, "content": _text_of(message.get("content"))})
        return out

    @property
    def model(self) -> str:
        return str(self.body.get("model") or "")

    @property
    def response_format(self) -> dict[str, Any] | None:
        value = self.body.get("response_format")
        return value if isinstance(value, dict) else None

    @property
    def response_format_schema(self) -> dict[str, Any] | None:
        """The JSON schema of a `{"type": "json_schema", "json_schema": {...}}` response format."""
        fmt = self.response_format
        if not fmt or fmt.get("type") != "json_schema":
            return None
        schema = (fmt.get("json_schema") or {}).get("schema")
        return schema if isinstance(schema, dict) else None

    @property
    def system_text(self) -> str:
        return "\n".join(
            m["content"] for m in self.messages if m["role"] in ("system", "developer")
        )

    @property
    def user_text(self) -> str:
        return "\n".join(m["content"] for m in self.messages if m["role"] == "user")


Responder = Callable[[ChatRequest], Reply]


def _default_responder(request: ChatRequest) -> Reply:
    return Reply.json({})


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # 32+ clients connect at once; the default backlog of 5 stalls them

    def __init__(self, owner: OpenAIServer) -> None:
        self.owner = owner
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that time out or hang up are part of the tests; no tracebacks on stderr."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like a real API behind a connection pool
    server: _HTTPServer

    def do_GET(self) -> None:
        self.server.owner._handle(self, "GET")

    def do_POST(self) -> None:
        self.server.owner._handle(self, "POST")

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: a test run should not print an access log."""

    def send_json(self, status: int, data: Any, headers: Sequence[tuple[str, str]] = ()) -> None:
        payload = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)


class OpenAIServer:
    """`with OpenAIServer(responder=...) as server:` then point a client at `server.base_url`.

    Chat requests take the next reply of `script(...)` first, then ask `responder`. Every request is
    recorded in `requests`; handlers run in threads, so concurrent clients are served concurrently.
    """

    def __init__(
        self,
        responder: Responder | None = None,
        *,
        latency_s: float = 0.0,
        latency_jitter_s: float = 0.0,
        seed: int = 0,
        api_key: str | None = None,
        models: Sequence[str] = (DEFAULT_MODEL,),
    ) -> None:
        self.responder = responder or _default_responder
        self.latency_s = latency_s
        self.latency_jitter_s = latency_jitter_s
        self.api_key = api_key
        self.models = tuple(models)
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._script: deque[Reply] = deque()
        self._requests: list[ChatRequest] = []
        self._counts: Counter[str] = Counter()
        self._ids = itertools.count(1)
        self._stopping = threading.Event()
        self._http: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle

    def start(self) -> OpenAIServer:
        if self._http is None:
            self._stopping.clear()
            self._http = _HTTPServer(self)
            self._thread = threading.Thread(
                target=self._http.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="openai-server",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; handlers still sleeping (hang, latency) wake up and finish at once."""
        if self._http is None:
            return
        self._stopping.set()
        self._http.shutdown()
        self._http.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._http = self._thread = None

    def __enter__(self) -> OpenAIServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._http is None:
            raise RuntimeError("the server is not running; call start() or use it as a context")
        return int(self._http.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    # scripting and recording

    def script(self, *replies: Reply) -> None:
        """Queue replies for the next chat requests, consumed first-in first-out."""
        with self._lock:
            self._script.extend(replies)

    @property
    def pending(self) -> int:
        """Scripted replies not yet consumed."""
        with self._lock:
            return len(self._script)

    @property
    def requests(self) -> list[ChatRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def request_count(self) -> int:
        with self._lock:
            return len(self._requests)

    @property
    def request_counts(self) -> dict[str, int]:
        """Requests received per path (unknown paths included)."""
        with self._lock:
            return dict(self._counts)

    def reset(self) -> None:
        """Forget the recorded requests and any replies still scripted."""
        with self._lock:
            self._script.clear()
            self._requests.clear()
            self._counts.clear()

    # request handling (runs in the handler threads)

    def _handle(self, handler: _Handler, method: str) -> None:
        path = handler.path.split("?", 1)[0].rstrip("/") or "/"
        headers = {name.lower(): value for name, value in handler.headers.items()}
        raw = handler.rfile.read(int(headers.get("content-length") or 0))
        body, valid = _parse_body(raw) if method == "POST" else ({}, True)
        request = ChatRequest(path=path, headers=headers, body=body, method=method)
        with self._lock:
            self._requests.append(request)
            self._counts[path] += 1
        if (method, path) not in _ROUTES:
            handler.send_json(404, _openai_error(404, f"Unknown request URL: {method} {path}"))
        elif not self._authorised(request):
            handler.send_json(401, self._error_body(request, 401, "Incorrect API key provided"))
        elif not valid:
            handler.send_json(400, self._error_body(request, 400, "The body is not a JSON object"))
        elif path == MODELS_PATH:
            handler.send_json(200, self._models_body())
        else:
            self._answer(handler, request)

    def _models_body(self) -> dict[str, Any]:
        data = [
            {"id": m, "object": "model", "created": 0, "owned_by": "supportqa"} for m in self.models
        ]
        return {"object": "list", "data": data}

    def _authorised(self, request: ChatRequest) -> bool:
        if self.api_key is None:
            return True
        if request.path == MESSAGES_PATH:
            return request.headers.get("x-api-key") == self.api_key
        return request.headers.get("authorization") == f"Bearer {self.api_key}"

    def _next_reply(self, request: ChatRequest) -> Reply:
        with self._lock:
            scripted = self._script.popleft() if self._script else None
        if scripted is not None:
            return scripted
        try:
            return self.responder(request)
        except Exception as exc:  # a responder bug should reach the test as a 500, not a hang
            return Reply.error(500, f"responder failed: {type(exc).__name__}: {exc}")

    def _latency(self) -> float:
        if self.latency_jitter_s <= 0:
            return self.latency_s
        with self._lock:
            return self.latency_s + self._random.uniform(0.0, self.latency_jitter_s)

    def _answer(self, handler: _Handler, request: ChatRequest) -> None:
        reply = self._next_reply(request)
        wait = self._latency() + reply.delay_s
        if wait > 0:
            self._stopping.wait(wait)
        if reply.drop_connection:
            handler.close_connection = True
            return
        if reply.status != 200:
            body = self._error_body(request, reply.status, reply.message)
            handler.send_json(reply.status, body, reply.headers)
            return
        build = _anthropic_body if request.path == MESSAGES_PATH else _openai_body
        handler.send_json(200, build(request, reply, next(self._ids)), reply.headers)

    @staticmethod
    def _error_body(request: ChatRequest, status: int, message: str) -> dict[str, Any]:
        if request.path == MESSAGES_PATH:
            kind = _ERROR_TYPES.get(status, "api_error")
            return {"type": "error", "error": {"type": kind, "message": message}}
        return _openai_error(status, message)


def _parse_body(raw: bytes) -> tuple[dict[str, Any], bool]:
    try:
        data = json.loads(raw)
    except ValueError:
        return {}, False
    return (data, True) if isinstance(data, dict) else ({}, False)


def _openai_error(status: int, message: str) -> dict[str, Any]:
    kind = _ERROR_TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")
    return {"error": {"message": message, "type": kind, "code": _ERROR_CODES.get(status)}}


def _usage(request: ChatRequest, reply: Reply) -> tuple[int, int]:
    prompt = sum(approx_tokens(m["content"]) + 4 for m in request.messages)
    return prompt, approx_tokens(reply.content)


def _openai_body(request: ChatRequest, reply: Reply, n: int) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": f"chatcmpl-{n}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.model or DEFAULT_MODEL,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply.content},
                "finish_reason": reply.finish_reason,
            }
        ],
    }
    if reply.usage is not None:
        body["usage"] = reply.usage
    elif reply.include_usage:
        prompt, completion = _usage(request, reply)
        body["usage"] = {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        }
    return body


def _anthropic_body(request: ChatRequest, reply: Reply, n: int) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": f"msg_{n}",
        "type": "message",
        "role": "assistant",
        "model": request.model or DEFAULT_MODEL,
        "content": [{"type": "text", "text": reply.content}],
        "stop_reason": _STOP_REASONS.get(reply.finish_reason, reply.finish_reason),
        "stop_sequence": None,
    }
    if reply.usage is not None:
        body["usage"] = reply.usage
    elif reply.include_usage:
        prompt, completion = _usage(request, reply)
        body["usage"] = {"input_tokens": prompt, "output_tokens": completion}
    return body
