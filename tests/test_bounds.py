"""Date bounds as people type them: what is read, what is refused, and that every
accepted form of a date reads back as that date (a property test)."""

from __future__ import annotations

import calendar
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests_support import request

from search.query.bounds import BoundError, read_period
from search.query.request import InputError

DAYS = st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31))


def month_of(day: date) -> tuple[date, date]:
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


@pytest.mark.parametrize("text, first, last", [
    # The misreadings of issue 15, now read as written.
    ("20240206", date(2024, 2, 6), date(2024, 2, 6)),
    ("202402", date(2024, 2, 1), date(2024, 2, 29)),
    ("2024-02-06T10:00:00+05:00", date(2024, 2, 6), date(2024, 2, 6)),
    # The documented forms.
    ("2024-02-06", date(2024, 2, 6), date(2024, 2, 6)),
    ("6 Feb 2024", date(2024, 2, 6), date(2024, 2, 6)),
    ("Feb 2024", date(2024, 2, 1), date(2024, 2, 29)),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ("2023", date(2023, 1, 1), date(2023, 12, 31)),
    # Unambiguous numbers, names, and ISO date-times in their other spellings.
    ("13/02/2024", date(2024, 2, 13), date(2024, 2, 13)),
    ("02/13/2024", date(2024, 2, 13), date(2024, 2, 13)),
    ("06.06.2024", date(2024, 6, 6), date(2024, 6, 6)),
    ("2024/02/06", date(2024, 2, 6), date(2024, 2, 6)),
    ("02/2024", date(2024, 2, 1), date(2024, 2, 29)),
    ("Tuesday, 6 February 2024", date(2024, 2, 6), date(2024, 2, 6)),
    ("February 6, 2024", date(2024, 2, 6), date(2024, 2, 6)),
    ("6th of Feb. 2024", date(2024, 2, 6), date(2024, 2, 6)),
    ("2024-02-06 23:59", date(2024, 2, 6), date(2024, 2, 6)),
    ("20240206T1000Z", date(2024, 2, 6), date(2024, 2, 6)),
    ("  2024-02-06T23:30-11:00 ", date(2024, 2, 6), date(2024, 2, 6)),  # the day as written
])
def test_forms_that_are_read(text: str, first: date, last: date) -> None:
    found = read_period(text)
    assert (found.first, found.last) == (first, last)


@pytest.mark.parametrize("text, words", [
    ("2024-02-06 2024-02-07", "is 2 dates"),
    ("-2024", "has a sign"),
    ("240206", "could be June 2402 or a day written with a two-digit year (6 Feb 2024)"),
    ("201205", "could be May 2012"),
    ("06/02/2024", "could be 6 February 2024 (day first) or June 2, 2024 (month first)"),
    ("06022024", "eight digits are read as year, month and day"),
    ("2024-02-06 2024", "is 2 dates"),  # not 20:24
    ("2024-02-06T25:00", "not a date and time I can read"),
    ("Feb 2024 10:00", "not a date I can read"),
    ("6 Feb 2024 UTC", "'UTC' is not a month"),
    ("Monday 6 Feb 2024", "is a Tuesday"),
    ("31 Feb 2024", "not a date that exists"),
    ("30/02/2024", "not a date that exists"),
    ("6 Feb", "has no year"),
    ("Feb 2024 Mar 2024", "not a date I can read"),
    ("0999", "out of range"),
    ("yesterday", "not a date I can read"),
    ("2" * 50, "is not a date"),
    ("-", "not a date I can read"),  # once a recursion without end
    ("+-", "not a date I can read"),
    ("", "an empty date"),
])
def test_forms_that_are_refused_say_what_works(text: str, words: str) -> None:
    with pytest.raises(BoundError) as error:
        read_period(text)
    assert words in str(error.value)
    assert "2024-02-06" in str(error.value)  # always a form that works


def test_a_time_or_zone_ignored_is_said_in_the_request() -> None:
    searched = request(date_from="2024-02-06T10:00:00+05:00", date_to="2024-03-01 09:00")
    assert searched.date_from == date(2024, 2, 6) and searched.date_to == date(2024, 3, 1)
    assert searched.date_notes == (
        ("from: '2024-02-06T10:00:00+05:00' was read as the day 2024-02-06: dates are "
         "compared by day, so its time and time zone were ignored"),
        ("to: '2024-03-01 09:00' was read as the day 2024-03-01: dates are compared by day, "
         "so its time was ignored"))
    assert request(date_from="2024-02-06").date_notes == ()


