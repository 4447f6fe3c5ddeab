"""Test servers and helpers that are not part of the installed package: a real Chroma server on
loopback, a token-checking reverse proxy, and a rule-based OpenAI-compatible chat server."""
