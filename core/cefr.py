"""The CEFR vocabulary every part of TaalPad shares: the five skills and the ordered levels.

Levels are stored as small integers so that "at least B1" is a plain comparison in SQL;
the public codes (`b1`, `below_a1`, …) are what the API, exports and import files use.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Skill(models.TextChoices):
    LISTENING = "listening", _("Listening")
    READING = "reading", _("Reading")
    SPOKEN_INTERACTION = "spoken_interaction", _("Spoken interaction")
    SPOKEN_PRODUCTION = "spoken_production", _("Spoken production")
    WRITING = "writing", _("Writing")


class Level(models.IntegerChoices):
    BELOW_A1 = 0, _("below A1")
    A1 = 1, "A1"
    A2 = 2, "A2"
    B1 = 3, "B1"
    B2 = 4, "B2"
    C1 = 5, "C1"
    C2 = 6, "C2"

    @property
    def code(self):
        return self.name.lower()

    @classmethod
    def from_code(cls, code):
        """The level for a public code such as `b1`; ValueError for anything else."""
        try:
            return cls[str(code).strip().upper()]
        except KeyError:
            raise ValueError(f"unknown level code {code!r}") from None


class Sector(models.TextChoices):
    PRIMARY = "po", _("Primary education (po)")
    SECONDARY = "vo", _("Secondary education (vo)")
    VOCATIONAL = "mbo", _("Vocational education (mbo)")


class Track(models.TextChoices):
    PO = "po", _("primary")
    PRO = "pro", _("praktijkonderwijs")
    VMBO_BB = "vmbo-bb", _("vmbo basic")
    VMBO_KB = "vmbo-kb", _("vmbo advanced")
    VMBO_GT = "vmbo-gt", _("vmbo mixed/theoretical")
    HAVO = "havo", "havo"
    VWO = "vwo", "vwo"
    MBO = "mbo", "mbo"


# Highest year level per track: groups 1-8 in primary school, leerjaar 1-6 elsewhere.
MAX_YEAR_LEVEL = {
    Track.PO: 8,
    Track.PRO: 6,
    Track.VMBO_BB: 4,
    Track.VMBO_KB: 4,
    Track.VMBO_GT: 4,
    Track.HAVO: 5,
    Track.VWO: 6,
    Track.MBO: 4,
}

TRACKS_BY_SECTOR = {
    Sector.PRIMARY: [Track.PO],
    Sector.SECONDARY: [
        Track.PRO,
        Track.VMBO_BB,
        Track.VMBO_KB,
        Track.VMBO_GT,
        Track.HAVO,
        Track.VWO,
    ],
    Sector.VOCATIONAL: [Track.MBO],
}


def plain_number(value):
    """A score as people write it: 100, 13.5 (never 1E+2 or 13.50)."""
    if value is None:
        return ""
    return format(value.normalize(), "f")
