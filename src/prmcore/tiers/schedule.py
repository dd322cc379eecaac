"""Tier schedules: turn a basis (revenue, units, attainment) into an amount, tier by tier.

A :class:`TierSchedule` is data: a mode, an ordered tuple of :class:`~prmcore.tiers.Tier`, a
start and a boundary convention. It is validated when built (every problem listed with its
path), round-trips through :mod:`prmcore.serialization`, and precomputes what it needs so that
:meth:`TierSchedule.increment` is cheap.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import functools
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from prmcore._checks import Checks, Validated, to_enum, to_tuple
from prmcore.errors import PrmError, ValidationError
from prmcore.serialization import converter
from prmcore.tiers._numbers import (
    CONTEXT,
    ZERO,
    check_number,
    format_number,
    is_basis,
    number_input,
    number_inputs,
    to_decimal,
)
from prmcore.tiers.breakdown import TierBreakdown, TierLine
from prmcore.tiers.tier import Boundary, PackageRounding, Tier, TierMode

__all__ = [
    "AboveTopTierError",
    "TierSchedule",
]

_Number = str | int | Decimal
_UNKNOWN = object()  # a bound that could not be read (reported elsewhere)
_TWO = Decimal(2)


class AboveTopTierError(ValidationError):
    """A basis is beyond the upper bound of a schedule whose top tier is bounded.

    A bounded top tier means "the schedule is not defined above this"; prmcore never quietly
    pays the last tier's rate there. Give the schedule an open top tier (``up_to=None``, with
    rate 0 to pay nothing more) to cover every basis.

    It is a :class:`~prmcore.errors.ValidationError` (so also a
    :class:`~prmcore.errors.PrmError`) with one problem at :attr:`path`.

    Args:
        basis: The basis that was given.
        top: The top tier's upper bound.
        message: What is wrong.
        path: The argument: ``basis``, ``before`` or ``after``.

    .. versionadded:: 0.1.0
    """

    def __init__(self, basis: Decimal, top: Decimal, message: str, path: str = "basis") -> None:
        self.basis = basis
        self.top = top
        self.message = message
        self.path = path
        super().__init__(message, path=path)

    def __reduce__(  # type: ignore[override]
        self,
    ) -> tuple[type[AboveTopTierError], tuple[Decimal, Decimal, str, str]]:
        return (type(self), (self.basis, self.top, self.message, self.path))


def _to_mode(value: TierMode | str) -> TierMode:
    result: TierMode = to_enum(TierMode, value)
    return result


def _to_boundary(value: Boundary | str) -> Boundary:
    result: Boundary = to_enum(Boundary, value)
    return result


def _to_rounding(value: PackageRounding | str) -> PackageRounding:
    result: PackageRounding = to_enum(PackageRounding, value)
    return result


def _to_start(value: _Number) -> Any:
    return to_decimal(value, "a schedule start")


def _to_package_size(value: _Number | None) -> Any:
    return None if value is None else to_decimal(value, "a package size")


def _check_bounds(c: Checks, start: object, bounds: Sequence[object]) -> None:
    """Each bound must be greater than the one before it (the first: than *start*), and only
    the last may be open (``None``). Unreadable bounds (:data:`_UNKNOWN`) are skipped."""
    ok_start = isinstance(start, Decimal) and start.is_finite()
    previous: object = start if ok_start else _UNKNOWN
    previous_path = "start"
    last = len(bounds) - 1
    for i, bound in enumerate(bounds):
        path = f"tiers[{i}].up_to"
        if bound is None:
            if i != last:
                c.add(path, "only the last tier may be open (None); give an upper bound")
        elif (
            isinstance(bound, Decimal)
            and bound.is_finite()
            and isinstance(previous, Decimal)
            and bound <= previous
        ):
            c.add(path, f"must be greater than {previous_path} ({previous})")
        previous, previous_path = bound, path


def _bisect_for(boundary: Boundary) -> Callable[[Sequence[Decimal], Decimal], int]:
    # (lower, upper]: the first tier whose upper >= x; [lower, upper): the first whose upper > x.
    return bisect_right if boundary is Boundary.LOWER_INCLUSIVE else bisect_left


class _Engine:
    """The precomputed form of a valid schedule: everything :meth:`value` needs, by tier.

    For the modes that are linear inside each tier (all but interpolated) the amount at a basis
    ``x`` in tier ``i`` is ``intercept[i] + slope[i] * x``: two operations after a bisection.
    """

    __slots__ = (
        "base",
        "bisect",
        "boundary",
        "end_rates",
        "flats",
        "intercepts",
        "linear",
        "lowers",
        "mode",
        "n",
        "package_size",
        "rates",
        "round_up",
        "slopes",
        "start",
        "start_entered",
        "top",
        "twice_widths",
        "uppers",
        "widths",
    )

    def __init__(self, schedule: TierSchedule) -> None:
        tiers = schedule.tiers
        ctx = CONTEXT
        self.mode = schedule.mode
        self.linear = schedule.mode is not TierMode.INTERPOLATED
        self.boundary = schedule.boundary
        self.n = len(tiers)
        self.start = schedule.start
        self.start_entered = schedule.boundary is Boundary.LOWER_INCLUSIVE and bool(schedule.start)
        self.bisect = _bisect_for(schedule.boundary)
        lowers = [schedule.start]
        for tier in tiers[:-1]:
            assert tier.up_to is not None  # only the last tier may be open
            lowers.append(tier.up_to)
        self.lowers = tuple(lowers)
        self.uppers = tuple(t.up_to for t in tiers if t.up_to is not None)
        self.top = tiers[-1].up_to
        self.package_size = schedule.package_size if self.mode is TierMode.PACKAGE else None
        self.round_up = schedule.package_rounding is PackageRounding.UP
        self.rates = tuple(t.rate for t in tiers)
        self.flats = tuple(t.flat for t in tiers)
        self.widths = tuple(
            None if t.up_to is None else ctx.subtract(t.up_to, lower)
            for t, lower in zip(tiers, self.lowers, strict=True)
        )
        self.end_rates = tuple(self._end_rate(tiers, i) for i in range(self.n))
        self.twice_widths = tuple(
            None if width is None or end == rate else ctx.multiply(_TWO, width)
            for width, end, rate in zip(self.widths, self.end_rates, self.rates, strict=True)
        )
        base: list[Decimal] = []
        earned = ZERO
        for i in range(self.n):
            base.append(earned)
            width = self.widths[i]
            if width is not None:
                earned = ctx.add(ctx.add(earned, self.flats[i]), self._full(i, width))
        self.base = tuple(base)
        if self.mode is TierMode.VOLUME:
            self.intercepts = self.flats
        else:
            self.intercepts = tuple(
                ctx.subtract(ctx.add(b, flat), ctx.multiply(rate, lower))
                for b, flat, rate, lower in zip(
                    self.base, self.flats, self.rates, self.lowers, strict=True
                )
            )
        self.slopes = self.rates

    def _end_rate(self, tiers: tuple[Tier, ...], i: int) -> Decimal:
        tier = tiers[i]
        if self.mode is not TierMode.INTERPOLATED or tier.up_to is None:
            return tier.rate
        if tier.rate_to is not None:
            return tier.rate_to
        return tiers[i + 1].rate if i + 1 < self.n else tier.rate

    def _full(self, i: int, width: Decimal) -> Decimal:
        """What the rate part of tier *i* pays over its whole width (exact)."""
        ctx = CONTEXT
        if self.twice_widths[i] is None:
            return ctx.multiply(self.rates[i], width)
        return ctx.divide(ctx.multiply(width, ctx.add(self.rates[i], self.end_rates[i])), _TWO)

    def _partial(self, i: int, s: Decimal) -> Decimal:
        """What the rate part of tier *i* pays over its first *s* units of basis."""
        ctx = CONTEXT
        part = ctx.multiply(s, self.rates[i])
        twice_width = self.twice_widths[i]
        if twice_width is None:
            return part
        slope = ctx.subtract(self.end_rates[i], self.rates[i])
        return ctx.add(part, ctx.divide(ctx.multiply(slope, ctx.multiply(s, s)), twice_width))

    def measure(self, basis: Decimal) -> Decimal:
        """The quantity the tiers measure: the basis, or its number of packages."""
        size = self.package_size
        if size is None:
            return basis
        whole, rest = CONTEXT.divmod(basis, size)
        return CONTEXT.add(whole, 1) if rest and self.round_up else whole

    def find(self, x: Decimal, basis: Decimal, path: str) -> int:
        """The index of the tier containing *x*, or -1 when no tier is entered.

        Raises:
            AboveTopTierError: *x* is beyond a bounded top tier.
        """
        if not (x > self.start or (self.start_entered and x == self.start)):
            return -1
        i = self.bisect(self.uppers, x)
        if i == self.n:
            raise self._above(x, basis, path)
        return i

    def value(self, basis: Decimal, path: str) -> Decimal:
        """The amount the schedule pays on *basis* (a Decimal, not checked)."""
        x = basis if self.package_size is None else self.measure(basis)
        i = self.find(x, basis, path)
        if i < 0:
            return ZERO
        ctx = CONTEXT
        if self.linear:
            return ctx.add(self.intercepts[i], ctx.multiply(self.slopes[i], x))
        s = ctx.subtract(x, self.lowers[i])
        return ctx.add(ctx.add(self.base[i], self.flats[i]), self._partial(i, s))

    def breakdown(self, basis: Decimal) -> TierBreakdown:
        """The amount on *basis* with one line per tier touched."""
        total = self.value(basis, "basis")
        x = self.measure(basis)
        i = self.find(x, basis, "basis")
        packages = x if self.package_size is not None else None
        lines: list[TierLine] = []
        if i >= 0 and self.mode is TierMode.VOLUME:
            lines.append(self._line(i, x, self.rates[i], total))
        elif i >= 0:
            lines = self._marginal_lines(x, i, total)
        return TierBreakdown(
            basis=basis,
            total=total,
            lines=tuple(lines),
            mode=self.mode,
            boundary=self.boundary,
            packages=packages,
        )

    def _marginal_lines(self, x: Decimal, last: int, total: Decimal) -> list[TierLine]:
        ctx = CONTEXT
        lines: list[TierLine] = []
        paid = ZERO
        interpolated = self.mode is TierMode.INTERPOLATED
        for j in range(last + 1):
            if j < last:
                width = self.widths[j]
                assert width is not None  # only the last tier may be open
                s = width
                amount = ctx.add(self.flats[j], self._full(j, width))
                rate_end = self.end_rates[j]
            else:
                s = ctx.subtract(x, self.lowers[j])
                # The last line takes the rest, so the lines always add up to the total.
                amount = ctx.subtract(total, paid)
                rate_end = self._rate_at(j, s)
            paid = ctx.add(paid, amount)
            if self.mode is TierMode.THRESHOLD_BONUS and j == 0 and not self.flats[0]:
                continue  # below the first threshold: no bonus, nothing to show
            line = self._line(j, s, self.rates[j], amount)
            if interpolated:
                line = attrs.evolve(line, rate_end=rate_end)
            lines.append(line)
        return lines

    def _rate_at(self, i: int, s: Decimal) -> Decimal:
        twice_width = self.twice_widths[i]
        if twice_width is None:
            return self.rates[i]
        ctx = CONTEXT
        slope = ctx.subtract(self.end_rates[i], self.rates[i])
        step = ctx.divide(ctx.multiply(ctx.multiply(slope, s), _TWO), twice_width)
        return ctx.add(self.rates[i], step)

    def _line(self, i: int, s: Decimal, rate: Decimal, amount: Decimal) -> TierLine:
        upper = self.uppers[i] if i < len(self.uppers) else None
        return TierLine(
            tier=i,
            lower=self.lowers[i],
            upper=upper,
            slice=s,
            rate=rate,
            flat=self.flats[i],
            amount=amount,
        )

    def _above(self, x: Decimal, basis: Decimal, path: str) -> AboveTopTierError:
        top = self.top
        assert top is not None
        if self.boundary is Boundary.LOWER_INCLUSIVE:
            limit = f"must be below {format_number(top)} (the top tier is [lower, upper))"
        else:
            limit = f"must be at most {format_number(top)}, the top tier's upper bound"
        counted = ""
        if self.package_size is not None:
            counted = f" ({format_number(x)} packages of {format_number(self.package_size)})"
            limit = limit.replace(format_number(top), f"{format_number(top)} packages", 1)
        return AboveTopTierError(
            basis,
            top,
            f"{limit}; got {format_number(basis)}{counted}. Add an open top tier "
            "(up_to=None) to cover every basis",
            path,
        )


@attrs.frozen
class TierSchedule(Validated):
    """An ordered list of tiers and the rule (the :class:`~prmcore.tiers.TierMode`) that turns
    a basis into an amount.

    Build one with a constructor named for its mode — :meth:`graduated`, :meth:`volume`,
    :meth:`package`, :meth:`interpolated`, :meth:`threshold_bonus` — or load one with
    :func:`prmcore.serialization.from_dict` (``{"mode": "graduated", "tiers": [...]}``).

    **Tiers.** Tier ``i`` runs from ``tiers[i-1].up_to`` (from ``start`` for the first tier) to
    ``tiers[i].up_to``; the last tier may be open (``up_to=None``). Bounds must increase
    strictly, so gaps and overlaps cannot happen. With the default :class:`Boundary`
    ``upper_inclusive`` tiers are ``(lower, upper]`` (Stripe); with ``lower_inclusive`` they are
    ``[lower, upper)`` (Oracle).

    **Entering a tier.** A basis *enters* a tier when it is above the tier's lower bound
    (``upper_inclusive``) or at least the lower bound (``lower_inclusive``). A basis of 0, or
    one below ``start``, enters no tier and pays nothing, in every mode and convention.

    **Modes.** For a basis ``x`` ending in tier ``k``:

    - graduated: ``Σ`` over tiers ``i ≤ k`` of ``rate_i * (part of x in tier i) + flat_i``.
      Continuous in the rate part and non-decreasing.
    - volume: ``rate_k * x + flat_k`` (all of ``x`` at tier ``k``'s rate).
    - package: ``x`` is first counted in packages of ``package_size`` (a started package counts,
      or with ``package_rounding="down"`` only complete ones); the tiers, whose bounds and
      rates are in packages, are then applied graduated to that count.
    - interpolated: graduated, but the rate inside tier ``i`` moves linearly from ``rate_i`` at
      its lower bound to ``rate_to`` (default: the next tier's ``rate``) at its upper bound;
      the amount is the integral of the rate, so it is continuous.
    - threshold_bonus: all rates are 0; each tier's ``flat`` is a bonus paid once when the
      basis enters that tier, that is, crosses the tier's lower bound.

    A basis beyond a bounded top tier raises :class:`AboveTopTierError` in every mode. A
    negative basis is a :class:`~prmcore.errors.ValidationError`. Arithmetic is exact Decimal
    arithmetic in a fixed 60-digit context, whatever the caller's decimal context: nothing is
    rounded (except an interpolated division that does not terminate, at 60 significant
    digits). Rounding to money happens later, once per payable line.

    Args:
        mode: A :class:`~prmcore.tiers.TierMode` or its value (``"graduated"``).
        tiers: The tiers, lowest first (a list is accepted).
        start: The first tier's lower bound, at least 0 (default 0). Nothing is paid up to it.
        boundary: The :class:`~prmcore.tiers.Boundary` convention or its value.
        package_size: ``package`` mode only (and required there): units per package, > 0.
        package_rounding: ``package`` mode only: ``"up"`` (default) or ``"down"``.

    Raises:
        TypeError: A number is a ``float`` (pass a str or Decimal).
        ValidationError: Listing every problem with its path, for example
            ``tiers[2].up_to: must be greater than tiers[1].up_to (5000)``.

    Examples:
        >>> plan = TierSchedule.graduated(
        ...     [Tier(10_000, "0.03"), Tier(50_000, "0.05"), Tier(None, "0.08")]
        ... )
        >>> plan.total(60_000)
        Decimal('3100.00')
        >>> plan.increment(8_000, 12_000)  # 2,000 at 3% and 2,000 at 5%
        Decimal('160.00')

    .. versionadded:: 0.1.0
    """

    mode: TierMode = attrs.field(converter=_to_mode)
    """How the tiers turn a basis into an amount."""
    tiers: tuple[Tier, ...] = attrs.field(converter=to_tuple)
    """The tiers, lowest first."""
    start: Decimal = attrs.field(default=ZERO, converter=_to_start)
    """The first tier's lower bound."""
    boundary: Boundary = attrs.field(default=Boundary.UPPER_INCLUSIVE, converter=_to_boundary)
    """Which tier a basis on a bound belongs to."""
    package_size: Decimal | None = attrs.field(default=None, converter=_to_package_size)
    """``package`` mode: units per package."""
    package_rounding: PackageRounding = attrs.field(
        default=PackageRounding.UP, converter=_to_rounding
    )
    """``package`` mode: whether a started package counts."""

    # -- validation -------------------------------------------------------------------------

    def _validate(self, c: Checks) -> None:
        mode_ok = c.member("mode", self.mode, TierMode)
        c.member("boundary", self.boundary, Boundary)
        check_number(c, "start", self.start)
        tiers: object = self.tiers
        if c.instance("tiers", tiers, tuple):
            assert isinstance(tiers, tuple)
            if not tiers:
                c.add("tiers", "give at least one tier")
            c.each("tiers", tiers, lambda path, tier: c.instance(path, tier, Tier))
            bounds = [t.up_to if isinstance(t, Tier) else _UNKNOWN for t in tiers]
            _check_bounds(c, self.start, bounds)
            if mode_ok:
                self._check_tiers_for_mode(c, tiers)
        if c.member("package_rounding", self.package_rounding, PackageRounding) and mode_ok:
            self._check_package(c)

    def _check_tiers_for_mode(self, c: Checks, tiers: tuple[object, ...]) -> None:
        for i, tier in enumerate(tiers):
            if not isinstance(tier, Tier):
                continue
            if tier.rate_to is not None:
                if self.mode is not TierMode.INTERPOLATED:
                    c.add(f"tiers[{i}].rate_to", "only interpolated schedules use rate_to")
                elif tier.up_to is None:
                    c.add(
                        f"tiers[{i}].rate_to",
                        "the open top tier has no upper bound to reach rate_to at; remove it",
                    )
            if self.mode is TierMode.THRESHOLD_BONUS and tier.rate != 0:
                c.add(
                    f"tiers[{i}].rate",
                    f"must be 0 in a threshold_bonus schedule, which pays only flat amounts; "
                    f"got {tier.rate}",
                )

    def _check_package(self, c: Checks) -> None:
        if self.mode is TierMode.PACKAGE:
            if self.package_size is None:
                c.add("package_size", "a package schedule needs a package_size greater than 0")
            else:
                check_number(c, "package_size", self.package_size, above=True)
            return
        if self.package_size is not None:
            c.add("package_size", "only package schedules use package_size")
        if self.package_rounding is not PackageRounding.UP:
            c.add("package_rounding", "only package schedules use package_rounding")

    # -- constructors -----------------------------------------------------------------------

    @classmethod
    def graduated(
        cls,
        tiers: Iterable[Tier],
        *,
        start: _Number = 0,
        boundary: Boundary | str = Boundary.UPPER_INCLUSIVE,
    ) -> TierSchedule:
        """A marginal schedule: each slice of the basis is paid at its own tier's rate, plus
        the flat amount of each tier the basis enters.

        Args:
            tiers: The tiers, lowest first.
            start: The first tier's lower bound (default 0).
            boundary: ``"upper_inclusive"`` (default, ``(lower, upper]``) or
                ``"lower_inclusive"`` (``[lower, upper)``).

        Raises:
            TypeError: A number is a float.
            ValidationError: Every problem, with its path.

        Examples:
            >>> fonts = TierSchedule.graduated([Tier(5, 7), Tier(10, "6.5"), Tier(None, 6)])
            >>> fonts.total(6)  # Stripe's example: 5 * 7 + 1 * 6.50
            Decimal('41.5')

        .. versionadded:: 0.1.0
        """
        return cls(TierMode.GRADUATED, tuple(tiers), start, boundary)

    @classmethod
    def volume(
        cls,
        tiers: Iterable[Tier],
        *,
        start: _Number = 0,
        boundary: Boundary | str = Boundary.UPPER_INCLUSIVE,
    ) -> TierSchedule:
        """A whole-amount ("retroactive") schedule: the tier containing the basis sets the rate
        for all of it, plus that tier's flat amount.

        The amount can fall as the basis grows (all units move to a lower rate), so
        :meth:`increment` can be negative even for a growing basis. A basis of 0 pays nothing,
        not the first tier's flat amount (some billing systems, OpenMeter for one, bill it for
        a quantity of 0): crediting starts from a basis of 0 and would otherwise never pay the
        first tier's flat amount.

        Args:
            tiers: The tiers, lowest first.
            start: The first tier's lower bound (default 0).
            boundary: ``"upper_inclusive"`` (default) or ``"lower_inclusive"``.

        Raises:
            TypeError: A number is a float.
            ValidationError: Every problem, with its path.

        Examples:
            >>> fonts = TierSchedule.volume([Tier(5, 7), Tier(10, "6.5"), Tier(None, 6)])
            >>> fonts.total(6)  # Stripe's example: all 6 fonts at 6.50
            Decimal('39.0')

        .. versionadded:: 0.1.0
        """
        return cls(TierMode.VOLUME, tuple(tiers), start, boundary)

    @classmethod
    def package(
        cls,
        tiers: Iterable[Tier],
        *,
        package_size: _Number,
        rounding: PackageRounding | str = PackageRounding.UP,
        start: _Number = 0,
        boundary: Boundary | str = Boundary.UPPER_INCLUSIVE,
    ) -> TierSchedule:
        """A package schedule: the basis is counted in packages of *package_size*, and the
        tiers (bounds and rates in packages: ``rate`` is the price per package) are applied
        graduated to that count.

        With one open tier this is plain package pricing: ``packages * price``.

        Args:
            tiers: The tiers, lowest first, with bounds counted in packages.
            package_size: Units of basis per package, greater than 0.
            rounding: ``"up"`` (default: a started package counts) or ``"down"`` (only
                complete packages count).
            start: The first tier's lower bound, in packages (default 0).
            boundary: ``"upper_inclusive"`` (default) or ``"lower_inclusive"``.

        Raises:
            TypeError: A number is a float.
            ValidationError: Every problem, with its path.

        Examples:
            >>> calls = TierSchedule.package([Tier(None, "1.00")], package_size=1000)
            >>> calls.total(4500)  # 4.5 packages count as 5
            Decimal('5.00')

        .. versionadded:: 0.1.0
        """
        return cls(
            TierMode.PACKAGE,
            tuple(tiers),
            start,
            boundary,
            package_size,
            rounding,
        )

    @classmethod
    def interpolated(
        cls,
        tiers: Iterable[Tier],
        *,
        start: _Number = 0,
        boundary: Boundary | str = Boundary.UPPER_INCLUSIVE,
    ) -> TierSchedule:
        """A marginal schedule whose rate changes linearly inside each tier.

        Inside tier ``i`` the rate runs from ``tiers[i].rate`` at the lower bound to
        ``tiers[i].rate_to`` at the upper bound (when ``rate_to`` is ``None``: to the next
        tier's ``rate``; a bounded last tier without ``rate_to`` and the open top tier keep
        their rate). The amount is the integral of that rate over the basis, plus the flat
        amount of every tier entered, so it is continuous (apart from flat amounts) and
        marginal: crediting is order-independent, as for graduated schedules.

        Args:
            tiers: The tiers, lowest first.
            start: The first tier's lower bound (default 0).
            boundary: ``"upper_inclusive"`` (default) or ``"lower_inclusive"``; it matters only
                for flat amounts.

        Raises:
            TypeError: A number is a float.
            ValidationError: Every problem, with its path.

        Examples:
            >>> ramp = TierSchedule.interpolated([Tier(100, "0.02", rate_to="0.06")])
            >>> ramp.total(100)  # the average rate, 4%, over 100
            Decimal('4.00')
            >>> ramp.total(50)  # 2% rising to 4%: 50 * 3%
            Decimal('1.50')

        .. versionadded:: 0.1.0
        """
        return cls(TierMode.INTERPOLATED, tuple(tiers), start, boundary)

    @classmethod
    def threshold_bonus(
        cls,
        thresholds: Iterable[tuple[_Number, _Number]],
        *,
        start: _Number = 0,
        boundary: Boundary | str = Boundary.UPPER_INCLUSIVE,
    ) -> TierSchedule:
        """Flat bonuses paid once each when the basis crosses a threshold.

        With the default boundary a basis crosses a threshold when it goes above it; with
        ``lower_inclusive`` when it reaches it. The schedule stores the bonuses as tiers:
        ``[(100, 5), (200, 7)]`` becomes ``Tier(100)``, ``Tier(200, flat=5)``,
        ``Tier(None, flat=7)`` (a flat amount is paid on entering its tier).

        Args:
            thresholds: ``(threshold, bonus)`` pairs with increasing thresholds above *start*
                and bonuses of at least 0.
            start: Where the basis starts (default 0).
            boundary: ``"upper_inclusive"`` (default) or ``"lower_inclusive"``.

        Raises:
            TypeError: A number is a float.
            ValidationError: Every problem, with its path (``thresholds[1][0]``, ...).

        Examples:
            >>> bonus = TierSchedule.threshold_bonus([(100_000, 500), (250_000, 1_500)])
            >>> bonus.total(100_000), bonus.total(100_001), bonus.total(300_000)
            (Decimal('0'), Decimal('500'), Decimal('2000'))

        .. versionadded:: 0.1.0
        """
        c = Checks()
        pairs: list[object] = list(thresholds)
        if not pairs:
            c.add("thresholds", "give at least one (threshold, bonus) pair")
        lower = to_decimal(start, "a schedule start")
        check_number(c, "start", lower)
        previous: object = lower
        previous_path = "start"
        values: list[tuple[Decimal, Decimal]] = []
        for k, pair in enumerate(pairs):
            if not isinstance(pair, tuple | list) or len(pair) != 2:
                c.add(f"thresholds[{k}]", f"must be a (threshold, bonus) pair, got {pair!r}")
                previous = _UNKNOWN
                continue
            threshold = to_decimal(pair[0], "a threshold")
            bonus = to_decimal(pair[1], "a bonus")
            ok = check_number(c, f"thresholds[{k}][0]", threshold)
            check_number(c, f"thresholds[{k}][1]", bonus)
            if ok and isinstance(previous, Decimal) and threshold <= previous:
                c.add(f"thresholds[{k}][0]", f"must be greater than {previous_path} ({previous})")
            previous, previous_path = (threshold if ok else _UNKNOWN), f"thresholds[{k}][0]"
            values.append((threshold, bonus))
        c.done()
        tiers = [Tier(values[0][0])]
        for k, (_, bonus) in enumerate(values):
            up_to = values[k + 1][0] if k + 1 < len(values) else None
            tiers.append(Tier(up_to, flat=bonus))
        return cls(TierMode.THRESHOLD_BONUS, tuple(tiers), lower, boundary)

    # -- application ------------------------------------------------------------------------

    @functools.cached_property
    def _engine(self) -> _Engine:
        return _Engine(self)

    def apply(self, basis: _Number) -> TierBreakdown:
        """Apply the schedule to *basis*: the total, and one line per tier touched.

        Args:
            basis: What the tiers measure (revenue, units, attainment %), at least 0.

        Raises:
            TypeError: *basis* is a float.
            ValidationError: *basis* is negative or not a finite number (path ``basis``).
            AboveTopTierError: *basis* is beyond a bounded top tier.

        Examples:
            >>> plan = TierSchedule.graduated([Tier(10_000, "0.03"), Tier(None, "0.05")])
            >>> result = plan.apply(12_000)
            >>> result.total, [line.amount for line in result.lines]
            (Decimal('400.00'), [Decimal('300.00'), Decimal('100.00')])

        .. versionadded:: 0.1.0
        """
        return self._engine.breakdown(number_input(basis, "basis"))

    def total(self, basis: _Number) -> Decimal:
        """The amount on *basis*: ``apply(basis).total`` without building the lines.

        Raises:
            TypeError: *basis* is a float.
            ValidationError: *basis* is negative or not a finite number (path ``basis``).
            AboveTopTierError: *basis* is beyond a bounded top tier.

        .. versionadded:: 0.1.0
        """
        return self._engine.value(number_input(basis, "basis"), "basis")

    def increment(self, before: _Number, after: _Number) -> Decimal:
        """The marginal amount of moving the basis from *before* to *after*:
        ``total(after) - total(before)``.

        This is how a transaction is credited against a cumulative period basis: the
        increments of a sequence of transactions add up to ``total(sum)`` in any order, in
        every mode. In the marginal modes (all but volume) an increment is never negative for
        a growing basis. When *after* is below *before* the result is
        ``-increment(after, before)``, so a clawback reverses a credit exactly.

        Raises:
            TypeError: A float argument.
            ValidationError: A negative or non-finite argument (path ``before`` or ``after``).
            AboveTopTierError: An argument beyond a bounded top tier.

        Examples:
            >>> plan = TierSchedule.graduated([Tier(10_000, "0.03"), Tier(None, "0.05")])
            >>> plan.increment(9_000, 11_000), plan.increment(11_000, 9_000)
            (Decimal('80.00'), Decimal('-80.00'))

        .. versionadded:: 0.1.0
        """
        engine = self._engine
        if is_basis(before) and is_basis(after):
            low, high = before, after
        else:
            low, high = number_inputs((before, "before"), (after, "after"))
        return CONTEXT.subtract(engine.value(high, "after"), engine.value(low, "before"))

    def total_unchecked(self, basis: Decimal) -> Decimal:
        """Fast path of :meth:`total` for a *basis* already known to be a finite, non-negative
        ``Decimal`` below ``10**24``: no conversion and no checks (a negative basis pays 0,
        anything else that is not such a Decimal gives an undefined result).

        Raises:
            AboveTopTierError: *basis* is beyond a bounded top tier.

        .. versionadded:: 0.1.0
        """
        return self._engine.value(basis, "basis")

    def increment_unchecked(self, before: Decimal, after: Decimal) -> Decimal:
        """Fast path of :meth:`increment` for arguments already known to be finite,
        non-negative ``Decimal`` values below ``10**24`` (see :meth:`total_unchecked`).

        Raises:
            AboveTopTierError: An argument beyond a bounded top tier.

        .. versionadded:: 0.1.0
        """
        engine = self._engine
        return CONTEXT.subtract(engine.value(after, "after"), engine.value(before, "before"))

    def tier_index(self, basis: _Number) -> int | None:
        """The index of the tier *basis* falls in (for ``package`` schedules: the tier its
        package count falls in), or ``None`` when it enters no tier (0, or below ``start``).

        Raises:
            TypeError: *basis* is a float.
            ValidationError: *basis* is negative or not a finite number.
            AboveTopTierError: *basis* is beyond a bounded top tier.

        Examples:
            >>> plan = TierSchedule.graduated([Tier(10_000, "0.03"), Tier(None, "0.05")])
            >>> plan.tier_index(0), plan.tier_index(10_000), plan.tier_index(10_001)
            (None, 0, 1)

        .. versionadded:: 0.1.0
        """
        engine = self._engine
        value = number_input(basis, "basis")
        index = engine.find(engine.measure(value), value, "basis")
        return None if index < 0 else index

    @property
    def tier_bounds(self) -> tuple[tuple[Decimal, Decimal | None], ...]:
        """Each tier's ``(lower, upper)`` bounds, ``upper`` being ``None`` for an open tier.

        Examples:
            >>> TierSchedule.volume([Tier(5, 7), Tier(None, 6)]).tier_bounds
            ((Decimal('0'), Decimal('5')), (Decimal('5'), None))

        .. versionadded:: 0.1.0
        """
        engine = self._engine
        return tuple(
            (lower, tier.up_to) for lower, tier in zip(engine.lowers, self.tiers, strict=True)
        )


# -- loading ----------------------------------------------------------------------------------

_load_fields = converter.get_structure_hook(TierSchedule)


def _raw_bound(raw: object) -> object:
    """A bound read leniently from loaded data, or :data:`_UNKNOWN`."""
    if raw is None:
        return None
    try:
        return converter.structure(raw, Decimal)
    except (PrmError, ValueError, TypeError, ArithmeticError):
        return _UNKNOWN


def _load_schedule(data: object, cls: type[TierSchedule]) -> TierSchedule:
    """Load a schedule field by field, and also report the order of the tier bounds when
    some tier failed to load (the generic loader then cannot check the tiers as a whole)."""
    try:
        schedule: TierSchedule = _load_fields(data, cls)
    except ValidationError as err:
        if not isinstance(data, Mapping) or not isinstance(data.get("tiers"), list | tuple):
            raise
        bounds = [
            _raw_bound(t["up_to"]) if isinstance(t, Mapping) and "up_to" in t else _UNKNOWN
            for t in data["tiers"]
        ]
        c = Checks()
        _check_bounds(c, _raw_bound(data.get("start", 0)), bounds)
        extra = [p for p in c.problems if p not in err.problems]
        if not extra:
            raise
        raise ValidationError([*err.problems, *extra]) from None
    return schedule


converter.register_structure_hook(TierSchedule, _load_schedule)
