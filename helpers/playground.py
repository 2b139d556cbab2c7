"""``Playground``: chat, JSON and image requests in an ipywidgets panel, no code needed.

Introduced in lesson 06 (playground). Everything it does was shown raw in lessons 02-05:
a streamed chat completion (``helpers.playground_stream``), ``usage`` and an estimated
cost (``helpers.costs``), JSON mode and strict JSON Schema (``helpers.playground_json``),
images as data URLs (``helpers.images``) and API errors explained, not raised
(``helpers.playground_errors``).

>>> pg = Playground(client, lang="zh")
>>> pg.widget                      # the last line of a cell: shows the tabs
>>> turn = pg.send("Hi", blocking=True)   # the same as typing "Hi" and pressing Send

The logic lives in plain methods (``send``, ``send_json``, ``send_image``, ``reset``); the
buttons only call them. Inside a Jupyter kernel a request runs in a background thread so
the page stays responsive (Send is disabled meanwhile); ``blocking=True`` runs it in the
caller's thread and returns the :class:`Turn`. Any error, in either path, is shown in the
widget, and a failed chat turn is not added to the conversation.

Offline, each request carries ``x-offline-token-latency-ms`` so the simulator streams at
a visible pace; against a real endpoint that header is never sent.

Stable CSS classes (for browser tests and custom styles), set with ``add_class``:

* ``kit-playground``: the Tab itself.
* Shared settings, the same widget shown in each tab that uses it (so a selector can match
  one element per tab): ``kit-model`` (Chat and JSON), ``kit-temperature``, ``kit-max-tokens``.
* Chat tab: ``kit-role``, ``kit-system``, ``kit-prompt`` (Textarea), ``kit-send`` (Button),
  ``kit-reset`` (Button), ``kit-history`` (earlier turns), ``kit-answer`` (the streamed
  answer, HTML), ``kit-meter`` (tokens, cost, latency, finish reason, session total).
* JSON tab: ``kit-json-mode``, ``kit-json-schema``, ``kit-json-prompt``, ``kit-json-send``,
  ``kit-json-answer`` (the streamed raw reply), ``kit-json-result`` (validated object or the
  problem), ``kit-json-meter``.
* Image tab: ``kit-image-model``, ``kit-image-upload``, ``kit-image-preview``,
  ``kit-image-info``, ``kit-image-detail``, ``kit-image-prompt``, ``kit-image-send``,
  ``kit-image-answer``, ``kit-image-meter``.
"""

from __future__ import annotations

import html
import io
import json
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import ipywidgets as widgets
import openai
from PIL import Image, UnidentifiedImageError

from .client import settings
from .config import COMPATIBLE, OFFLINE
from .images import ImageInputError, image_part, image_to_data_url
from .models import retirement_warning
from .offline.server import TOKEN_LATENCY_HEADER
from .playground_errors import Explanation, explain_error
from .playground_json import EXAMPLE_SCHEMA, SchemaProblem, check_reply, parse_schema, schema_name, strict_problems
from .playground_stream import StreamResult, stream_chat
from .probe import Capabilities

#: Listed models with these prefixes join the configured ones in the model menu.
MODEL_FAMILIES = ("gpt-5.4", "gpt-5.5")
LANGUAGES = ("en", "zh")  # the order of each LABELS pair

