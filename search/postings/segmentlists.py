"""The term lists of one segment, gathered as the build adds its items; and, from the
same reading of the words, the postings of the text fields and their literal copies.

`SegmentLists` is the one reading of each item's title, summary and body in a
build: besides what the posting lists keep, the term lists need each word as
written and what stands between two words, and it writes the segment's lists
(`postings.termlists` describes them, and merges the segments' into the
generation's). Per text the work is one `split` (each word and the gap
before it) and C-level maps: each word as written to a number (`raw`, memoised
with its form: lower-cased, the index term it stands for, `term_of`, and the
term the news analyzer gives it on its own, `plain_term`), each gap to a class
(memoised: one space, other spaces, a sentence end, anything else). A text
with a word that needs the words around it (a join, a compound's parts, about
one text in twenty) is also analysed whole (`NewsFastAnalyzer.positions`).
Everything else is counted once per segment with numpy: the words of each
item, each form's occurrences and its capitals inside sentences, the pairs of
words standing next to each other with only spaces between them (`write`);
the postings of `title`, `summary`, `body` (`analyzed_postings`) and of their
literal copies (`literal_postings`), which `build.segment` then writes.
"""

from __future__ import annotations

import functools
import re
from array import array
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np
from whoosh.fields import Schema
from whoosh.formats import Positions

from corpus import Article
from corpus.model import fold
from search.postings import arrays
from search.postings import mapped as mapfile
from search.postings.pairs import pair_counts
from search.text.analysis import DATA_DIR, TOKEN_PATTERN
from search.text.wordwise import NewsFastAnalyzer, from_analyzer, news_pattern

MAGIC = b"NSL1"
FIELDS = ("title", "summary", "body")  # those of them the schema has
STOPWORDS_FILE = DATA_DIR / "stopwords.txt"
_LETTER = re.compile(r"[^\W\d_]")
# A text split at its words, kept: the text before the first word, the first word, the
# text between it and the next, ... and the text after the last (what finditer would
# give as text[previous.end():match.start()] and match.group()). One flat list, faster
# than findall's (gap, word) tuples.
_WORD_SPLIT = re.compile(f"({TOKEN_PATTERN.pattern})", TOKEN_PATTERN.flags)
if _WORD_SPLIT.groups != 1:
    raise RuntimeError("TOKEN_PATTERN must have no capturing group of its own")
_SPLIT_AT_WORDS = _WORD_SPLIT.split
_SENTENCE_END = re.compile(r"[.!?:;\n]")  # in the gap before a word: it starts a sentence
# A gap's class, as bits: only spaces or tabs (the two words may be a pair); no sentence
# end (the word is inside a sentence, if it is not the text's first).
SPACES, NO_END = 1, 2


@functools.cache
def stopwords(path: Path = STOPWORDS_FILE) -> frozenset[str]:
    """The words left out of the term lists, folded to ASCII and lower case."""
    words: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        words.update(fold(word.lower()) for word in line.split("#", 1)[0].split())
    return frozenset(words)


def _title_case(text: str) -> bool:
    """True when most longer words are capitalised ("Coffee Cooperatives In Kenya")."""
    firsts = [word[0] for word in text.split() if len(word) > 3]
    letters = [first for first in firsts if first.isalpha()]
    return bool(letters) and sum(map(str.isupper, letters)) * 3 > len(letters) * 2


def _gap_class(gap: str) -> int:
    spaces = gap == " " or not gap.strip(" \t")
    return (SPACES if spaces else 0) | (NO_END if spaces or not _SENTENCE_END.search(gap)
                                        else 0)


class _Memo(dict[str, int]):
    """A dict that works out a missing key's value (`make(key)`, which may store it
    itself) and keeps it: looked up through `__getitem__`, a C-level map over a text's
    words asks Python only for the words not seen before."""

    def __init__(self, make: Callable[[str], int]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, key: str) -> int:
        value = self[key] = self._make(key)
        return value


