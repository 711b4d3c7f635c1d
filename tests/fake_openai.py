"""A fake OpenAI-compatible chat-completions server for tests and benchmarks.

``FakeOpenAI`` runs a small raw-ASGI app under uvicorn in a background thread on
``127.0.0.1`` (free port).  Answers are *derived from the request*: the last real
user message is the input text and a JSON value conforming to the requested JSON
Schema (tool parameters, ``response_format`` json_schema, or a schema embedded in
the system prompt as instructor's JSON/MD_JSON modes do) is filled from it.
Streaming (SSE ``chat.completion.chunk`` events) and a set of fault switches
(HTTP errors, hangs, malformed/invalid JSON, dropped/truncated/reset connections)
are supported; see ``FAULTS``.

Usage::

    with FakeOpenAI() as fake:
        client = AsyncOpenAI(base_url=fake.base_url, api_key="x")
        fake.fail_next("500")                  # next call answers HTTP 500
        ...  # or put "[[fault:500]]" in the user text of one request
"""

from __future__ import annotations

import asyncio
import gc
import gzip
import json
import math
import re
import signal
import socket
import struct
import threading
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Final

import uvicorn

__all__ = ["FAULTS", "FakeOpenAI", "input_text", "invalid_for", "split_segments", "value_for"]

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Schema = Mapping[str, Any]

FAULTS: Final[frozenset[str]] = frozenset(
    {"500", "503", "429", "429-bare", "hang", "malformed", "invalid", "drop", "truncated", "reset", "control"}
)
FAULT_TOKEN: Final = re.compile(r"\[\[fault:([^\]\s]+)\]\]")
MAX_DEPTH: Final = 12