#: Every label of the panel as (English, Chinese); ``lang`` picks one.
LABELS: dict[str, tuple[str, str]] = {
    "chat": ("Chat", "对话"),
    "json": ("JSON", "JSON"),
    "image": ("Image", "图像"),
    "model": ("Model", "模型"),
    "vision_model": ("Model", "模型"),
    "temperature": ("Temperature", "温度"),
    "max_tokens": ("Max tokens", "最多 token"),
    "role": ("Role", "角色"),
    "system": ("Instructions for the model (optional), e.g. Answer in one sentence.", "给模型的指令（可选），例如：用一句话回答。"),
    "prompt": ("Type your message, then press Send.", "输入你的消息，然后按“发送”。"),
    "send": ("Send", "发送"),
    "sending": ("Sending…", "发送中…"),
    "reset": ("New conversation", "新对话"),
    "you": ("You", "你"),
    "assistant": ("Assistant", "助手"),
    "waiting": ("Waiting for the first token…", "正在等待第一个 token…"),
    "empty": ("Type a message first.", "先输入一条消息。"),
    "reset_done": ("New conversation: the model remembers nothing from before.", "新对话：模型不记得之前说过的任何内容。"),
    "history": ("Earlier turns", "之前的对话"),
    "one_shot": (
        "Each request here is a single question; it is not added to the chat.",
        "这里的每个请求都是单独的一问，不会加进“对话”页的记录。",
    ),
    "mode_schema": ("JSON Schema (strict)", "JSON Schema（严格）"),
    "mode_object": ("JSON mode", "JSON 模式"),
    "json_prompt": ("Recommend a classic science-fiction book.", "推荐一本经典的科幻小说。"),
    "json_instruction": ("Reply with one JSON object.", "请用一个 JSON 对象回答。"),
    "json_word": (
        "JSON mode needs the word \"json\" in the messages, so the playground added the instruction "
        "\"Reply with one JSON object.\"",
        "JSON 模式要求消息里出现 \"json\" 这个词，所以练习场自动加了一条指令：“请用一个 JSON 对象回答。”",
    ),
    "valid_schema": ("✓ Valid: the reply matches your schema.", "✓ 合法：回复符合你的 schema。"),
    "valid_json": ("✓ Valid JSON (JSON mode checks no schema).", "✓ 合法的 JSON（JSON 模式不检查 schema）。"),
    "not_sent": ("Nothing was sent.", "请求没有发出。"),
    "strict_note": ("The live API would reject this schema with a 400:", "在线 API 会以 400 拒绝这个 schema："),
    "upload": ("Upload a picture", "上传图片"),
    "detail": ("detail", "detail"),
    "image_prompt": ("What is in this picture?", "这张图片里有什么？"),
    "no_image": ("Upload a picture first (PNG, JPEG, WEBP or GIF).", "请先上传一张图片（PNG、JPEG、WEBP 或 GIF）。"),
    "not_image": (
        "This file is not a picture Pillow can read. Use a PNG, JPEG, WEBP or GIF file.",
        "Pillow 读不了这个文件，它不是图片。请使用 PNG、JPEG、WEBP 或 GIF 文件。",
    ),
    "refused": ("The model refused:", "模型拒绝了："),
    "error_status": ("HTTP", "HTTP"),
    "error_code": ("code", "错误码"),
    "what_to_do": ("What to do:", "怎么办："),
    "kept": (
        "Your conversation is kept: this turn was not added to it, and your message is still in the box.",
        "对话记录还在：这一轮没有加进去，你的消息也还在输入框里。",
    ),
    "tokens": ("tokens: in {input} · out {output}", "token：输入 {input} · 输出 {output}"),
    "no_usage": ("tokens n/a (the endpoint sent no usage)", "token：无（接口没有返回 usage）"),
    "tokens_estimated": (
        "tokens ≈ in {input} · out {output} (counted locally: the endpoint sent no usage)",
        "token ≈ 输入 {input} · 输出 {output}（接口没有返回 usage，在本地估算）",
    ),
    "cost": ("cost ≈ ${cost:.6f} (estimate)", "费用 ≈ ${cost:.6f}（估算）"),
    "no_price": (
        "cost n/a (no price for '{model}' in helpers.costs.PRICES; add one to see estimates)",
        "费用：无（helpers.costs.PRICES 里没有 '{model}' 的价格；添加后就能估算）",
    ),
    "latency": ("first token {first} · total {total:.2f} s", "首个 token {first} · 总计 {total:.2f} 秒"),
    "finish": ("finish_reason: {reason}", "finish_reason：{reason}"),
    "length": ("Cut off by the token limit: move Max tokens up.", "回复被 token 上限截断了：把“最多 token”调大。"),
    "session": (
        "this playground so far: requests {requests} · in {input} · out {output} tokens · ≈ ${cost:.6f}",
        "这个练习场累计：{requests} 次请求 · 输入 {input} · 输出 {output} 个 token · ≈ ${cost:.6f}",
    ),
    "session_unpriced": (" (+{unpriced} without a price)", "（另有 {unpriced} 次没有价格）"),
    "seconds": ("{value:.2f} s", "{value:.2f} 秒"),
    "none": ("n/a", "无"),
}

