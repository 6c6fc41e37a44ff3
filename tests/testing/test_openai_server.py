"""The scripted OpenAI-compatible server, exercised over real HTTP with httpx."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from supportqa.testing import ChatRequest, OpenAIServer, Reply, approx_tokens, conversation


def chat_body(user: str = "Rate this conversation", **extra: Any) -> dict[str, Any]:
    return {
        "model": "judge-1",
        "messages": [
            {"role": "system", "content": "You are a QA reviewer."},
            {"role": "user", "content": user},
        ],
        **extra,
    }


def post(server: OpenAIServer, body: Any = None, **kwargs: Any) -> httpx.Response:
    return httpx.post(server.base_url + "/chat/completions", json=body or chat_body(), **kwargs)


def test_approx_tokens_is_a_quarter_of_the_characters_rounded_up_and_never_zero() -> None:
    assert [approx_tokens(t) for t in ("", "abc", "abcd", "abcde")] == [1, 1, 1, 2]


def test_json_reply_round_trips_with_openai_shape_and_usage() -> None:
    with OpenAIServer(responder=lambda request: Reply.json({"rating": 1})) as server:
        assert server.base_url == f"http://127.0.0.1:{server.port}/v1"
        data = post(server).json()
    content = '{"rating": 1}'
    assert data["object"] == "chat.completion" and data["id"].startswith("chatcmpl-")
    assert data["model"] == "judge-1" and isinstance(data["created"], int)
    assert data["choices"] == [
        {
            "index": 0,
            "message": {"role": "assistant", "content": content},
            "finish_reason": "stop",
        }
    ]
    prompt = approx_tokens("You are a QA reviewer.") + approx_tokens("Rate this conversation") + 8
    assert data["usage"] == {
        "prompt_tokens": prompt,
        "completion_tokens": approx_tokens(content),
        "total_tokens": prompt + approx_tokens(content),
    }


def test_default_responder_answers_an_empty_json_object() -> None:
    with OpenAIServer() as server:
        assert post(server).json()["choices"][0]["message"]["content"] == "{}"


def test_script_is_consumed_first_in_first_out_then_the_responder_answers() -> None:
    with OpenAIServer(responder=lambda request: Reply.text("fallback")) as server:
        server.script(Reply.text("one"), Reply.text("two", finish_reason="length"))
        answers = [post(server).json()["choices"][0] for _ in range(3)]
        assert server.pending == 0
    assert [a["message"]["content"] for a in answers] == ["one", "two", "fallback"]
    assert [a["finish_reason"] for a in answers] == ["stop", "length", "stop"]


def test_rate_limit_error_carries_retry_after_and_the_openai_error_shape() -> None:
    with OpenAIServer() as server:
        server.script(Reply.error(429, "slow down", headers={"Retry-After": "1"}))
        response = post(server)
    assert response.status_code == 429
    assert response.headers["retry-after"] == "1"
    error = response.json()["error"]
    assert error["message"] == "slow down" and error["type"] and "code" in error


def test_server_error_returns_500_and_the_next_request_succeeds() -> None:
    with OpenAIServer() as server:
        server.script(Reply.error(500), Reply.error(503))
        assert [post(server).status_code for _ in range(3)] == [500, 503, 200]


def test_malformed_text_reply_is_returned_verbatim_as_content() -> None:
    with OpenAIServer() as server:
        server.script(Reply.text('{"rating": 1,'))
        assert post(server).json()["choices"][0]["message"]["content"] == '{"rating": 1,'


def test_delayed_reply_makes_a_short_client_timeout_raise_read_timeout() -> None:
    with OpenAIServer() as server:
        server.script(Reply.hang(5), Reply(delay_s=5))
        started = time.perf_counter()
        with pytest.raises(httpx.ReadTimeout):
            post(server, timeout=0.2)
        with pytest.raises(httpx.ReadTimeout):
            post(server, timeout=0.2)
    assert time.perf_counter() - started < 2  # stop() wakes the sleeping handlers


def test_dropped_connection_is_a_transport_error_for_the_client() -> None:
    with OpenAIServer() as server:
        server.script(Reply.drop())
        with pytest.raises(httpx.RemoteProtocolError):
            post(server)
        assert post(server).status_code == 200


def test_api_key_is_required_as_a_bearer_token() -> None:
    with OpenAIServer(api_key="sk-test") as server:
        missing = post(server)
        wrong = post(server, headers={"Authorization": "Bearer nope"})
        right = post(server, headers={"Authorization": "Bearer sk-test"})
    assert (missing.status_code, wrong.status_code, right.status_code) == (401, 401, 200)
    assert missing.json()["error"]["code"] == "invalid_api_key"


def test_anthropic_messages_endpoint_answers_in_the_messages_shape() -> None:
    body = {
        "model": "claude-judge",
        "system": "You are a QA reviewer.",
        "max_tokens": 256,
        "messages": [{"role": "user", "content": [{"type": "text", "text": "Rate it"}]}],
    }
    with OpenAIServer(responder=lambda r: Reply.json({"ok": r.user_text}), api_key="k") as server:
        url = server.base_url + "/messages"
        refused = httpx.post(url, json=body, headers={"Authorization": "Bearer k"})
        data = httpx.post(url, json=body, headers={"x-api-key": "k"}).json()
        request = server.requests[-1]
    assert refused.status_code == 401 and refused.json()["type"] == "error"
    assert data["type"] == "message" and data["role"] == "assistant"
    assert data["model"] == "claude-judge" and data["stop_reason"] == "end_turn"
    assert data["content"] == [{"type": "text", "text": '{"ok": "Rate it"}'}]
    assert data["usage"] == {
        "input_tokens": approx_tokens("You are a QA reviewer.") + approx_tokens("Rate it") + 8,
        "output_tokens": approx_tokens('{"ok": "Rate it"}'),
    }
    assert request.messages[0] == {"role": "system", "content": "You are a QA reviewer."}
    assert request.system_text == "You are a QA reviewer."


def test_unknown_path_is_404_and_invalid_json_is_400_in_the_openai_error_shape() -> None:
    with OpenAIServer() as server:
        missing = httpx.post(server.base_url + "/completions", json={})
        broken = httpx.post(server.base_url + "/chat/completions", content=b"{not json")
        counts = server.request_counts
    assert missing.status_code == 404 and set(missing.json()["error"]) == {
        "message",
        "type",
        "code",
    }
    assert broken.status_code == 400 and broken.json()["error"]["type"] == "invalid_request_error"
    assert counts == {"/v1/completions": 1, "/v1/chat/completions": 1}


def test_models_endpoint_lists_the_configured_models() -> None:
    with OpenAIServer(models=("a", "b")) as server:
        data = httpx.get(server.base_url + "/models").json()
    assert [m["id"] for m in data["data"]] == ["a", "b"]


def test_concurrent_requests_are_served_concurrently() -> None:
    with OpenAIServer(latency_s=0.2) as server, httpx.Client() as client:
        url = server.base_url + "/chat/completions"
        started = time.perf_counter()
        with ThreadPoolExecutor(16) as pool:
            statuses = list(
                pool.map(lambda _: client.post(url, json=chat_body()).status_code, range(16))
            )
        elapsed = time.perf_counter() - started
        assert server.request_count == 16
    assert statuses == [200] * 16
    assert elapsed < 2  # 16 × 0.2 s = 3.2 s if they were served one by one


def test_latency_jitter_is_deterministic_for_a_seed() -> None:
    def latencies(seed: int) -> list[float]:
        server = OpenAIServer(latency_s=0.1, latency_jitter_s=0.05, seed=seed)
        return [server._latency() for _ in range(5)]

    assert latencies(7) == latencies(7) != latencies(8)
    assert all(0.1 <= s <= 0.15 for s in latencies(7))


def test_requests_record_bodies_headers_and_helpers_and_reset_clears_them() -> None:
    seen: list[ChatRequest] = []

    def responder(request: ChatRequest) -> Reply:
        seen.append(request)
        return Reply.json({})

    with OpenAIServer(responder=responder) as server:
        post(server, chat_body("first"), headers={"X-Trace": "t1"})
        post(server, chat_body("second"))
        requests = server.requests
        assert requests == seen
        assert [r.body["messages"][1]["content"] for r in requests] == ["first", "second"]
        assert requests[0].headers["x-trace"] == "t1" and requests[0].model == "judge-1"
        assert requests[0].user_text == "first" and requests[0].response_format is None
        server.script(Reply.drop())
        server.reset()
        assert server.requests == [] and server.request_count == 0 and server.pending == 0


def test_json_schema_response_format_is_recorded_and_its_schema_exposed() -> None:
    schema = {"type": "object", "properties": {"rating": {"type": "integer"}}}
    fmt = {
        "type": "json_schema",
        "json_schema": {"name": "score", "schema": schema, "strict": True},
    }
    with OpenAIServer() as server:
        post(server, chat_body(response_format=fmt))
        request = server.requests[0]
    assert request.response_format == fmt
    assert request.response_format_schema == schema


def test_responder_exception_becomes_a_500_with_its_message() -> None:
    def broken(request: ChatRequest) -> Reply:
        raise ValueError("no rubric")

    with OpenAIServer(responder=broken) as server:
        response = post(server)
    assert response.status_code == 500 and "no rubric" in response.json()["error"]["message"]


def test_base_url_before_start_is_an_error_and_the_conversation_factory_still_imports() -> None:
    with pytest.raises(RuntimeError):
        _ = OpenAIServer().base_url
    assert conversation(("customer", "hi")).messages[0].text == "hi"
