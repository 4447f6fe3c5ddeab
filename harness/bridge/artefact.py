"""The bridge folder: map weights, ``bridge.json`` (both models' fingerprints and records, the sample, the
fit quality) and a ``README.md`` card. Written into a hidden sibling and renamed into place in one step."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ragshift.harness.bridge.maps import BridgeMap
from ragshift.harness.errors import RagshiftError
from ragshift.harness.rundir import StagedRun

META = "bridge.json"
CARD = "README.md"
FORMAT = 1


@dataclass(frozen=True)
class BridgeSide:
    """One of the two models: its ``[[embedders]]`` record and the fingerprints it had when the map was fitted."""

    name: str
    spec: Mapping[str, Any]
    fingerprint: str
    document_fingerprint: str
    dimension: int


@dataclass(frozen=True)
class BridgeRecord:
    """Everything ``bridge.json`` holds. ``old`` wrote the index; ``new`` encodes the queries."""

    fingerprint: str
    """The bridged embedder's: hash of the new model's fingerprint and the map's weights."""
    map: Mapping[str, Any]
    """``kind``, ``file``, ``weights_hash``, ``in_dim``, ``out_dim``, ``options`` (the fit settings)."""
    old: BridgeSide
    new: BridgeSide
    sample: Mapping[str, Any] = field(default_factory=dict)
    quality: Mapping[str, Any] = field(default_factory=dict)
    timings: Mapping[str, Any] = field(default_factory=dict)
    created: str = ""
    version: str = ""

    @property
    def document_fingerprint(self) -> str:
        """What the bridged embedder's documents are keyed by: the old model's (its index is reused)."""
        return self.old.document_fingerprint

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["from"], data["to"] = data.pop("old"), data.pop("new")
        return {"format": FORMAT, "document_fingerprint": self.document_fingerprint, **data}

    @classmethod
    def from_json(cls, data: Mapping[str, Any], where: Path) -> BridgeRecord:
        try:
            if data.get("format") != FORMAT:
                raise ValueError(f"format {data.get('format')!r}, this version reads {FORMAT}")
            sides = {k: BridgeSide(**{f: data[k][f] for f in BridgeSide.__dataclass_fields__}) for k in ("from", "to")}
            return cls(
                data["fingerprint"], dict(data["map"]), sides["from"], sides["to"], dict(data.get("sample") or {}),
                dict(data.get("quality") or {}), dict(data.get("timings") or {}), data.get("created", ""), data.get("version", ""),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise RagshiftError(f"{where}: not a bridge record this version can read ({type(exc).__name__}: {exc})") from None


def read_record(folder: Path | str) -> BridgeRecord:
    path = Path(folder) / META
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RagshiftError(f"{folder} is not a bridge folder: {META} is missing (write one with `ragshift bridge`)") from None
    except (OSError, ValueError) as exc:
        raise RagshiftError(f"{path}: cannot read the bridge record ({exc})") from None
    if not isinstance(data, dict):
        raise RagshiftError(f"{path}: the bridge record must be a JSON object")
    return BridgeRecord.from_json(data, path)


def write_bridge(folder: Path | str, bridge_map: BridgeMap, record: BridgeRecord) -> Path:
    """Write the folder atomically (an existing one of the same name is replaced); returns its path."""
    folder = Path(folder)
    staged = StagedRun(folder.parent, folder.name)
    try:
        bridge_map.save(staged.path)
        staged.write_json(META, record.to_json())
        (staged.path / CARD).write_text(card(record), encoding="utf-8")
        return staged.publish()
    except BaseException:
        staged.discard()
        raise


def card(record: BridgeRecord) -> str:
    """A short human-readable README for the folder."""
    q = record.quality.get("heldout") or {}
    rows = [f"| {name} | {v['mean_cosine']:.4f} | {v['neighbours']:.3f} | {v['top1']:.3f} |"
            for name, v in (("bridge", q.get("bridge")), ("no bridge (new vectors as they are)", q.get("no_bridge"))) if v]
    s = record.sample
    return "\n".join([
        f"# Bridge {record.new.name} → {record.old.name}",
        "",
        f"Queries encoded by **{record.new.name}** (fingerprint `{record.new.fingerprint}`) are mapped into the space of "
        f"**{record.old.name}** (fingerprint `{record.old.document_fingerprint}`), so the index of {record.old.name} "
        "serves them without re-embedding the corpus. Written by `ragshift bridge`; use it as",
        "",
        "```toml",
        "[[embedders]]",
        f'name = "{record.new.name}-bridged"',
        'kind = "bridged"',
        'model = "<this folder>"',
        "```",
        "",
        f"- map: {record.map.get('kind')} {record.map.get('in_dim')} → {record.map.get('out_dim')}, "
        f"options {json.dumps(record.map.get('options', {}), sort_keys=True)}, weights `{record.map.get('weights_hash')}`",
        f"- bridged embedder fingerprint: `{record.fingerprint}`; documents: `{record.document_fingerprint}`",
        f"- sample: {s.get('chunks')} chunks of {s.get('corpus')} (seed {s.get('seed')}): {s.get('train')} fitted, "
        f"{s.get('heldout')} held out (by document); sample fingerprint `{s.get('fingerprint')}`",
        f"- fit: {record.timings.get('fit_s', float('nan')):.3f} s",
        "",
        f"Held-out fit ({q.get('bridge', {}).get('n')} chunks; neighbours = share of the old vector's top "
        f"{q.get('bridge', {}).get('k')} neighbours in the sample kept):",
        "",
        "| | mean cosine to the old vector | neighbours | top-1 is itself |",
        "|---|---:|---:|---:|",
        *rows,
        "",
    ])
