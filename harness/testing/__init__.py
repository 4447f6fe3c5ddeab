"""Deterministic fakes of every interface and contract-test mixins that real adapters also pass."""
