"""Charts as plain SVG: the geometry is computed here, the template draws it.
A fixed viewBox scaled to the page's width reads on a 360 px phone; every
chart carries a title and a description, and the same figures are in a
table beside it."""
from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 320, 160
LEFT, RIGHT, TOP, BOTTOM = 34, 6, 8, 22


@dataclass
class Line:
    label: str
    points: str  # "x,y x,y …" for <polyline>
    last: int
    style: str  # a CSS class: the lines differ in dash as well as colour


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int


@dataclass
class Chart:
    width: int
    height: int
    top: int
    bottom: int  # y of the axis
    left: int
    right: int
    maximum: int
    lines: list[Line]
    bars: list[Bar]
    first_label: str
    last_label: str


def nice_maximum(value: int) -> int:
    """The axis' top: 1, 2 or 5 times a power of ten, at least the value."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if value <= step * factor:
                return step * factor
        step *= 10


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span * index / (count - 1) if count > 1 else span / 2)


def _y(value: int, maximum: int) -> float:
    return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * value / maximum


def line_chart(series: list[tuple[str, list[int]]], labels: list[str]) -> Chart:
    maximum = nice_maximum(max([1] + [v for _label, values in series for v in values]))
    lines = [Line(label=label, last=values[-1] if values else 0, style=f"series{n}",
                  points=" ".join(f"{_x(i, len(values)):.1f},{_y(v, maximum):.1f}" for i, v in enumerate(values)))
             for n, (label, values) in enumerate(series)]
    return _chart(maximum, labels, lines=lines, bars=[])


def bar_chart(values: list[int], labels: list[str]) -> Chart:
    maximum = nice_maximum(max([1] + values))
    span = (WIDTH - LEFT - RIGHT) / max(len(values), 1)
    bars = [Bar(x=round(LEFT + span * i + span * 0.15, 1), y=round(_y(v, maximum), 1), width=round(span * 0.7, 1),
                height=round(_y(0, maximum) - _y(v, maximum), 1), value=v) for i, v in enumerate(values)]
    return _chart(maximum, labels, lines=[], bars=bars)


def _chart(maximum: int, labels: list[str], *, lines: list[Line], bars: list[Bar]) -> Chart:
    return Chart(width=WIDTH, height=HEIGHT, top=TOP, bottom=HEIGHT - BOTTOM, left=LEFT, right=WIDTH - RIGHT,
                 maximum=maximum, lines=lines, bars=bars, first_label=labels[0] if labels else "",
                 last_label=labels[-1] if labels else "")
