"""
Admin forms filled in as a browser does: the change page is fetched, every
field of its main form read back from the HTML, some values changed, and
the whole form posted. Text areas go back with "\r\n" line endings, as
every browser sends them (HTML's form submission algorithm).
"""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    """The fields of an admin change form, as a browser would send them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields = []  # (name, value) pairs, repeated for multiple values.
        self.textareas = set()
        self._in_form = False
        self._done = False
        self._select = None
        self._select_multiple = False
        self._options = []
        self._textarea = None
        self._text = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._done:
            return
        # The admin's change form, not the logout form in its header.
        if tag == "form" and attrs.get("id", "").endswith("_form"):
            self._in_form = True
            return
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.fields.append((name, attrs.get("value", default)))
        elif tag == "select" and name:
            self._select = name
            self._select_multiple = "multiple" in attrs
            self._options = []
        elif tag == "option" and self._select is not None:
            self._options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea" and name:
            self._textarea = name
            self._text = []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form" and self._in_form:
            self._in_form, self._done = False, True
        elif tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not self._select_multiple and self._options:
                chosen = [self._options[0][0]]
            self.fields += [(self._select, value) for value in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            # A browser drops one newline straight after <textarea>.
            if text.startswith("\n"):
                text = text[1:]
            self.fields.append((self._textarea, text))
            self.textareas.add(self._textarea)
            self._textarea = None


class BrowserForm:
    """An admin change form as read from its page; change values, then post()."""

    def __init__(self, client, url):
        self.client, self.url = client, url
        response = client.get(url)
        if response.status_code != 200:
            raise AssertionError(f"GET {url} answered {response.status_code}")
        reader = _FormReader()
        reader.feed(response.content.decode())
        self.textareas = reader.textareas
        self.values = {}
        for name, value in reader.fields:
            self.values.setdefault(name, []).append(value)

    def __getitem__(self, name):
        return self.values[name][0]

    def __setitem__(self, name, value):
        self.values[name] = value if isinstance(value, list) else [str(value)]

    def names(self, prefix):
        return [name for name in self.values if name.startswith(prefix)]

    def post(self, button="_save"):
        data = {}
        for name, values in self.values.items():
            if name in self.textareas:
                values = [v.replace("\r\n", "\n").replace("\n", "\r\n") for v in values]
            data[name] = values
        data[button] = "Save"
        return self.client.post(self.url, data)
