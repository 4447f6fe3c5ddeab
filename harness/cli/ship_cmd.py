"""Shipping commands: ``reindex``, ``promote``, ``rollback``, ``status``, ``drop``."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from ragshift.harness.cli import app

CONFIG = typer.Argument(..., exists=True, dir_okay=False, help="Run config (corpus, embedders, store).")
EMBEDDER = typer.Option(None, "--embedder", "-e", help="Which \\[\\[embedders]] entry (default: the last one).")
ALIAS = typer.Option("production", "--alias", "-a", help="The alias an app opens.")
WAIT = typer.Option(0.0, "--wait", help="Seconds to wait for another writer to finish (default: fail at once).")


class Engine(str, Enum):
    """Where ``reindex`` runs the model (``[engine] kind``)."""

    local = "local"
    ray = "ray"


@app.command("reindex")
def reindex_command(
    config: Path = CONFIG,
    embedder: str | None = EMBEDDER,
    collection: str | None = typer.Option(None, "--collection", help="Target collection (default: named by corpus, chunker, model)."),
    batch_size: int | None = typer.Option(None, "--batch-size", min=1, help="Chunks embedded and written per batch (default: [engine] batch_size, 64)."),
    engine: Engine | None = typer.Option(None, "--engine", help="Where the model runs (default: [engine] kind): local, or ray (an actor pool on a Ray cluster)."),
    wait: float = WAIT,
) -> None:
    """Re-embed the corpus with one embedder into its own collection: only new or changed chunks, resumable."""
    from ragshift.harness.cli.common import console, fail_on_user_error

    with fail_on_user_error():
        from ragshift.harness.cli.common import load_checked
        from ragshift.harness.shipping.reindex_job import run_reindex

        result = run_reindex(load_checked(config), embedder, collection=collection, batch_size=batch_size,
                             engine=engine.value if engine else None, wait=wait, console=console())
    console().print(f"collection [bold]{result.collection}[/] is complete")


@app.command("promote")
def promote_command(
    config: Path = CONFIG,
    embedder: str | None = EMBEDDER,
    alias: str = ALIAS,
    collection: str | None = typer.Option(None, "--collection", help="Promote this collection instead of the embedder's."),
    sample: int = typer.Option(100, "--sample", min=1, help="Judged queries in the sample evaluation."),
    force: bool = typer.Option(False, "--force", help="Switch even if a check fails (recorded in the alias history)."),
    wait: float = WAIT,
) -> None:
    """Point ALIAS at the embedder's collection after checks: fingerprint, completeness, sample evaluation."""
    from ragshift.harness.cli.common import console, fail_on_user_error

    with fail_on_user_error("the promote checks", "the alias as it was, unless its switch (one atomic write, after every check) had happened"):
        from ragshift.harness.cli.common import load_checked
        from ragshift.harness.shipping.promote import promote

        done = promote(load_checked(config), embedder, alias=alias, collection=collection, sample=sample,
                       force=force, wait=wait, console=console())
    for check in done.checks:
        colour = {"ok": "green", "FAIL": "red", "skip": "yellow"}[check.mark]
        console().print(f"  [{colour}]{check.mark:>4}[/] {check.name}: {escape(check.detail)}")
    from ragshift.harness.shipping.aliases import describe_target

    targets = done.alias.previous_targets()
    was = escape(describe_target(targets[-1])) if targets else "nothing"
    console().print(f"[bold green]{alias}[/]: {was} → [bold]{escape(describe_target(done.alias.target))}[/]"
                    + (" [red](forced)[/]" if done.forced else ""))