def test_a_refused_bound_names_its_parameter() -> None:
    with pytest.raises(InputError) as error:
        request(date_to="06/02/2024")
    assert error.value.param == "to" and error.value.message.startswith("to: '06/02/2024'")


@given(DAYS, st.integers(0, 23), st.integers(0, 59), st.sampled_from(["Z", "+05:00", "-0330",
                                                                      ""]))
def test_every_accepted_form_of_a_day_reads_back_as_that_day(day: date, hour: int, minute: int,
                                                             zone: str) -> None:
    plain = [day.isoformat(), f"{day:%Y%m%d}", f"{day:%Y/%m/%d}", f"{day.day} {day:%b %Y}",
             f"{day.day} {day:%B %Y}", f"{day:%B} {day.day}, {day.year}",
             f"{day:%A}, {day.day} {day:%B %Y}", f"{day.day}-{day:%b-%Y}"]
    timed = [f"{day.isoformat()}T{hour:02}:{minute:02}:00{zone}",
             f"{day.isoformat()} {hour:02}:{minute:02}",
             f"{day:%Y%m%d}T{hour:02}{minute:02}{zone}"]
    for text in plain + timed:
        found = read_period(text)
        assert (found.first, found.last) == (day, day), text
        assert bool(found.note) == (text in timed), text


@given(DAYS, st.sampled_from("/.-"))
def test_day_and_month_in_numbers_are_read_only_when_the_order_cannot_matter(
        day: date, separator: str) -> None:
    for text in (f"{day.day:02}{separator}{day.month:02}{separator}{day.year}",
                 f"{day.month}{separator}{day.day}{separator}{day.year}"):
        try:
            other = date(day.year, day.day, day.month)
        except ValueError:
            other = day
        if other == day:
            found = read_period(text)
            assert (found.first, found.last) == (day, day), text
        else:
            with pytest.raises(BoundError, match="could be"):
                read_period(text)


@given(DAYS)
def test_every_accepted_form_of_a_month_reads_back_as_that_month(day: date) -> None:
    for text in (f"{day:%Y-%m}", f"{day:%b %Y}", f"{day:%B %Y}", f"{day:%Y %B}", f"{day:%m/%Y}"):
        found = read_period(text)
        assert (found.first, found.last) == month_of(day), text
    basic = f"{day:%Y%m}"
    try:  # the same six digits as YYMMDD, the form ISO 8601 dropped
        date(2000 + int(basic[:2]), int(basic[2:4]), int(basic[4:]))
    except ValueError:
        found = read_period(basic)
        assert (found.first, found.last) == month_of(day)
    else:
        with pytest.raises(BoundError, match="two-digit year"):
            read_period(basic)


@given(st.integers(1000, 9999))
def test_every_year_reads_back_as_that_year(year: int) -> None:
    found = read_period(str(year))
    assert (found.first, found.last) == (date(year, 1, 1), date(year, 12, 31))


def test_the_command_line_prints_the_note(bundled_index) -> None:
    from click.testing import CliRunner

    from webui.cli import main

    result = CliRunner().invoke(main, ["search", "", "--from", "20240206T0900+01:00",
                                       "--index", str(bundled_index)])
    assert result.exit_code == 0, result.output
    assert "2024-02-06 to …" in result.output
    assert "Note: from: '20240206T0900+01:00' was read as the day 2024-02-06" in result.output


PIECES = st.sampled_from(list("0123456789-/.: TZtz+,") + ["Feb", "May", "Monday", "of", "1st",
                                                          "\u0662", "\x00", "\u3000"])


@given(st.one_of(st.text(max_size=45), st.lists(PIECES, max_size=14).map("".join)))
def test_any_text_is_read_or_refused_with_a_bound_error(text: str) -> None:
    try:
        found = read_period(text)
    except BoundError as error:
        assert str(error)
    else:
        assert found.first <= found.last
