"""A persona's walk through the app: every page it can reach by following links, and every form
on those pages. Used by the tests that prove no request answers with a server error.

The walk keeps a few pages per URL pattern (`PER_PATTERN`): the tenth pupil page tells nothing
the second did not, and the walk stays within seconds.
"""

import dataclasses
from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from django.urls import Resolver404, resolve

PER_PATTERN = 2
# Links that end the persona's session or only switch the language.
SKIPPED_PREFIXES = ("/accounts/logout", "/i18n/", "/static/", "/api/docs", "/api/schema")


@dataclasses.dataclass
class Form:
    page: str
    action: str
    method: str
    # [(name, kind, default value, options)]: options are the values of a select or the
    # values of a group of checkboxes/radios.
    fields: list

    def defaults(self):
        """The values a person who changes nothing would send (ticking the first box of each
        group on a GET form, so that the page behind a choice is reached)."""
        data = {}
        for name, kind, value, options in self.fields:
            if kind in ("checkbox", "radio"):
                if value is not None:
                    data.setdefault(name, []).append(value)
                elif self.method == "get" and options and name not in data:
                    data[name] = [options[0]]
            elif kind == "select":
                data[name] = [value if value is not None else (options[0] if options else "")]
            elif kind not in ("file", "submit", "button", "reset", "image"):
                data[name] = [value or ""]
        return data

    def typed_fields(self):
        """Names a person can type or choose a value for (every field but buttons and files)."""
        seen = []
        for name, kind, _value, _options in self.fields:
            if kind in ("file", "submit", "button", "reset", "image"):
                continue
            if name not in seen and name != "csrfmiddlewaretoken":
                seen.append(name)
        return seen

    @property
    def key(self):
        if urlsplit(self.action).path.startswith("/admin/"):
            return (pattern_of(self.action), self.method)
        return (pattern_of(self.action), self.method, tuple(sorted(self.typed_fields())))


class _PageParser(HTMLParser):
    def __init__(self, page):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.links = []
        self.forms = []
        self._form = None
        self._select = None
        self._textarea = None

    # Where each tag keeps the address it links to.
    LINK_ATTRIBUTES = {
        "a": "href",
        "img": "src",
        "script": "src",
        "source": "src",
        "object": "data",
    }

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get(self.LINK_ATTRIBUTES.get(tag, "")):
            self.links.append(attrs[self.LINK_ATTRIBUTES[tag]])
        elif tag == "option" and self._select is not None:
            self._select[3].append(attrs.get("value", ""))
            if "selected" in attrs:
                self._select[2] = attrs.get("value", "")
        elif tag == "form":
            self._form = Form(
                page=self.page,
                action=urljoin(self.page, attrs.get("action") or self.page),
                method=(attrs.get("method") or "get").lower(),
                fields=[],
            )
            self.forms.append(self._form)
        elif self._form is not None and attrs.get("name"):
            self._field(tag, attrs)

    def _field(self, tag, attrs):
        """A named field of the form being read."""
        if tag == "input":
            self._input(attrs)
        elif tag == "select":
            self._select = [attrs["name"], "select", None, []]
            self._form.fields.append(self._select)
        elif tag == "textarea":
            self._textarea = [attrs["name"], "textarea", "", []]
            self._form.fields.append(self._textarea)
        elif tag == "button" and attrs.get("value") is not None:
            self._form.fields.append([attrs["name"], "submit", attrs["value"], []])

    def _input(self, attrs):
        kind = (attrs.get("type") or "text").lower()
        value = attrs.get("value")
        if kind in ("checkbox", "radio"):
            for field in self._form.fields:
                if field[0] == attrs["name"] and field[1] == kind:
                    field[3].append(value or "on")
            options = [value or "on"]
            self._form.fields.append(
                [attrs["name"], kind, (value or "on") if "checked" in attrs else None, options]
            )
        else:
            self._form.fields.append([attrs["name"], kind, value or "", []])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[2] += data

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def parse_page(page, html):
    parser = _PageParser(page)
    parser.feed(html)
    return parser.links, parser.forms


def pattern_of(url):
    """The URL pattern a URL resolves to, with the names of its query parameters."""
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        name = parts.path
    else:
        # Ids are alike; a text part (which table, which format, which chart) is not.
        texts = sorted(
            (k, v) for k, v in match.kwargs.items() if isinstance(v, str) and not v.isdigit()
        )
        name = f"{match.route}{texts}"
    if parts.path.startswith("/admin/"):
        # The admin's filters and popups are Django's own: one page per view is enough.
        return name
    return name + "?" + "&".join(sorted({k for k, _v in parse_qsl(parts.query)}))


def local(url, base):
    """The path and query of a link within the app, or None for other sites and fragments."""
    absolute = urljoin(base, url)
    parts = urlsplit(absolute)
    if parts.scheme not in ("http", "") or parts.netloc not in ("", "testserver"):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if not parts.path.startswith("/") or parts.path.startswith(SKIPPED_PREFIXES):
        return None
    return path


@dataclasses.dataclass
class Visit:
    url: str
    status: int
    content_type: str


def walk(client, start="/", *, per_pattern=PER_PATTERN, limit=600):
    """Follows every link from `start` (GET only), and submits each GET form once with its
    defaults. Returns (visits, forms found), forms once per action, method and fields."""
    queue, seen, per = deque([start]), {start}, {}
    visits, forms = [], {}
    while queue and len(visits) < limit:
        url = queue.popleft()
        response = client.get(url, follow=False)
        content_type = response.get("Content-Type", "")
        visits.append(Visit(url, response.status_code, content_type))
        found = []
        if response.status_code in (301, 302, 303, 307, 308):
            found.append(response["Location"])
        elif content_type.startswith("text/html") and response.status_code < 500:
            links, page_forms = parse_page(url, response.content.decode("utf-8", "replace"))
            found.extend(links)
            for form in page_forms:
                if local(form.action, url) is None:
                    continue
                forms.setdefault(form.key, form)
                if form.method == "get":
                    found.append(form.action.split("?")[0] + "?" + urlencode(form.defaults(), True))
        for link in found:
            target = local(link, url)
            if target is None or target in seen:
                continue
            pattern = pattern_of(target)
            if per.get(pattern, 0) >= per_pattern:
                continue
            per[pattern] = per.get(pattern, 0) + 1
            seen.add(target)
            queue.append(target)
    return visits, list(forms.values())
