"""Dry runs of pupil and result imports: every row's outcome, before anything is written.

A plan lists each row as new, changed, unchanged or error (with the reason). The services
`pupils_import_apply` and `results_import_apply` write a plan without errors, all or nothing.
Planning takes a fixed number of queries, whatever the number of rows.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from core.cefr import Level, Skill, plain_number
from core.inputs import check_assessed_on, parse_score, quoted
from core.tabular import normalise_header, parse_date
from schools.access import pupils_visible_to

from .models import Enrolment, Group, Pupil, Result, SchoolYear
from .selectors import instruments_for
from .services import level_for_score

NEW, CHANGED, UNCHANGED, ERROR = "new", "changed", "unchanged", "error"

PUPIL_NUMBER = ["leerlingnummer", "llnr", "leerlingnr", "pupilnumber", "studentnumber", "nummer"]
# Canonical column → the header names (Dutch first, then English) that mean it.
PUPIL_COLUMNS = {
    "pupil_number": PUPIL_NUMBER,
    "given_name": ["voornaam", "roepnaam", "givenname", "firstname"],
    "family_name_prefix": [
        "tussenvoegsel",
        "tussenvoegsels",
        "voorvoegsel",
        "prefix",
        "familynameprefix",
    ],
    "family_name": ["achternaam", "familienaam", "familyname", "lastname", "surname"],
    "email": ["email", "emailadres", "mail"],
    "group": ["klas", "groep", "stamgroep", "group", "class"],
    "starts_on": ["startdatum", "ingangsdatum", "vanaf", "startdate", "start", "from"],
}
RESULT_COLUMNS = {
    "pupil_number": PUPIL_NUMBER,
    "instrument": ["toets", "toetsnaam", "instrument", "test"],
    "skill": ["vaardigheid", "skill"],
    "date": ["datum", "toetsdatum", "date", "assessedon"],
    "score": ["score", "punten", "points"],
    "level": ["niveau", "erkniveau", "level", "cefrlevel"],
}
REQUIRED = {
    "pupils": ["pupil_number", "given_name", "family_name", "group"],
    "results": ["pupil_number", "instrument", "date"],
}
# What the downloadable templates (and the exports) put in the first row.
TEMPLATE_HEADERS = {
    "pupils": [
        "leerlingnummer",
        "voornaam",
        "tussenvoegsel",
        "achternaam",
        "e-mail",
        "klas",
        "startdatum",
    ],
    "results": ["leerlingnummer", "toets", "vaardigheid", "datum", "score", "niveau"],
}

SKILL_NAMES = {
    **{skill.value: skill.value for skill in Skill},
    "luisteren": Skill.LISTENING,
    "kijkenluisteren": Skill.LISTENING,
    "horen": Skill.LISTENING,
    "lezen": Skill.READING,
    "leesvaardigheid": Skill.READING,
    "gesprekkenvoeren": Skill.SPOKEN_INTERACTION,
    "spokeninteraction": Skill.SPOKEN_INTERACTION,
    "spreken": Skill.SPOKEN_PRODUCTION,
    "spokenproduction": Skill.SPOKEN_PRODUCTION,
    "schrijven": Skill.WRITING,
}
LEVEL_NAMES = {
    **{level.code: level for level in Level},
    **{normalise_header(level.label): level for level in Level if level != Level.BELOW_A1},
    "<a1": Level.BELOW_A1,
    "belowa1": Level.BELOW_A1,
    "ondera1": Level.BELOW_A1,
    "pre-a1": Level.BELOW_A1,
    "prea1": Level.BELOW_A1,
}


@dataclass
class Row:
    line: int
    status: str = UNCHANGED
    messages: list = field(default_factory=list)
    values: dict = field(default_factory=dict)
    # What the apply step needs: the objects and the new values.
    target: object = None
    changes: dict = field(default_factory=dict)

    def fail(self, message):
        self.status = ERROR
        self.messages.append(message)


@dataclass
class Plan:
    kind: str
    rows: list
    problems: list = field(default_factory=list)  # about the file as a whole

    @property
    def has_errors(self):
        return bool(self.problems) or any(row.status == ERROR for row in self.rows)

    def count(self, status):
        return sum(1 for row in self.rows if row.status == status)

    @cached_property
    def summary(self):
        """{status: rows}, counted in one pass once the plan is made (the page shows it in
        several places; a pass per status and place cost a file of 50 000 rows a second)."""
        counts = Counter(row.status for row in self.rows)
        return {status: counts[status] for status in (NEW, CHANGED, UNCHANGED, ERROR)}

    # The dry run lists every row that needs a look (errors, changes) and the first of the
    # others: a page of 10 000 rows helps nobody and takes long to build.
    SHOWN_ROUTINE_ROWS = 100

    @cached_property
    def shown_rows(self):
        routine = 0
        shown = []
        for row in self.rows:
            if row.status in (ERROR, CHANGED) or row.messages:
                shown.append(row)
            elif routine < self.SHOWN_ROUTINE_ROWS:
                shown.append(row)
                routine += 1
        return shown

    @property
    def hidden_rows(self):
        return len(self.rows) - len(self.shown_rows)


def map_columns(headers, columns, kind):
    """{canonical name: column index}; problems for required columns that are missing."""
    found, problems = {}, []
    for index, header in enumerate(headers):
        name = normalise_header(header)
        for canonical, aliases in columns.items():
            if name == normalise_header(canonical) or name in aliases:
                found.setdefault(canonical, index)
    for canonical in REQUIRED[kind]:
        if canonical not in found:
            problems.append(
                _("Column “%(column)s” is missing (also accepted: %(aliases)s).")
                % {
                    "column": TEMPLATE_HEADERS[kind][0]
                    if canonical == "pupil_number"
                    else columns[canonical][0],
                    "aliases": ", ".join(columns[canonical][1:4] + [canonical]),
                }
            )
    return found, problems


def _cells(cells, columns):
    values = {}
    for name, index in columns.items():
        value = cells[index] if index < len(cells) else ""
        values[name] = value.strip() if isinstance(value, str) else value
    return values


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# Pupils --------------------------------------------------------------------------------------


@dataclass
class _PupilContext:
    """What every row of a pupils file is checked against, read once for the whole file."""

    school: object
    today: datetime.date
    year: object  # this school year, or None
    groups: dict  # {name in lower case: Group}
    existing: dict  # {pupil number: Pupil}
    current_enrolment: dict  # {pupil id: Enrolment running today}
    padded: frozenset = frozenset()  # numbers of `existing` written without their zeros

    @property
    def default_start(self):
        return max(self.today, self.year.starts_on) if self.year else self.today


def _with_zeros_back(numbers, found, pupils_with_zeros):
    """{number as written: pupil} for the numbers in `numbers` not in `found` that a
    spreadsheet stripped of their leading zeros ("123" for "00123"): matched where exactly one
    of `pupils_with_zeros` (the school's pupils whose number starts with a zero) has that
    number with zeros before it; two such pupils leave the number unmatched."""
    stripped = {n for n in numbers if n not in found and n.isdigit()}
    if not stripped:
        return {}
    candidates = {}
    for pupil in pupils_with_zeros:
        candidates.setdefault(pupil.pupil_number.lstrip("0"), []).append(pupil)
    matched = {}
    for number in stripped:
        same = candidates.get(number.lstrip("0"), [])
        if len(same) == 1:
            matched[number] = same[0]
    return matched


def _zeros_note(row, pupil):
    row.messages.append(
        _("Pupil number “%(written)s” read as “%(number)s”: the leading zeros were missing.")
        % {"written": quoted(row.values["pupil_number"]), "number": pupil.pupil_number}
    )


def _pupil_context(school, columns, rows, today):
    year = SchoolYear.objects.filter(start_year=SchoolYear.start_year_of(today)).first()
    groups = Group.objects.filter(school=school, school_year=year).select_related("school_year")
    numbers = {
        _text(cells[columns["pupil_number"]])
        for _line, cells in rows
        if columns["pupil_number"] < len(cells)
    }
    existing = {
        p.pupil_number: p for p in Pupil.objects.filter(school=school, pupil_number__in=numbers)
    }
    # A number without its leading zeros names the pupil who has it with them, rather than a
    # new pupil beside them.
    padded = _with_zeros_back(
        numbers,
        existing,
        Pupil.objects.filter(school=school, pupil_number__startswith="0") if numbers else (),
    )
    existing.update(padded)
    running = Enrolment.objects.filter(
        pupil__in=existing.values(), starts_on__lte=today, ends_on__gte=today
    ).select_related("group")
    return _PupilContext(
        school=school,
        today=today,
        year=year,
        groups={group.name.lower(): group for group in groups},
        existing=existing,
        current_enrolment={e.pupil_id: e for e in running},
        padded=frozenset(padded),
    )


def plan_pupils(*, school, headers, rows, today=None):
    today = today or datetime.date.today()
    columns, problems = map_columns(headers, PUPIL_COLUMNS, "pupils")
    plan = Plan(kind="pupils", rows=[], problems=problems)
    if problems:
        return plan
    context = _pupil_context(school, columns, rows, today)
    seen = {}
    for line, cells in rows:
        row = Row(line=line, values=_pupil_values(cells, columns))
        plan.rows.append(row)
        if _is_repeat(row, seen):
            continue
        group, starts_on = _check_pupil_row(row, context)
        if row.status == ERROR:
            continue
        details = _pupil_details(row, columns, context)
        if details is not None:
            _plan_pupil(row, details, group, starts_on, context)
    return plan


def _pupil_values(cells, columns):
    """The row's cells as text, except a start date a spreadsheet gave as a date."""
    raw = _cells(cells, columns)
    values = {k: _text(v) for k, v in raw.items()}
    if isinstance(raw.get("starts_on"), datetime.date):
        values["starts_on"] = raw["starts_on"]
    return values


def _is_repeat(row, seen):
    """Whether the row's pupil number is empty or came earlier in the file (then the row is
    marked: the same details are a harmless repeat, other details an error)."""
    number = row.values["pupil_number"]
    if not number:
        row.fail(_("The pupil number is empty."))
        return True
    first = seen.get(number)
    if first is None:
        seen[number] = row
        return False
    if first.values == row.values:
        row.messages.append(_("Same as line %(line)d.") % {"line": first.line})
    else:
        row.fail(
            _("Pupil %(number)s is on line %(line)d too, with other details.")
            % {"number": quoted(number), "line": first.line}
        )
    return True


def _check_pupil_row(row, context):
    """Names, e-mail, group and start date of one row: (group, start date), errors on the row."""
    values = row.values
    for name in ("given_name", "family_name"):
        if not values[name]:
            row.fail(_("The %(column)s is empty.") % {"column": _column_label(name)})
    if values.get("email"):
        try:
            validate_email(values["email"])
        except ValidationError:
            row.fail(
                _("“%(email)s” is not an e-mail address.") % {"email": quoted(values["email"])}
            )
    group = context.groups.get(values["group"].lower())
    if group is None:
        year_name = context.year.name if context.year else context.today.year
        row.fail(
            _("There is no group “%(group)s” at this school in %(year)s.")
            % {"group": quoted(values["group"]), "year": year_name}
        )
    return group, _start_date(row, context)


def _start_date(row, context):
    if not row.values.get("starts_on"):
        return context.default_start
    try:
        starts_on = parse_date(row.values["starts_on"])
    except ValueError:
        row.fail(
            _("“%(date)s” is not a date (use dd-mm-yyyy).")
            % {"date": quoted(row.values["starts_on"])}
        )
        return context.default_start
    year = context.year
    if year and not year.starts_on <= starts_on <= year.ends_on:
        row.fail(_("The start date lies outside the school year %(year)s.") % {"year": year.name})
    return starts_on


def _pupil_details(row, columns, context):
    """The pupil's details as the row gives them, or None (and errors) where a field refuses."""
    values = row.values
    details = {
        "given_name": values["given_name"],
        "family_name_prefix": values.get("family_name_prefix", ""),
        "family_name": values["family_name"],
    }
    if "email" in columns:
        details["email"] = values.get("email", "").lower()
    candidate = Pupil(school=context.school, pupil_number=values["pupil_number"], **details)
    try:
        candidate.clean_fields(exclude=["school"])
    except ValidationError as error:
        for message in error.messages:
            row.fail(message)
        return None
    return details


def _plan_pupil(row, details, group, starts_on, context):
    """What the row will do: a new pupil, changed details or a move to another group."""
    pupil = context.existing.get(row.values["pupil_number"])
    if pupil is not None and row.values["pupil_number"] in context.padded:
        _zeros_note(row, pupil)
    if pupil is None:
        row.status = NEW
        row.changes = {"details": details, "group": group, "starts_on": starts_on}
        return
    row.target = pupil
    differ = {k: v for k, v in details.items() if getattr(pupil, k) != v}
    enrolment = context.current_enrolment.get(pupil.pk)
    move = enrolment is None or enrolment.group_id != group.pk
    if move and enrolment is not None and enrolment.starts_on >= starts_on:
        row.fail(
            _("The pupil is in %(group)s from %(date)s; give a later start date.")
            % {"group": enrolment.group.name, "date": enrolment.starts_on}
        )
        return
    if not (differ or move):
        return
    row.status = CHANGED
    row.changes = {
        "details": differ,
        "group": group if move else None,
        "starts_on": starts_on,
        "ends": enrolment if move else None,
    }
    described = [_column_label(k) for k in differ]
    if move:
        described.append(
            _("group %(old)s → %(new)s")
            % {"old": enrolment.group.name if enrolment else "—", "new": group.name}
        )
    row.messages.append(", ".join(described))


def _column_label(name):
    return {
        "given_name": _("given name"),
        "family_name": _("family name"),
        "family_name_prefix": _("prefix"),
        "email": _("e-mail"),
    }.get(name, name)


# Results -------------------------------------------------------------------------------------


@dataclass
class _ResultContext:
    """What every row of a results file is checked against, read once for the whole file."""

    pupils: dict  # {pupil number: Pupil of this school the user may enter results for}
    instruments_by_name: dict  # {name in lower case: [Instrument]}
    periods: dict  # {pupil id: [(starts on, ends on)] at this school}
    existing: dict  # {(pupil id, instrument id, date): Result}

    padded: frozenset = frozenset()  # numbers of `pupils` written without their zeros
    known: dict = field(default_factory=dict)  # {(pupil id, date): enrolled}, as answered
    instruments_named: dict = field(default_factory=dict)  # {(name, skill): (test, message)}

    def enrolled(self, pupil, day):
        """Whether the pupil was enrolled at this school on `day` (a file names each pupil and
        day once per test: each pair is worked out once)."""
        key = (pupil.pk, day)
        if key not in self.known:
            periods = self.periods.get(pupil.pk, [])
            self.known[key] = any(start <= day <= end for start, end in periods)
        return self.known[key]


def _result_context(school, user, parsed):
    numbers = {_text(values["pupil_number"]) for _line, values in parsed}
    # Pupils of this school now: a school the pupil left enters nothing for them.
    reachable = pupils_visible_to(user).filter(school=school, enrolments__group__school=school)
    pupils = {p.pupil_number: p for p in reachable.filter(pupil_number__in=numbers).distinct()}
    padded = _with_zeros_back(
        numbers, pupils, reachable.filter(pupil_number__startswith="0").distinct()
    )
    pupils.update(padded)
    instruments = list(instruments_for(school=school).prefetch_related("cut_scores", "aliases"))
    by_name = {}
    for instrument in instruments:
        # Its own name and the other names an administrator gave it, each once.
        names = {
            instrument.name.lower(),
            *(alias.name.lower() for alias in instrument.aliases.all()),
        }
        for name in names:
            by_name.setdefault(name, []).append(instrument)
    periods = {}
    for enrolment in Enrolment.objects.filter(pupil__in=pupils.values(), group__school=school):
        periods.setdefault(enrolment.pupil_id, []).append((enrolment.starts_on, enrolment.ends_on))
    # Only the dates the file names: a pupil's other results cannot be changed by it.
    results = Result.objects.filter(
        pupil__in=pupils.values(), instrument__in=instruments, assessed_on__in=_dates(parsed)
    ).order_by("entered_at", "pk")
    existing = {(r.pupil_id, r.instrument_id, r.assessed_on): r for r in results}
    return _ResultContext(pupils, by_name, periods, existing, padded=frozenset(padded))


def plan_results(*, school, user, headers, rows):
    columns, problems = map_columns(headers, RESULT_COLUMNS, "results")
    plan = Plan(kind="results", rows=[], problems=problems)
    if problems:
        return plan
    if "score" not in columns and "level" not in columns:
        plan.problems.append(_("Give a column “score” or a column “niveau” (level)."))
        return plan
    parsed = [(line, _cells(cells, columns)) for line, cells in rows]
    context = _result_context(school, user, parsed)
    seen = {}
    for line, raw in parsed:
        row = Row(line=line, values={k: _text(v) for k, v in raw.items()})
        plan.rows.append(row)
        pupil, instrument, day = _check_result_row(row, raw, context)
        if instrument is None or row.status == ERROR:
            continue
        score, level = _score_and_level(row, raw, instrument)
        if row.status == ERROR:
            continue
        key = (pupil.pk, instrument.pk, day)
        if _is_repeated_result(row, seen.get(key), score, level):
            continue
        row.changes = {
            "pupil": pupil,
            "instrument": instrument,
            "date": day,
            "score": score,
            "level": level,
        }
        seen[key] = row
        _compare_with_stored(row, context.existing.get(key), score, level)
    return plan


def planned_writes(plan):
    """What a results plan without errors writes, as ImportBatch.planned keeps it; None for a
    plan with errors (it writes nothing)."""
    if plan.has_errors:
        return None
    new, changed = [], []
    for row in plan.rows:
        values = row.changes
        score = None if values.get("score") is None else str(values["score"])
        if row.status == NEW:
            pupil, instrument, day = values["pupil"], values["instrument"], values["date"]
            new.append([pupil.pk, instrument.pk, day.isoformat(), score, int(values["level"])])
        elif row.status == CHANGED:
            changed.append([row.target.pk, row.target.version, score, int(values["level"])])
    return {"new": new, "changed": changed}


def _check_result_row(row, raw, context):
    """(pupil, instrument, date) of one row, each None where it cannot be used (with errors)."""
    pupil = context.pupils.get(row.values["pupil_number"])
    if pupil is not None and row.values["pupil_number"] in context.padded:
        _zeros_note(row, pupil)
    if pupil is None:
        row.fail(
            _("Pupil number “%(number)s” is not a pupil of this school that you teach.")
            % {"number": quoted(row.values["pupil_number"])}
        )
    instrument = _instrument(row, context.instruments_by_name, context.instruments_named)
    day = _result_date(row, raw)
    if pupil and day and not context.enrolled(pupil, day):
        row.fail(
            _("On %(date)s the pupil was not enrolled at this school.")
            % {"date": day.strftime("%d-%m-%Y")}
        )
    return pupil, instrument, day


def _result_date(row, raw):
    try:
        day = parse_date(raw["date"])
    except ValueError:
        row.fail(
            _("“%(date)s” is not a date (use dd-mm-yyyy).") % {"date": quoted(row.values["date"])}
        )
        return None
    try:
        check_assessed_on(day)
    except ValidationError as error:
        row.fail(" ".join(error.messages))
        return None
    return day


def _is_repeated_result(row, first, score, level):
    """Whether an earlier line gave this pupil, test and date: the same result is a harmless
    repeat, another one an error."""
    if first is None:
        return False
    if (first.changes["score"], first.changes["level"]) == (score, level):
        row.messages.append(_("Same as line %(line)d.") % {"line": first.line})
    else:
        row.fail(
            _("Line %(line)d gives this pupil another result for this test and date.")
            % {"line": first.line}
        )
    return True


def _compare_with_stored(row, current, score, level):
    if current is None:
        row.status = NEW
    elif (current.score, current.level) == (score, level):
        row.status = UNCHANGED
    else:
        row.status = CHANGED
        row.target = current
        shown_score = f" ({plain_number(current.score)})" if current.score is not None else ""
        row.messages.append(
            _("was %(level)s%(score)s")
            % {"level": current.get_level_display(), "score": shown_score}
        )


def _dates(parsed):
    """The dates a results file names that can be read (the others fail on their row)."""
    dates = set()
    for _line, values in parsed:
        try:
            dates.add(parse_date(values["date"]))
        except ValueError:
            continue
    return dates


def _instrument(row, by_name, known):
    """The test a row names, or None with the row failed. `known` keeps the answer for each
    name and skill as written: a file names the same few tests on every row."""
    name = row.values.get("instrument", "")
    skill_text = row.values.get("skill", "")
    key = (name, skill_text)
    if key not in known:
        known[key] = _find_instrument(name, skill_text, by_name)
    instrument, message = known[key]
    if message is not None:
        row.fail(message)
    return instrument


def _find_instrument(name, skill_text, by_name):
    """(instrument, None) or (None, the message why the name and skill name no single test)."""
    candidates = by_name.get(name.lower(), [])
    if normalise_header(skill_text):
        skill = SKILL_NAMES.get(normalise_header(skill_text))
        if skill is None:
            return None, _("“%(skill)s” is not a skill.") % {"skill": quoted(skill_text)}
        candidates = [i for i in candidates if i.skill == skill]
    if not candidates:
        return None, _("There is no test “%(name)s”%(skill)s at this school.") % {
            "name": quoted(name),
            "skill": f" ({quoted(skill_text)})" if normalise_header(skill_text) else "",
        }
    if len(candidates) > 1:
        return None, _("“%(name)s” exists for several skills: fill in the skill.") % {
            "name": quoted(name)
        }
    return candidates[0], None


def _score_and_level(row, raw, instrument):
    if instrument.is_scored:
        if raw.get("score") in (None, ""):
            row.fail(_("The score is empty."))
            return None, None
        try:
            score = parse_score(raw["score"], max_score=instrument.max_score)
        except ValidationError as error:
            row.fail(" ".join(error.messages))
            return None, None
        cuts = [(cut.level, cut.min_score) for cut in instrument.cut_scores.all()]
        return score, level_for_score(score, cuts)
    level = LEVEL_NAMES.get(normalise_header(raw.get("level", "")))
    if level is None:
        row.fail(
            _("“%(level)s” is not a level (below_a1, a1 … c2).")
            % {"level": quoted(row.values.get("level", ""))}
        )
        return None, None
    return None, level
