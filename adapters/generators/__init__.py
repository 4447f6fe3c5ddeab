"""Generators: the packaged SmolLM2 (offline default) and any LlamaIndex LLM / OpenAI-compatible endpoint."""
