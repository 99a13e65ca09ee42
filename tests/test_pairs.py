"""The pairs of words of a segment's term lists: packed sorts count what the lexsort counts."""

from __future__ import annotations

import numpy as np
import pytest

from search.postings.pairs import pair_counts, pairs_lexsorted


def _occurrences(form_word: list[int], written: list[tuple[int, int]]
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(pair keys, form pair keys, each form's word) of pairs written as forms."""
    words = np.array(form_word, np.int64)
    forms = np.array(written, np.int64).reshape(-1, 2)
    return (words[forms[:, 0]] << 32 | words[forms[:, 1]], forms[:, 0] << 32 | forms[:, 1],
            words)


def test_a_pair_is_counted_with_its_commonest_forms() -> None:
    # Forms: 0 "labour", 1 "Labour" (word 0); 2 "international", 3 "International" (word 1).
    form_word = [0, 0, 1, 1]
    written = [(3, 1), (2, 0), (3, 1), (0, 2), (3, 1), (2, 0)]
    seen, seen_forms, words = _occurrences(form_word, written)
    lexicon, times, number, forms = pair_counts(seen, seen_forms, words)
    assert lexicon.tolist() == [0 << 32 | 1, 1 << 32 | 0]  # (labour, international), ...
    assert times.tolist() == [1, 5]
    assert number.tolist() == [1, 1, 1, 0, 1, 1]
    assert forms.tolist() == [0 << 32 | 2, 3 << 32 | 1]  # "International Labour" 3 times


def test_a_tie_goes_to_the_smallest_forms() -> None:
    seen, seen_forms, words = _occurrences([0, 0, 1], [(1, 2), (0, 2), (0, 2), (1, 2)])
    assert pair_counts(seen, seen_forms, words)[3].tolist() == [0 << 32 | 2]


@pytest.mark.parametrize("seed", range(40))
def test_packed_counts_are_the_lexsorts(seed: int) -> None:
    rng = np.random.default_rng(seed)
    word_count = int(rng.integers(1, 8))
    form_word = np.concatenate([np.arange(word_count),
                                rng.integers(0, word_count, int(rng.integers(0, 9)))])
    written = rng.integers(0, len(form_word), (int(rng.integers(0, 120)), 2))
    seen, seen_forms, words = _occurrences(form_word.tolist(), [tuple(w) for w in written])
    for got, expected in zip(pair_counts(seen, seen_forms, words),
                             pairs_lexsorted(seen, seen_forms)):
        assert got.tolist() == expected.tolist()


def test_numbers_too_wide_to_pack_are_lexsorted() -> None:
    # 2**31 words: a pair's two words alone fill 62 bits, no room for the forms.
    form_word = np.array([0, 2**31 - 1, 2**31 - 1], np.int64)
    seen_forms = np.array([0 << 32 | 1, 0 << 32 | 2, 0 << 32 | 2, 2 << 32 | 0], np.int64)
    seen = form_word[seen_forms >> 32] << 32 | form_word[seen_forms & 0xFFFFFFFF]
    lexicon, times, number, forms = pair_counts(seen, seen_forms, form_word)
    assert lexicon.tolist() == [2**31 - 1, (2**31 - 1) << 32]
    assert times.tolist() == [3, 1]
    assert number.tolist() == [0, 0, 0, 1]
    assert forms.tolist() == [0 << 32 | 2, 2 << 32 | 0]


def test_no_pairs() -> None:
    empty = np.zeros(0, np.int64)
    assert [len(part) for part in pair_counts(empty, empty, empty)] == [0, 0, 0, 0]
