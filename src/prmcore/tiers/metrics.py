"""Program metrics: what a partner-program level measures, and the values a host supplies.

A :class:`Metric` defines one measure a program's levels can require — trailing-12-month revenue
(money), closed deals (a count), people certified in a track (a count, computed by the
certifications engine), customer satisfaction (a percentage), or anything else the host
computes. prmcore does not compute metric values itself: the host (or another prmcore engine)
computes them over each metric's window and passes them in as :class:`PartnerMetrics`.
:func:`trailing_total` and :func:`trailing_count` help turn raw dated lines into such values.

Examples:
    >>> import datetime as dt
    >>> from prmcore.money import Money
    >>> revenue = Metric("revenue", "money", "trailing-12-month revenue", currency="USD",
    ...                  window_months=12)
    >>> lines = [(dt.date(2025, 1, 10), Money("900", "USD")),
    ...          (dt.date(2025, 9, 1), Money("1200.50", "USD"))]
    >>> trailing_total(lines, months=12, as_of=dt.date(2026, 3, 31), currency="USD")
    Money('1200.50', 'USD')

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any, TypeAlias

import attrs

from prmcore._checks import Checks, Validated, to_enum
from prmcore.errors import ValidationError
from prmcore.money import Money
from prmcore.periods import trailing
from prmcore.serialization import converter, storage_converter
from prmcore.tiers._numbers import MAX_MAGNITUDE, refuse_float

__all__ = [
    "Metric",
    "MetricKind",
    "MetricValue",
    "PartnerMetrics",
    "trailing_count",
    "trailing_total",
]

MetricValue: TypeAlias = Money | Decimal | int
"""A metric value or threshold: :class:`~prmcore.money.Money` for money metrics, an ``int``
for counts, a ``Decimal`` (or ``int``) for numbers and percentages. Never a ``float``.

On the wire (:mod:`prmcore.serialization`) Money is ``{"amount": "...", "currency": "..."}``,
a Decimal is a string and an int is a JSON integer.

