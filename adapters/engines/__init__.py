"""Embedding engines: where the model work of a corpus embedding runs (a process pool, a Ray cluster).

The in-process engine is ``ragshift.harness.shipping.reindex.LocalEngine``; ``factory.build_engine`` picks one
from the config's ``[engine]`` section.
"""
