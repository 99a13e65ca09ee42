"""The pairs of words a segment's texts write next to each other, counted.

A segment's term lists (`postings.segmentlists`) keep every pair of words that
stand together, how often it is written, and the forms it is most often written
with ("International Labour", not "international labour"). For that the pair
occurrences are put in (pair, forms) order: a lexsort of two int64 keys, the
costliest step of writing the lists. `pair_counts` packs each occurrence's pair
and forms into one int64 instead (a form as its place among its own word's forms,
which a few bits hold) and sorts plain numbers, giving the same counts;
`pairs_lexsorted` is the two-key sort, for numbers too wide to pack (and what the
tests compare with).
"""

from __future__ import annotations

import numpy as np

Counted = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def pair_counts(seen: np.ndarray, seen_forms: np.ndarray, form_word: np.ndarray) -> Counted:
    """The pairs written (`seen`: word << 32 | word, one per occurrence; `seen_forms` the
    same of their forms; `form_word` each form's word): every pair, sorted (the lexicon);
    how often each is written; each occurrence's place in the lexicon; and each pair's
    commonest pair of forms (the smallest, on a tie)."""
    low = (1 << 32) - 1
    # A form is written as its place among its word's forms (few: a word's capitals and
    # spellings), so that a pair and its two forms fit in one int64 and plain sorts of
    # packed numbers stand for a two-key lexsort of the pairs (several times slower).
    by_word = np.lexsort((np.arange(len(form_word)), form_word))  # forms by (word, form)
    sorted_words = form_word[by_word]
    group = np.flatnonzero(np.r_[True, sorted_words[1:] != sorted_words[:-1]]) \
        if len(form_word) else np.zeros(0, np.int64)
    place = np.empty(len(form_word), np.int64)
    place[by_word] = np.arange(len(form_word)) - np.repeat(group, np.diff(np.r_[group,
                                                                              len(form_word)]))
    word_bits = max(int(form_word.max(initial=0)), 1).bit_length()
    place_bits = max(int(place.max(initial=0)), 1).bit_length()
    index_bits = max(len(seen), 1).bit_length()
    if 2 * word_bits + max(2 * place_bits, index_bits) > 63:
        return pairs_lexsorted(seen, seen_forms)
    # (In place where it can be: these are a segment's biggest arrays while the lists are
    # written, and the segment's postings are still held.)
    key = seen >> 32
    key <<= word_bits
    key |= seen & low
    with_forms = place[seen_forms >> 32]
    with_forms <<= place_bits
    with_forms |= place[seen_forms & low]
    with_forms |= key << 2 * place_bits
    with_forms.sort()
    in_order = key
    in_order <<= index_bits
    in_order |= np.arange(len(seen), dtype=np.int64)
    in_order.sort()
    del key
    keys = in_order >> index_bits
    new = np.r_[True, keys[1:] != keys[:-1]] if len(keys) else np.zeros(0, bool)
    heads = np.flatnonzero(new)
    number = np.empty(len(keys), np.int64)
    number[in_order & ((1 << index_bits) - 1)] = np.cumsum(new) - 1
    del in_order, new
    # Runs of one pair written with the same forms, in (pair, forms) order: each pair's
    # longest run, the first of the longest (the smallest forms) on a tie.
    run = np.r_[True, with_forms[1:] != with_forms[:-1]] if len(keys) \
        else np.zeros(0, bool)
    starts = np.flatnonzero(run)
    times = np.diff(np.r_[starts, len(keys)])
    run_keys = with_forms[starts] >> 2 * place_bits
    first_run = np.r_[True, run_keys[1:] != run_keys[:-1]] if len(run_keys) \
        else np.zeros(0, bool)
    pair_of_run = np.cumsum(first_run) - 1
    most = np.maximum.reduceat(times, np.flatnonzero(first_run)) if len(times) \
        else np.zeros(0, np.int64)
    longest = np.flatnonzero(times == most[pair_of_run])
    chosen = longest[np.r_[True, pair_of_run[longest][1:] != pair_of_run[longest][:-1]]] \
        if len(longest) else longest
    packed = with_forms[starts[chosen]]
    lexicon = keys[heads]
    words = lexicon >> word_bits, lexicon & ((1 << word_bits) - 1)
    places = packed >> place_bits & ((1 << place_bits) - 1), packed & ((1 << place_bits) - 1)
    forms = [by_word[np.searchsorted(sorted_words, word) + at]
             for word, at in zip(words, places)]
    return (words[0] << 32 | words[1], np.diff(np.r_[heads, len(keys)]), number,
            forms[0] << 32 | forms[1])


def pairs_lexsorted(seen: np.ndarray, seen_forms: np.ndarray) -> Counted:
    """`pair_counts` for numbers too wide to pack: sorted by (pair, forms) with one lexsort."""
    order = np.lexsort((seen_forms, seen))
    keys, forms_of = seen[order], seen_forms[order]
    pair_heads = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) \
        else np.zeros(0, np.int64)
    lexicon = keys[pair_heads]
    pair_times = np.diff(np.r_[pair_heads, len(keys)])
    number = np.empty(len(keys), np.int64)
    number[order] = np.cumsum(np.r_[True, keys[1:] != keys[:-1]]) - 1 if len(keys) \
        else number
    run = np.r_[True, (keys[1:] != keys[:-1]) | (forms_of[1:] != forms_of[:-1])] \
        if len(keys) else np.zeros(0, bool)
    starts = np.flatnonzero(run)
    times = np.diff(np.r_[starts, len(keys)])
    run_keys, run_forms = keys[starts], forms_of[starts]
    best = np.lexsort((-times, run_keys))
    heads = best[np.r_[True, run_keys[best][1:] != run_keys[best][:-1]]] if len(best) \
        else best
    return lexicon, pair_times, number, run_forms[heads]
