"""The signed-in person, read in one query on every request: the user with what decides their
roles (the municipality record, the pupil record with its school, the school memberships with
their schools). The ORM would need two queries (a membership list cannot be joined to one
row) and spends more time composing them than the database spends answering; the statement
here is composed once per process from the models' own metadata, and its rows are turned into
the same model instances `select_related` and a membership list would give.

Where the cache is shared by every app server (Redis), the rows are kept there too, so that a
request reads the person with the same round trip as the session rather than a query. What is
kept is checked against two versions read in the same round trip: the person's own (moved on by
every save or delete of their account, memberships, municipality or pupil record) and everyone's
(moved on by any change to a school, and by bulk writes of pupils, which send no model
signals: `forget_everyone`). A version moves when the write happens and again when it commits,
so rows another process read before the commit are never used after it. The password hash is
not kept: the session is checked against the value Django derives from it, kept instead.
"""

from functools import cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections, router
from django.db.models.signals import post_delete, post_init, post_save

from accounts.models import Membership, MunicipalityMember
from accounts.roles import remember_memberships
from core.kept import kept, move_on


@cache
def _plan():
    """The statement, and per joined model: (model, attribute names, first column, width)."""
    user_model = get_user_model()
    pupil_rel = user_model._meta.get_field("pupil")  # the reverse one-to-one of schools.Pupil
    pupil_model = pupil_rel.related_model
    school_model = Membership._meta.get_field("school").related_model
    quote = connections["default"].ops.quote_name
    parts = [
        ("u", user_model),
        ("mm", MunicipalityMember),
        ("p", pupil_model),
        ("ps", school_model),
        ("m", Membership),
        ("ms", school_model),
    ]
    selected, layout, start = [], {}, 0
    for alias, model in parts:
        fields = model._meta.concrete_fields
        names = [field.attname for field in fields]
        selected += [f"{alias}.{quote(field.column)}" for field in fields]
        layout[alias] = (model, names, start, len(names))
        start += len(names)

    def table(model):
        return quote(model._meta.db_table)

    def column(model, name):
        return quote(model._meta.get_field(name).column)

    pk = quote(user_model._meta.pk.column)
    sql = (
        f"SELECT {', '.join(selected)} FROM {table(user_model)} u"
        f" LEFT JOIN {table(MunicipalityMember)} mm"
        f" ON mm.{column(MunicipalityMember, 'user')} = u.{pk}"
        f" LEFT JOIN {table(pupil_model)} p ON p.{quote(pupil_rel.field.column)} = u.{pk}"
        f" LEFT JOIN {table(school_model)} ps"
        f" ON ps.{quote(school_model._meta.pk.column)} = p.{column(pupil_model, 'school')}"
        f" LEFT JOIN {table(Membership)} m ON m.{column(Membership, 'user')} = u.{pk}"
        f" LEFT JOIN {table(school_model)} ms"
        f" ON ms.{quote(school_model._meta.pk.column)} = m.{column(Membership, 'school')}"
        f" WHERE u.{pk} = %s"
        f" ORDER BY ms.{column(school_model, 'name')}, m.{quote(Membership._meta.pk.column)}"
    )
    return sql, layout, pupil_rel


def _instance(layout, alias, row, db):
    model, names, start, width = layout[alias]
    values = row[start : start + width]
    if values[0] is None:  # the primary key: no such row joined
        return None
    return model.from_db(db, names, values)


EVERYONE_KEY = "taalpad:identity-version"
# Where a user read from kept rows carries the session's check value (taalpad.models.User).
KEPT_SESSION_CHECK = "_kept_session_auth_hash"
KEPT_SECONDS = 600
# A version that has expired is replaced by a new one, which no kept rows match.
VERSION_SECONDS = 24 * 60 * 60


def _own_key(user_id):
    return f"taalpad:identity-version:{user_id}"


def _rows_key(user_id):
    return f"taalpad:identity:{user_id}"


def _query(user_id, db):
    sql, _layout, _rel = _plan()
    with connections[db].cursor() as cursor:
        cursor.execute(sql, [user_id])
        rows = cursor.fetchall()
    convert = _converters(db)
    return [tuple(convert(row, connections[db])) for row in rows]


def _password_column():
    _sql, layout, _rel = _plan()
    _model, names, start, _width = layout["u"]
    return start + names.index("password")


def _without_password(user_id, db):
    """The rows with the password hash left out, and the session's check value made from it:
    the shared cache never holds a password hash."""
    rows = _query(user_id, db)
    if not rows:
        return rows, None
    column = _password_column()
    check = get_user_model()(password=rows[0][column]).get_session_auth_hash()
    return [(*row[:column], None, *row[column + 1 :]) for row in rows], check


