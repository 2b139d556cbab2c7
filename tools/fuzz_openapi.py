"""Schemathesis against the offline simulator, driven by the official OpenAPI description.

``make fuzz`` (``python tools/fuzz_openapi.py --examples 1000``) runs it deep and prints its
figures; ``tests/test_fuzz_openapi.py`` runs a few examples per operation in ``make test``.
Only the operations the simulator implements are generated, each with data that fits the
description (positive) and data that does not (negative). The checks:

- no answer is a 5xx;
- a 2xx answer conforms to the description's response schema (Schemathesis' own check);
- every 4xx body is the API's error shape, ``{"error": {"message", "type", "param", "code"}}``;
- negative data gets a 4xx (Schemathesis' own check, which knows when a negation is lost on
  the wire);
- positive data may get a 4xx only as the API would answer it: a refusal of a parameter the
  simulator's table (``helpers/offline/data/params.py``) marks "refused", another "not available
  offline" refusal, or a rejection the description cannot express (counted and printed).

The description is stricter than the API in a few known places; those are the ALLOWANCES
below, the one list of them, each applied to the document in memory.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools import openapi_spec  # noqa: E402

#: operationId -> the parameter-table kind of its body (None: no body table).
OPERATIONS: dict[str, str | None] = {
    "createChatCompletion": "chat",
    "createResponse": "responses",
    "getResponse": None,
    "deleteResponse": None,
    "listInputItems": None,
    "Getinputtokencounts": "input_tokens",
    "createEmbedding": None,
    "createModeration": "moderations",
    "listModels": None,
    "retrieveModel": None,
}
MODES = ("positive", "negative")
KEY = "sk-fuzz-0123456789abcdef"
#: Valid model names positive data is steered to (a random name only ever meets the 404).
CHAT_MODELS = ("gpt-5.4-mini", "gpt-5.4", "gpt-4o-mini", "o3")
EMBEDDING_MODELS = ("text-embedding-3-small", "text-embedding-3-large")
#: The omni models only: the legacy text-moderation-* models answer in the older shape (no illicit
#: categories, no category_applied_input_types) that the description no longer describes.
MODERATION_MODELS = ("omni-moderation-latest", "omni-moderation-2024-09-26")


@dataclass(frozen=True)
class Allowance:
    """A place where the description is stricter than the API, and how it is read instead."""

    name: str
    why: str
    apply: Callable[[dict], dict]


def _nullable_as_null(node: Any) -> Any:
    if isinstance(node, list):
        return [_nullable_as_null(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _nullable_as_null(value) for key, value in node.items()}
    if node.pop("nullable", False) is True:
        return {"anyOf": [node, {"type": "null"}]}
    return node


def _without_discriminators(node: Any) -> Any:
    if isinstance(node, list):
        return [_without_discriminators(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {key: _without_discriminators(value) for key, value in node.items() if key != "discriminator"}


def _only_success_schemas(document: dict) -> dict:
    for item in document["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"] = {k: v for k, v in operation["responses"].items() if k.startswith("2")}
    return document


#: (schema, property) pairs the API sends as null although the description gives no null.
NULL_IN_PRACTICE = (("Response", "usage"),)


def _null_in_practice(document: dict) -> dict:
    schemas = document["components"]["schemas"]
    for name, prop in NULL_IN_PRACTICE:
        parts = [schemas[name], *(schemas[s["$ref"].rsplit("/", 1)[-1]] if "$ref" in s else s for s in schemas[name].get("allOf", ()))]
        for part in parts:
            if prop in part.get("properties", {}):
                part["properties"][prop] = {"anyOf": [part["properties"][prop], {"type": "null"}]}
    return document


def _base64_embeddings(document: dict) -> dict:
    vector = document["components"]["schemas"]["Embedding"]["properties"]["embedding"]
    document["components"]["schemas"]["Embedding"]["properties"]["embedding"] = {
        "anyOf": [vector, {"type": "string", "contentEncoding": "base64"}]
    }
    return document


ALLOWANCES: tuple[Allowance, ...] = (
    Allowance(
        "nullable",
        "The document is OpenAPI 3.1 but marks many fields the API returns as null (usage details, "
        "logprobs, refusal, ...) with 3.0's `nullable: true`, which 3.1 validators ignore: read it as "
        "`anyOf [schema, null]`, as it was meant.",
        _nullable_as_null,
    ),
    Allowance(
        "error-bodies",
        "Where the document describes an error status at all, it gives the inner error object (or no "
        "body), while the API sends `{\"error\": {...}}`: error bodies are checked against "
        "`ErrorResponse` here instead of the per-operation entry.",
        _only_success_schemas,
    ),
    Allowance(
        "discriminators",
        "Some `oneOf`/`anyOf` unions carry an OpenAPI `discriminator` without a mapping for every "
        "`type` value (input items of type `message` belong to two schemas, so the mapping leaves "
        "`message` out and validators fall back to schema names). The discriminator is an annotation; "
        "the union itself still validates every item, so it is dropped.",
        _without_discriminators,
    ),
    Allowance(
        "null-in-practice",
        "Fields the API sends as null in some states although the description gives no null: a "
        "Response's `usage` is null until it completes (the `response.created` and "
        "`response.in_progress` stream events carry it so; the SDK types it Optional).",
        _null_in_practice,
    ),
    Allowance(
        "event-streams",
        "A `text/event-stream` body's schema is that of one event's `data` payload (the OpenAI "
        "convention), while Schemathesis validates each whole SSE frame (`{event, data}`) against it: "
        "streamed answers are checked here by validating every `data:` payload against that schema.",
        lambda document: document,
    ),
    Allowance(
        "base64-embeddings",
        "`Embedding.embedding` is documented as an array of floats only; with `encoding_format: "
        "\"base64\"` the API sends the vector as a base64 string (the SDK decodes it).",
        _base64_embeddings,
    ),
)


def load_document(path: Path) -> dict:
    """The description reduced to the implemented operations, with the allowances applied."""
    document = json.loads(path.read_text(encoding="utf-8"))
    paths: dict[str, dict] = {}
    for route, item in document["paths"].items():
        kept = {m: op for m, op in item.items() if isinstance(op, dict) and op.get("operationId") in OPERATIONS}
        if kept:
            paths[route] = {**{k: v for k, v in item.items() if k not in ("get", "post", "put", "patch", "delete")}, **kept}
    document["paths"] = paths
    for allowance in ALLOWANCES:
        document = allowance.apply(document)
    return document


@dataclass
class Figures:
    """What one operation in one mode did."""

    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)
    failures: Counter = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    messages: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def fail(self, key: str, case: Any) -> None:
        self.failures[key] += 1
        self.examples.setdefault(key, case.as_curl_command(headers={"Authorization": "Bearer " + KEY})[:1500])


class Fuzzer:
    """Generates cases for each operation and checks the simulator's answers."""

    def __init__(self, base_url: str, spec_path: Path) -> None:
        import jsonschema
        import referencing
        import referencing.jsonschema
        import schemathesis

        from helpers.offline.data import params

        self.base_url = base_url.rstrip("/")
        self.document = load_document(spec_path)
        self.schema = schemathesis.openapi.from_dict(copy.deepcopy(self.document))
        resource = referencing.Resource.from_contents(self.document, default_specification=referencing.jsonschema.DRAFT202012)
        registry = referencing.Registry().with_resource("urn:spec", resource)
        self.registry = registry
        self.error_validator = jsonschema.Draft202012Validator({"$ref": "urn:spec#/components/schemas/ErrorResponse"}, registry=registry)
        self.refused = {kind: {n for n, p in table.items() if p.status == "refused"} for kind, table in params.TABLE.items()}

    # -- generation -------------------------------------------------------------------------
    def _declared(self, operation_id: str) -> set[str]:
        """The top-level body properties the description declares for an operation."""
        for item in self.document["paths"].values():
            for operation in item.values():
                if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
                    return _properties(self.document, body.get("schema", {}))
        return set()

    def _steer(self, case: Any, data: Any) -> None:
        """Point positive data at things that exist (a served model, a stored response).

        Keys the description does not declare are dropped: it leaves request bodies open, so
        "positive" data carries random extra keys, which the API rejects (``unknown_parameter``).
        """
        from hypothesis import strategies as st

        if isinstance(case.body, dict):
            declared = self._declared(case.operation.definition.raw.get("operationId", ""))
            for name in [k for k in case.body if k not in declared]:
                del case.body[name]
        moderation = case.operation.label.endswith("/moderations")
        if isinstance(case.body, dict) and "model" in declared and not moderation and "model" not in case.body and "prompt" not in case.body:
            case.body["model"] = ""  # optional in the description, required by the API (no stored prompt to name one)
        if isinstance(case.body, dict) and "input" in declared and not {"input", "prompt", "conversation"} & set(case.body):
            case.body["input"] = data.draw(st.sampled_from(["Hello, fuzz!", "你好，模糊测试！"]))  # nothing else gives a prompt
        if isinstance(case.body, dict) and isinstance(case.body.get("model"), str):
            models = EMBEDDING_MODELS if case.operation.label.endswith("/embeddings") else MODERATION_MODELS if moderation else CHAT_MODELS
            case.body["model"] = data.draw(st.sampled_from(models))
        names = case.path_parameters or {}
        if "model" in names and data.draw(st.booleans()):
            names["model"] = data.draw(st.sampled_from(CHAT_MODELS + EMBEDDING_MODELS))
        if "response_id" in names and data.draw(st.booleans()):
            names["response_id"] = self._stored_response()

    def _stored_response(self) -> str:
        import requests

        made = requests.post(f"{self.base_url}/responses", json={"model": CHAT_MODELS[0], "input": "Hello, fuzz!"},
                             headers={"Authorization": f"Bearer {KEY}"}, timeout=30)
        return made.json()["id"]

    # -- checks ---------------------------------------------------------------------------
    def _check(self, case: Any, response: Any, mode: str, kind: str | None, figures: Figures) -> None:
        from schemathesis.specs.openapi.checks import negative_data_rejection, response_schema_conformance

        status = response.status_code
        figures.statuses[status] += 1
        if status >= 500:
            figures.fail(f"{status} server error", case)
            return
        if status < 300 and "text/event-stream" in _content_type(response):
            figures.outcomes["ok (stream)"] += 1
            self._check_stream(case, response, figures)
            return
        if status < 300:
            figures.outcomes["ok"] += 1
            checks = [response_schema_conformance] + ([negative_data_rejection] if mode == "negative" else [])
            self._run_checks(case, response, checks, figures)
            return
        body = _json_or_none(response)
        problems = list(self.error_validator.iter_errors(body)) if body is not None else ["not JSON"]
        if problems:
            figures.fail(f"{status} body is not the error shape", case)
            return
        reason = self._reason(mode, kind, body["error"])
        figures.outcomes[reason] += 1
        figures.messages.setdefault(reason, str(body["error"].get("message", ""))[:150])

    def _check_stream(self, case: Any, response: Any, figures: Figures) -> None:
        """Every ``data:`` payload of a stream must conform to the operation's event-stream schema."""
        import jsonschema

        raw = case.operation.definition.raw["responses"]["200"]["content"]["text/event-stream"]["schema"]
        schema = {"$ref": "urn:spec" + raw["$ref"]} if "$ref" in raw else raw
        validator = jsonschema.Draft202012Validator(schema, registry=self.registry)
        for line in response.text.splitlines():
            if not line.startswith("data: ") or line == "data: [DONE]":
                continue
            error = jsonschema.exceptions.best_match(validator.iter_errors(json.loads(line[len("data: "):])))
            if error is not None:
                figures.fail(f"{response.status_code} stream event violates schema at {list(error.absolute_path)}", case)
                return

    def _reason(self, mode: str, kind: str | None, error: dict) -> str:
        if mode == "negative":
            return "rejected (negative)"
        param = str(error.get("param") or "")
        top = param.split(".", 1)[0].split("[", 1)[0]
        if kind and top in self.refused.get(kind, ()):
            return f"refused by the table: {top}"
        if "offline" in str(error.get("message", "")).lower():
            return "refused offline: " + (top or "-")
        return f"rejected: {error.get('code') or error.get('type')} ({top or '-'})"

    @staticmethod
    def _run_checks(case: Any, response: Any, checks: list, figures: Figures) -> None:
        from schemathesis.core.failures import Failure, FailureGroup

        try:
            case.validate_response(response, checks=checks)
        except (AssertionError, Failure, FailureGroup) as exc:
            found = list(exc.exceptions) if isinstance(exc, FailureGroup) else [exc]
            for failure in found:
                title = getattr(failure, "title", "") or (str(failure).strip().splitlines() or [type(failure).__name__])[0]
                figures.fail(f"{response.status_code} {title[:160]}", case)

    # -- running --------------------------------------------------------------------------
    def run(self, operation_id: str, mode: str, examples: int, seed: int = 0) -> Figures:
        """Generate ``examples`` cases for one operation in one mode and check every answer."""
        from hypothesis import HealthCheck, Phase, given, seed as fixed_seed, settings
        from hypothesis import strategies as st
        from hypothesis.errors import Unsatisfiable
        from schemathesis import GenerationMode

        operation = self.schema.find_operation_by_id(operation_id)
        strategy = operation.as_strategy(generation_mode=GenerationMode(mode), headers={"Authorization": f"Bearer {KEY}"})
        figures = Figures()
        kind = OPERATIONS[operation_id]

        @fixed_seed(seed)
        @settings(max_examples=examples, database=None, deadline=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck), derandomize=False)
        @given(case=strategy, data=st.data())
        def one(case: Any, data: Any) -> None:
            if mode == "positive":
                self._steer(case, data)
            response = case.call(base_url=self.base_url, timeout=60)
            figures.requests += 1
            self._check(case, response, mode, kind, figures)

        started = time.perf_counter()
        try:
            one()
        except Unsatisfiable:  # nothing in this operation can be made invalid (a path id is any string)
            figures.outcomes["no negative data possible"] += 1
        figures.seconds = time.perf_counter() - started
        return figures


