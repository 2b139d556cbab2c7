"""``helpers.explain``: each failure a learner can fix ends in its own short explanation, never a traceback.

Every failure is real: the simulator (401, 404, 429 and the ``slow`` fault), a loopback port
where nothing listens (connection error), and a tiny local server for what the simulator never
says (a 403 for an unsupported region, a web page where the API should be).
"""

from __future__ import annotations

import io
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import openai
import pytest

import helpers
from helpers import explain as explain_module
from helpers.explain import DOCTOR, EXPLANATIONS, explain, explained, kind_of
from helpers.offline import INVALID_KEY
from tests.test_sim_support import make_client

HI = [{"role": "user", "content": "hi"}]
REGION_BODY = {"error": {"code": "unsupported_country_region_territory", "message": "Country, region, or territory not supported",
                         "param": None, "type": "request_forbidden"}}
PAGE = b"<!doctype html><html><body><h1>Welcome to our website</h1></body></html>"


class _Canned(BaseHTTPRequestHandler):
    """Answers every request with what its path asks for: ``/region``, ``/page`` or ``/missing``."""

    def _answer(self) -> None:
        if self.path.startswith("/region"):
            status, kind, body = 403, "application/json", json.dumps(REGION_BODY).encode()
        else:
            status, kind, body = (404 if self.path.startswith("/missing") else 200), "text/html", PAGE
        self.send_response(status)
        self.send_header("content-type", kind)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def canned() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Canned)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def shown(block, lang: str = "en") -> str:
    """What ``with explained():`` printed for ``block`` (a failing request), in ``lang``."""
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KIT_LANG", lang)
        with explained(file=out):
            block()
            raise AssertionError("the request did not fail")
    return out.getvalue()


def caught(block) -> BaseException:
    try:
        block()
    except Exception as error:  # the failure under test, whatever it is
        return error
    raise AssertionError("the request did not fail")


def _raise(error: BaseException) -> None:
    raise error


def test_connection_error(simulator) -> None:
    sdk = make_client(f"http://127.0.0.1:{unused_port()}/v1", timeout=5)
    text = shown(lambda: sdk.models.list())
    assert "Could not reach the server" in text and "KIT_OFFLINE=1" in text and "make doctor" in text
    assert "Traceback" not in text


def test_timeout(simulator) -> None:
    sdk = make_client(simulator.base_url, timeout=0.3)
    request = lambda: sdk.chat.completions.create(model=helpers.DEFAULT_MODEL, messages=HI,  # noqa: E731
                                                  extra_headers={"x-offline-fault": "slow; seconds=1"})
    error = caught(request)  # one slow request: the explanation is shown for the same failure
    assert kind_of(error) == "timeout"
    text = shown(lambda: _raise(error))
    assert "No answer in time" in text and "timeout=60" in text


def test_rejected_key(simulator) -> None:
    sdk = make_client(simulator.base_url, api_key=INVALID_KEY)
    text = shown(lambda: sdk.models.list())
    assert "The key was rejected (401)" in text and "OPENAI_API_KEY" in text
    assert INVALID_KEY not in text and "sk-of*****" in text  # the server's words, with the key masked as the API does


def test_unsupported_region(canned: str) -> None:
    sdk = make_client(canned + "/region/v1")
    error = caught(lambda: sdk.models.list())
    assert isinstance(error, openai.PermissionDeniedError) and kind_of(error) == "region"
    text = shown(lambda: sdk.models.list())
    assert "does not serve the country or region" in text and "KIT_PROVIDER" in text
    assert "Country, region, or territory not supported" in text
    assert "不支持这个请求所在的国家或地区" in shown(lambda: sdk.models.list(), "zh")


def test_other_403_is_a_permission_problem() -> None:
    error = openai.PermissionDeniedError("no", response=_response(403, {"error": {"code": "model_not_allowed"}}),
                                         body={"code": "model_not_allowed", "message": "no"})
    assert kind_of(error) == "permission" and explain(error) is not None


def _response(status: int, body: object):
    import httpx

    return httpx.Response(status, json=body, request=httpx.Request("GET", "http://127.0.0.1:1/v1/models"))


def test_unknown_model(simulator) -> None:
    sdk = make_client(simulator.base_url)
    text = shown(lambda: sdk.chat.completions.create(model="gpt-3.5-turbo", messages=HI))
    assert "The model 'gpt-3.5-turbo' does not exist here" in text and "OPENAI_MODEL" in text


def test_base_url_without_v1(simulator) -> None:
    root = simulator.base_url.removesuffix("/v1")
    sdk = make_client(root)
    error = caught(lambda: sdk.models.list())
    assert isinstance(error, openai.NotFoundError) and kind_of(error) == "base_url"
    text = shown(lambda: sdk.models.list())
    assert f"{root}/models" in text and "/v1" in text and "OPENAI_BASE_URL" in text


def test_base_url_answering_a_web_page_404(canned: str) -> None:
    sdk = make_client(canned + "/missing")
    text = shown(lambda: sdk.models.list())
    assert "OPENAI_BASE_URL is probably wrong" in text and "<html" not in text


