"""The endpoints: chat completions, responses (and stored responses), embeddings, models."""
