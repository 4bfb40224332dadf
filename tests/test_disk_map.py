"""DiskMap: a dict whose values wait on disk, for what a release compares record by record."""

import pickle
import sqlite3

import pytest

from pipeline.publish.diff import record_print
from pipeline.streams import DiskMap


def test_it_behaves_as_a_dict_in_order_replacement_and_lookups():
    pairs = [(f"id{n}", {"n": n, "text": "å" * (n % 7)}) for n in range(2500)]
    pairs += [("id3", "replaced"), ("id2499", None)]  # past a flush: keys set again
    disk, memory = DiskMap(pairs), dict(pairs)
    assert list(disk) == list(memory) and len(disk) == len(memory) == 2500
    assert list(disk.items()) == list(memory.items())
    assert list(disk.values()) == list(memory.values())
    assert disk == memory and disk["id3"] == "replaced" and disk.get("nope", 0) == 0
    assert "id2499" in disk and "id2500" not in disk and bool(DiskMap()) is False


def test_prints_read_back_share_their_field_names():
    records = [{"id": f"r{n}", "title": "T", "source": {"file": "a.txt", "segment": str(n)},
                "description": {"text": f"Text {n}.", "span": [0, 7]}} for n in range(3)]
    disk = DiskMap((r["id"], record_print(r, sampled=False)) for r in records)
    first, second = disk["r0"], disk["r1"]
    assert first.fields.names is second.fields.names  # the fast path of changed_fields
    assert first == record_print(records[0], sampled=False)
    assert pickle.loads(pickle.dumps(first.fields)) == first.fields


def test_closing_drops_the_database():
    disk = DiskMap([("a", 1)])
    disk.close()
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        len(disk)


def test_a_saved_map_loads_with_its_order_and_values_and_is_its_own(tmp_path):
    saved = DiskMap((str(n), {"n": n}) for n in range(2500))  # more than one flush
    saved["7"] = {"n": "again"}  # a key set again keeps its place
    saved.save(tmp_path / "map.sqlite")
    loaded = DiskMap.load(tmp_path / "map.sqlite")
    assert list(loaded.items()) == list(saved.items())
    loaded["new"] = {"n": -1}  # the loaded copy is private: the file stays as saved
    assert "new" not in DiskMap.load(tmp_path / "map.sqlite")
    assert [p.name for p in tmp_path.iterdir()] == ["map.sqlite"]  # no temporary file left
