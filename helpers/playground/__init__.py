"""``Playground``: chat, JSON and image requests in an ipywidgets panel, no code needed.

Introduced in lesson 06 (playground). Everything it does was shown raw in lessons 02-05:
a streamed chat completion (``helpers.playground.stream``), ``usage`` and an estimated
cost (``helpers.costs``), JSON mode and strict JSON Schema (``helpers.playground.schema``),
images as data URLs (``helpers.images``) and API errors explained, not raised
(``helpers.playground.errors``). The panel itself is
``helpers.playground.widget``; its labels, in both languages, ``helpers.playground.labels``.

>>> pg = Playground(client, lang="zh")   # lang: by default the notebook edition's
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

from .errors import ADVICE, Explanation, explain_error
from .parts import MODEL_FAMILIES, SessionTotals, Turn, available_models, in_kernel, pre
from .schema import EXAMPLE_SCHEMA, SchemaProblem, check_reply, parse_schema, schema_name, strict_problems
from .stream import StreamResult, stream_chat
from .widget import Playground

__all__ = [
    "ADVICE", "EXAMPLE_SCHEMA", "MODEL_FAMILIES", "Explanation", "Playground", "SchemaProblem", "SessionTotals",
    "StreamResult", "Turn", "available_models", "check_reply", "explain_error", "in_kernel", "parse_schema", "pre",
    "schema_name", "stream_chat", "strict_problems",
]