_PRE = '<pre style="white-space:pre-wrap;word-break:break-word;margin:0;font-family:inherit">{}</pre>'
_SMALL = '<div style="font-size:90%;opacity:0.8">{}</div>'
_ERROR = '<div style="border-left:4px solid #d9534f;padding:4px 8px;margin-top:4px">{}</div>'


def pre(text: str) -> str:
    """``text`` HTML-escaped in a ``<pre>`` that wraps lines: model output is never markup."""
    return _PRE.format(html.escape(text))


def _said(who: str, text: str) -> str:
    return f"<b>{html.escape(who)}</b>" + pre(text)


def available_models(
    client: openai.OpenAI, configured: Iterable[str], families: Sequence[str] = MODEL_FAMILIES
) -> list[str]:
    """The configured models, then listed models of ``families`` that are not being retired.

    Listing is a nice extra: when it fails (no network, a compatible endpoint without
    ``/models``, a wrong key) the configured models are enough, so every error is ignored.
    """
    names = list(dict.fromkeys(configured))
    try:
        listed = [model.id for model in client.with_options(max_retries=0, timeout=10).models.list()]
    except Exception:  # listing is optional: the configured models always work
        listed = []
    fresh = sorted(n for n in set(listed) if n.startswith(tuple(families)) and retirement_warning(n) is None)
    return names + [n for n in fresh if n not in names]


