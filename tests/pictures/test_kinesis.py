"""A Kinesis stream's pictures and displays: lineage over the 128-bit hash-key space, splits,
merges and UpdateShardCount, the Lambda lanes of a mapping reading it, and a short repr."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest

from streamsim import KinesisShard, KinesisStream, ResourceNotFoundException, Simulation
from streamsim._pictures._palette import LINK, OPEN

from .scenarios import bars, kinesis


@pytest.fixture(scope="module")
def run() -> tuple[Simulation, Any]:
    return kinesis()


def _stream(run: tuple[Simulation, Any]) -> KinesisStream:
    return run[0].kinesis_stream("clicks")


def test_kinesis_lineage_is_valid_svg(run: tuple[Simulation, Any]) -> None:
    """The lineage picture parses as an SVG document with a title naming the stream."""
    svg = _stream(run).lineage().to_svg()
    assert svg.startswith("<?xml")
    root = ET.fromstring(svg.split("\n", 1)[1])
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "Kinesis stream clicks" in svg


def test_kinesis_lineage_shows_every_shard(run: tuple[Simulation, Any]) -> None:
    """One bar per shard in memory (the splits', merge's and scaling's too), 4 of them open."""
    stream = _stream(run)
    found = bars(stream.lineage().to_svg())
    assert sorted(b["shard_id"] for b in found) == [s.shard_id for s in stream.all_shards]
    assert len(found) == 9
    assert sum(b["fill"] == OPEN for b in found) == stream.open_shard_count == 4


def test_kinesis_bars_cover_their_hash_key_ranges(run: tuple[Simulation, Any]) -> None:
    """By hash, a split's children share their parent's band and a merge's child spans both
    parents' bands (bars are inset 3 px each side)."""
    found = {b["shard_id"]: b for b in bars(_stream(run).lineage().to_svg())}
    parent, low, high = (found[f"shardId-00000000000{i}"] for i in (0, 2, 3))
    assert low["y"] == pytest.approx(parent["y"], abs=0.11)
    assert high["y"] + high["height"] == pytest.approx(parent["y"] + parent["height"], abs=0.11)
    merged, lower, upper = (found[f"shardId-00000000000{i}"] for i in (4, 3, 1))
    assert merged["y"] == pytest.approx(lower["y"], abs=0.11)
    assert merged["y"] + merged["height"] == pytest.approx(upper["y"] + upper["height"], abs=0.11)


def test_kinesis_lineage_links_a_merge_to_both_parents(run: tuple[Simulation, Any]) -> None:
    """Mermaid and SVG draw an edge from each parent, the adjacent parent of a merge included."""
    picture = _stream(run).lineage()
    mermaid = picture.to_mermaid()
    assert "s000000000003 --> s000000000004" in mermaid
    assert "s000000000001 --> s000000000004" in mermaid
    edges = [line for line in mermaid.splitlines() if "-->" in line]
    assert len(edges) == 8  # every shard but the two roots; the merge has two
    links = [
        p
        for p in ET.fromstring(picture.to_svg().split("\n", 1)[1]).iter(
            "{http://www.w3.org/2000/svg}path"
        )
        if p.get("stroke") == LINK
    ]
    assert len(links) >= 6  # every link whose child is not in its parent's lane
    tips = [b for b in bars(picture.to_svg()) if b["shard_id"] == "shardId-000000000004"]
    assert [t["parent_id"] for t in tips] == ["shardId-000000000003"]


def test_kinesis_lineage_is_the_same_bytes_for_the_same_seed(
    run: tuple[Simulation, Any],
) -> None:
    """A second run with the same seed draws byte-identical SVG and Mermaid."""
    again, mapping = kinesis()
    first = _stream(run).lineage(readers=run[1])
    second = again.kinesis_stream("clicks").lineage(readers=mapping)
    assert first.to_svg() == second.to_svg()
    assert first.to_mermaid() == second.to_mermaid()


def test_kinesis_mapping_lanes_show_instances_per_shard(run: tuple[Simulation, Any]) -> None:
    """With the mapping as reader, Lambda lanes appear; at most one instance per open shard,
    numbered as the invocations table numbers them."""
    sim, mapping = run
    stream = _stream(run)
    svg = stream.lineage(readers=mapping).to_svg()
    assert "Lambda instances" in svg
    rows = mapping.invocations_table()
    instances = {row["instance"] for row in rows}
    assert instances == set(range(1, len(instances) + 1))
    assert len(instances) <= stream.open_shard_count
    assert {row["shard_id"] for row in rows} <= {s.shard_id for s in stream.all_shards}
    function = sim.lambda_service.function("counter")
    assert stream.lineage(readers=function).to_svg() == svg


def test_kinesis_stream_repr_is_short(run: tuple[Simulation, Any]) -> None:
    """repr() and IPython's pretty print are one short line naming the stream and its shards."""
    stream = _stream(run)
    text = repr(stream)
    assert text == "<KinesisStream clicks ACTIVE PROVISIONED shards=9 open=4>"
    pretty = pytest.importorskip("IPython.lib.pretty")
    assert pretty.pretty(stream) == text
    assert len(repr(stream.shards[4])) < 120


def test_kinesis_stream_notebook_display_is_its_lineage(run: tuple[Simulation, Any]) -> None:
    """A notebook gets text/plain and the lineage as bare SVG; a shard shows text only."""
    stream = _stream(run)
    bundle = stream._repr_mimebundle_()
    assert bundle["text/plain"] == repr(stream)
    assert bundle["image/svg+xml"] == stream.lineage().to_svg()
    assert set(stream.shards[0]._repr_mimebundle_()) == {"text/plain"}


def test_kinesis_views_are_read_only_and_compare_by_model(run: tuple[Simulation, Any]) -> None:
    """Two views of one stream or shard are equal; their attributes cannot be assigned."""
    sim, _ = run
    assert sim.kinesis_stream("clicks") == sim.kinesis_streams[0]
    shard = sim.kinesis_stream("clicks").shard("shardId-000000000004")
    assert isinstance(shard, KinesisShard)
    assert shard == sim.kinesis_stream("clicks").all_shards[4]
    assert shard.adjacent_parent_shard_id == "shardId-000000000001"
    assert [p.shard_id for p in shard.parents] == ["shardId-000000000003", "shardId-000000000001"]
    with pytest.raises(AttributeError):
        shard.shard_id = "x"  # type: ignore[misc]
    with pytest.raises(ResourceNotFoundException):
        sim.kinesis_stream("missing")


def test_kinesis_shards_table_has_a_row_per_shard(run: tuple[Simulation, Any]) -> None:
    """One row per shard with its lineage, state and hash-key range as ListShards shows them."""
    rows = _stream(run).shards_table()
    assert [row["index"] for row in rows] == list(range(9))
    merged = rows[4]
    assert merged["parent_shard_id"] == "shardId-000000000003"
    assert merged["adjacent_parent_shard_id"] == "shardId-000000000001"
    assert merged["state"] == "closed"
    assert sum(row["state"] == "open" for row in rows) == 4
    assert rows[0]["starting_hash_key"] == "0"


def test_kinesis_counts_picture_counts_listed_and_open_shards(
    run: tuple[Simulation, Any],
) -> None:
    """The counts picture ends with 9 shards listed, 4 of them open."""
    picture = _stream(run).counts()
    assert picture.kind == "counts"
    assert "Kinesis stream clicks" in picture.title


def test_a_kinesis_mappings_display_is_its_timeline(run: tuple[Simulation, Any]) -> None:
    """A Kinesis mapping shows its four-panel timeline inline, as a DynamoDB mapping does."""
    _, mapping = run
    bundle = mapping._repr_mimebundle_()
    assert bundle["image/svg+xml"] == mapping.timeline().to_svg()
    assert "clicks" in mapping.timeline().title


def test_a_simulation_with_only_kinesis_shows_its_lineage(run: tuple[Simulation, Any]) -> None:
    """A simulation without table streams shows its first Kinesis stream's lineage inline."""
    sim, _ = run
    bundle = sim._repr_mimebundle_()
    assert bundle["image/svg+xml"] == sim.kinesis_stream("clicks").lineage().to_svg()