.. versionadded:: 0.1.0
"""


class MetricKind(enum.StrEnum):
    """What kind of quantity a :class:`Metric` measures; it decides the type of its values.

    - ``money``: :class:`~prmcore.money.Money` in the metric's currency (revenue, bookings).
    - ``count``: a whole number of things, at least 0 (deals, certified people).
    - ``number``: any exact decimal number (an average score, NPS).
    - ``percentage``: percentage points from 0 to 100 (``92.5`` is 92.5%).

    .. versionadded:: 0.1.0
    """

    MONEY = "money"
    COUNT = "count"
    NUMBER = "number"
    PERCENTAGE = "percentage"


def _to_kind(value: MetricKind | str) -> MetricKind:
    result: MetricKind = to_enum(MetricKind, value)
    return result


def _to_metric_value(value: object, what: str = "a metric value") -> Any:
    """Convert input for a :data:`MetricValue`: a str becomes a ``Decimal``, a float is a
    :class:`TypeError`; anything else is left for the checks to report with its path."""
    refuse_float(value, what)
    if isinstance(value, str):
        try:
            value = Decimal(value.strip())
        except InvalidOperation:
            return value
    if isinstance(value, Decimal) and value.is_zero() and value.is_signed():
        return value.copy_abs()
    return value


def _check_metric_value(c: Checks, path: str, value: object, *, negative: bool) -> bool:
    """*value* must be Money, an int (not a bool) or a finite Decimal below ``10**24`` in
    absolute value; not negative unless *negative*."""
    # Messages are formatted only for bad values: every evaluation checks every value.
    if isinstance(value, Money):
        if negative or value.amount >= 0:
            return True
        c.add(path, f"must not be negative, got {value.amount} {value.currency}")
        return False
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        c.add(
            path,
            "must be Money, an int or a decimal number (a str or Decimal), "
            f"got {type(value).__name__} {value!r}",
        )
        return False
    assert isinstance(value, int | Decimal)
    if isinstance(value, Decimal) and not value.is_finite():
        c.add(path, f"must be a finite number, got {value}")
        return False
    magnitude = value.copy_abs() if isinstance(value, Decimal) else abs(value)
    if magnitude >= MAX_MAGNITUDE:
        c.add(path, f"must be less than 10**24 in absolute value, got {value}")
        return False
    if negative or value >= 0:
        return True
    c.add(path, f"must not be negative, got {value}")
    return False


_MONEY_ZEROS: dict[str, Money] = {}
_DECIMAL_ZERO = Decimal(0)


def _read_only(value: object) -> Any:
    """attrs converter: a mapping becomes a read-only copy with converted values."""
    if isinstance(value, Mapping):
        return MappingProxyType({key: _to_metric_value(item) for key, item in value.items()})
    return value


@attrs.frozen
class Metric(Validated):
    """One measure that program levels can require, and how to talk about it.

    Args:
        id: The metric's id, used by requirements and in :class:`PartnerMetrics` values.
        kind: A :class:`MetricKind` or its value (``"money"``).
        label: How gap sentences name it, after "N more": ``"trailing-12-month revenue"``,
            ``"certified in Security Specialist"``, ``"closed in the trailing 12 months"``.
        currency: Money metrics only, and required there: the ISO 4217 code of every value
            and threshold.
        unit: Counts and numbers: the noun for one unit (``"person"``, ``"deal"``), used in gap
            sentences as "1 more person certified in ...". Percentages always say
            "percentage point(s) of".
        unit_plural: The plural of *unit* (``"people"``); default *unit* + ``"s"``.
        window_months: The trailing window in months the host computes the value over, or
            ``None`` for a value as of one day (a certified headcount). Documentation for
            hosts and reports; prmcore does not recompute values.

    Raises:
        ValidationError: Listing every problem: a bad id or label, an unknown kind, a money
            metric without a (valid) currency, a currency on a non-money metric, a unit on a
            money or percentage metric, a plural without a unit, a window below 1.

    Examples:
        >>> Metric("certified_security", "count", "certified in Security Specialist",
        ...        unit="person", unit_plural="people").noun(2)
        'people'

    .. versionadded:: 0.1.0
    """

    id: str
    kind: MetricKind = attrs.field(converter=_to_kind)
    label: str
    currency: str | None = None
    unit: str | None = None
    unit_plural: str | None = None
    window_months: int | None = None

    def _validate(self, c: Checks) -> None:
        c.identifier("id", self.id)
        kind_ok = c.member("kind", self.kind, MetricKind)
        c.text("label", self.label, max_length=200)
        c.optional_text("unit", self.unit, max_length=50)
        c.optional_text("unit_plural", self.unit_plural, max_length=50)
        if self.window_months is not None:
            c.integer("window_months", self.window_months, minimum=1, maximum=1200)
        if self.unit is None and self.unit_plural is not None:
            c.add("unit_plural", "give unit (the singular) as well")
        if not kind_ok:
            return
        if self.kind is MetricKind.MONEY:
            if self.currency is None:
                c.add("currency", "a money metric needs a currency (an ISO 4217 code)")
            else:
                try:
                    Money.zero(self.currency)
                except ValidationError as err:
                    c.problems.extend(p.prefixed("") for p in err.problems)
        elif self.currency is not None:
            c.add("currency", f"only money metrics have a currency, not a {self.kind} metric")
        if self.kind in (MetricKind.MONEY, MetricKind.PERCENTAGE) and self.unit is not None:
            c.add("unit", f"a {self.kind} metric has no unit noun")

    def noun(self, quantity: int | Decimal) -> str:
        """The unit noun for *quantity*: singular for exactly 1, plural otherwise; ``""`` when
        the metric has no unit.

        .. versionadded:: 0.1.0
        """
        if self.unit is None:
            return ""
        if quantity == 1:
            return self.unit
        return self.unit_plural or self.unit + "s"

    def zero(self) -> MetricValue:
        """The zero value of this metric: ``Money.zero(currency)``, ``0`` or ``Decimal(0)``.

        .. versionadded:: 0.1.0
        """
        if self.kind is MetricKind.MONEY:
            assert self.currency is not None
            zero = _MONEY_ZEROS.get(self.currency)
            if zero is None:
                # Money is immutable: one zero per currency serves every evaluation.
                zero = _MONEY_ZEROS[self.currency] = Money.zero(self.currency)
            return zero
        if self.kind is MetricKind.COUNT:
            return 0
        return _DECIMAL_ZERO

    def _check_value(self, c: Checks, path: str, value: object, *, threshold: bool) -> bool:
        """Record problems with *value* as a value (or, with *threshold*, a threshold) of
        this metric: the right type and currency, and a range that fits the kind.

        .. versionadded:: 0.1.0
        """
        # Thresholds are never negative; money and number values may be (refunds, NPS).
        negative = not threshold and self.kind in (MetricKind.MONEY, MetricKind.NUMBER)
        if not _check_metric_value(c, path, value, negative=negative):
            return False
        if self.kind is MetricKind.MONEY:
            if not isinstance(value, Money):
                c.add(path, f"must be Money in {self.currency} for the money metric {self.id!r}")
                return False
            if value.currency == self.currency:
                return True
            c.add(
                path,
                f"must be in {self.currency}, the currency of metric {self.id!r}; "
                f"got {value.currency}",
            )
            return False
        if isinstance(value, Money):
            c.add(path, f"must be a number, not Money, for the {self.kind} metric {self.id!r}")
            return False
        assert isinstance(value, int | Decimal)
        if self.kind is MetricKind.COUNT:
            if isinstance(value, int) or value == value.to_integral_value():
                return True
            c.add(path, f"must be a whole number for the count metric {self.id!r}, got {value}")
            return False
        if self.kind is MetricKind.PERCENTAGE:
            if 0 <= value <= 100:
                return True
            c.add(
                path,
                f"must be from 0 to 100 percentage points for metric {self.id!r}, got {value}",
            )
            return False
        return True


def _to_values(value: object) -> Any:
    return _read_only(value)


@attrs.frozen
class PartnerMetrics(Validated):
    """The metric values of one partner as of one day, as computed by the host.

    Each value covers its metric's window ending on *as_of* (see
    :attr:`Metric.window_months`). Values for metrics a program does not define are ignored
    by :func:`~prmcore.tiers.eligibility`; a metric the program uses but *values* lacks counts
    as zero (and is flagged as not supplied in the report).

    Args:
        partner_id: The partner.
        as_of: The last day of every window.
        values: Metric id to value (Money, int, or Decimal; a str is read as a Decimal). The
            mapping is copied and read-only.

    Raises:
        TypeError: A value is a ``float``.
        ValidationError: Listing every problem (``values.revenue`` for a value that is not
            Money, an int or a finite Decimal).

    Examples:
        >>> import datetime as dt
        >>> m = PartnerMetrics("p-1", dt.date(2026, 3, 31), {"deals": 4, "csat": "91.5"})
        >>> m.values["csat"]
        Decimal('91.5')

    .. versionadded:: 0.1.0
    """

    partner_id: str
    as_of: dt.date
    values: Mapping[str, MetricValue] = attrs.field(
        factory=lambda: MappingProxyType({}), converter=_to_values, hash=False
    )

    def _validate(self, c: Checks) -> None:
        c.identifier("partner_id", self.partner_id)
        c.date("as_of", self.as_of)
        if c.instance("values", self.values, Mapping):
            for key, value in self.values.items():
                if c.identifier(f"values.<key {key!r}>", key):
                    _check_metric_value(c, f"values.{key}", value, negative=True)


def _dated(c: Checks, observations: object) -> list[tuple[int, dt.date, object]]:
    items: list[tuple[int, dt.date, object]] = []
    if isinstance(observations, str | bytes | Mapping) or not isinstance(observations, Iterable):
        c.add("observations", "must be an iterable of (date, amount) pairs")
        return items
    for i, pair in enumerate(observations):
        path = f"observations[{i}]"
        if not isinstance(pair, tuple) or len(pair) != 2:
            c.add(path, f"must be a (date, amount) pair, got {pair!r}")
        elif c.date(f"{path}[0]", pair[0]):
            items.append((i, pair[0], pair[1]))
    return items


def trailing_total(
    observations: Iterable[tuple[dt.date, MetricValue]],
    *,
    months: int,
    as_of: dt.date,
    currency: str | None = None,
) -> MetricValue:
    """Sum the amounts dated inside :func:`~prmcore.periods.trailing` ``(months, as_of)``.

    The window ends on *as_of* inclusive and starts ``months`` calendar months before the
    day after it (so ``months=12, as_of=2026-03-31`` is April 2025 to March 2026). Amounts
    dated outside the window are ignored; every amount is still checked. Nothing is rounded.

    Args:
        observations: ``(date, amount)`` pairs, such as a partner's revenue lines.
        months: The window length, at least 1.
        as_of: The window's last day.
        currency: For money: every amount must be Money in this currency, and the result is
            Money (zero in this currency when nothing is in the window). Without it the
            amounts must be ints or Decimals and the result is an int when they all are ints,
            a Decimal otherwise.

    Raises:
        TypeError: An amount is a ``float``.
        ValidationError: Listing every problem: a pair that is not ``(date, amount)``
            (``observations[3]``), a wrong amount type or currency (``observations[3][1]``), a
            bad *months*, *as_of* or *currency*.

    Examples:
        >>> import datetime as dt
        >>> trailing_total([(dt.date(2026, 1, 5), 2), (dt.date(2026, 2, 1), "1.5")],
        ...                months=3, as_of=dt.date(2026, 3, 31))
        Decimal('3.5')

    .. versionadded:: 0.1.0
    """
    c = Checks()
    c.integer("months", months, minimum=1)
    c.date("as_of", as_of)
    zero: MetricValue = 0
    if currency is not None:
        try:
            zero = Money.zero(currency)
        except ValidationError as err:
            c.problems.extend(err.problems)
    items = _dated(c, observations)
    amounts: list[tuple[dt.date, MetricValue]] = []
    for i, day, raw in items:
        amount = _to_metric_value(raw, "an amount")
        path = f"observations[{i}][1]"
        if not _check_metric_value(c, path, amount, negative=True):
            continue
        if isinstance(zero, Money):
            if not isinstance(amount, Money):
                c.add(path, f"must be Money in {zero.currency}, got {amount!r}")
                continue
            if amount.currency != zero.currency:
                c.add(path, f"must be in {zero.currency}, got {amount.currency}")
                continue
        elif isinstance(amount, Money):
            c.add(path, "is Money: pass currency= to sum money amounts")
            continue
        amounts.append((day, amount))
    c.done()
    window = trailing(months, as_of)
    total: Any = zero
    for day, amount in amounts:
        if window.start <= day <= window.end:
            total = total + amount
    return total  # type: ignore[no-any-return]


def trailing_count(dates: Iterable[dt.date], *, months: int, as_of: dt.date) -> int:
    """Count the *dates* inside :func:`~prmcore.periods.trailing` ``(months, as_of)``, such as
    the close dates of a partner's won deals.

    Raises:
        ValidationError: Listing every problem: an item that is not a date (``dates[2]``), a
            bad *months* or *as_of*.

    Examples:
        >>> import datetime as dt
        >>> trailing_count([dt.date(2025, 3, 31), dt.date(2025, 4, 1)], months=12,
        ...                as_of=dt.date(2026, 3, 31))
        1

    .. versionadded:: 0.1.0
    """
    c = Checks()
    c.integer("months", months, minimum=1)
    c.date("as_of", as_of)
    days = list(dates)
    for i, day in enumerate(days):
        c.date(f"dates[{i}]", day)
    c.done()
    window = trailing(months, as_of)
    return sum(1 for day in days if window.start <= day <= window.end)


# -- dict / JSON -------------------------------------------------------------------------------


def _structure_metric_value(value: object, _: object) -> MetricValue:
    refuse_float(value, "a metric value")
    if isinstance(value, Mapping):
        money: Money = converter.structure(value, Money)
        return money
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal | Money):
        raise ValidationError(
            "must be an integer, a decimal number as a string, or Money "
            f"({{'amount': ..., 'currency': ...}}), got {type(value).__name__} {value!r}"
        )
    converted = _to_metric_value(value)
    if isinstance(converted, str):
        raise ValidationError(f"not a decimal number: {value!r}")
    c = Checks()
    _check_metric_value(c, "", converted, negative=True)
    c.done()
    result: MetricValue = converted
    return result


def _unstructure_metric_value(value: MetricValue) -> Any:
    if isinstance(value, Money):
        return converter.unstructure(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


def _is_metric_value(cls: object) -> bool:
    return cls == MetricValue


for _conv in (converter, storage_converter):
    _conv.register_structure_hook_func(_is_metric_value, _structure_metric_value)
    _conv.register_unstructure_hook_func(_is_metric_value, _unstructure_metric_value)
