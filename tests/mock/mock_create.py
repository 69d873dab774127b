"""Validation of a create body (POST /v1/messages/batches), as the API checks it.

validate_create(body bytes) returns a list of RequestSpec, or raises CreateError with the message
of the 400 invalid_request_error, which names the request index and the field, pydantic style:
"requests.79999.custom_id: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'". The first
problem in document order is reported.

Mock-only extension: params may hold "mock", an object that asks for the outcome and the shape of
that request's result (and is checked as strictly, so a typo in a test is a 400, not a surprise):
  "result":            "succeeded" (default) | "errored" | "expired" (the request never finishes:
                       the batch ends at expires_at, 24 h after creation, unless canceled)
  "error_type", "error_message":  errored only: the nested error's type and message
                       (default invalid_request_error, a message naming the custom_id)
  "blocks":            content blocks in order, each "text", "thinking" or "tool_use"
                       (default: derived from the custom_id; mostly ["text"])
  "text_bytes", "thinking_bytes":  UTF-8 bytes of each text / thinking block's decoded text
  "tool_input_bytes":  approximate JSON bytes of each tool_use block's input object
                       (sizes 0..1 GiB; defaults: a few hundred bytes, from the custom_id)
  "stop_reason":       any string (default end_turn, or tool_use when the last block is one)
"""

import json
import re

MAX_REQUESTS = 100_000
CUSTOM_ID_RE = re.compile(r"[a-zA-Z0-9_-]{1,64}")
CUSTOM_ID_PATTERN = "^[a-zA-Z0-9_-]{1,64}$"
RESULT_TYPES = ("succeeded", "errored", "expired")
BLOCK_TYPES = ("text", "thinking", "tool_use")
MAX_MOCK_BYTES = 1 << 30
MOCK_FIELDS = ("result", "error_type", "error_message", "blocks", "text_bytes", "thinking_bytes",
               "tool_input_bytes", "stop_reason")


class CreateError(Exception):
    """A create body the API would refuse: the message of its 400."""


class RequestSpec:
    """What the mock keeps of one submitted request: enough to answer its result line."""

    __slots__ = ("custom_id", "model", "input_tokens", "mock")

    def __init__(self, custom_id, model, input_tokens, mock):
        self.custom_id = custom_id
        self.model = model
        self.input_tokens = input_tokens
        self.mock = mock            # the validated "mock" object, or None


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _content_chars(content):
    """Characters of text in a message content (string or blocks), for input_tokens."""
    if isinstance(content, str):
        return len(content)
    n = 0
    for block in content:
        if isinstance(block, dict):
            text = block.get("text")
            if isinstance(text, str):
                n += len(text)
            else:
                n += 64
    return n


def check_mock(where, mock):
    if not isinstance(mock, dict):
        raise CreateError(f"{where}: Input should be a valid dictionary")
    for name, value in mock.items():
        field = f"{where}.{name}"
        if name not in MOCK_FIELDS:
            raise CreateError(f"{field}: Extra inputs are not permitted (mock extension)")
        if name == "result":
            if value not in RESULT_TYPES:
                raise CreateError(f"{field}: Input should be 'succeeded', 'errored' or 'expired'")
        elif name in ("error_type", "error_message", "stop_reason"):
            if not isinstance(value, str):
                raise CreateError(f"{field}: Input should be a valid string")
        elif name == "blocks":
            if not isinstance(value, list) or any(b not in BLOCK_TYPES for b in value):
                raise CreateError(f"{field}: Input should be a list of 'text', 'thinking' or "
                                  "'tool_use'")
        elif not _is_int(value) or not 0 <= value <= MAX_MOCK_BYTES:
            raise CreateError(f"{field}: Input should be an integer 0..{MAX_MOCK_BYTES}")
    return mock


