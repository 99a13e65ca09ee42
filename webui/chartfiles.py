"""Charts as files: the standalone SVG of a chart, and the same picture as PNG.

The chart templates style the SVG with attributes, not the page's stylesheet,
so the file downloaded looks as the chart does on the page. PNG comes from
CairoSVG, which needs the cairo library of the system (Debian's `libcairo2`);
where it cannot be loaded, `png()` is None and the pages offer SVG only.
"""

from __future__ import annotations

import functools

from flask import Response

XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def svg_file(markup: str, name: str) -> Response:
    """A standalone SVG as a download named `name` (without the extension)."""
    return Response(XML_HEAD + markup.strip() + "\n", mimetype="image/svg+xml",
                    headers={"Content-Disposition": f'attachment; filename="{name}.svg"'})


@functools.cache
def png_available() -> bool:
    """Whether PNG can be made here (CairoSVG and the cairo library load)."""
    try:
        import cairosvg  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def png(markup: str, scale: float = 2.0) -> bytes | None:
    """The SVG drawn as PNG at `scale` times its size, or None where it cannot be made."""
    if not png_available():
        return None
    import cairosvg
    return cairosvg.svg2png(bytestring=(XML_HEAD + markup).encode("utf-8"), scale=scale)


def png_file(markup: str, name: str) -> Response | None:
    """The chart as a PNG download, or None where PNG cannot be made."""
    data = png(markup)
    if data is None:
        return None
    return Response(data, mimetype="image/png",
                    headers={"Content-Disposition": f'attachment; filename="{name}.png"'})
