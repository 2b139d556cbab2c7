"""The behaviour: what a reply says (text, instructions, JSON, tools, reasoning, logprobs, vision, vectors)."""
