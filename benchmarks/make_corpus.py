"""Write a deterministic SYNTHETIC corpus of N news items as JSON Lines, for benchmarks.

    python benchmarks/make_corpus.py --items 100000   # -> benchmarks/out/synthetic-100000.jsonl

Nothing here is real news and nothing here is shipped as data: every item has
an id `<date>-synthetic-<n>`, a url under `https://example.invalid/synthetic/`,
and the file name says `synthetic`; `benchmarks/out/` is git-ignored.

Shape, chosen to look like the ILO cooperatives listing scaled up:
- words drawn from a Zipf-like distribution (weight 1/(rank+10)^1.1) over this
  domain's vocabulary (cooperatives, social and solidarity economy, labour,
  places), followed by a long tail of made-up pronounceable words, so a query
  can hit a very common, a middling or a rare term;
- titles of 5-14 words, summaries of 25-70 words (a fifth of items have none);
- dates from 2006 to 2024, more items in later years;
- the real kinds, "News" most often.

The same `--items` and `--seed` always give byte-identical output.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import random
from datetime import date, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"

DOMAIN = """
cooperative cooperatives ilo social solidarity economy sse workers members work decent
development employment enterprise enterprises international labour organization news
women youth rural agricultural agriculture credit union unions finance housing
consumer producer producers platform platforms digital innovation sustainable
sustainability training workshop conference report policy policies law legal framework
government ministry national regional global africa asia europe latin america
kenya india philippines brazil viet nam thailand indonesia bangkok geneva turin
itcilo untfsse partnership project programme support launch launched new year day
interview spotlight statement press release feature story stories members leaders
leadership governance democratic ownership community communities local market markets
value chain chains fair trade coffee cocoa dairy fisheries fishers handicraft textile
health care childcare domestic informal formal formalization migrant migrants refugees
climate green just transition energy renewable resilience crisis recovery covid pandemic
education learning school academy course online module modules research study survey
data statistics measuring guidelines recommendation convention standards rights
protection inclusion gender equality empowerment poverty reduction growth jobs income
wage wages skills entrepreneurship startup startups network networks alliance ica
copac federation movement history centenary anniversary celebrate celebrates
international day cooperatives bank banking insurance mutual savings loans
microfinance members owned worker owned transformation future economy smes tourism
culture art music sport water electricity telecommunications transport taxi drivers
delivery riders care workers nurses teachers artisans farmers smallholder tea sugar
cotton rice maize vegetables market access exports import supply procurement
""".split()

KINDS = [("News", 50), ("Spotlight Interviews with Co-operators", 8), ("Statement", 6),
         ("Press release", 10), ("Feature", 9), ("Publication", 7), ("Event", 6),
         ("Speech", 4)]

SYLLABLES = ["ka", "lo", "mi", "ran", "te", "su", "vo", "bel", "dor", "fi", "gan", "hu",
             "je", "kor", "lin", "ma", "ne", "pa", "qui", "ros", "sa", "tal", "u", "ven",
             "wi", "xo", "ya", "zer", "bra", "cle", "dri", "for", "gle", "pri", "stu", "tro"]
TAIL_WORDS = 40_000
ZIPF_EXPONENT = 1.1
ZIPF_OFFSET = 10  # Zipf-Mandelbrot: flattens the head the way dropping stop words does
FIRST_YEAR, LAST_YEAR = 2006, 2024


def vocabulary(rng: random.Random) -> list[str]:
    """Domain words first (most frequent), then made-up words for the long tail."""
    words = list(dict.fromkeys(DOMAIN))  # roughly most frequent first, as listed
    seen = set(words)
    target = len(words) + TAIL_WORDS
    while len(words) < target:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def cumulative(weights: list[float]) -> list[float]:
    return list(itertools.accumulate(weights))


class Generator:
    """Draws items; all randomness comes from one seeded `random.Random`."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.words = vocabulary(self.rng)
        self.word_cum = cumulative([1 / ((rank + ZIPF_OFFSET) ** ZIPF_EXPONENT)
                                    for rank in range(1, len(self.words) + 1)])
        self.kinds = [name for name, _ in KINDS]
        self.kind_cum = cumulative([weight for _, weight in KINDS])
        years = list(range(FIRST_YEAR, LAST_YEAR + 1))
        self.years = years
        self.year_cum = cumulative([1 + (year - FIRST_YEAR) * 0.25 for year in years])

    def draw_words(self, count: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.word_cum, k=count)

    def item(self, number: int) -> dict[str, str]:
        rng = self.rng
        year = self.years[bisect.bisect(self.year_cum, rng.random() * self.year_cum[-1])]
        day = date(year, 1, 1) + timedelta(days=rng.randrange(365))
        title_words = self.draw_words(rng.randint(5, 14))
        title_words[0] = title_words[0].capitalize()
        summary = ""
        if rng.random() >= 0.2:
            sentences = []
            remaining = rng.randint(25, 70)
            while remaining > 0:
                length = min(remaining, rng.randint(8, 20))
                words = self.draw_words(length)
                words[0] = words[0].capitalize()
                sentences.append(" ".join(words) + ".")
                remaining -= length
            summary = " ".join(sentences)
        kind = rng.choices(self.kinds, cum_weights=self.kind_cum)[0]
        return {"id": f"{day.isoformat()}-synthetic-{number}", "title": " ".join(title_words),
                "date": day.isoformat(), "kind": kind, "summary": summary,
                "url": f"https://example.invalid/synthetic/{number}"}


def corpus_path(items: int, seed: int = 1) -> Path:
    suffix = "" if seed == 1 else f"-seed{seed}"
    return OUT / f"synthetic-{items}{suffix}.jsonl"


def make_corpus(items: int, seed: int = 1, path: Path | None = None) -> Path:
    """Write the corpus (unless an identical one is already there); return its path."""
    path = path or corpus_path(items, seed)
    if path.exists() and sum(1 for _ in path.open(encoding="utf-8")) == items:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    generator = Generator(seed)
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8") as out:
        for number in range(1, items + 1):
            out.write(json.dumps(generator.item(number), ensure_ascii=False) + "\n")
    partial.replace(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000, help="number of items to write")
    parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same file)")
    parser.add_argument("--out", type=Path, default=None, help="output file (default: "
                        "benchmarks/out/synthetic-<items>.jsonl)")
    args = parser.parse_args()
    if args.items < 1:
        parser.error("--items must be at least 1")
    print(make_corpus(args.items, args.seed, args.out))


if __name__ == "__main__":
    main()
