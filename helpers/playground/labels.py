"""Every label and notice of the playground panel, in English and Chinese.

Introduced in lesson 06 (playground). The panel renders each one in its ``lang`` (see
``helpers.messages``); texts that read the same in both languages are plain strings.
"""

from __future__ import annotations

from ..messages import message

# --- tabs and settings ---------------------------------------------------------------------
CHAT = message("Chat", "对话")
JSON_TAB = "JSON"
IMAGE = message("Image", "图像")
MODEL = message("Model", "模型")
TEMPERATURE = message("Temperature", "温度")
MAX_TOKENS = message("Max tokens", "最多 token")
ROLE = message("Role", "角色")
SYSTEM = message("Instructions for the model (optional), e.g. Answer in one sentence.",
                 "给模型的指令（可选），例如：用一句话回答。")
PROMPT = message("Type your message, then press Send.", "输入你的消息，然后按“发送”。")
SEND = message("Send", "发送")
SENDING = message("Sending…", "发送中…")
RESET = message("New conversation", "新对话")

# --- the conversation ----------------------------------------------------------------------
YOU = message("You", "你")
ASSISTANT = message("Assistant", "助手")
WAITING = message("Waiting for the first token…", "正在等待第一个 token…")
EMPTY = message("Type a message first.", "先输入一条消息。")
RESET_DONE = message("New conversation: the model remembers nothing from before.",
                     "新对话：模型不记得之前说过的任何内容。")
ONE_SHOT = message("Each request here is a single question; it is not added to the chat.",
                   "这里的每个请求都是单独的一问，不会加进“对话”页的记录。")

# --- JSON tab ------------------------------------------------------------------------------
MODE_SCHEMA = message("JSON Schema (strict)", "JSON Schema（严格）")
MODE_OBJECT = message("JSON mode", "JSON 模式")
JSON_PROMPT = message("Recommend a classic science-fiction book.", "推荐一本经典的科幻小说。")
JSON_INSTRUCTION = message("Reply with one JSON object.", "请用一个 JSON 对象回答。")
JSON_WORD = message(
    "JSON mode needs the word \"json\" in the messages, so the playground added the instruction "
    "\"Reply with one JSON object.\"",
    "JSON 模式要求消息里出现 \"json\" 这个词，所以练习场自动加了一条指令：“请用一个 JSON 对象回答。”",
)
VALID_SCHEMA = message("✓ Valid: the reply matches your schema.", "✓ 合法：回复符合你的 schema。")
VALID_JSON = message("✓ Valid JSON (JSON mode checks no schema).", "✓ 合法的 JSON（JSON 模式不检查 schema）。")
NOT_SENT = message("Nothing was sent.", "请求没有发出。")
STRICT_NOTE = message("The live API would reject this schema with a 400:", "在线 API 会以 400 拒绝这个 schema：")

# --- image tab -----------------------------------------------------------------------------
UPLOAD = message("Upload a picture", "上传图片")
DETAIL = "detail"
IMAGE_PROMPT = message("What is in this picture?", "这张图片里有什么？")
NO_IMAGE = message("Upload a picture first (PNG, JPEG, WEBP or GIF).", "请先上传一张图片（PNG、JPEG、WEBP 或 GIF）。")
NOT_IMAGE = message(
    "This file is not a picture Pillow can read. Use a PNG, JPEG, WEBP or GIF file.",
    "Pillow 读不了这个文件，它不是图片。请使用 PNG、JPEG、WEBP 或 GIF 文件。",
)

# --- errors --------------------------------------------------------------------------------
REFUSED = message("The model refused:", "模型拒绝了：")
ERROR_STATUS = "HTTP"
ERROR_CODE = message("code", "错误码")
WHAT_TO_DO = message("What to do:", "怎么办：")
KEPT = message(
    "Your conversation is kept: this turn was not added to it, and your message is still in the box.",
    "对话记录还在：这一轮没有加进去，你的消息也还在输入框里。",
)

# --- the meter -----------------------------------------------------------------------------
TOKENS = message("tokens: in {input} · out {output}", "token：输入 {input} · 输出 {output}")
NO_USAGE = message("tokens n/a (the endpoint sent no usage)", "token：无（接口没有返回 usage）")
TOKENS_ESTIMATED = message(
    "tokens ≈ in {input} · out {output} (counted locally: the endpoint sent no usage)",
    "token ≈ 输入 {input} · 输出 {output}（接口没有返回 usage，在本地估算）",
)
COST = message("cost ≈ ${cost:.6f} (estimate)", "费用 ≈ ${cost:.6f}（估算）")
NO_PRICE = message(
    "cost n/a (no price for '{model}' in helpers.costs.PRICES; add one to see estimates)",
    "费用：无（helpers.costs.PRICES 里没有 '{model}' 的价格；添加后就能估算）",
)
LATENCY = message("first token {first} · total {total:.2f} s", "首个 token {first} · 总计 {total:.2f} 秒")
FINISH = message("finish_reason: {reason}", "结束原因（finish_reason）：{reason}")
LENGTH = message("Cut off by the token limit: move Max tokens up.", "回复被 token 上限截断了：把“最多 token”调大。")
SESSION = message(
    "this playground so far: requests {requests} · in {input} · out {output} tokens · ≈ ${cost:.6f}",
    "这个练习场累计：{requests} 次请求 · 输入 {input} · 输出 {output} 个 token · ≈ ${cost:.6f}",
)
SESSION_UNPRICED = message(" (+{unpriced} without a price)", "（另有 {unpriced} 次没有价格）")
SECONDS = message("{value:.2f} s", "{value:.2f} 秒")
NONE = message("n/a", "无")

# --- arguments -----------------------------------------------------------------------------
BAD_LANG = message("lang must be 'zh' or 'en', got {lang!r}.", "lang 只能是 'zh' 或 'en'，收到 {lang!r}。")
