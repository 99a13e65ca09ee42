"""What a page reads of each hit: the stored record, as written (search/postings/documents.py,
through the copied, primed inflater and through zlib's own path alike), and the facet
values, looked up for a page of hits at once as one at a time."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from search.postings import documents

RECORDS = [(f"Title {n} of the cooperative", f"A summary of item {n}, " * (n % 7 + 1),
            None if n % 3 else "Press release") for n in range(40)]


@pytest.fixture()
def segment(tmp_path):
    path = tmp_path / "s.nsd"
    documents.write_documents(path, ("title", "summary", "kind"), RECORDS,
                              {"day": np.arange(len(RECORDS))}, {})
    found = documents.load(path)
    assert found is not None
    yield found
    documents.forget(tmp_path)


def test_every_record_reads_back_as_written(segment):
    assert segment.dictionary(0).primed is not None  # the copied inflater is the path taken
    for docnum, (title, summary, kind) in enumerate(RECORDS):
        expected = {"title": title, "summary": summary, **({"kind": kind} if kind else {})}
        assert segment.stored(docnum) == expected


def test_a_damaged_record_is_refused_by_zlib(segment):
    start, end = int(segment.offsets[3]), int(segment.offsets[4])
    data = bytearray(segment.records[start:end].tobytes())
    data[-1] ^= 0xFF  # the checksum no longer matches the text
    with pytest.raises(zlib.error):
        segment.dictionary(3).inflated(bytes(data))
    data[-1] ^= 0xFF
    assert segment.dictionary(3).inflated(bytes(data)) == zlib.decompressobj(
        zdict=segment.dictionaries[0][1]).decompress(bytes(data))


def test_a_pages_facet_values_are_each_documents_own(engine):
    # (search/engine/pages.py looks a page's facet values up for all its hits at once.)
    view = engine.handle.view()
    docnums = list(range(0, view.columns.doc_count_all, 3))
    docnums = docnums[1::2][::-1] + docnums[::2]  # in a page's order, not ascending
    for name, column in view.columns.facets.items():
        assert column.values_of_many(docnums) == [column.values_of(d) for d in docnums], name
    assert any(values for column in view.columns.facets.values()
               if column.single is None for values in column.values_of_many(docnums))
