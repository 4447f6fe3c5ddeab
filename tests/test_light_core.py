"""The core imports no heavy library at module import time (adapters do, lazily), and no two modules of
harness/ and adapters/ import each other, directly or round a longer loop."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

HEAVY = ("torch", "sentence_transformers", "chromadb", "llama_index", "ragas", "transformers", "onnxruntime", "bm25s",
         "Stemmer", "ray")
PREFIX = "ragshift."
"""The folders harness/ and adapters/ install as ragshift.harness and ragshift.adapters."""


def module_names(folder: str, *, skip: tuple[str, ...] = ()) -> list[str]:
    """Import names of the modules in ``folder`` (harness or adapters), as the installed package has them."""
    root = ROOT / folder
    return sorted(
        PREFIX + ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in root.rglob("*.py")
        if p.name not in skip
    )


def test_importing_every_harness_module_loads_no_heavy_library() -> None:
    code = (
        "import importlib, sys\n"
        f"for m in {module_names('harness')!r}: importlib.import_module(m)\n"
        f"print(','.join(sorted(h for h in {HEAVY!r} if h in sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"heavy modules imported by the core: {out.stdout.strip()}"


def test_every_module_imports_by_its_installed_name_only() -> None:
    """Importing all of ragshift never loads a top-level ``harness`` or ``adapters`` (a second copy of a
    module, and a clash with AdapterHub's ``adapters`` package)."""
    code = (
        "import importlib, sys\n"
        f"for m in {module_names('harness') + module_names('adapters')!r}:\n"
        "    try:\n"
        "        importlib.import_module(m)\n"
        "    except ImportError:\n"
        "        pass  # an optional heavy library may be absent; the name check still holds\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('harness', 'adapters'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/")
    assert out.stdout.strip() == "", f"modules imported under a top-level name: {out.stdout.strip()[:500]}"


def import_graph(packages: Iterable[str] = ("harness", "adapters"), prefix: str = PREFIX) -> dict[str, set[str]]:
    """Module → the modules of ``packages`` it imports anywhere in its file (inside functions and
    ``TYPE_CHECKING`` blocks too). ``from a.b import c`` imports ``a.b``, and ``a.b.c`` when that is a
    module. A package and its own submodules are not edges of each other."""
    files = {}
    for package in packages:
        for path in (ROOT / package).rglob("*.py"):
            files[prefix + ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")] = path
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: resolved against this module's package
                    parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                    base = f"{parent}.{base}" if base else parent
                targets.add(base)
                targets.update(f"{base}.{alias.name}" for alias in node.names)
        kin = lambda other: other == name or other.startswith(name + ".") or name.startswith(other + ".")  # noqa: E731
        graph[name] = {t for t in targets if t in files and not kin(t)}
    return graph


def find_circle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle as ``[a, b, ..., a]``, or None."""
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = "open"
        path.append(module)
        for target in sorted(graph.get(module, ())):
            if state.get(target) == "open":
                return path[path.index(target):] + [target]
            if target not in state and (found := visit(target)):
                return found
        state[module] = "done"
        path.pop()
        return None

    for module in sorted(graph):
        if module not in state and (found := visit(module)):
            return found
    return None


def test_no_import_circle_between_modules_of_harness_and_adapters() -> None:
    circle = find_circle(import_graph())
    assert circle is None, "import circle (the lower room should not know the upper one): " + " -> ".join(circle)


def test_the_circle_finder_sees_a_circle_through_a_function_level_import(tmp_path, monkeypatch) -> None:
    for module, body in {
        "low": "def f():\n    from rooms.high import g\n",
        "high": "from rooms.low import f\n",
        "__init__": "from rooms import low\n",  # a package importing its own child: not a circle
    }.items():
        (tmp_path / "rooms").mkdir(exist_ok=True)
        (tmp_path / "rooms" / f"{module}.py").write_text(body)
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert find_circle(import_graph(["rooms"], prefix="")) == ["rooms.high", "rooms.low", "rooms.high"]
    (tmp_path / "rooms" / "low.py").write_text("def f():\n    return 1\n")
    assert find_circle(import_graph(["rooms"], prefix="")) is None


def test_every_harness_module_imports_without_pytest() -> None:
    """Fakes and contract mixins are importable where no test tools are installed (only running needs them)."""
    modules = module_names("harness", skip=("pytest_plugin.py",))  # the plugin is loaded by pytest itself
    code = (
        "import importlib, sys\n"
        "sys.modules['pytest'] = None\n"  # import pytest now raises ImportError
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]