def _kept_rows(user_id, db):
    return kept(
        _rows_key(user_id),
        [EVERYONE_KEY, _own_key(user_id)],
        lambda: _without_password(user_id, db),
        KEPT_SECONDS,
        version_seconds=VERSION_SECONDS,
    )


def _kept_user(layout, row, db, check):
    """The user from kept rows: the password is a deferred field (read from the database if
    anything asks for it; a save leaves it alone) and the session is checked by the value
    kept beside the rows."""
    model, names, start, width = layout["u"]
    column = names.index("password")
    values = row[start : start + width]
    user = model.from_db(
        db, names[:column] + names[column + 1 :], (*values[:column], *values[column + 1 :])
    )
    user.__dict__[KEPT_SESSION_CHECK] = check
    return user


def load_user(user_id):
    """The user with pk `user_id` and what decides their roles, in one query (or none, when
    kept); None if absent. `accounts.roles` reads the memberships, the municipality record and
    the pupil record from what is attached here without asking the database again."""
    user_model = get_user_model()
    db = router.db_for_read(user_model)
    _sql, layout, pupil_rel = _plan()
    if settings.TAALPAD_KEEP_IDENTITIES:
        rows, check = _kept_rows(user_id, db)
        if not rows:
            return None
        user = _kept_user(layout, rows[0], db, check)
    else:
        rows = _query(user_id, db)
        if not rows:
            return None
        user = _instance(layout, "u", rows[0], db)
    first = rows[0]
    member = _instance(layout, "mm", first, db)
    pupil = _instance(layout, "p", first, db)
    user_model._meta.get_field("municipality_member").set_cached_value(user, member)
    pupil_rel.set_cached_value(user, pupil)
    if member is not None:
        MunicipalityMember._meta.get_field("user").set_cached_value(member, user)
    if pupil is not None:
        pupil_rel.field.set_cached_value(pupil, user)
        school_field = pupil_rel.related_model._meta.get_field("school")
        school_field.set_cached_value(pupil, _instance(layout, "ps", first, db))
    memberships = []
    for row in rows:
        membership = _instance(layout, "m", row, db)
        if membership is None:
            continue
        Membership._meta.get_field("school").set_cached_value(
            membership, _instance(layout, "ms", row, db)
        )
        Membership._meta.get_field("user").set_cached_value(membership, user)
        memberships.append(membership)
    remember_memberships(user, memberships)
    return user


@cache
def _converters(db):
    """Database values as the model fields hold them (SQLite returns datetimes as text; the
    fields' and the backend's own converters turn them back, as the ORM does)."""
    connection = connections[db]
    _sql, layout, _rel = _plan()
    per_column = []
    for index, field in enumerate(
        field for model, *_rest in layout.values() for field in model._meta.concrete_fields
    ):
        expression = field.get_col(field.model._meta.db_table)
        found = connection.ops.get_db_converters(expression) + expression.get_db_converters(
            connection
        )
        if found:
            per_column.append((index, expression, found))

    def convert(row, connection):
        row = list(row)
        for index, expression, found in per_column:
            for converter in found:
                row[index] = converter(row[index], expression, connection)
        return row

    return convert


def forget_person(user_id):
    """Kept rows of this person are not used again (now, and after the write commits)."""
    if user_id is not None:
        move_on(_own_key(user_id), version_seconds=VERSION_SECONDS)


def forget_everyone():
    """No kept rows are used again: for writes no model signal reports (bulk updates)."""
    move_on(EVERYONE_KEY, version_seconds=VERSION_SECONDS)


def _person_changed(sender, instance, **kwargs):
    forget_person(instance.pk if sender is get_user_model() else instance.user_id)
    previous = instance.__dict__.get("_identity_loaded_user_id")  # a record given to another
    if previous is not None and previous != instance.__dict__.get("user_id"):
        forget_person(previous)


def _remember_loaded_user(sender, instance, **kwargs):
    # Read from the instance's own dict: a deferred user_id is not fetched for this.
    instance.__dict__["_identity_loaded_user_id"] = instance.__dict__.get("user_id")


def _everyone_changed(sender, **kwargs):
    forget_everyone()


def connect():
    """Every record the statement reads tells the kept rows when it changes."""
    user_model = get_user_model()
    pupil_model = user_model._meta.get_field("pupil").related_model
    school_model = Membership._meta.get_field("school").related_model
    for model in (user_model, Membership, MunicipalityMember, pupil_model):
        uid = f"identity-{model._meta.label}"
        post_save.connect(_person_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_person_changed, sender=model, dispatch_uid=uid)
    for model in (Membership, MunicipalityMember, pupil_model):
        post_init.connect(_remember_loaded_user, sender=model, dispatch_uid=f"identity-{model}")
    uid = f"identity-{school_model._meta.label}"
    post_save.connect(_everyone_changed, sender=school_model, dispatch_uid=uid)
    post_delete.connect(_everyone_changed, sender=school_model, dispatch_uid=uid)
