"""Inline SVG charts for the statistics page: no script, no front-end build.

Labels come from recorded data (model names, categories), so every one is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

BAR = "#3b5bdb"
COLOURS = (BAR, "#c92a2a", "#e67700")


def bars(items: Sequence[tuple[str, float]], *, unit: str = "", width: int = 520) -> Markup:
    """Horizontal bars, one per (label, value), scaled to the largest value."""
    if not items:
        return Markup('<p class="muted">No endings in this period.</p>')
    top = max(value for _, value in items) or 1.0
    label_w, row_h, bar_w = 190, 26, width - 190 - 60
    rows = []
    for i, (label, value) in enumerate(items):
        y = i * row_h
        w = max(2.0, bar_w * value / top)
        rows.append(
            f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 5}" width="{w:.1f}" height="16" rx="3" fill="{BAR}">'
            f"<title>{escape(label)}: {_fmt(value)}{unit}</title></rect>"
            f'<text x="{label_w + w + 6:.1f}" y="{y + 17}">{_fmt(value)}{unit}</text>'
        )
    height = row_h * len(items) + 4
    return Markup(
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%">'
        f"{''.join(rows)}</svg>"
    )


def columns(
    days: Sequence[tuple[str, Sequence[float]]], legend: Sequence[str], *, width: int = 1000
) -> Markup:
    """One column per series per day, each series scaled to its own maximum (in the legend)."""
    if not days:
        return Markup('<p class="muted">No data in this period.</p>')
    height, base, left = 190, 160, 20
    slot = (width - left) / len(days)
    tops = [max(values[i] for _, values in days) or 1.0 for i in range(len(legend))]
    bar = max(3.0, min(22.0, slot / (len(legend) + 1)))
    parts = [f'<line x1="{left}" y1="{base}" x2="{width}" y2="{base}" stroke="#adb5bd"/>']
    for n, (day, values) in enumerate(days):
        x = left + n * slot + (slot - bar * len(legend)) / 2
        for i, value in enumerate(values):
            h = 125 * value / tops[i]
            parts.append(
                f'<rect x="{x + i * bar:.1f}" y="{base - h:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" fill="{COLOURS[i]}"><title>{escape(day)}: {_fmt(value)} '
                f"{escape(legend[i])}</title></rect>"
            )
        if len(days) <= 16 or n % (len(days) // 8 + 1) == 0:
            parts.append(
                f'<text x="{left + n * slot + slot / 2:.1f}" y="{base + 16}" '
                f'text-anchor="middle">{escape(day[5:])}</text>'
            )
    for i, name in enumerate(legend):
        parts.append(
            f'<rect x="{left + 260 * i}" y="4" width="10" height="10" fill="{COLOURS[i]}"/>'
            f'<text x="{left + 260 * i + 14}" y="13">{escape(name)} (max {_fmt(tops[i])})</text>'
        )
    return Markup(
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%">'
        f"{''.join(parts)}</svg>"
    )


def _fmt(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