def _properties(document: dict, schema: dict, depth: int = 0) -> set[str]:
    """Property names of ``schema``, following ``$ref`` and ``allOf``/``anyOf``/``oneOf``."""
    if depth > 8 or not isinstance(schema, dict):
        return set()
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = document
        for part in ref[2:].split("/"):
            target = target[part]
        return _properties(document, target, depth + 1)
    names = set(schema.get("properties", {}))
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(key, ()):
            names |= _properties(document, sub, depth + 1)
    return names


def _content_type(response: Any) -> str:
    value = {k.lower(): v for k, v in response.headers.items()}.get("content-type", "")
    return str(value[0] if isinstance(value, list) and value else value)


def _json_or_none(response: Any) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def report(results: dict[tuple[str, str], Figures]) -> str:
    """The figures as text: requests, statuses and outcomes per operation and mode, then failures."""
    lines = [f"{'operation':<22} {'mode':<8} {'requests':>8} {'seconds':>8}  statuses"]
    for (op, mode), fig in results.items():
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(fig.statuses.items())) or ", ".join(fig.outcomes)
        lines.append(f"{op:<22} {mode:<8} {fig.requests:>8} {fig.seconds:>8.1f}  {statuses}")
    lines.append("")
    lines.append("Outcomes of positive data (4xx answers by reason):")
    merged: Counter = Counter()
    said: dict[str, str] = {}
    for (op, mode), fig in results.items():
        if mode == "positive":
            merged.update({f"{op}: {k}": n for k, n in fig.outcomes.items() if k != "ok"})
            said.update({f"{op}: {k}": m for k, m in fig.messages.items()})
    lines += [f"  {n:>6}  {k}\n          e.g. {said.get(k, '')}" for k, n in merged.most_common(40)] or ["  (none)"]
    failures = [(op, mode, key, n, fig.examples[key]) for (op, mode), fig in results.items() for key, n in fig.failures.items()]
    total = sum(fig.requests for fig in results.values())
    seconds = sum(fig.seconds for fig in results.values())
    lines.append("")
    lines.append(f"Total: {total} requests in {seconds:.0f} s, {sum(f[3] for f in failures)} failing answers ({len(failures)} kinds)")
    for op, mode, key, n, example in failures:
        lines.append(f"FAIL {op} {mode} x{n}: {key}\n    {example}")
    return "\n".join(lines)


def fuzz(base_url: str, spec_path: Path, examples: int, operations: list[str] | None = None) -> dict[tuple[str, str], Figures]:
    """Fuzz every implemented operation in both modes; the figures per (operation, mode)."""
    fuzzer = Fuzzer(base_url, spec_path)
    results: dict[tuple[str, str], Figures] = {}
    for op in operations or list(OPERATIONS):
        for mode in MODES:
            results[(op, mode)] = fuzzer.run(op, mode, examples)
            print(f"  {op} {mode}: {results[(op, mode)].requests} requests", file=sys.stderr, flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=1000, help="examples per operation and mode (default 1000)")
    parser.add_argument("--operation", action="append", choices=sorted(OPERATIONS), help="only this operation (repeatable)")
    args = parser.parse_args(argv)
    spec_path = openapi_spec.locate()
    if spec_path is None:
        print(openapi_spec.missing_message(), file=sys.stderr)
        return 2
    from helpers.offline import Simulator

    from tools.offline_env import seal_environment

    with Simulator() as simulator:
        seal_environment(simulator)
        results = fuzz(simulator.base_url, spec_path, args.examples, args.operation)
    print(report(results))
    return 1 if any(fig.failures for fig in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
