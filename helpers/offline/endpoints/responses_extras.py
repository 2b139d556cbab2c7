"""What a Responses reply gains from state, reasoning and logprobs: echoed fields, the reasoning
item (with its summary and stream events) and ``output_text.logprobs``.

``responses.py`` builds the plain reply; :class:`Extras` adds these to it, so a request that
uses none of them gets exactly the bytes it got before (apart from the echoed ``store``).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ..behaviour import logprobs, reasoning, text
from ..behaviour.reasoning import Plan

Event = Callable[..., dict]


def summary_parts(prompt: text.Prompt, plan: Plan) -> list[str]:
    """The reasoning summary, marked as simulated, in the prompt's language."""
    if not plan.summary or not plan.reasons:
        return []
    zh = prompt.language == "zh"
    question = prompt.last_user
    if zh:
        first = (f"【离线模拟】这里没有真实模型在推理：这段摘要代替推理模型会给出的推理摘要（推理强度 {plan.effort}，"
                 f"约 {plan.tokens} 个推理 token）。")
        if question:
            first += f"要回答的问题是：{text.quoted(question, True)}"
        second = "真实模型会先理解问题、列出思路、检查答案，再写出回复；离线模拟器只说明它会这样做。"
    else:
        first = (f"[Offline simulation] No model reasoned here: this stands in for the reasoning summary a reasoning "
                 f"model returns (effort {plan.effort}, about {plan.tokens} reasoning tokens).")
        if question:
            first += f" The question to answer: {text.quoted(question, False)}"
        second = ("A real model would restate the problem, weigh approaches and check its answer before replying; "
                  "the offline simulator only says that it would.")
    return [first, second] if plan.summary == "detailed" else [first]


@dataclass
class Extras:
    """The additions for one Responses reply."""

    key: str
    body: dict
    plan: Plan
    reasoning_echo: dict | None
    summary: list[str] = field(default_factory=list)
    top: int | None = None  # alternatives per token when logprobs are included, else None
    exhausted: bool = False  # reasoning used up max_output_tokens
    salt: str = ""  # what the logprobs depend on (the same streamed or not)

    @property
    def item_id(self) -> str:
        return "rs_" + self.key

    @property
    def offset(self) -> int:
        """The message's ``output_index`` (after the reasoning item, when there is one)."""
        return 1 if self.plan.reasons else 0

    def item(self, done: bool = True) -> dict:
        parts = [{"type": "summary_text", "text": s} for s in self.summary] if done and not self.exhausted else []
        item = {"type": "reasoning", "id": self.item_id, "summary": parts}
        if self.plan.encrypted:
            digest = hashlib.sha256(f"offline-simulation/{self.key}/{self.plan.effort}".encode()).digest()
            item["encrypted_content"] = "offline-sim:" + base64.b64encode(digest * 2).decode()
        return item

    def decorate(self, response: dict) -> dict:
        """``response`` with the echoed fields, the reasoning item and the logprobs."""
        response["store"] = self.body.get("store", True)
        if self.body.get("previous_response_id") is not None:
            response["previous_response_id"] = self.body["previous_response_id"]
        if self.reasoning_echo is not None:
            response["reasoning"] = self.reasoning_echo
        if self.body.get("top_logprobs") is not None:
            response["top_logprobs"] = self.body["top_logprobs"]
        output = response.get("output") or []
        if output:
            for part in output[0].get("content", []):
                if part.get("type") == "output_text" and self.top is not None:
                    part["logprobs"] = logprobs.entries(part["text"], self.top, self.salt)
            if self.plan.reasons:
                response["output"] = [self.item(), *output]
        return response

    def pieces(self, answer: str) -> list[tuple[str, list[dict]]]:
        """Stream deltas of the answer, each with its tokens' logprobs (empty when not asked)."""
        if self.top is None:
            return [(piece, []) for piece in text.pieces(answer)]
        return [(piece, logprobs.for_stream_event(lps)) for piece, lps in logprobs.pieces(answer, self.top, self.salt)]

    def done_logprobs(self, answer: str) -> list[dict]:
        return [] if self.top is None else logprobs.for_stream_event(logprobs.entries(answer, self.top, self.salt))

    def prefix_events(self, event: Event) -> Iterator[tuple[dict, bool]]:
        """The reasoning item's stream events (before the message's), if the model reasons."""
        if not self.plan.reasons:
            return
        where = {"item_id": self.item_id, "output_index": 0}
        yield event("response.output_item.added", output_index=0, item=self.item(done=False)), False
        for index, summary in enumerate(self.item()["summary"]):
            at = {**where, "summary_index": index}
            yield event("response.reasoning_summary_part.added", part={"type": "summary_text", "text": ""}, **at), False
            for piece in text.pieces(summary["text"]):
                yield event("response.reasoning_summary_text.delta", delta=piece, **at), True
            yield event("response.reasoning_summary_text.done", text=summary["text"], **at), False
            yield event("response.reasoning_summary_part.done", part=summary, **at), False
        yield event("response.output_item.done", output_index=0, item=self.item()), False


def build(key: str, model: str, body: dict, prompt: text.Prompt, limit: int | None) -> Extras:
    """Check ``include``, ``reasoning`` and ``top_logprobs`` and plan the reply's additions."""
    include = reasoning.includes(body)
    plan = reasoning.plan_responses(model, body, prompt.all_text, include)
    top = logprobs.responses_request(body, include)
    exhausted = plan.reasons and limit is not None and plan.tokens >= limit
    return Extras(key, body, plan, reasoning.echo(plan, body), summary_parts(prompt, plan), top, exhausted,
                  model + "\x1f" + prompt.all_text)
