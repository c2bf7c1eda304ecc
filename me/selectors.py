"""Reads for the pupil's own pages."""

from core.cefr import Level
from exchanges.models import ExchangeActivity
from schools.selectors import pupil_results


def pupil_data(*, pupil):
    """Everything TaalPad holds about a pupil, as plain data (the AVG's right of access)."""
    user = pupil.user
    enrolments = pupil.enrolments.select_related("group__school", "group__school_year")
    exchanges = ExchangeActivity.objects.filter(participants=pupil).prefetch_related("partners")
    return {
        "pupil": {
            "pupil_number": pupil.pupil_number,
            "given_name": pupil.given_name,
            "family_name_prefix": pupil.family_name_prefix,
            "family_name": pupil.family_name,
            "email": pupil.email,
            "school": pupil.school.name,
        },
        "account": None
        if user is None
        else {
            "login": user.email,
            "name": user.name,
            "joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "language": user.preferred_language,
        },
        "enrolments": [
            {
                "school": e.group.school.name,
                "group": e.group.name,
                "school_year": e.group.school_year.name,
                "year_level": e.group.year_level,
                "track": e.group.track,
                "start": e.starts_on.isoformat(),
                "end": e.ends_on.isoformat(),
            }
            for e in enrolments.order_by("starts_on")
        ],
        "results": [
            {
                "date": r.assessed_on.isoformat(),
                "skill": r.skill,
                "instrument": r.instrument.name,
                "score": str(r.score) if r.score is not None else None,
                "level": Level(r.level).code,
                "entered_by": str(r.entered_by) if r.entered_by else None,
                "entered_at": r.entered_at.isoformat(),
            }
            for r in pupil_results(pupil=pupil).order_by("assessed_on", "entered_at", "pk")
        ],
        "exchanges": [
            {
                "title": a.title,
                "kind": a.kind,
                "start": a.starts_on.isoformat(),
                "end": a.ends_on.isoformat(),
                "partners": [f"{p.name}, {p.city}" for p in a.partners.all()],
            }
            for a in exchanges.order_by("starts_on")
        ],
        "self_assessments": [
            {
                "date": s.assessed_on.isoformat(),
                "skill": s.skill,
                "level": Level(s.level).code,
                "statements": s.statements,
            }
            for s in pupil.self_assessments.order_by("assessed_on", "pk")
        ],
    }
