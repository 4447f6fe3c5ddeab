import pytest

pytest.register_assert_rewrite("ragshift.harness.testing.index_contract", "ragshift.harness.testing.store_contract")
