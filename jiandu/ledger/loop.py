"""The loop's rules as the ontology declares them, the checks a step must pass, and the deadline
colour of an item as of a date.

The colour is read against settings (months past the deadline for 蓝, 黄, 红) and a reference
date the caller names, never against the machine's clock alone: the same ledger asked about the
same day always shows the same colours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from jiandu.graph.ontology import ONTOLOGY, LedgerRules, LedgerStep
from jiandu.queries.library import date_minus

RULES: LedgerRules = ONTOLOGY.ledger  # type: ignore[assignment] - the packaged ontology declares it
COLOURS = ("蓝", "黄", "红")  # blue, yellow, red: past the deadline by the first, second, third threshold
CLOSED = "closed"


class LedgerError(ValueError):
    """A ledger request that cannot be done as asked; the message is for the user."""


class NoSuchItem(LedgerError):
    pass


class IllegalStep(LedgerError):
    """A step the item's state does not allow: the message names the item, its state and what may follow."""


class MissingField(LedgerError):
    pass


class VersionConflict(LedgerError):
    """Someone changed the item since the caller read it: nothing was written."""


def state_name(state: str | None) -> str:
    """'in_rectification 整改中'."""
    return f"{state} {RULES.states[state][0]}" if state in RULES.states else str(state)


def check_step(item_id: str, state: str | None, step: LedgerStep, fields: dict[str, object]) -> str:
    """The state `step` leaves the item in, or IllegalStep / MissingField naming what is wrong."""
    allowed = RULES.allowed(state)
    if step.name not in allowed:
        shown = "、".join(f"{s} {RULES.steps[s].zh}" for s in allowed) or "无 none"
        raise IllegalStep(f"台账 {item_id} 当前状态为 {state_name(state)}，不能{step.zh} (cannot {step.name} an item "
                          f"that is {state}); 可进行 (allowed next): {shown}")
    for name in step.needs:
        if not fields.get(name):
            raise MissingField(f"{step.zh} {step.name} 需要 {name} (needs --{name})")
    return step.after(state)


def valid_day(name: str, value: str) -> str:
    """`value` if it is an ISO date the ledger can reckon with (years 1000–8999: deadlines are
    moved by months and years), else LedgerError naming the field."""
    try:
        day = dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise LedgerError(f"{name} 应为日期 YYYY-MM-DD (must be an ISO date): {value!r}") from None
    if not 1000 <= day.year <= 8999:
        raise LedgerError(f"{name} 超出范围 (out of range): {value!r}")
    return value


def step_of(name: str) -> LedgerStep:
    try:
        return RULES.steps[name]
    except KeyError:
        raise LedgerError(f"没有环节 {name!r} (no such step); 可用 (known): {', '.join(RULES.steps)}") from None


def ran_past(as_of: str, months: int) -> str:
    """The latest deadline that has run `months` past by `as_of`: the d for which d plus `months`
    (clamped to the month's end, 2026-01-31 + 1 → 2026-02-28) is on or before `as_of`.

    >>> ran_past("2026-02-28", 1)
    '2026-01-31'
    """
    day = dt.date.fromisoformat(date_minus(as_of, months, "months"))
    if (dt.date.fromisoformat(as_of) + dt.timedelta(days=1)).day == 1:  # as_of ends its month
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return day.isoformat()


def bounds(as_of: str, months: Sequence[int]) -> list[tuple[str, str]]:
    """(colour, day) pairs, most severe first: an item not closed whose deadline is on or before
    the day has at least that colour."""
    return [(c, ran_past(as_of, m)) for c, m in reversed(list(zip(COLOURS, months, strict=True)))]


def colour(deadline: str | None, state: str | None, as_of: str, months: Sequence[int]) -> str | None:
    """蓝/黄/红 for an item not closed that has run one, three or six months (the settings')
    past its deadline by `as_of`; None otherwise (on time, less overdue, closed, no deadline).

    >>> colour("2026-01-31", "assigned", "2026-04-30", (1, 3, 6))
    '黄'
    """
    if state == CLOSED or deadline is None:
        return None
    return next((c for c, day in bounds(as_of, months) if deadline <= day), None)


def overdue_days(deadline: str | None, state: str | None, as_of: str) -> int | None:
    """Days past the deadline on `as_of` for an item not closed, else None."""
    if state == CLOSED or deadline is None or deadline >= as_of:
        return None
    return (dt.date.fromisoformat(as_of) - dt.date.fromisoformat(deadline)).days


def date_plus_months(day: str, months: int) -> str:
    """ISO date plus months, clamped to the month's end (2026-01-31 + 1 → 2026-02-28)."""
    return date_minus(day, -months, "months")
