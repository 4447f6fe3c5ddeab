"""pytest plugin (entry point ``pytest11``): retrieval regression gates as ordinary tests.

Fixtures: ``ragshift`` (a ``ragshift.harness.suite.Suite``: the suite config evaluated once per session) and
``ragshift_config`` (its parsed ``RunConfig``). The suite config comes from, first to last:
``@pytest.mark.ragshift(config=PATH)`` (relative to the test file), ``--ragshift-config PATH``,
the ``ragshift_config`` ini option (relative to the ini file). pytest-xdist works: workers of one
run share a single evaluation. Importing this module loads nothing but pytest and the standard library.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import pytest

if TYPE_CHECKING:
    from ragshift.harness.config import RunConfig
    from ragshift.harness.suite import Suite

MARKER = (
    "ragshift(config=None): a ragshift regression gate; config= is the suite config (TOML, relative to the "
    "test file) this test's `ragshift` fixture evaluates, overriding --ragshift-config"
)
_SUITES = pytest.StashKey[dict]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ragshift", "ragshift retrieval regression gates")
    group.addoption(
        "--ragshift-config", metavar="PATH", default=None,
        help="suite config (TOML) the `ragshift` fixture evaluates once per session, shared by pytest-xdist "
        "workers (default: ini ragshift_config)",
    )
    group.addoption(
        "--ragshift-report", metavar="DIR", default=None,
        help="write run folders and gate reports (report.html) under DIR instead of the config's [run] output",
    )
    parser.addini("ragshift_config", "default suite config for the `ragshift` fixture (relative to the ini file)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER)
    config.stash[_SUITES] = {}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests using the fixture carry the marker, so ``-m ragshift`` / ``-m "not ragshift"`` select them."""
    for item in items:
        if "ragshift" in getattr(item, "fixturenames", ()):
            item.add_marker("ragshift")


def _config_path(request: pytest.FixtureRequest) -> Path:
    configured = next((m.kwargs["config"] for m in request.node.iter_markers("ragshift") if m.kwargs.get("config")), None)
    if configured:
        return Path(request.node.path).parent / configured
    option = request.config.getoption("ragshift_config")
    if option:
        return Path(option)
    ini = request.config.getini("ragshift_config")
    if ini:
        base = request.config.inipath.parent if request.config.inipath else request.config.rootpath
        return base / ini
    pytest.fail(
        "no ragshift suite config: pass --ragshift-config PATH, set ragshift_config in [tool.pytest.ini_options], "
        "or mark the test @pytest.mark.ragshift(config=PATH)",
        pytrace=False,
    )


def _suite(request: pytest.FixtureRequest) -> Suite:
    from ragshift.harness.errors import RagshiftError
    from ragshift.harness.suite import Suite

    path = _config_path(request).resolve()
    report = request.config.getoption("ragshift_report")
    suites = request.config.stash[_SUITES]
    key = (path, report)
    if key not in suites:
        from ragshift.harness.runtime import prepare_environment

        try:
            suites[key] = Suite(path, output=report)
        except RagshiftError as exc:
            problem = str(exc)
        else:
            problem = None
        if problem is not None:
            pytest.fail(f"ragshift: {problem}", pytrace=False)
        prepare_environment(offline=suites[key].config.run.offline)
    return suites[key]


@pytest.fixture
def ragshift(request: pytest.FixtureRequest) -> Suite:
    """The suite (``ragshift.harness.suite.Suite``): ``rows(system)``, ``assert_not_worse``, ``assert_at_least``, ``report_path``."""
    return _suite(request)


@pytest.fixture
def ragshift_config(request: pytest.FixtureRequest) -> RunConfig:
    """The suite's parsed ``RunConfig``."""
    return _suite(request).config


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """A failed gate, or a ragshift error in a test using the fixture, shows its message and test line only."""
    report = yield
    if report.failed and call.excinfo is not None and call.when == "call":
        from ragshift.harness.errors import RagshiftError
        from ragshift.harness.gates import GateFailure

        uses_suite = bool({"ragshift", "ragshift_config"} & set(getattr(item, "fixturenames", ())))
        if call.excinfo.errisinstance(GateFailure) or (uses_suite and call.excinfo.errisinstance(RagshiftError)):
            entries = [e for e in call.excinfo.traceback if Path(e.path) == Path(item.path)]
            where = f"{entries[-1].path}:{entries[-1].lineno + 1}" if entries else item.nodeid
            kind = "" if call.excinfo.errisinstance(GateFailure) else f"{call.excinfo.typename}: "
            report.longrepr = f"{where}\n{kind}{call.excinfo.value}"
    return report


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    suites = [s for s in config.stash.get(_SUITES, {}).values() if s.evaluated]
    if not suites or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    terminalreporter.section("ragshift")
    for suite in suites:
        terminalreporter.line(f"{suite.path.name}: run {suite.result.run_id}, report {suite.report_path}")
        for path in dict.fromkeys(suite.gate_reports):
            terminalreporter.line(f"  gate report {path}")
