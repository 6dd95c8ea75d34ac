"""A grouped bar chart drawn on the server as SVG: no script, nothing from elsewhere.

The page shows the same figures in a table beside it, for screen readers and for exact
values; the SVG is an image with a title and a description.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from babel.numbers import format_decimal

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 12, 48
TICKS = 4


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    color: str  # fill, with at least 3:1 contrast against white (WCAG 1.4.11)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    color: str
    title: str  # "janvier 2027, Envoyées : 12"


@dataclass(frozen=True)
class Tick:
    y: float
    text: str


@dataclass(frozen=True)
class Label:
    x: float
    lines: tuple[str, ...]


@dataclass
class Chart:
    bars: list[Bar]
    ticks: list[Tick]
    labels: list[Label]
    series: list[Series]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: int = HEIGHT - BOTTOM


def _step(top: int) -> int:
    """A round tick step so that TICKS steps cover `top`."""
    raw = max(1.0, top / TICKS)
    power = 10 ** math.floor(math.log10(raw))
    return int(next(m * power for m in (1, 2, 5, 10) if m * power >= raw))


def bar_chart(
    groups: list[tuple[str, tuple[str, ...], dict[str, int]]],
    series: list[Series],
    locale: str,
    title_format,
) -> Chart:
    """One group of bars per (name, axis label lines, values by series key), in order.

    `title_format(group_name, series_label, value_text)` words each bar's tooltip.
    """
    top = max([v for _, _, values in groups for v in values.values()] + [1])
    step = _step(top)
    scale_top = step * math.ceil(top / step)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(1, len(groups))
    bar_w = slot * 0.8 / max(1, len(series))
    bars, labels = [], []
    for i, (group, lines, values) in enumerate(groups):
        x0 = LEFT + i * slot + slot * 0.1
        labels.append(Label(LEFT + (i + 0.5) * slot, lines))
        for j, one in enumerate(series):
            value = values.get(one.key, 0)
            height = plot_h * value / scale_top
            text = format_decimal(value, locale=locale)
            bars.append(
                Bar(
                    round(x0 + j * bar_w, 1),
                    round(TOP + plot_h - height, 1),
                    round(bar_w * 0.9, 1),
                    round(height, 1),
                    one.color,
                    title_format(group, one.label, text),
                )
            )
    ticks = [
        Tick(
            round(TOP + plot_h - plot_h * n * step / scale_top, 1),
            format_decimal(n * step, locale=locale),
        )
        for n in range(scale_top // step + 1)
    ]
    return Chart(bars, ticks, labels, series)
