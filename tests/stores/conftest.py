import pytest

pytest.register_assert_rewrite("harness.testing.index_contract", "harness.testing.store_contract")
