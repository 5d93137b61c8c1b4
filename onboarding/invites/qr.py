"""QR codes as inline SVG (no style attributes: the CSP forbids inline styles)."""
from __future__ import annotations

import segno
from markupsafe import Markup


def qr_svg(url: str, label: str) -> Markup:
    """An SVG sized by CSS (class `qr`), described by `label` for screen readers."""
    svg = segno.make(url, error="m").svg_inline(
        scale=1, omitsize=True, svgclass="qr", lineclass=None, title=label, light="#fff"
    )
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))
