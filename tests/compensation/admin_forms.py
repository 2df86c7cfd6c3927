"""Read an admin change form the way a browser does, to post it back with a few values changed."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormFields(HTMLParser):
    """Collect the submitted values of the admin's ``<form id="..._form">``: inputs, selects, textareas.

    Unchecked boxes, buttons and the inlines' ``__prefix__`` templates are left out, as a browser would.
    """

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {key: value or "" for key, value in attrs}
        if tag == "option":
            if self._select is not None and "selected" in attr:
                self.data[self._select].append(attr.get("value", ""))
            return
        if tag == "form" and attr.get("id", "").endswith("_form"):
            self._in_form = True
        name = attr.get("name")
        if not self._in_form or not name or "__prefix__" in name:
            return
        if tag == "input":
            kind = attr.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attr:
                return
            self.data.setdefault(name, []).append(attr.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select":
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "textarea":
            self._textarea = name
            self.data[name] = [""]

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea][0] += data


def form_data(response) -> dict[str, list[str]]:
    """Return the values an admin add/change page would post back unchanged (``{name: [values]}``)."""
    parser = _FormFields()
    parser.feed(response.content.decode())
    return parser.data


def add_inline_row(data: dict[str, list[str]], prefix: str, values: dict[str, str]) -> None:
    """Append one filled row to the inline formset ``prefix`` (e.g. ``offers``) of posted ``data``."""
    index = int(data[f"{prefix}-TOTAL_FORMS"][0])
    data[f"{prefix}-TOTAL_FORMS"] = [str(index + 1)]
    for name, value in values.items():
        data[f"{prefix}-{index}-{name}"] = [value]
