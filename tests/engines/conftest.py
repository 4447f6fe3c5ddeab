"""A local Ray cluster of 2 CPUs, shared by the Ray tests of one module and shut down after it."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[object]:
    ray = pytest.importorskip("ray")
    from tests.engines import ray_helpers

    ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.WARNING, log_to_driver=False)
    ray.cloudpickle.register_pickle_by_value(ray_helpers)
    try:
        yield ray
    finally:
        ray.cloudpickle.unregister_pickle_by_value(ray_helpers)
        ray.shutdown()
