"""ragshift's light core: types, protocols, config, metrics, comparison, reports.

Nothing here imports torch, chromadb, llama_index or ragas at module import time.
"""

__version__ = "0.2.0"
