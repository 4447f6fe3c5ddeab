"""Deterministic fakes of every interface and contract-test mixins that real adapters also pass.

Fakes, not products: a config reaches two of them only through the explicit ``testing.keyword`` and
``testing.degraded`` embedder kinds (``ragshift.harness.kinds``) and the ``fake:token-overlap`` cross-encoder."""