def _check_params(i, params):
    where = f"requests.{i}.params"
    if not isinstance(params, dict):
        raise CreateError(f"{where}: Input should be a valid dictionary")
    model = params.get("model")
    if "model" not in params:
        raise CreateError(f"{where}.model: Field required")
    if not isinstance(model, str):
        raise CreateError(f"{where}.model: Input should be a valid string")
    if not model:
        raise CreateError(f"{where}.model: String should have at least 1 character")
    if "max_tokens" not in params:
        raise CreateError(f"{where}.max_tokens: Field required")
    max_tokens = params["max_tokens"]
    if not _is_int(max_tokens):
        raise CreateError(f"{where}.max_tokens: Input should be a valid integer")
    if max_tokens < 1:
        raise CreateError(f"{where}.max_tokens: Input should be greater than or equal to 1")
    if "messages" not in params:
        raise CreateError(f"{where}.messages: Field required")
    messages = params["messages"]
    if not isinstance(messages, list):
        raise CreateError(f"{where}.messages: Input should be a valid list")
    if not messages:
        raise CreateError(f"{where}.messages: List should have at least 1 item after "
                          "validation, not 0")
    chars = 0
    for j, msg in enumerate(messages):
        mwhere = f"{where}.messages.{j}"
        if not isinstance(msg, dict):
            raise CreateError(f"{mwhere}: Input should be a valid dictionary")
        if "role" not in msg:
            raise CreateError(f"{mwhere}.role: Field required")
        if msg["role"] not in ("user", "assistant"):
            raise CreateError(f"{mwhere}.role: Input should be 'user' or 'assistant'")
        if "content" not in msg:
            raise CreateError(f"{mwhere}.content: Field required")
        content = msg["content"]
        if not isinstance(content, (str, list)):
            raise CreateError(f"{mwhere}.content: Input should be a valid string or list")
        chars += _content_chars(content)
    if "system" in params:
        system = params["system"]
        if not isinstance(system, (str, list)):
            raise CreateError(f"{where}.system: Input should be a valid string or list")
        chars += _content_chars(system)
    if params.get("stream") is True:
        raise CreateError(f"{where}.stream: Streaming is not supported in the Message Batches "
                          "API")
    mock = check_mock(f"{where}.mock", params["mock"]) if "mock" in params else None
    return model, 1 + chars // 4, mock


def validate_create(body):
    """The RequestSpecs of a create body (bytes), or CreateError."""
    try:
        doc = json.loads(body)
    except (UnicodeDecodeError, ValueError) as e:
        raise CreateError(f"Request body is not valid JSON: {e}") from None
    if not isinstance(doc, dict):
        raise CreateError("Input should be a valid dictionary")
    for key in doc:
        if key != "requests":
            raise CreateError(f"{key}: Extra inputs are not permitted")
    if "requests" not in doc:
        raise CreateError("requests: Field required")
    items = doc["requests"]
    if not isinstance(items, list):
        raise CreateError("requests: Input should be a valid list")
    if not items:
        raise CreateError("requests: List should have at least 1 item after validation, not 0")
    if len(items) > MAX_REQUESTS:
        raise CreateError(f"requests: List should have at most {MAX_REQUESTS} items after "
                          f"validation, not {len(items)}")
    seen = {}
    specs = []
    for i, item in enumerate(items):
        where = f"requests.{i}"
        if not isinstance(item, dict):
            raise CreateError(f"{where}: Input should be a valid dictionary")
        for key in item:
            if key not in ("custom_id", "params"):
                raise CreateError(f"{where}.{key}: Extra inputs are not permitted")
        if "custom_id" not in item:
            raise CreateError(f"{where}.custom_id: Field required")
        if "params" not in item:
            raise CreateError(f"{where}.params: Field required")
        cid = item["custom_id"]
        if not isinstance(cid, str):
            raise CreateError(f"{where}.custom_id: Input should be a valid string")
        if not CUSTOM_ID_RE.fullmatch(cid):
            raise CreateError(f"{where}.custom_id: String should match pattern "
                              f"'{CUSTOM_ID_PATTERN}'")
        if cid in seen:
            raise CreateError(f"{where}.custom_id: Duplicate custom_id '{cid}' (also "
                              f"requests.{seen[cid]}.custom_id); custom_id values must be "
                              "unique within a batch")
        seen[cid] = i
        model, input_tokens, mock = _check_params(i, item["params"])
        specs.append(RequestSpec(cid, model, input_tokens, mock))
    return specs