def in_kernel() -> bool:
    """True inside a Jupyter kernel, where requests should not block the page."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return getattr(get_ipython(), "kernel", None) is not None


@dataclass
class Turn:
    """One request of the playground: what was asked, what came back, or what went wrong."""

    kind: str
    prompt: str
    stream: StreamResult = field(default_factory=StreamResult)
    error: Explanation | None = None
    parsed: Any = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None and not self.problems

    @property
    def text(self) -> str:
        return self.stream.text or self.stream.refusal

    @property
    def finish_reason(self) -> str | None:
        return self.stream.finish_reason

    @property
    def input_tokens(self) -> int | None:
        return self.stream.input_tokens

    @property
    def output_tokens(self) -> int | None:
        return self.stream.output_tokens

    @property
    def cost(self) -> float | None:
        return self.stream.cost


@dataclass
class SessionTotals:
    """Running totals over every successful request of one playground."""

    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float = 0.0
    unpriced: int = 0

    def add(self, result: StreamResult) -> None:
        self.requests += 1
        self.input_tokens += result.input_tokens or 0
        self.output_tokens += result.output_tokens or 0
        if result.cost is None:
            self.unpriced += 1
        else:
            self.cost += result.cost


class _Panel:
    """The answer and meter of one tab, and the text streamed into it so far."""

    def __init__(self, prefix: str) -> None:
        self.answer = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.meter = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.answer.add_class(f"{prefix}answer")
        self.meter.add_class(f"{prefix}meter")
        self.partial = ""


W = TypeVar("W", bound=widgets.DOMWidget)


def _classed(widget: W, name: str) -> W:
    """``widget`` with the CSS class ``name`` (the stable hooks listed in the module docstring)."""
    widget.add_class(name)
    return widget


class Playground:
    """Chat, JSON and image requests behind buttons; ``widget`` is the Tab to display.

    ``models`` replaces the model menu (default: the configured models plus listed
    ``gpt-5.4*``/``gpt-5.5*`` ones). ``extra_headers`` go with every request.
    ``blocking=None`` runs requests in a background thread inside a kernel and in the
    caller's thread elsewhere; ``timeout`` (seconds) bounds every request.
    ``caps`` (from ``helpers.probe.probe``) adapts the requests to a limited endpoint: the
    older ``max_tokens`` where ``max_completion_tokens`` is refused, and no ``stream_options``
    where streams carry no usage (tokens are then counted locally). ``None``: OpenAI's API.
    """

    def __init__(
        self,
        client: openai.OpenAI,
        *,
        lang: str = "zh",
        models: Sequence[str] | None = None,
        token_latency_ms: int = 30,
        extra_headers: Mapping[str, str] | None = None,
        timeout: float = 60.0,
        blocking: bool | None = None,
        caps: Capabilities | None = None,
    ) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"lang must be 'zh' or 'en', got {lang!r}. / lang 只能是 'zh' 或 'en'，收到 {lang!r}。")
        config = settings()
        self.client = client
        self.lang = lang
        self.labels = {key: pair[LANGUAGES.index(lang)] for key, pair in LABELS.items()}
        self.token_latency_ms = token_latency_ms
        self.extra_headers = dict(extra_headers or {})
        self.timeout = timeout
        self.caps = caps
        self.blocking = (not in_kernel()) if blocking is None else blocking
        self.offline = config.mode == OFFLINE
        self.messages: list[dict[str, Any]] = []
        self.session = SessionTotals()
        self.turns: list[Turn] = []
        self._history: list[str] = []
        self._last_block = ""
        self._busy = False
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        names = list(dict.fromkeys(models)) if models else available_models(client, (config.model, config.vision_model))
        self._build(names, config.model, config.vision_model, "system" if config.mode == COMPATIBLE else "developer")

    # --- building the widgets --------------------------------------------------------

    def _build(self, names: list[str], model: str, vision_model: str, role: str) -> None:
        L, full = self.labels, widgets.Layout(width="100%")
        self.model = _classed(widgets.Dropdown(options=names, value=model if model in names else names[0],
                                               description=L["model"]), "kit-model")
        self.temperature = _classed(widgets.FloatSlider(value=1.0, min=0.0, max=2.0, step=0.1,
                                                        description=L["temperature"]), "kit-temperature")
        self.max_tokens = _classed(widgets.IntSlider(value=1024, min=16, max=4096, step=16,
                                                     description=L["max_tokens"]), "kit-max-tokens")
        self.role = _classed(widgets.Dropdown(options=["developer", "system"], value=role,
                                              description=L["role"]), "kit-role")
        self.system = _classed(widgets.Textarea(placeholder=L["system"], layout=full), "kit-system")
        self.prompt = _classed(widgets.Textarea(placeholder=L["prompt"], layout=full), "kit-prompt")
        self.send_button = _classed(widgets.Button(description=L["send"], button_style="primary"), "kit-send")
        self.reset_button = _classed(widgets.Button(description=L["reset"]), "kit-reset")
        self.history = _classed(widgets.HTML(layout=full), "kit-history")
        self.chat = _Panel("kit-")
        self.send_button.on_click(lambda _: self.send())
        self.reset_button.on_click(lambda _: self.reset())
        settings_row = widgets.HBox([self.model, self.temperature, self.max_tokens])
        chat_tab = widgets.VBox([settings_row, widgets.HBox([self.role]), self.system, self.history,
                                 self.chat.answer, self.chat.meter, self.prompt,
                                 widgets.HBox([self.send_button, self.reset_button])])

        self.json_mode = _classed(widgets.ToggleButtons(
            options=[(L["mode_schema"], "schema"), (L["mode_object"], "json_object")], value="schema"), "kit-json-mode")
        self.json_schema = _classed(widgets.Textarea(value=json.dumps(EXAMPLE_SCHEMA, indent=2),
                                                     layout=widgets.Layout(width="100%", height="16em")), "kit-json-schema")
        self.json_prompt = _classed(widgets.Textarea(value=L["json_prompt"], layout=full), "kit-json-prompt")
        self.json_send = _classed(widgets.Button(description=L["send"], button_style="primary"), "kit-json-send")
        self.json_result = _classed(widgets.HTML(layout=full), "kit-json-result")
        self.json_panel = _Panel("kit-json-")
        self.json_send.on_click(lambda _: self.send_json())
        json_tab = widgets.VBox([settings_row, widgets.HTML(_SMALL.format(html.escape(L["one_shot"]))),
                                 self.json_mode, self.json_schema, self.json_prompt, self.json_send,
                                 self.json_panel.answer, self.json_result, self.json_panel.meter])

        self.vision_model = _classed(widgets.Dropdown(options=names, value=vision_model if vision_model in names
                                                      else names[0], description=L["vision_model"]), "kit-image-model")
        self.upload = _classed(widgets.FileUpload(accept="image/*", multiple=False, description=L["upload"]),
                               "kit-image-upload")
        self.preview = _classed(widgets.Image(layout=widgets.Layout(max_width="240px")), "kit-image-preview")
        self.image_info = _classed(widgets.HTML(), "kit-image-info")
        self.detail = _classed(widgets.ToggleButtons(options=["auto", "low", "high"], value="auto",
                                                     description=L["detail"]), "kit-image-detail")
        self.image_prompt = _classed(widgets.Textarea(value=L["image_prompt"], layout=full), "kit-image-prompt")
        self.image_send = _classed(widgets.Button(description=L["send"], button_style="primary"), "kit-image-send")
        self.image_panel = _Panel("kit-image-")
        self.upload.observe(self._show_upload, names="value")
        self.image_send.on_click(lambda _: self.send_image())
        image_tab = widgets.VBox([widgets.HBox([self.vision_model, self.temperature, self.max_tokens]),
                                  widgets.HTML(_SMALL.format(html.escape(L["one_shot"]))),
                                  self.upload, self.preview, self.image_info, self.detail, self.image_prompt,
                                  self.image_send, self.image_panel.answer, self.image_panel.meter])

        self.widget = _classed(widgets.Tab(children=[chat_tab, json_tab, image_tab],
                                           titles=[L["chat"], L["json"], L["image"]]), "kit-playground")
        self._send_buttons = (self.send_button, self.json_send, self.image_send)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    # --- running a request -----------------------------------------------------------

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for button in self._send_buttons:
            button.disabled = busy
            button.description = self.labels["sending" if busy else "send"]
        self.reset_button.disabled = busy

    def _run(self, job: Callable[[], Turn | None], panel: _Panel, blocking: bool | None) -> Turn | None:
        """Run ``job`` now (blocking) or in a thread; whatever it raises ends up in ``panel``."""
        blocking = self.blocking if blocking is None else blocking
        if blocking:
            self.wait()
        with self._lock:
            if self._busy:
                return None  # a request is running; its Send button is disabled
            self._set_busy(True)
        panel.partial = ""
        if blocking:
            return self._guarded(job, panel)
        self._thread = threading.Thread(target=self._guarded, args=(job, panel), daemon=True)
        self._thread.start()
        return None

    def _guarded(self, job: Callable[[], Turn | None], panel: _Panel) -> Turn | None:
        try:
            turn = job()
        except Exception as err:  # a bug of ours: still shown in the widget, never lost in a log
            turn = self._fail(panel, "", "", err, "")
        finally:
            self._set_busy(False)
        if turn is not None:
            self.turns.append(turn)
        return turn

    def wait(self, timeout: float | None = None) -> Turn | None:
        """Wait for a background request to finish; return the latest turn."""
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        return self.turns[-1] if self.turns else None

    def _request(self, model: str, messages: list[dict[str, Any]]) -> dict[str, Any]:
        refused = self.caps is not None and self.caps.max_completion_tokens is False
        request: dict[str, Any] = {
            "model": model, "messages": messages,
            "max_tokens" if refused else "max_completion_tokens": int(self.max_tokens.value), "timeout": self.timeout,
        }
        if abs(float(self.temperature.value) - 1.0) > 1e-9:  # 1 is the default: not sent, so any model accepts it
            request["temperature"] = round(float(self.temperature.value), 2)
        headers = dict(self.extra_headers)
        if self.offline and self.token_latency_ms > 0:
            headers.setdefault(TOKEN_LATENCY_HEADER, str(self.token_latency_ms))
        if headers:
            request["extra_headers"] = headers
        return request

    def _stream(self, panel: _Panel, before: str, request: dict[str, Any], who: str) -> StreamResult:
        """Stream ``request`` into ``panel.answer`` (after the HTML ``before``) and fill the meter."""
        panel.partial = ""

        def draw(text: str) -> None:
            panel.partial = text
            panel.answer.value = before + _said(who, text)

        panel.answer.value = before + _said(who, self.labels["waiting"])
        panel.meter.value = ""
        usage = self.caps is None or self.caps.stream_usage is not False
        result = stream_chat(self.client, on_text=draw, include_usage=usage, **request)
        if result.refusal and not result.text:
            draw(f"{self.labels['refused']} {result.refusal}")
        elif not result.text:
            draw("")
        self.session.add(result)
        panel.meter.value = self._meter(result, with_session=True)
        return result

    def _meter(self, result: StreamResult, with_session: bool) -> str:
        L = self.labels
        first = L["none"] if result.first_token_s is None else L["seconds"].format(value=result.first_token_s)
        parts = [
            L["no_usage"] if result.input_tokens is None
            else L["tokens_estimated" if result.estimated else "tokens"].format(
                input=result.input_tokens, output=result.output_tokens),
            L["no_price"].format(model=result.model) if result.cost is None else L["cost"].format(cost=result.cost),
            L["latency"].format(first=first, total=result.total_s or 0.0),
            L["finish"].format(reason=result.finish_reason or L["none"]),
        ]
        lines = [" · ".join(parts)]
        if result.finish_reason == "length":
            lines.append(L["length"])
        if with_session:
            total = self.session
            unpriced = L["session_unpriced"].format(unpriced=total.unpriced) if total.unpriced else ""
            lines.append(L["session"].format(requests=total.requests, input=total.input_tokens,
                                             output=total.output_tokens, cost=total.cost) + unpriced)
        return _SMALL.format("<br>".join(html.escape(line) for line in lines))

    def _fail(self, panel: _Panel, kind: str, prompt: str, error: BaseException, before: str) -> Turn:
        """Show ``error`` in ``panel`` (after the text streamed so far); nothing else changes."""
        L, info = self.labels, explain_error(error, self.lang)
        head = " · ".join([info.kind]
                          + ([f"{L['error_status']} {info.status}"] if info.status else [])
                          + ([f"{L['error_code']} {info.code}"] if info.code else []))
        lines = [f"⚠ {head}", info.message, f"{L['what_to_do']} {info.advice}"]
        if kind == "chat":
            lines.append(L["kept"])
        shown = _said(L["assistant"], panel.partial) if panel.partial else ""
        panel.answer.value = before + shown + _ERROR.format("<br>".join(html.escape(line) for line in lines))
        panel.meter.value = ""
        return Turn(kind or "unknown", prompt, error=info)

    def _notice(self, panel: _Panel, text: str) -> None:
        panel.answer.value = _SMALL.format(html.escape(text))
        panel.meter.value = ""

    # --- chat ------------------------------------------------------------------------

    def send(self, prompt: str | None = None, *, blocking: bool | None = None) -> Turn | None:
        """Send ``prompt`` (default: the text box) as the next turn of the conversation.

        Returns the :class:`Turn` when run blocking, else ``None`` (see :meth:`wait`).
        """
        text = self.prompt.value if prompt is None else prompt
        if not text.strip():
            self._notice(self.chat, self.labels["empty"])
            return None
        return self._run(lambda: self._chat_turn(text), self.chat, blocking)

    def _chat_turn(self, text: str) -> Turn:
        if self._last_block:  # the previous answer moves up into the history
            self._history.append(self._last_block)
            self._last_block = ""
            self.history.value = "<hr>".join(self._history)
        system = self.system.value.strip()
        user = {"role": "user", "content": text}
        messages = ([{"role": self.role.value, "content": system}] if system else []) + self.messages + [user]
        before = _said(self.labels["you"], text)
        try:
            result = self._stream(self.chat, before, self._request(self.model.value, messages), self.labels["assistant"])
        except Exception as err:  # shown in the widget; the conversation stays as it was
            return self._fail(self.chat, "chat", text, err, before)
        self.messages += [user, {"role": "assistant", "content": result.text or result.refusal}]
        self._last_block = self.chat.answer.value + self._meter(result, with_session=False)
        if self.prompt.value == text:  # sent from the box: clear it for the next message
            self.prompt.value = ""
        return Turn("chat", text, result)

    def reset(self) -> None:
        """Start a new conversation (the session totals keep counting)."""
        self.messages = []
        self._history, self._last_block = [], ""
        self.history.value = ""
        self._notice(self.chat, self.labels["reset_done"])

    # --- JSON --------------------------------------------------------------------------

    def send_json(self, prompt: str | None = None, *, blocking: bool | None = None) -> Turn | None:
        """Ask for JSON: strict JSON Schema (from the schema box) or JSON mode, then validate it."""
        text = self.json_prompt.value if prompt is None else prompt
        if not text.strip():
            self._notice(self.json_panel, self.labels["empty"])
            self.json_result.value = ""
            return None
        return self._run(lambda: self._json_turn(text), self.json_panel, blocking)

    def _json_turn(self, text: str) -> Turn:
        L, panel = self.labels, self.json_panel
        self.json_result.value = ""
        messages: list[dict[str, Any]] = [{"role": "user", "content": text}]
        notes: list[str] = []
        schema: dict[str, Any] | None = None
        if self.json_mode.value == "schema":
            try:
                schema = parse_schema(self.json_schema.value, self.lang)
            except SchemaProblem as problem:
                self._notice(panel, "")
                self.json_result.value = _ERROR.format(html.escape(f"⚠ {problem} {L['not_sent']}"))
                return Turn("json", text, problems=[str(problem)])
            strict = strict_problems(schema, self.lang)
            if strict:
                notes += [L["strict_note"], *strict]
            response_format: dict[str, Any] = {"type": "json_schema", "json_schema": {
                "name": schema_name(schema), "schema": schema, "strict": True}}
        else:
            if "json" not in text.lower():
                messages.insert(0, {"role": self.role.value, "content": L["json_instruction"]})
                notes.append(L["json_word"])
            response_format = {"type": "json_object"}
        request = {**self._request(self.model.value, messages), "response_format": response_format}
        before = _said(L["you"], text)
        try:
            result = self._stream(panel, before, request, L["assistant"])
        except Exception as err:
            self.json_result.value = _SMALL.format(html.escape(" ".join(notes)))
            return self._fail(panel, "json", text, err, before)
        parsed, problems = check_reply(result.text, schema, self.lang) if result.text else (None, [])
        if result.refusal and not result.text:
            problems = [f"{L['refused']} {result.refusal}"]
        verdict = (_ERROR.format("<br>".join(html.escape(f"⚠ {p}") for p in problems)) if problems
                   else pre(L["valid_schema" if schema is not None else "valid_json"])
                   + pre(json.dumps(parsed, indent=2, ensure_ascii=False)))
        extra = _SMALL.format("<br>".join(html.escape(n) for n in notes)) if notes else ""
        self.json_result.value = verdict + extra
        return Turn("json", text, result, parsed=None if problems else parsed, problems=problems)

    # --- images ------------------------------------------------------------------------

    def _uploaded(self) -> tuple[bytes, str] | None:
        files = self.upload.value
        if not files:
            return None
        first = files[0]
        return bytes(first["content"]), str(first.get("name", ""))

    def _show_upload(self, change: Any = None) -> None:
        upload = self._uploaded()
        if upload is None:
            return
        data, name = upload
        try:
            with Image.open(io.BytesIO(data)) as img:
                size, fmt = img.size, (img.format or "png").lower()
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
            self.image_info.value = _ERROR.format(html.escape(f"⚠ {name}: {self.labels['not_image']}"))
            return
        self.preview.format = fmt
        self.preview.value = data
        self.image_info.value = _SMALL.format(html.escape(f"{name} · {size[0]}×{size[1]}"))

    def send_image(
        self,
        prompt: str | None = None,
        image_bytes: bytes | None = None,
        detail: str | None = None,
        *,
        blocking: bool | None = None,
    ) -> Turn | None:
        """Ask about a picture: ``image_bytes`` (default: the uploaded file) at ``detail`` (low/high/auto)."""
        text = self.image_prompt.value if prompt is None else prompt
        upload = (bytes(image_bytes), "") if image_bytes is not None else self._uploaded()
        if upload is None:
            self._notice(self.image_panel, self.labels["no_image"])
            return None
        if not text.strip():
            self._notice(self.image_panel, self.labels["empty"])
            return None
        chosen = detail or self.detail.value
        return self._run(lambda: self._image_turn(text, upload[0], chosen), self.image_panel, blocking)

    def _image_turn(self, text: str, data: bytes, detail: str) -> Turn:
        L, panel = self.labels, self.image_panel
        try:
            with Image.open(io.BytesIO(data)) as img:
                img.load()
                url = image_to_data_url(img, max_side=2048 if detail == "high" else 768)
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ImageInputError):
            self._notice(panel, "")
            panel.answer.value = _ERROR.format(html.escape(f"⚠ {L['not_image']} {L['not_sent']}"))
            return Turn("image", text, problems=[L["not_image"]])
        content = [{"type": "text", "text": text}, image_part(url, detail)]
        before = _said(L["you"], f"{text}  [{detail}]")
        request = self._request(self.vision_model.value, [{"role": "user", "content": content}])
        try:
            result = self._stream(panel, before, request, L["assistant"])
        except Exception as err:
            return self._fail(panel, "image", text, err, before)
        return Turn("image", text, result)
