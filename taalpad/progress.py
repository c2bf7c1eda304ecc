"""The progress layer: the only code that computes figures toward a target.

Pages, the API, exports, charts and the report all take their numbers from here.
"""

import datetime

from schools.models import Target


def default_target(on=None):
    """The target a page shows unless another is chosen: the next deadline from `on`,
    else the latest one that has passed."""
    on = on or datetime.date.today()
    upcoming = Target.objects.filter(deadline__gte=on).order_by("deadline", "pk").first()
    return upcoming or Target.objects.order_by("-deadline", "-pk").first()


def meets_target(levels, target):
    """Whether a pupil's current levels ({skill: level}) reach the target in every required
    skill. A skill without a result does not."""
    return all(levels.get(skill, -1) >= target.threshold for skill in target.required_skills)
