"""Index a big JSON Lines file with tantivy too, streamed, for `ab_mix.py --tantivy` at
sizes where the corpus does not fit in memory as a list (bench.py's way):

    python benchmarks/tantivy_big.py /work/run10m/big-10000000.jsonl /work/run10m/tantivy
    python benchmarks/ab_mix.py --items 10000000 --index /work/run10m/big-10000000-index \
        --tantivy --tantivy-index /work/run10m/tantivy

The items are read by news-search's own readers (`corpus.stream_sources`: the same
items, merged the same way, as the index built from the file) and handed to
`tantivy_search.build` one at a time. It prints the reading and the indexing
time together (tantivy indexes as the items are read).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import tantivy_search

from corpus import stream_sources


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    source, out = Path(sys.argv[1]), Path(sys.argv[2])
    started = time.perf_counter()
    with stream_sources([source]) as result:
        read = time.perf_counter() - started
        print(f"read {len(result.articles):,} items in {read:.0f} s", flush=True)
        seconds = tantivy_search.build(result.articles, out)
    tantivy_search.garbage_collect(out)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"tantivy build: {seconds:.0f} s after the reading; index {size / 1e9:.1f} GB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
