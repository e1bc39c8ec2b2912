"""Server-side SVG charts: accessible (role="img", <title>, <desc>, printed amounts), no JS."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from explainer.values import display_money

BAR_WIDTH = 44
GAP = 16
LEFT = 16
TOP = 48
PLOT_HEIGHT = 160
BOTTOM = 40
BAR_COLOUR = "#1f5f99"  # 7:1 on white; amounts are printed too, so colour is never the only cue
NEGATIVE_COLOUR = "#8a3b12"
TEXT_COLOUR = "#1a1a1a"


def sequestration_svg(
    rows: Sequence[tuple[str, Decimal]],
    title: str,
    *,
    chart_id: str = "sequestration-chart",
    empty_text: str = "No CO 253 amounts.",
) -> str:
    """A bar chart of CO 253 per month: one labelled bar per (month, amount) row."""
    width = max(320, LEFT * 2 + len(rows) * (BAR_WIDTH + GAP))
    height = TOP + PLOT_HEIGHT + BOTTOM
    ident = escape(chart_id, quote=True)
    desc = "; ".join(f"{month}: {display_money(amount)}" for month, amount in rows) or empty_text
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(desc)}</desc>',
        f'<text x="{LEFT}" y="24" font-size="16" font-weight="bold" fill="{TEXT_COLOUR}">'
        f"{escape(title)}</text>",
    ]
    if rows:
        parts.extend(_bars(rows))
    else:
        parts.append(
            f'<text x="{LEFT}" y="{TOP + PLOT_HEIGHT // 2}" font-size="14" fill="{TEXT_COLOUR}">'
            f"{escape(empty_text)}</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts)


def _bars(rows: Sequence[tuple[str, Decimal]]) -> list[str]:
    """The axis line, then for each row a bar, its amount and its month."""
    high = max([Decimal(0), *(amount for _, amount in rows)])
    low = min([Decimal(0), *(amount for _, amount in rows)])
    span = (high - low) or Decimal(1)
    # Leave room for the amount printed above the tallest bar (or below the deepest).
    scale = Decimal(PLOT_HEIGHT - 36) / span
    baseline = TOP + 18 + int(high * scale)
    right = LEFT * 2 + len(rows) * (BAR_WIDTH + GAP)
    parts = [
        f'<line x1="{LEFT}" y1="{baseline}" x2="{right - LEFT}" y2="{baseline}" '
        f'stroke="{TEXT_COLOUR}" stroke-width="1"/>'
    ]
    for position, (month, amount) in enumerate(rows):
        x = LEFT + GAP // 2 + position * (BAR_WIDTH + GAP)
        size = int(abs(amount) * scale)
        negative = amount < 0
        top = baseline if negative else baseline - size
        centre = x + BAR_WIDTH // 2
        label_y = baseline + size + 14 if negative else baseline - size - 4
        parts.append(
            f'<rect x="{x}" y="{top}" width="{BAR_WIDTH}" height="{max(size, 1)}" '
            f'fill="{NEGATIVE_COLOUR if negative else BAR_COLOUR}"/>'
        )
        parts.append(
            f'<text x="{centre}" y="{label_y}" font-size="11" text-anchor="middle" '
            f'fill="{TEXT_COLOUR}">{escape(display_money(amount))}</text>'
        )
        parts.append(
            f'<text x="{centre}" y="{TOP + PLOT_HEIGHT + 24}" font-size="11" text-anchor="middle" '
            f'fill="{TEXT_COLOUR}">{escape(month)}</text>'
        )
    return parts