# User messages instructor appends on retries / in MD_JSON mode; they are not input text.
_INSTRUCTION_PREFIXES: Final = (
    "Validation Error found",
    "Correct your JSON ONLY RESPONSE",
    "Recall the function correctly",
    "Return the correct JSON response",
)
_TITLES: Final = frozenset({"Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Sir", "Madam", "Mme", "Mlle"})
_STARTERS: Final = frozenset(
    "A An The This That These Those It Its He She They We I You My Our Your Their His Her Is Are Was "
    "Were Be In On At Of For From To By With And But Or So If When Then There Here Hello Hi Hey Dear "
    "Please Extract Parse Get Find Give Return Meet Name Names Yesterday Today Tomorrow Also After Before "
    "Contact Email User Users Person People Customer Client Note Yes No Ok Okay".split()
)
_EMAIL_RE: Final = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL_RE: Final = re.compile(r"https?://[^\s<>\"')\]]+")
_DATETIME_RE: Final = re.compile(r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?")
_DATE_RE: Final = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_TIME_RE: Final = re.compile(r"\b(\d{1,2}):(\d{2})(?::(\d{2}))?\b")
_UUID_RE: Final = re.compile(r"\b[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\b")
_PHONE_RE: Final = re.compile(r"\+?\d[\d\s().-]{6,}\d")
_INT_RE: Final = re.compile(r"(?<![\w.])-?\d+(?![\w.]\d)")
_NUM_RE: Final = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?")
_WORD_RE: Final = re.compile(r"[^\W\d_][\w'’-]*")


# --------------------------------------------------------------------------- schema -> value


def _pointer(root: Schema, ref: str) -> Schema:
    node: Any = root
    if not ref.startswith("#"):
        return {}
    for part in ref[1:].lstrip("/").split("/"):
        if not part:
            continue
        part = part.replace("~1", "/").replace("~0", "~")
        node = node.get(part) if isinstance(node, Mapping) else None
    return node if isinstance(node, Mapping) else {}


def _resolve(schema: Any, root: Schema, depth: int = 0) -> dict[str, Any]:
    """Follow ``$ref`` chains and merge ``allOf`` into one flat schema dict."""
    if not isinstance(schema, Mapping):
        return {}
    out = dict(schema)
    while "$ref" in out and depth <= MAX_DEPTH:
        ref = out.pop("$ref")
        out = {**_pointer(root, str(ref)), **out}
        depth += 1
    out.pop("$ref", None)
    subs = out.pop("allOf", None)
    if isinstance(subs, list):
        for sub in subs:
            part = _resolve(sub, root, depth + 1)
            for key, value in part.items():
                if key == "properties" and isinstance(value, Mapping):
                    out["properties"] = {**value, **out.get("properties", {})}
                elif key == "required" and isinstance(value, list):
                    out["required"] = sorted({*out.get("required", []), *value})
                else:
                    out.setdefault(key, value)
    return out


def _type_of(schema: Schema) -> str:
    typ = schema.get("type")
    if isinstance(typ, list):
        non_null = [t for t in typ if t != "null"]
        typ = non_null[0] if non_null else "null"
    if isinstance(typ, str):
        return typ
    if "properties" in schema:
        return "object"
    if "items" in schema or "prefixItems" in schema:
        return "array"
    return "string"


def _branch(schema: Schema, root: Schema) -> Any:
    """For anyOf/oneOf pick the first non-null branch (or ``None`` if there is none)."""
    for key in ("anyOf", "oneOf"):
        branches = schema.get(key)
        if isinstance(branches, list) and branches:
            non_null = [b for b in branches if _type_of(_resolve(b, root)) != "null"]
            return non_null[0] if non_null else branches[0]
    return None


def _unwrap(schema: Any, root: Schema) -> dict[str, Any]:
    """Resolve a schema and step into its (non-null) anyOf/oneOf branch, if any."""
    s = _resolve(schema, root)
    branch = _branch(s, root)
    return s if branch is None else _resolve(branch, root)


def _bounds(schema: Schema, integer: bool) -> tuple[float, float]:
    lo, hi = -math.inf, math.inf
    step = 1.0 if integer else 1e-6
    if isinstance(schema.get("minimum"), int | float):
        lo = float(schema["minimum"])
    if isinstance(schema.get("maximum"), int | float):
        hi = float(schema["maximum"])
    if isinstance(schema.get("exclusiveMinimum"), int | float):
        ex = float(schema["exclusiveMinimum"])
        lo = max(lo, math.floor(ex) + 1 if integer else ex + step)
    if isinstance(schema.get("exclusiveMaximum"), int | float):
        ex = float(schema["exclusiveMaximum"])
        hi = min(hi, math.ceil(ex) - 1 if integer else ex - step)
    if integer:
        lo, hi = math.ceil(lo) if lo > -math.inf else lo, math.floor(hi) if hi < math.inf else hi
    return lo, hi


def _pick_enum(values: list[Any], text: str) -> Any:
    lowered = text.lower()
    for value in values:
        if value is not None and str(value).lower() in lowered:
            return value
    return values[0]


def person_name(text: str) -> str | None:
    """First run of capitalised words that is not a title or a common sentence start."""
    tokens = list(_WORD_RE.finditer(text))
    for i, tok in enumerate(tokens):
        word = tok.group()
        if not word[0].isupper() or word in _TITLES or word in _STARTERS:
            continue
        run, end = [word], tok.end()
        for nxt in tokens[i + 1 :]:
            gap, nword = text[end : nxt.start()], nxt.group()
            if gap.strip() or not nword[0].isupper() or nword in _STARTERS:
                break
            run.append(nword)
            end = nxt.end()
        return " ".join(run)
    return None


def _matches(pattern: str, value: str) -> bool:
    try:
        return re.search(pattern, value) is not None
    except re.error:
        return False


def _first_words(text: str, count: int = 5) -> str:
    words = text.split()
    return " ".join(words[:count]).strip(" .,;:") or "example"


def _string_for(schema: Schema, text: str, prop_name: str) -> str:
    fmt, name = schema.get("format"), prop_name.lower()
    match: re.Match[str] | None
    if fmt == "email" or (fmt is None and "email" in name):
        match = _EMAIL_RE.search(text)
        value = match.group() if match else "someone@example.com"
    elif fmt == "date-time":
        match = _DATETIME_RE.search(text)
        date = _DATE_RE.search(text)
        value = f"{date.group() if date else '2024-01-01'}T00:00:00Z"
        if match:  # normalise to RFC 3339: "T" separator, seconds and a zone
            value = match[1] + "T" + match[2] + (match[3] or ":00") + (match[4] or "Z")
    elif fmt == "date" or (fmt is None and name.endswith("date")):
        match = _DATE_RE.search(text)
        value = match.group() if match else "2024-01-01"
    elif fmt == "time":
        match = _TIME_RE.search(text)
        value = f"{int(match[1]):02d}:{match[2]}:{match[3] or '00'}" if match else "12:00:00"
    elif fmt in ("uri", "url", "iri", "uri-reference") or (
        fmt is None and any(k in name for k in ("url", "website", "link"))
    ):
        match = _URL_RE.search(text)
        value = match.group().rstrip(".,;") if match else "https://example.com"
    elif fmt == "uuid":
        match = _UUID_RE.search(text)
        value = match.group() if match else "00000000-0000-4000-8000-000000000000"
    elif fmt == "ipv4":
        value = "127.0.0.1"
    elif fmt is None and "phone" in name:
        match = _PHONE_RE.search(text)
        value = match.group() if match else "+1 555 0100"
    elif "name" in name:
        full = person_name(text)
        if full is None:
            value = _first_words(text, 2)
        elif "first" in name or "given" in name:
            value = full.split()[0]
        elif "last" in name or "family" in name or "surname" in name:
            value = full.split()[-1]
        else:
            value = full
    else:
        value = _first_words(text)
    pattern = schema.get("pattern")
    if isinstance(pattern, str) and not _matches(pattern, value):
        try:
            for candidate in (text, *(w.strip(".,;:!?()") for w in text.split())):
                found = re.search(pattern, candidate)
                if found:
                    value = found.group()
                    break
        except re.error:
            pass
    if isinstance(schema.get("maxLength"), int):
        value = value[: schema["maxLength"]]
    if isinstance(schema.get("minLength"), int) and len(value) < schema["minLength"]:
        value = value.ljust(schema["minLength"], "x")
    return value


def _minimal(schema: Schema, root: Schema) -> Any:
    if _branch(schema, root) is not None or schema.get("type") == "null":
        return None
    return {"object": {}, "array": [], "integer": 0, "number": 0, "boolean": False}.get(_type_of(schema), "")


def split_segments(text: str) -> list[str]:
    """Split text into sentences/clauses, one per item of an extracted list."""
    raw = re.split(r"[.!?](?=\s|$)|[;\n]", text)
    merged: list[str] = []
    for part in raw:
        if merged and merged[-1].split() and merged[-1].split()[-1] in _TITLES:
            merged[-1] = f"{merged[-1]}. {part.strip()}"
        else:
            merged.append(part.strip())
    out: list[str] = []
    for seg in merged:
        clauses = re.split(r"\s+and\s+", seg)
        if len(clauses) > 1 and all(re.search(r"\d", c) for c in clauses):
            out.extend(c.strip() for c in clauses)
        elif seg:
            out.append(seg)
    return [s for s in out if re.search(r"\d", s) or person_name(s)]


def _is_object_array(schema: Any, root: Schema) -> bool:
    s = _unwrap(schema, root)
    if _type_of(s) != "array":
        return False
    items = _resolve(s.get("items"), root)
    return _type_of(items) == "object" and bool(items.get("properties"))


def _array_for(schema: Schema, text: str, root: Schema, prop_name: str, depth: int, segmented: bool) -> list[Any]:
    if depth > MAX_DEPTH:
        return []
    items: Any = schema.get("items", {})
    min_items: int = schema["minItems"] if isinstance(schema.get("minItems"), int) else 0
    max_items: int | None = schema["maxItems"] if isinstance(schema.get("maxItems"), int) else None
    if isinstance(schema.get("prefixItems"), list):
        return [value_for(s, text, root, prop_name, depth + 1) for s in schema["prefixItems"]]
    item_schema = _resolve(items, root)
    if segmented:
        sources = split_segments(text) or [text]
    elif isinstance(item_schema.get("enum"), list) and item_schema["enum"]:
        found = [v for v in item_schema["enum"] if v is not None and str(v).lower() in text.lower()]
        values = found or [item_schema["enum"][0]]
        while len(values) < min_items:
            values.append(values[-1])
        return values if max_items is None else values[:max_items]
    else:
        sources = [text] * max(min_items, 1)
    while len(sources) < min_items:
        sources.append(sources[-1])
    if max_items is not None:
        sources = sources[:max_items]
    return [value_for(items, src, root, prop_name, depth + 1) for src in sources]


def value_for(schema: Any, text: str, root: Schema | None = None, prop_name: str = "", depth: int = 0) -> Any:
    """Generate a JSON value conforming to ``schema``, filled from ``text``."""
    root = schema if root is None and isinstance(schema, Mapping) else (root or {})
    s = _resolve(schema, root)
    if depth > MAX_DEPTH and (depth > 2 * MAX_DEPTH or _branch(s, root) is not None or _type_of(s) != "object"):
        return _minimal(s, root)  # cut recursion at arrays / nullables, objects get a little longer
    if "const" in s:
        return s["const"]
    if isinstance(s.get("enum"), list) and s["enum"]:
        return _pick_enum(s["enum"], text)
    branch = _branch(s, root)
    if branch is not None:
        return value_for(branch, text, root, prop_name, depth + 1)
    typ = _type_of(s)
    if typ == "object":
        props: Mapping[str, Any] = s.get("properties") or {}
        arrays = [k for k, v in props.items() if _type_of(_unwrap(v, root)) == "array"]
        split_prop = arrays[0] if len(arrays) == 1 and _is_object_array(props[arrays[0]], root) else None
        out: dict[str, Any] = {}
        for key, sub in props.items():
            if key == split_prop:
                out[key] = _array_for(_unwrap(sub, root), text, root, key, depth + 1, segmented=True)
            else:
                out[key] = value_for(sub, text, root, key, depth + 1)
        return out
    if typ == "array":
        return _array_for(s, text, root, prop_name, depth, segmented=False)
    if typ in ("integer", "number"):
        integer = typ == "integer"
        match = (_INT_RE if integer else _NUM_RE).search(text)
        value: float = float(match.group()) if match else 0.0
        lo, hi = _bounds(s, integer)
        value = min(max(value, lo), hi)
        return int(value) if integer else value
    if typ == "boolean":
        return False
    if typ == "null":
        return None
    return _string_for(s, text, prop_name)


def invalid_for(schema: Any, root: Schema | None = None, depth: int = 0) -> Any:
    """A JSON value with every property present but wrong-typed (fails validation)."""
    root = schema if root is None and isinstance(schema, Mapping) else (root or {})
    s = _unwrap(schema, root)
    props = s.get("properties")
    if _type_of(s) == "object" and isinstance(props, Mapping) and props and depth <= MAX_DEPTH:
        return {key: _wrong(sub, root, depth + 1) for key, sub in props.items()}
    return ["wrong"]


def _wrong(schema: Any, root: Schema, depth: int) -> Any:
    s = _unwrap(schema, root)
    if _type_of(s) == "array":
        # Arrays of objects get one wrong item so that streamed list extraction fails too.
        return [invalid_for(s["items"], root, depth)] if _is_object_array(s, root) else "wrong"
    return ["wrong"]


# --------------------------------------------------------------------------- request -> answer


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [p.get("text", "") for p in content if isinstance(p, Mapping) and p.get("type") == "text"]
        return " ".join(str(p) for p in parts)
    return ""


def input_text(messages: Any) -> str:
    """Content of the last user message that is not an instructor retry/format instruction."""
    users = [
        _text_of(m.get("content"))
        for m in (messages if isinstance(messages, list) else [])
        if isinstance(m, Mapping) and m.get("role") == "user"
    ]
    real = [t for t in users if not t.lstrip().startswith(_INSTRUCTION_PREFIXES)]
    text = (real or users or [""])[-1]
    # instructor may merge its instruction into the user's message (MD_JSON): cut it off.
    for prefix in _INSTRUCTION_PREFIXES:
        if (cut := text.find(prefix)) > 0:
            text = text[:cut]
    return text.strip()


def _embedded_schema(messages: Any) -> dict[str, Any] | None:
    """The JSON schema instructor's JSON / MD_JSON modes put into the system prompt."""
    for m in messages if isinstance(messages, list) else []:
        if not isinstance(m, Mapping) or m.get("role") != "system":
            continue
        text = _text_of(m.get("content"))
        marker = text.find("json_schema")
        start = text.find("{", marker) if marker >= 0 else -1
        if start >= 0:
            try:
                found, _ = json.JSONDecoder().raw_decode(text, start)
            except ValueError:
                continue
            if isinstance(found, dict):
                return found
    return None


@dataclass
class Answer:
    """What the fake model replies: a tool call or message content."""

    payload: str
    tool_name: str | None = None
    finish_reason: str = "stop"


def _cut(payload: str) -> str:
    cut = payload[: max(1, len(payload) // 2)]
    try:
        json.loads(cut)
    except ValueError:
        return cut
    return "{" + cut


def plan_answer(request: Mapping[str, Any], text: str, fault: str | None, scripted: Any = None) -> Answer:
    """Decide the reply (tool call / JSON content / echo) and apply payload faults. ``scripted`` (a test's own
    answer) replaces the value the rules would derive from the text."""
    messages = request.get("messages")
    tools = request.get("tools")
    choice = request.get("tool_choice")
    fmt = request.get("response_format")
    schema: dict[str, Any] | None = None
    tool_name: str | None = None
    fenced = False
    if isinstance(tools, list) and tools and choice != "none":
        wanted = choice.get("function", {}).get("name") if isinstance(choice, Mapping) else None
        funcs = [t["function"] for t in tools if isinstance(t, Mapping) and isinstance(t.get("function"), Mapping)]
        funcs = funcs or [{}]
        func = next((f for f in funcs if f.get("name") == wanted), funcs[0])
        tool_name = str(func.get("name", "tool"))
        schema = dict(func.get("parameters") or {"type": "object", "properties": {}})
    elif isinstance(fmt, Mapping) and fmt.get("type") == "json_schema":
        schema = dict((fmt.get("json_schema") or {}).get("schema") or {})
    elif isinstance(fmt, Mapping) and fmt.get("type") == "json_object":
        schema = _embedded_schema(messages) or {"type": "object", "properties": {}}
    else:
        schema = _embedded_schema(messages)
        fenced = schema is not None
    if schema is None:
        return Answer(payload=f"Echo: {text[:200]}")
    if scripted is not None:
        value = scripted
    else:
        value = invalid_for(schema) if fault == "invalid" else value_for(schema, text)
    payload = json.dumps(value, ensure_ascii=False)
    if fault == "control":
        # A raw newline and tab inside the first string value, as small local models write them.
        payload = payload.replace('": "', '": "\n\t', 1)
    finish = "tool_calls" if tool_name else "stop"
    if fault in ("malformed", "truncated") and not request.get("stream"):
        payload = _cut(payload)
        finish = "length" if fault == "truncated" else finish
    if fenced:
        payload = f"```json\n{payload}\n```"
    return Answer(payload=payload, tool_name=tool_name, finish_reason=finish)


def _usage(request: Mapping[str, Any], payload: str) -> dict[str, int]:
    messages = request.get("messages")
    prompt = (
        sum(len(_text_of(m.get("content"))) for m in messages if isinstance(m, Mapping))
        if isinstance(messages, list)
        else 0
    )
    p, c = max(1, prompt // 4), max(1, len(payload) // 4)
    return {"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c}


# --------------------------------------------------------------------------- ASGI plumbing


class _Conn:
    """One HTTP exchange; reaches into uvicorn's protocol for connection-level faults."""

    def __init__(self, receive: Receive, send: Send, *, gzip_bodies: bool = False) -> None:
        self.receive, self.send = receive, send
        self.gzip_bodies = gzip_bodies
        cycle = getattr(send, "__self__", None)
        self.transport: asyncio.Transport | None = getattr(cycle, "transport", None)

    async def json(self, status: int, body: Any, headers: Iterable[tuple[str, str]] = ()) -> None:
        data = json.dumps(body).encode()
        raw = [(b"content-type", b"application/json"), *((k.encode(), v.encode()) for k, v in headers)]
        if self.gzip_bodies:
            data = gzip.compress(data)
            raw.append((b"content-encoding", b"gzip"))
        await self.send({"type": "http.response.start", "status": status, "headers": raw})
        await self.send({"type": "http.response.body", "body": data, "more_body": False})

    async def _await_disconnect(self) -> None:
        try:
            await asyncio.wait_for(self.receive(), 1.0)
        except TimeoutError:
            pass

    async def close(self) -> None:
        """Close the connection (FIN) without finishing the response."""
        if self.transport is None:
            raise ConnectionAbortedError("fake_openai: dropping connection")
        self.transport.close()
        await self._await_disconnect()

    async def reset(self) -> None:
        """Abort the TCP connection with an RST (SO_LINGER 0)."""
        if self.transport is None:
            raise ConnectionResetError("fake_openai: resetting connection")
        sock = self.transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.transport.abort()
        await self._await_disconnect()


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _error(message: str, type_: str, code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": None, "code": code}}


_HTTP_FAULTS: Final[dict[str, tuple[int, dict[str, Any], tuple[tuple[str, str], ...]]]] = {
    "500": (500, _error("The server had an error while processing your request.", "server_error"), ()),
    "503": (503, _error("The engine is currently overloaded.", "server_error"), ()),
    "429": (429, _error("Rate limit reached.", "requests", "rate_limit_exceeded"), (("retry-after", "7"),)),
    "429-bare": (429, _error("Rate limit reached.", "requests", "rate_limit_exceeded"), ()),
}


class FakeOpenAI:
    """Fake OpenAI chat-completions server (see module docstring).

    Knobs (plain attributes, may be changed while running): ``latency`` (seconds before
    the first byte), ``chunk_delay`` (seconds between stream chunks), ``chunk_size``
    (characters of JSON per stream chunk), ``hang_seconds`` (duration of the "hang" fault).
    ``api_key``: when set, a request without ``Authorization: Bearer <api_key>`` gets OpenAI's 401.
    ``compress``: JSON answers (not streams) are gzipped for clients that accept it, as hosted APIs do.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        latency: float = 0.0,
        chunk_delay: float = 0.0,
        chunk_size: int = 8,
        hang_seconds: float = 30.0,
        models: tuple[str, ...] = ("gpt-4o-mini", "fake-model"),
        api_key: str | None = None,
        compress: bool = False,
    ) -> None:
        self.host, self.requested_port = host, port
        self.api_key, self.compress = api_key, compress
        self.latency, self.chunk_delay, self.chunk_size = latency, chunk_delay, chunk_size
        self.hang_seconds, self.models = hang_seconds, models
        self._lock = threading.Lock()
        self._calls: list[dict[str, Any]] = []
        self.model_listings = 0  # GET /models requests (readiness probes)
        self._headers: list[dict[str, str]] = []
        self._abandoned: list[float] = []
        self._queued: deque[str] = deque()
        self._script: deque[Any] = deque()  # answers a test states, for the next calls in order
        self._always: str | None = None
        self._stopping = threading.Event()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None
        self._port: int | None = None

    # ---- public API -----------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeOpenAI is not running")
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    @property
    def calls(self) -> list[dict[str, Any]]:
        """Snapshot of the parsed JSON bodies of every chat-completions call, in order."""
        with self._lock:
            return list(self._calls)

    @property
    def abandoned_streams(self) -> int:
        """How many answers the client hung up on before they were complete (streams, and "hang" faults)."""
        with self._lock:
            return len(self._abandoned)

    @property
    def abandoned_at(self) -> list[float]:
        """``time.monotonic()`` of each hang-up counted by ``abandoned_streams``."""
        with self._lock:
            return list(self._abandoned)

    @property
    def request_headers(self) -> list[dict[str, str]]:
        """Snapshot of the (lower-cased) request headers, aligned with ``calls``."""
        with self._lock:
            return list(self._headers)

    def fail_next(self, *faults: str) -> None:
        """Queue faults applied to the next calls in order, one per call."""
        for fault in faults:
            _check_fault(fault)
        with self._lock:
            self._queued.extend(faults)

    def script(self, *answers: Any) -> None:
        """Answer the next calls with these values (each the JSON the model writes), in order; later calls go
        back to the rules."""
        with self._lock:
            self._script.extend(answers)

    def fail_always(self, fault: str | None) -> None:
        """Apply ``fault`` to every call (``None`` switches it off)."""
        if fault is not None:
            _check_fault(fault)
        with self._lock:
            self._always = fault

    def reset(self) -> None:
        """Forget recorded calls and clear queued / permanent faults (knobs are kept)."""
        with self._lock:
            self._calls.clear()
            self._headers.clear()
            self.model_listings = 0
            self._abandoned.clear()
            self._queued.clear()
            self._script.clear()
            self._always = None

    def start(self) -> FakeOpenAI:
        if self._thread is not None:
            return self
        self._stopping.clear()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.requested_port))
        config = uvicorn.Config(
            self._app,
            interface="asgi3",
            lifespan="off",
            ws="none",
            log_config=None,
            access_log=False,
            proxy_headers=False,
            server_header=False,
            date_header=False,
            timeout_graceful_shutdown=2,
            # Idle keep-alive connections stay open, so a CLOSE_WAIT on a client socket means that client leaked it.
            timeout_keep_alive=300,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="fake-openai", daemon=True)
        self._server, self._thread, self._sock = server, thread, sock
        self._port = int(sock.getsockname()[1])
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("FakeOpenAI failed to start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        """Stop the server; in-flight hangs and streams are cut off immediately."""
        server, thread, sock = self._server, self._thread, self._sock
        self._stopping.set()
        if server is not None:
            server.should_exit = True
        if thread is not None:
            thread.join(5)
            if thread.is_alive() and server is not None:
                server.force_exit = True
                thread.join(5)
        if sock is not None:
            sock.close()
        self._server = self._thread = self._sock = None
        self._port = None

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # ---- ASGI app -------------------------------------------------------------------------

    async def _app(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = await _read_body(receive)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        conn = _Conn(receive, send, gzip_bodies=self.compress and "gzip" in headers.get("accept-encoding", ""))
        path = str(scope["path"]).rstrip("/")
        if self.api_key is not None and headers.get("authorization") != f"Bearer {self.api_key}":
            await conn.json(401, _error("Incorrect API key provided", "invalid_request_error", "invalid_api_key"))
        elif path.endswith("/chat/completions") and scope["method"] == "POST":
            await self._chat(conn, body, headers)
        elif path.endswith("/models") and scope["method"] == "GET":
            with self._lock:
                self.model_listings += 1
            data = [{"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in self.models]
            await conn.json(200, {"object": "list", "data": data})
        else:
            await conn.json(404, _error(f"Unknown path {scope['path']}", "invalid_request_error"))

    def _choose_fault(self, text: str) -> str | None:
        token = FAULT_TOKEN.search(text)
        if token:
            return token.group(1)
        with self._lock:
            return self._queued.popleft() if self._queued else self._always

    async def _chat(self, conn: _Conn, body: bytes, headers: dict[str, str]) -> None:
        try:
            request = json.loads(body)
        except ValueError:
            request = None
        if not isinstance(request, dict):
            await conn.json(400, _error("Request body must be a JSON object", "invalid_request_error"))
            return
        with self._lock:
            self._calls.append(request)
            self._headers.append(headers)
            request_id = f"req_fake_{len(self._calls)}"
        raw_text = input_text(request.get("messages"))
        fault = self._choose_fault(raw_text)
        text = FAULT_TOKEN.sub("", raw_text).strip()
        if fault is not None and fault not in FAULTS:
            await conn.json(400, _error(f"Unknown fault {fault!r}", "invalid_request_error"))
            return
        if self.latency > 0:
            await asyncio.sleep(self.latency)
        stream = bool(request.get("stream"))
        if fault == "reset":
            await conn.reset()
            return
        if fault == "drop" and not stream:
            await conn.close()
            return
        if fault in _HTTP_FAULTS:
            status, error, extra = _HTTP_FAULTS[fault]
            await conn.json(status, error, (*extra, ("x-request-id", request_id)))
            return
        if fault == "hang" and not await self._hang(conn):
            return
        with self._lock:
            scripted = self._script.popleft() if self._script else None
        answer = plan_answer(request, text, fault, scripted)
        if stream:
            await self._stream(conn, request, answer, fault, request_id)
        else:
            await conn.json(200, self._completion(request, answer), [("x-request-id", request_id)])

    async def _hang(self, conn: _Conn) -> bool:
        """Sleep ``hang_seconds``; False if the client left or the server is stopping."""
        deadline = time.monotonic() + self.hang_seconds
        gone = asyncio.ensure_future(conn.receive())
        try:
            while (remaining := deadline - time.monotonic()) > 0:
                if self._stopping.is_set():
                    await conn.close()
                    return False
                done, _ = await asyncio.wait({gone}, timeout=min(0.05, remaining))
                if done:
                    with self._lock:
                        self._abandoned.append(time.monotonic())
                    return False
            return True
        finally:
            gone.cancel()

    def _completion(self, request: Mapping[str, Any], answer: Answer) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": answer.payload, "refusal": None}
        if answer.tool_name is not None:
            message["content"] = None
            message["tool_calls"] = [
                {
                    "id": f"call_{uuid.uuid4().hex[:24]}",
                    "type": "function",
                    "function": {"name": answer.tool_name, "arguments": answer.payload},
                }
            ]
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": str(request.get("model") or "fake-model"),
            "system_fingerprint": "fp_fake",
            "choices": [{"index": 0, "message": message, "finish_reason": answer.finish_reason, "logprobs": None}],
            "usage": _usage(request, answer.payload),
        }

    async def _stream(
        self, conn: _Conn, request: Mapping[str, Any], answer: Answer, fault: str | None, request_id: str
    ) -> None:
        base = {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": str(request.get("model") or "fake-model"),
            "system_fingerprint": "fp_fake",
        }

        def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            return {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}]}

        payload = _cut(answer.payload) if fault == "malformed" else answer.payload
        size = max(1, self.chunk_size)
        pieces = [payload[i : i + size] for i in range(0, len(payload), size)] or [""]
        events: list[dict[str, Any]] = [chunk({"role": "assistant", "content": None if answer.tool_name else ""})]
        call_id = f"call_{uuid.uuid4().hex[:24]}"
        for i, piece in enumerate(pieces):
            if answer.tool_name is None:
                events.append(chunk({"content": piece}))
            elif i == 0:
                func = {"name": answer.tool_name, "arguments": piece}
                events.append(
                    chunk({"tool_calls": [{"index": 0, "id": call_id, "type": "function", "function": func}]})
                )
            else:
                events.append(chunk({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]}))
        if fault == "drop":
            events = events[:3]
        elif fault == "truncated":
            events = events[: 1 + max(1, len(pieces) // 2)]
        else:
            events.append(chunk({}, "tool_calls" if answer.tool_name else "stop"))
            options = request.get("stream_options")
            if isinstance(options, Mapping) and options.get("include_usage"):
                events.append({**base, "choices": [], "usage": _usage(request, payload)})
        headers = [
            (b"content-type", b"text/event-stream; charset=utf-8"),
            (b"cache-control", b"no-cache"),
            (b"x-request-id", request_id.encode()),
        ]
        await conn.send({"type": "http.response.start", "status": 200, "headers": headers})
        # The request body is fully read, so the next message is the client hanging up.
        hang_up = asyncio.ensure_future(conn.receive())
        try:
            for n, event in enumerate(events):
                if self._stopping.is_set():
                    await conn.close()
                    return
                if n and self.chunk_delay > 0:
                    await asyncio.wait({hang_up}, timeout=self.chunk_delay)
                if hang_up.done():
                    with self._lock:
                        self._abandoned.append(time.monotonic())
                    return
                data = f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode()
                await conn.send({"type": "http.response.body", "body": data, "more_body": True})
        finally:
            hang_up.cancel()
        if fault == "drop":
            await conn.close()
            return
        tail = b"" if fault == "truncated" else b"data: [DONE]\n\n"
        await conn.send({"type": "http.response.body", "body": tail, "more_body": False})


def _check_fault(fault: str) -> None:
    if fault not in FAULTS:
        raise ValueError(f"unknown fault {fault!r}; expected one of {sorted(FAULTS)}")


def main() -> None:
    """Run the fake standalone (e.g. for benchmarks): ``python -m tests.fake_openai --port 8765``."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--chunk-delay", type=float, default=0.0)
    parser.add_argument("--chunk-size", type=int, default=8)
    args = parser.parse_args()
    fake = FakeOpenAI(
        host=args.host, port=args.port, latency=args.latency, chunk_delay=args.chunk_delay, chunk_size=args.chunk_size
    )
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    with fake:
        # Standalone, the fake is a benchmark's upstream: its own collector pauses would count as the gateway's
        # latency, so full collections come ten times less often (as in the gateway, gateway.app).
        gc.collect()
        gc.freeze()
        gc.set_threshold(*gc.get_threshold()[:2], 100)
        print(fake.base_url, flush=True)
        while not done.wait(0.5):
            pass


if __name__ == "__main__":
    main()
