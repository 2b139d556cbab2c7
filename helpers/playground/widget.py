"""The playground panel: :class:`Playground`, its tabs and what each button does.

Introduced in lesson 06 (playground); the package docstring (``helpers.playground``) lists
the panel's stable CSS classes.
"""

from __future__ import annotations

import html
import io
import json
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import openai
from PIL import Image, UnidentifiedImageError

from ..client import settings
from ..config import COMPATIBLE, OFFLINE
from ..images import ImageInputError, image_part, image_to_data_url
from ..messages import EN, ZH, Message, reader_language
from ..probe import Capabilities
from . import labels as T
from .errors import explain_error
from .meter import error_html, meter_html
from .parts import ERROR, LABEL_STYLE, SMALL, Panel, SessionTotals, Turn, available_models, classed, in_kernel, pre, said
from .schema import EXAMPLE_SCHEMA, SchemaProblem, check_reply, parse_schema, schema_name, strict_problems
from .stream import StreamResult, stream_chat

LANGUAGES = (EN, ZH)


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
        lang: str | None = None,
        models: Sequence[str] | None = None,
        token_latency_ms: int = 30,
        extra_headers: Mapping[str, str] | None = None,
        timeout: float = 60.0,
        blocking: bool | None = None,
        caps: Capabilities | None = None,
    ) -> None:
        lang = reader_language() if lang is None else lang
        if lang not in LANGUAGES:
            raise ValueError(T.BAD_LANG.format(lang=lang).render())
        config = settings()
        self.client = client
        self.lang = lang
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

    def _t(self, text: Message | str, **fields: object) -> str:
        """A label or notice in the panel's language, its ``{placeholders}`` filled from ``fields``."""
        if isinstance(text, str):
            return text.format(**fields) if fields else text
        return (text.format(**fields) if fields else text).render(self.lang)

    # --- building the widgets --------------------------------------------------------

    def _build(self, names: list[str], model: str, vision_model: str, role: str) -> None:
        L, full = self._t, widgets.Layout(width="100%")
        self.model = classed(widgets.Dropdown(options=names, value=model if model in names else names[0],
                                              description=L(T.MODEL), style=LABEL_STYLE), "kit-model")
        self.temperature = classed(widgets.FloatSlider(value=1.0, min=0.0, max=2.0, step=0.1,
                                                       description=L(T.TEMPERATURE), style=LABEL_STYLE),
                                   "kit-temperature")
        self.max_tokens = classed(widgets.IntSlider(value=1024, min=16, max=4096, step=16,
                                                    description=L(T.MAX_TOKENS), style=LABEL_STYLE),
                                  "kit-max-tokens")
        self.role = classed(widgets.Dropdown(options=["developer", "system"], value=role,
                                             description=L(T.ROLE), style=LABEL_STYLE), "kit-role")
        self.system = classed(widgets.Textarea(placeholder=L(T.SYSTEM), layout=full), "kit-system")
        self.prompt = classed(widgets.Textarea(placeholder=L(T.PROMPT), layout=full), "kit-prompt")
        self.send_button = classed(widgets.Button(description=L(T.SEND), button_style="primary"), "kit-send")
        self.reset_button = classed(widgets.Button(description=L(T.RESET)), "kit-reset")
        self.history = classed(widgets.HTML(layout=full), "kit-history")
        self.chat = Panel("kit-")
        self.send_button.on_click(lambda _: self.send())
        self.reset_button.on_click(lambda _: self.reset())
        settings_row = widgets.HBox([self.model, self.temperature, self.max_tokens])
        chat_tab = widgets.VBox([settings_row, widgets.HBox([self.role]), self.system, self.history,
                                 self.chat.answer, self.chat.meter, self.prompt,
                                 widgets.HBox([self.send_button, self.reset_button])])

        self.json_mode = classed(widgets.ToggleButtons(
            options=[(L(T.MODE_SCHEMA), "schema"), (L(T.MODE_OBJECT), "json_object")], value="schema"), "kit-json-mode")
        self.json_schema = classed(widgets.Textarea(value=json.dumps(EXAMPLE_SCHEMA, indent=2),
                                                    layout=widgets.Layout(width="100%", height="16em")), "kit-json-schema")
        self.json_prompt = classed(widgets.Textarea(value=L(T.JSON_PROMPT), layout=full), "kit-json-prompt")
        self.json_send = classed(widgets.Button(description=L(T.SEND), button_style="primary"), "kit-json-send")
        self.json_result = classed(widgets.HTML(layout=full), "kit-json-result")
        self.json_panel = Panel("kit-json-")
        self.json_send.on_click(lambda _: self.send_json())
        json_tab = widgets.VBox([settings_row, widgets.HTML(SMALL.format(html.escape(L(T.ONE_SHOT)))),
                                 self.json_mode, self.json_schema, self.json_prompt, self.json_send,
                                 self.json_panel.answer, self.json_result, self.json_panel.meter])

        self.vision_model = classed(widgets.Dropdown(options=names, value=vision_model if vision_model in names
                                                     else names[0], description=L(T.MODEL), style=LABEL_STYLE),
                                    "kit-image-model")
        self.upload = classed(widgets.FileUpload(accept="image/*", multiple=False, description=L(T.UPLOAD)),
                              "kit-image-upload")
        self.preview = classed(widgets.Image(layout=widgets.Layout(max_width="240px")), "kit-image-preview")
        self.image_info = classed(widgets.HTML(), "kit-image-info")
        self.detail = classed(widgets.ToggleButtons(options=["auto", "low", "high"], value="auto",
                                                    description=L(T.DETAIL), style=LABEL_STYLE),
                            "kit-image-detail")
        self.image_prompt = classed(widgets.Textarea(value=L(T.IMAGE_PROMPT), layout=full), "kit-image-prompt")
        self.image_send = classed(widgets.Button(description=L(T.SEND), button_style="primary"), "kit-image-send")
        self.image_panel = Panel("kit-image-")
        self.upload.observe(self._show_upload, names="value")
        self.image_send.on_click(lambda _: self.send_image())
        image_tab = widgets.VBox([widgets.HBox([self.vision_model, self.temperature, self.max_tokens]),
                                  widgets.HTML(SMALL.format(html.escape(L(T.ONE_SHOT)))),
                                  self.upload, self.preview, self.image_info, self.detail, self.image_prompt,
                                  self.image_send, self.image_panel.answer, self.image_panel.meter])

        self.widget = classed(widgets.Tab(children=[chat_tab, json_tab, image_tab],
                                          titles=[L(T.CHAT), L(T.JSON_TAB), L(T.IMAGE)]), "kit-playground")
        self._send_buttons = (self.send_button, self.json_send, self.image_send)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    # --- running a request -----------------------------------------------------------

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for button in self._send_buttons:
            button.disabled = busy
            button.description = self._t(T.SENDING if busy else T.SEND)
        self.reset_button.disabled = busy

    def _run(self, job: Callable[[], Turn | None], panel: Panel, blocking: bool | None) -> Turn | None:
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

    def _guarded(self, job: Callable[[], Turn | None], panel: Panel) -> Turn | None:
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
            from ..offline import TOKEN_LATENCY_HEADER  # offline only: live mode never loads the simulator

            headers.setdefault(TOKEN_LATENCY_HEADER, str(self.token_latency_ms))
        if headers:
            request["extra_headers"] = headers
        return request

    def _stream(self, panel: Panel, before: str, request: dict[str, Any], who: str) -> StreamResult:
        """Stream ``request`` into ``panel.answer`` (after the HTML ``before``) and fill the meter."""
        panel.partial = ""

        def draw(text: str) -> None:
            panel.partial = text
            panel.answer.value = before + said(who, text)

        panel.answer.value = before + said(who, self._t(T.WAITING))
        panel.meter.value = ""
        usage = self.caps is None or self.caps.stream_usage is not False
        result = stream_chat(self.client, on_text=draw, include_usage=usage, **request)
        if result.refusal and not result.text:
            draw(f"{self._t(T.REFUSED)} {result.refusal}")
        elif not result.text:
            draw("")
        self.session.add(result)
        panel.meter.value = self._meter(result, with_session=True)
        return result

    def _meter(self, result: StreamResult, with_session: bool) -> str:
        return meter_html(result, self.lang, self.session if with_session else None)

    def _fail(self, panel: Panel, kind: str, prompt: str, error: BaseException, before: str) -> Turn:
        """Show ``error`` in ``panel`` (after the text streamed so far); nothing else changes."""
        info = explain_error(error, self.lang)
        shown = said(self._t(T.ASSISTANT), panel.partial) if panel.partial else ""
        panel.answer.value = before + shown + error_html(info, self.lang, kept=kind == "chat")
        panel.meter.value = ""
        return Turn(kind or "unknown", prompt, error=info)

    def _notice(self, panel: Panel, text: str) -> None:
        panel.answer.value = SMALL.format(html.escape(text))
        panel.meter.value = ""

    # --- chat ------------------------------------------------------------------------

    def send(self, prompt: str | None = None, *, blocking: bool | None = None) -> Turn | None:
        """Send ``prompt`` (default: the text box) as the next turn of the conversation.

        Returns the :class:`Turn` when run blocking, else ``None`` (see :meth:`wait`).
        """
        text = self.prompt.value if prompt is None else prompt
        if not text.strip():
            self._notice(self.chat, self._t(T.EMPTY))
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
        before = said(self._t(T.YOU), text)
        try:
            result = self._stream(self.chat, before, self._request(self.model.value, messages), self._t(T.ASSISTANT))
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
        self._notice(self.chat, self._t(T.RESET_DONE))

    # --- JSON --------------------------------------------------------------------------

    def send_json(self, prompt: str | None = None, *, blocking: bool | None = None) -> Turn | None:
        """Ask for JSON: strict JSON Schema (from the schema box) or JSON mode, then validate it."""
        text = self.json_prompt.value if prompt is None else prompt
        if not text.strip():
            self._notice(self.json_panel, self._t(T.EMPTY))
            self.json_result.value = ""
            return None
        return self._run(lambda: self._json_turn(text), self.json_panel, blocking)

    def _json_turn(self, text: str) -> Turn:
        L, panel = self._t, self.json_panel
        self.json_result.value = ""
        messages: list[dict[str, Any]] = [{"role": "user", "content": text}]
        notes: list[str] = []
        schema: dict[str, Any] | None = None
        if self.json_mode.value == "schema":
            try:
                schema = parse_schema(self.json_schema.value, self.lang)
            except SchemaProblem as problem:
                self._notice(panel, "")
                self.json_result.value = ERROR.format(html.escape(f"⚠ {problem} {L(T.NOT_SENT)}"))
                return Turn("json", text, problems=[str(problem)])
            strict = strict_problems(schema, self.lang)
            if strict:
                notes += [L(T.STRICT_NOTE), *strict]
            response_format: dict[str, Any] = {"type": "json_schema", "json_schema": {
                "name": schema_name(schema), "schema": schema, "strict": True}}
        else:
            if "json" not in text.lower():
                messages.insert(0, {"role": self.role.value, "content": L(T.JSON_INSTRUCTION)})
                notes.append(L(T.JSON_WORD))
            response_format = {"type": "json_object"}
        request = {**self._request(self.model.value, messages), "response_format": response_format}
        before = said(L(T.YOU), text)
        try:
            result = self._stream(panel, before, request, L(T.ASSISTANT))
        except Exception as err:
            self.json_result.value = SMALL.format(html.escape(" ".join(notes)))
            return self._fail(panel, "json", text, err, before)
        parsed, problems = check_reply(result.text, schema, self.lang) if result.text else (None, [])
        if result.refusal and not result.text:
            problems = [f"{L(T.REFUSED)} {result.refusal}"]
        verdict = (ERROR.format("<br>".join(html.escape(f"⚠ {p}") for p in problems)) if problems
                   else pre(L(T.VALID_SCHEMA if schema is not None else T.VALID_JSON))
                   + pre(json.dumps(parsed, indent=2, ensure_ascii=False)))
        extra = SMALL.format("<br>".join(html.escape(n) for n in notes)) if notes else ""
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
            self.image_info.value = ERROR.format(html.escape(f"⚠ {name}: {self._t(T.NOT_IMAGE)}"))
            return
        self.preview.format = fmt
        self.preview.value = data
        self.image_info.value = SMALL.format(html.escape(f"{name} · {size[0]}×{size[1]}"))

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
            self._notice(self.image_panel, self._t(T.NO_IMAGE))
            return None
        if not text.strip():
            self._notice(self.image_panel, self._t(T.EMPTY))
            return None
        chosen = detail or self.detail.value
        return self._run(lambda: self._image_turn(text, upload[0], chosen), self.image_panel, blocking)

    def _image_turn(self, text: str, data: bytes, detail: str) -> Turn:
        L, panel = self._t, self.image_panel
        try:
            with Image.open(io.BytesIO(data)) as img:
                img.load()
                url = image_to_data_url(img, max_side=2048 if detail == "high" else 768)
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ImageInputError):
            self._notice(panel, "")
            panel.answer.value = ERROR.format(html.escape(f"⚠ {L(T.NOT_IMAGE)} {L(T.NOT_SENT)}"))
            return Turn("image", text, problems=[L(T.NOT_IMAGE)])
        content = [{"type": "text", "text": text}, image_part(url, detail)]
        before = said(L(T.YOU), f"{text}  [{detail}]")
        request = self._request(self.vision_model.value, [{"role": "user", "content": content}])
        try:
            result = self._stream(panel, before, request, L(T.ASSISTANT))
        except Exception as err:
            return self._fail(panel, "image", text, err, before)
        return Turn("image", text, result)
