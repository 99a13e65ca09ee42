"""Building the index: where it lives (store), the indexer, the parallel build, the segment writer and updates."""