def test_base_url_answering_a_web_page_200(canned: str) -> None:
    # The SDK fails inside itself on text where JSON should be: still the base URL's fault.
    sdk = openai.OpenAI(base_url=canned + "/page", api_key="x", max_retries=0)
    error = caught(lambda: sdk.models.list())
    assert isinstance(error, AttributeError) and kind_of(error) == "html"
    text = shown(lambda: sdk.models.list())
    assert "answered with a web page, not JSON" in text and "OPENAI_BASE_URL" in text


def test_quota_and_rate_limit(simulator) -> None:
    sdk = make_client(simulator.base_url)
    for fault, words in (("quota", "prepaid credit is used up"), ("rate_limit; retry_after=0", "Too many requests")):
        text = shown(lambda: sdk.chat.completions.create(model=helpers.DEFAULT_MODEL, messages=HI,
                                                         extra_headers={"x-offline-fault": fault}))
        assert words in text


def test_each_explanation_has_its_own_text_and_both_languages() -> None:
    texts = [EXPLANATIONS[kind] for kind in ("connection", "timeout", "auth", "region", "permission", "model",
                                             "base_url", "quota", "rate_limit")]
    assert len({t.en for t in texts}) == len(texts) and all(t.zh and t.en != t.zh for t in texts)
    assert "make doctor" in DOCTOR.en and "make doctor" in DOCTOR.zh


def test_an_unexpected_error_is_not_hidden() -> None:
    with pytest.raises(ZeroDivisionError), explained(file=io.StringIO()):
        1 / 0
    # An AttributeError of the learner's own code is a bug, not a web page.
    with pytest.raises(AttributeError), explained(file=io.StringIO()):
        "text".choices  # type: ignore[attr-defined]  # noqa: B018


def test_an_sdk_error_we_do_not_explain_passes_through(simulator) -> None:
    sdk = make_client(simulator.base_url)
    with pytest.raises(openai.BadRequestError), explained(file=io.StringIO()):
        sdk.chat.completions.create(model=helpers.DEFAULT_MODEL, messages=[])


def test_the_helper_is_exported() -> None:
    # helpers.explain stays the module (its function would shadow it); the lessons use helpers.explained.
    assert helpers.explained is explained and helpers.explain is explain_module


@pytest.mark.parametrize("profile, call, feature", [
    ("basic", lambda c: c.chat.completions.create(model=helpers.DEFAULT_MODEL, messages=HI,
                                                  response_format={"type": "json_object"}), "response_format.type"),
    ("basic", lambda c: c.responses.create(model=helpers.DEFAULT_MODEL, input="hi"), "POST /responses"),
    ("max-tokens-only", lambda c: c.chat.completions.create(model=helpers.DEFAULT_MODEL, messages=HI,
                                                            max_completion_tokens=5), "max_completion_tokens"),
], ids=["json-mode", "responses-api", "max-completion-tokens"])
def test_a_feature_the_endpoint_lacks_is_explained_in_both_languages(simulator, profile, call, feature) -> None:
    sdk = make_client(simulator.base_url).with_options(default_headers={"x-offline-profile": profile})
    with pytest.raises(openai.APIStatusError) as caught:
        call(sdk)
    said = explain(caught.value)
    assert said is not None and kind_of(caught.value) == "feature"
    for text in (said.en, said.zh):
        assert feature in text and "probe" in text and "make doctor" in text
    assert "07" in said.en and "第 07 课" in said.zh


def test_a_wrong_base_url_is_still_a_base_url_problem_not_a_feature(simulator) -> None:
    sdk = make_client(simulator.base_url.replace("/v1", "/nothing-here"))
    with pytest.raises(openai.NotFoundError) as caught:
        sdk.chat.completions.create(model=helpers.DEFAULT_MODEL, messages=HI)
    assert kind_of(caught.value) == "base_url"


@pytest.mark.parametrize("code, scope_en, scope_zh", [
    ("project_spend_limit_exceeded", "project", "项目"), ("organization_spend_limit_exceeded", "organization", "组织")])
def test_a_reached_hard_spend_limit_is_not_a_rate_limit(code, scope_en, scope_zh) -> None:
    request = httpx.Request("POST", "https://api.openai.com/v1/chat/completions")
    body = {"message": "You have reached your spend limit.", "type": "insufficient_quota", "param": None, "code": code}
    error = openai.RateLimitError("429", response=httpx.Response(429, request=request), body=body)
    assert kind_of(error) == "spend_limit"
    said = explain(error)
    assert said is not None
    assert f"The {scope_en}'s hard spend limit" in said.en and "Wait a few seconds" not in said.en
    assert f"{scope_zh}本月的消费硬上限" in said.zh and code in said.zh


def test_a_refused_image_part_is_named_as_image_input(simulator) -> None:
    sdk = make_client(simulator.base_url).with_options(default_headers={"x-offline-profile": "no-vision"})
    part = {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.chat.completions.create(model=helpers.DEFAULT_MODEL, messages=[{"role": "user", "content": [part]}])
    said = explain(caught.value)
    assert said is not None and "(image input, messages[0].content[0].type)" in said.en and "图像输入" in said.zh
