"""How many of the real article pages in ../shared/real/articles/ give a full item.

Each file is one ILO article page saved as text (title, then body; most with
a kind-and-date line such as `News | 27 January 2022` or `Noticia | 25 de
agosto de 2020`). They are read with news-search's own readers, exactly as
`news-search index` reads a folder, and the script prints how many gave an
item with a title, a date and a body, and why each of the others gave none.

    python benchmarks/real_articles.py [FOLDER]

Skips (exit 0) when the folder is absent, as on a fresh clone.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpus import read_sources

DEFAULT = ROOT.parent / "shared" / "real" / "articles"


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else DEFAULT
    if not folder.is_dir():
        print(f"skipped: no folder {folder} (the real article pages are not on this machine)")
        return 0
    pages = sorted(path for path in folder.iterdir() if path.suffix == ".txt")
    result = read_sources(pages)
    complete = [a for a in result.articles if a.title and a.date and a.body]
    print(f"{len(pages)} article pages in {folder}")
    print(f"{len(complete)} gave an item with title, date and body "
          f"({len(result.articles)} items in all)")
    print(f"  with a summary (standfirst): {sum(1 for a in complete if a.summary)}")
    print(f"  with a kind: {sum(1 for a in complete if a.kind)} "
          f"({', '.join(f'{k} {n}' for k, n in Counter(a.kind for a in complete).most_common())})")
    print(f"  body length: median {sorted(len(a.body) for a in complete)[len(complete) // 2]:,} "
          "characters" if complete else "")
    reasons = Counter(problem.message.split(";")[0] for problem in result.problems)
    for reason, count in reasons.most_common():
        print(f"{count} gave none: {reason}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
