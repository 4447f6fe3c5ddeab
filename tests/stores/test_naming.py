import re

from ragshift.harness.naming import collection_name

CHROMA_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9._-]{1,61}[a-zA-Z0-9]$")


def test_collection_name_is_chroma_valid_and_stable():
    name = collection_name("corpus", "chunker", "embedder")
    assert CHROMA_NAME.match(name)
    assert name == collection_name("corpus", "chunker", "embedder")


def test_collection_name_depends_on_each_fingerprint_and_its_role():
    names = {
        collection_name("a", "b", "c"),
        collection_name("x", "b", "c"),
        collection_name("a", "x", "c"),
        collection_name("a", "b", "x"),
        collection_name("b", "a", "c"),
    }
    assert len(names) == 5