def offsets_of(lengths: np.ndarray) -> np.ndarray:
    offsets = np.zeros(len(lengths) + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return offsets


def strings_array(values: Iterable[str]) -> np.ndarray:
    """Strings as one array: the count, the offsets, then the UTF-8 bytes (as int64s)."""
    return encoded_array([value.encode("utf-8") for value in values])


def encoded_array(encoded: list[bytes]) -> np.ndarray:
    """`strings_array` of strings already encoded."""
    return packed_strings(offsets_of(np.fromiter(map(len, encoded), np.int64, len(encoded))),
                          b"".join(encoded))


def packed_strings(offsets: np.ndarray, blob: bytes) -> np.ndarray:
    """The strings array of `blob` (the strings' bytes end to end) cut at `offsets` (from
    0, one more than there are strings)."""
    blob += bytes(-len(blob) % 8)
    return np.concatenate(([len(offsets) - 1], offsets, np.frombuffer(blob, np.int64)))


def _distinct(keys: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (numpy's own unique hashes first: several times slower
    for a few million keys, most of them distinct)."""
    keys = np.sort(keys)
    if len(keys):
        keys = keys[np.r_[True, keys[1:] != keys[:-1]]]
    return keys


class SegmentLists:
    """The term lists of one segment's documents, gathered as they are added (`add`), then
    written (`write`). Document numbers are the order of the calls.

    Memory: 9 bytes per word read (its raw number, form number and gap class), and
    dicts as large as the segment's vocabulary.
    """

    def __init__(self, schema: Schema) -> None:
        analyzer = from_analyzer(schema["summary"].analyzer)
        if not isinstance(analyzer, NewsFastAnalyzer):
            raise TypeError("term lists need the news analyzer of search.text.analysis")
        self._analyzer = analyzer
        self.fields = tuple(name for name in FIELDS if name in schema)
        self._field_of = {name: number for number, name in enumerate(self.fields)}
        self._stop = stopwords()
        self._raw = _Memo(self._new_raw)        # a word as written -> its raw number
        self._raw_form: list[int] = []          # raw number -> form number, or -1
        self._raw_text: list[str] = []
        self._raw_lower: list[int] = []         # raw number -> its lower case's number
        self._lower_ids: dict[str, int] = {}
        self._lowers: list[str] = []
        self._form_ids: dict[str, int] = {}     # lower-cased form -> form number, or -1
        self.forms: list[str] = []
        self._form_word: list[int] = []         # form number -> word number
        self._term_ids: dict[str, int] = {}     # index term -> word number
        self.terms: list[str] = []
        self._gaps = _Memo(_gap_class)          # gap -> its class
        self._token_raw = array("i")
        self._token_gap = array("B")
        self._text_start = array("q")   # per text read: its first word ...
        self._text_doc = array("i")     # ... its document
        self._text_inside = array("b")  # ... whether its words can be inside a sentence
        self._text_field = array("b")   # ... and its field (a place in `fields`)
        self.docs = 0
        # The analyzed fields' postings, from the same words (`analyzed_postings`): per
        # raw number its index term's number (-1 a stop word, -2 a word whose text needs
        # the analyzer's whole-text `positions`: a join's first word, a compound's parts).
        self._news_ids: dict[str, int] = {}
        self._news_terms: list[str] = []
        self._raw_news = array("i")
        self._whole_text: set[int] = set()      # the raw numbers that are -2
        self._text_plain = array("b")  # per text read: its terms are its words' (1) or not
        self._odd_term = array("i")    # the other texts' occurrences: term number ...
        self._odd_pos = array("I")     # ... position ...
        self._odd_text = array("i")    # ... and text, in the order `positions` gives them

    def _new_raw(self, raw: str) -> int:
        """Number a word as written, working out its form and index term."""
        number = self._raw[raw] = len(self._raw_form)
        self._raw_text.append(raw)
        lower = raw.lower()
        literal = self._lower_ids.get(lower)
        if literal is None:
            literal = self._lower_ids[lower] = len(self._lowers)
            self._lowers.append(lower)
        self._raw_lower.append(literal)
        found = self._form_ids.get(lower)
        if found is None:
            folded = fold(lower)
            term = ""
            if len(folded) >= 2 and _LETTER.search(folded) and folded not in self._stop:
                term = self._analyzer.term_of(raw)
            if term:
                word = self._term_ids.get(term)
                if word is None:
                    word = self._term_ids[term] = len(self.terms)
                    self.terms.append(term)
                found = self._form_ids[lower] = len(self.forms)
                self.forms.append(lower)
                self._form_word.append(word)
            else:
                found = self._form_ids[lower] = -1
        self._raw_form.append(found)
        plain = self._analyzer.plain_term(raw)
        if plain is None:
            self._raw_news.append(-2)
            self._whole_text.add(number)
        else:
            self._raw_news.append(self._news_number(plain) if plain else -1)
        return number

    def _news_number(self, term: str) -> int:
        number = self._news_ids.get(term)
        if number is None:
            number = self._news_ids[term] = len(self._news_terms)
            self._news_terms.append(term)
        return number

    def add_texts(self, texts: Sequence[tuple[str, str]]) -> None:
        """Add one document from (field name, text) pairs."""
        known, gaps, field_of = self._raw, self._gaps, self._field_of
        for name, text in texts:
            if not text:
                continue
            found = _SPLIT_AT_WORDS(text)
            if len(found) < 3:  # no word
                continue
            # (Words not seen before are numbered as they come.)
            raws = list(map(known.__getitem__, found[1::2]))
            self._text_start.append(len(self._token_raw))
            self._text_doc.append(self.docs)
            # A Title Case title capitalises every word: no evidence of how a word is written.
            self._text_inside.append(name != "title" or not _title_case(text))
            self._text_field.append(field_of.get(name, -1))
            # A text with a word that needs the words around it (a join) or gives more
            # than one term (a compound's parts) is analysed whole, as the builder would.
            plain = self._whole_text.isdisjoint(raws)
            self._text_plain.append(plain)
            if not plain:
                self._add_whole(text, len(self._text_doc) - 1)
            self._token_raw.extend(raws)
            self._token_gap.extend(map(gaps.__getitem__, found[:-1:2]))
        self.docs += 1

    def _add_whole(self, text: str, number: int) -> None:
        """The occurrences of text `number` as the analyzer's `positions` gives them."""
        found = self._analyzer.positions(text)
        for term, places in found.items():
            self._odd_term.extend([self._news_number(term)] * len(places))
            self._odd_pos.extend(places)
        self._odd_text.extend([number] * (len(self._odd_term) - len(self._odd_text)))

    def add(self, article: Article) -> None:
        """Add one article (its fields the index searches)."""
        self.add_texts([(name, getattr(article, name, "") or "") for name in self.fields])

    def analyzes(self, fieldobj: object) -> bool:
        """True when `analyzed_postings` stands for what `build.segment` would index for a
        field of this schema object: one of `fields` with positions, a field boost of 1,
        scorable, analysed by the same analyzer whose words the lists read, which
        renumbers positions past stop words."""
        fmt = getattr(fieldobj, "format", None)
        return (isinstance(fmt, Positions) and type(fmt) is Positions and fmt.field_boost == 1.0
                and bool(getattr(fieldobj, "scorable", False))
                and from_analyzer(getattr(fieldobj, "analyzer", None)) is self._analyzer
                and news_pattern(getattr(fieldobj, "analyzer", None)) == TOKEN_PATTERN
                and self._analyzer.renumbers)

    def _field_words(self, field: str) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                 np.ndarray] | None:
        """The texts of `field` read (their numbers), how many words each has, and every
        word of them, end to end: its raw number and its place among its text's words.
        None when no text of the field was read."""
        if field not in self.fields:
            return None
        starts = np.frombuffer(self._text_start, np.int64)
        sizes = np.diff(np.append(starts, len(self._token_raw)))
        texts = np.flatnonzero(np.frombuffer(self._text_field, np.int8)
                               == self.fields.index(field))
        if not len(texts):
            return None
        counts = sizes[texts]
        ends = np.cumsum(counts)
        place = np.arange(int(ends[-1]), dtype=np.int64) - np.repeat(ends - counts, counts)
        at = np.repeat(starts[texts], counts) + place
        return texts, counts, np.frombuffer(self._token_raw, np.int32)[at], place

    def literal_postings(self, field: str) -> arrays.FieldPostings | None:
        """The postings of `field`'s literal-word copy (`title_exact` for `title`): each
        word read, lower-cased, at its place among the text's words. The words are those
        of `TOKEN_PATTERN`, so this stands for an exact field only when its analyzer
        splits words by the same pattern (`wordwise.literal_pattern`)."""
        found = self._field_words(field)
        if found is None:
            return None
        texts, counts, raws, place = found
        lower = np.array(self._raw_lower, np.int64)[raws]
        used = np.flatnonzero(np.bincount(lower, minlength=len(self._lowers)))
        renumber = np.zeros(len(self._lowers), np.int64)
        renumber[used] = np.arange(len(used))
        docs = np.frombuffer(self._text_doc, np.int32)[texts].astype(np.int64)
        lengths = np.zeros(self.docs, np.int64)
        lengths[docs] = counts
        return arrays.occurrence_postings([self._lowers[n] for n in used.tolist()],
                                          renumber[lower], np.repeat(docs, counts), place,
                                          lengths)

    def analyzed_postings(self, field: str) -> arrays.FieldPostings | None:
        """The postings of `field` itself (`title`) through the news analyzer, the ones
        `build.segment` would gather from the same texts (positional, a field boost of 1,
        scorable): a text whose every word needs only the per-word steps has its words'
        terms, stop words left out, numbered on from the first word kept; any other text
        the terms `NewsFastAnalyzer.positions` gave it when it was read."""
        found = self._field_words(field)
        if found is None:
            return None
        texts, counts, raws, place = found
        text_docs = np.frombuffer(self._text_doc, np.int32)[texts].astype(np.int64)
        # The texts of plain words: each kept word's term, at the first kept word's place
        # and one further on per kept word.
        plain = np.frombuffer(self._text_plain, np.int8)[texts].astype(bool)
        text_of = np.repeat(np.arange(len(texts)), counts)
        term = np.frombuffer(self._raw_news, np.int32)[raws].astype(np.int64)
        keep = (term >= 0) & plain[text_of]
        kept_text = text_of[keep]
        kept = np.bincount(kept_text, minlength=len(texts))
        kept_start = np.cumsum(kept) - kept
        rank = np.arange(len(kept_text)) - kept_start[kept_text]
        positions = place[keep][kept_start[kept_text]] + rank
        # The other texts' occurrences, as `positions` gave them.
        number_of = np.full(len(self._text_doc), -1, np.int64)
        number_of[texts] = np.arange(len(texts))
        odd_text = number_of[np.frombuffer(self._odd_text, np.int32)]
        mine = odd_text >= 0
        odd_text = odd_text[mine]
        # Both parts are in document order: merged into one (stable: each document's
        # occurrences stay in the order they were emitted).
        plain_owners, odd_owners = text_docs[kept_text], text_docs[odd_text]
        into_plain, into_odd = arrays.merge_places(plain_owners, odd_owners)

        def merged(plain_values: np.ndarray, odd_values: np.ndarray) -> np.ndarray:
            out = np.empty(len(plain_values) + len(odd_values), np.int64)
            out[into_plain] = plain_values
            out[into_odd] = odd_values
            return out
        owners = merged(plain_owners, odd_owners)
        if not len(owners):
            return None
        term_ids = merged(term[keep], np.frombuffer(self._odd_term, np.int32)[mine])
        positions = merged(positions, np.frombuffer(self._odd_pos, np.uint32)[mine])
        lengths = np.bincount(owners, minlength=self.docs)
        used = np.flatnonzero(np.bincount(term_ids, minlength=len(self._news_terms)))
        renumber = np.zeros(len(self._news_terms), np.int64)
        renumber[used] = np.arange(len(used))
        return arrays.occurrence_postings([self._news_terms[n] for n in used.tolist()],
                                          renumber[term_ids], owners, positions, lengths)

    def arrays(self) -> tuple[dict[str, object], dict[str, np.ndarray]]:
        """The segment's lists: the header and the arrays of its file."""
        raw = np.frombuffer(self._token_raw, np.int32).astype(np.int64)
        gap = np.frombuffer(self._token_gap, np.uint8)
        raw_form = np.array(self._raw_form, np.int64)
        form = raw_form[raw] if len(raw) else np.zeros(0, np.int64)
        # Words numbered in their terms' byte order (UTF-8 sorts as the code points do):
        # the generation's ids are in that order too, so a segment's sorted pairs stay
        # sorted when their ids are made global, and the lexicons merge without a sort.
        by_bytes = sorted(range(len(self.terms)), key=self.terms.__getitem__)
        rank = np.zeros(max(len(by_bytes), 1), np.int64)
        rank[by_bytes] = np.arange(len(by_bytes))
        terms = [self.terms[n] for n in by_bytes]
        form_word = rank[np.array(self._form_word, np.int64)] if self._form_word \
            else np.zeros(0, np.int64)
        starts = np.frombuffer(self._text_start, np.int64)
        sizes = np.diff(np.append(starts, len(raw)))
        doc = np.repeat(np.frombuffer(self._text_doc, np.int32).astype(np.int64), sizes)
        first = np.zeros(len(raw), bool)
        first[starts] = True
        inside_text = np.repeat(np.frombuffer(self._text_inside, np.int8).astype(bool), sizes)
        valid = form >= 0
        word = np.where(valid, form_word[np.maximum(form, 0)] if len(form_word) else 0, -1)
        # The words of each document, once each, sorted.
        doc_words = _distinct(doc[valid] << 32 | word[valid])
        word_docs, word_ids = doc_words >> 32, doc_words & 0xFFFFFFFF
        # Each form's occurrences, and inside a sentence (with the capitals written there).
        form_count = np.bincount(form[valid], minlength=len(self.forms))
        inside = valid & inside_text & ~first & ((gap & NO_END) != 0)
        form_inside = np.bincount(form[inside], minlength=len(self.forms))
        lower = np.fromiter(map(str.islower, self._raw_text), bool, len(self._raw_text))
        cased = inside & ~lower[raw] if len(raw) else inside
        displays = self._form_displays(form[cased], raw[cased], form_inside)
        # Pairs: two valid words in a row in one text, only spaces between.
        follows = np.zeros(len(raw), bool)
        follows[1:] = valid[1:] & valid[:-1] & ~first[1:] & ((gap[1:] & SPACES) != 0)
        at = np.flatnonzero(follows)
        seen = word[at - 1] << 32 | word[at]
        seen_forms = form[at - 1] << 32 | form[at]
        return self._written(terms, displays, form_count, form_word, word_docs, word_ids,
                             doc[at], seen, seen_forms)

    def _form_displays(self, cased_forms: np.ndarray, cased_raws: np.ndarray,
                       form_inside: np.ndarray) -> list[str]:
        """Each form with the capitals it mostly has inside a sentence ("Kenya", "ILO"),
        else in lower case: the commonest way of writing it with capitals (the first seen,
        on a tie), when more than half of its uses inside sentences write it so."""
        shown = list(self.forms)
        if not len(cased_forms):
            return shown
        keys, first_seen, times = np.unique(cased_forms << 32 | cased_raws,
                                             return_index=True, return_counts=True)
        forms, raws = keys >> 32, keys & 0xFFFFFFFF
        best = np.lexsort((first_seen, -times, forms))
        heads = best[np.r_[True, forms[best][1:] != forms[best][:-1]]]
        for form, raw, count in zip(forms[heads].tolist(), raws[heads].tolist(),
                                    times[heads].tolist()):
            if count * 2 > int(form_inside[form]):
                shown[form] = self._raw_text[raw]
        return shown

    def _written(self, terms: list[str], forms: list[str], counts: np.ndarray, words: np.ndarray,
                 word_docs: np.ndarray, word_ids: np.ndarray, seen_docs: np.ndarray,
                 seen: np.ndarray, seen_forms: np.ndarray
                 ) -> tuple[dict[str, object], dict[str, np.ndarray]]:
        # Each word as its commonest form; each pair as its commonest pair of forms.
        order = np.lexsort((-counts, words))
        first = order[np.r_[True, words[order][1:] != words[order][:-1]]] if len(order) \
            else order
        occurrences = np.bincount(words, weights=counts, minlength=len(terms))
        lexicon, pair_times, number, pair_form = pair_counts(seen, seen_forms, words)
        # Each document's pairs once each, sorted: one sort of (document, number) packed.
        held = _distinct(seen_docs << 32 | number)
        pair_docs, pair_ids = held >> 32, held & ((1 << 32) - 1)
        mask = (1 << 32) - 1
        per_doc = np.arange(self.docs + 1)
        return {"docs": self.docs, "fields": list(self.fields)}, {
            "terms": strings_array(terms),
            "displays": strings_array(forms[int(f)] for f in first),
            "occurrences": occurrences.astype(np.int64),
            "pairs": np.stack([lexicon >> 32, lexicon & mask], axis=1).astype(np.int32)
                       .reshape(-1),
            "forms": strings_array(forms),
            "pair_forms": np.stack([pair_form >> 32, pair_form & mask], axis=1)
                            .astype(np.int32).reshape(-1),
            "pair_occurrences": pair_times.astype(np.int64),
            "word_offsets": np.searchsorted(word_docs, per_doc).astype(np.int64),
            "word_ids": word_ids.astype(np.int32),
            "pair_offsets": np.searchsorted(pair_docs, per_doc).astype(np.int64),
            "pair_ids": pair_ids.reshape(-1).astype(np.int32)}

    def write(self, path: Path) -> None:
        header, parts = self.arrays()
        mapfile.write(path, MAGIC, header, parts.items())
