"""Lists shown a page at a time (help desk and car hire): the offset a button asks for is user input."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnExpressionArgument, Select, func, select
from sqlalchemy.orm import Session

MAX_OFFSET = 1_000_000  # a page offset from a button is user input

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: ``items`` are the matches ``offset`` … ``offset + len(items)`` of ``total``."""

    items: list[T]
    total: int
    offset: int
    size: int

    @property
    def previous_offset(self) -> int | None:
        """The offset of the page before this one; None on the first page."""
        return max(self.offset - self.size, 0) if self.offset > 0 else None

    @property
    def next_offset(self) -> int | None:
        """The offset of the page after this one; None on the last page."""
        following = self.offset + len(self.items)
        return following if following < self.total else None


def clamp_offset(offset: int, total: int, size: int) -> int:
    """An offset that shows a page (the last one if the list shrank since the button was made)."""
    last = max((total - 1) // size * size, 0)
    return min(max(offset, 0), last, MAX_OFFSET)


def page_of(
    session: Session, query: Select[tuple[T]], *order: ColumnExpressionArgument[Any], offset: int, size: int
) -> Page[T]:
    """The page of ``query`` (ordered by ``order``, which must end in a unique column) at ``offset``."""
    total = session.scalars(select(func.count()).select_from(query.order_by(None).subquery())).one()
    offset = clamp_offset(offset, total, size)
    items = list(session.scalars(query.order_by(*order).offset(offset).limit(size)).unique())
    return Page(items=items, total=total, offset=offset, size=size)
