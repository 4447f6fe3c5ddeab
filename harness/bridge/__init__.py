"""Bridges: a small map from a new embedding model's space into an old one's, so the old index keeps
serving queries of the new model without re-embedding the corpus (``ragshift bridge``, ``kind = "bridged"``).

Modules: ``config`` (the ``[bridge]`` section), ``maps`` (linear maps, numpy), ``fit`` (fitting them),
``sample`` (the corpus sample), ``quality`` (held-out fit quality), ``artefact`` (the folder on disk),
``embedder`` (the bridged embedder and its version guard), ``job`` (the command), ``share`` (how much
of a full re-embed's gain a bridge keeps, and what it costs). The residual MLP map needs torch and
lives in ``ragshift.adapters.bridge.mlp``.
"""
