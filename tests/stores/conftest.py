import pytest

pytest.register_assert_rewrite("harness.testing.index_contract")