@app.command("rollback")
def rollback_command(config: Path = CONFIG, alias: str = ALIAS, wait: float = WAIT) -> None:
    """Point ALIAS back at the collection it pointed at before the last promote."""
    from ragshift.harness.cli.common import console, fail_on_user_error

    with fail_on_user_error("rollback", "the alias as it was, unless its switch back (one atomic write) had happened"):
        from ragshift.harness.config import load_config
        from ragshift.harness.shipping.promote import rollback

        back = rollback(load_config(config), alias=alias, wait=wait)
    from ragshift.harness.shipping.aliases import describe_target

    last = back.history[-1]
    was = last["from"] + (" via bridge " + last["from_bridge"] if last.get("from_bridge") else "")
    console().print(f"[bold green]{alias}[/] → [bold]{escape(describe_target(back.target))}[/] (rolled back from {escape(was)})")


@app.command("drop")
def drop_command(
    config: Path = CONFIG,
    collection: str = typer.Argument(..., help="Collection to delete."),
    force: bool = typer.Option(False, "--force", help="Drop it even if an alias keeps it for rollback."),
    wait: float = WAIT,
) -> None:
    """Delete a collection no alias points at."""
    from ragshift.harness.cli.common import console, fail_on_user_error

    with fail_on_user_error(f"drop {collection}", "every other collection and the aliases"):
        from ragshift.harness.config import load_config
        from ragshift.harness.shipping.promote import drop

        forgot = drop(load_config(config), collection, force=force, wait=wait)
    extra = f" (aliases {', '.join(forgot)} can no longer roll back to it)" if forgot else ""
    console().print(f"dropped {collection}{extra}")


@app.command("status")
def status_command(config: Path = CONFIG) -> None:
    """List aliases, collections, their model fingerprints and sizes."""
    from ragshift.harness.cli.common import console, fail_on_user_error

    with fail_on_user_error("status", "everything: status only reads"):
        from ragshift.harness.config import load_config
        from ragshift.harness.shipping import collections as col
        from ragshift.harness.systems import open_store

        cfg = load_config(config)
        store = open_store(cfg.store)
        found, named = col.list_collections(store), store.aliases().all()
    out = console()
    out.print(f"store: {escape(store.location)}")
    table = Table("alias", "collection", "queries served by", "previous (rollback)", "last change", title="aliases")
    for a in named:
        last = a.history[-1] if a.history else {}
        previous = [c + (" (bridged)" if b else "") for c, b in reversed(a.previous_targets())]
        by = f"bridge {a.bridge.target_name} → {a.bridge.source_name}" if a.bridge else "the collection's model"
        table.add_row(a.name, a.collection, by, ", ".join(previous) or "-", f"{last.get('action', '')} {last.get('at', '')}")
    out.print(table if named else "aliases: none")
    for a in named:
        if a.bridge is not None:
            out.print(f"{a.name} serves queries through {escape(a.bridge.label())}")
            out.print("  " + _full_reindex(a.bridge, found))
    pointing = {}
    for a in named:
        pointing.setdefault(a.collection, []).append(a.name + (" (bridged)" if a.bridge else ""))
        for p, b in a.previous_targets():
            pointing.setdefault(p, []).append(f"({a.name} rollback{', bridged' if b else ''})")
    table = Table("collection", "model", "fingerprint", "vectors", "complete", "aliases", title="collections")
    for c in found:
        complete = c.tags.get(col.COMPLETE)
        table.add_row(c.name, c.model, str(c.fingerprint), str(c.count), "-" if complete is None else ("yes" if complete else "NO"),
                      " ".join(pointing.get(c.name, [])) or "-")
    out.print(table)


def _full_reindex(bridge, found) -> str:
    """Where the bridged model's own full re-index stands: what replaces the bridge once complete."""
    from ragshift.harness.shipping import collections as col

    own = [c for c in found if c.fingerprint == bridge.target and c.tags.get(col.ROLE) == "serving"]
    done = [c for c in own if c.tags.get(col.COMPLETE)]
    name = bridge.target_name or bridge.target
    if done:
        return f"full re-index of {name} complete: {done[0].name}; `ragshift promote -e {name}` replaces the bridge"
    if own:
        return f"full re-index of {name} under way: {own[0].name} ({own[0].count} vectors, not complete)"
    return f"no collection of {name} yet: `ragshift reindex -e {name}` builds the full re-index that replaces the bridge"
