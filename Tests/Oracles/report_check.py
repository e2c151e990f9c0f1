"""Reads a `classify --report` page with Python's own HTML parser and Pillow, independently of Swift.

Usage: report_check.py REPORT.html
Prints JSON: {"thumbnails": [{"format", "width", "height", "mode"} per <img>, in page order],
"bad_sources": [img src values that are not data:image/jpeg;base64], "external": [any href/src/
url(...) pointing outside the page], "scripts": count of <script> elements, "event_handlers": [on*
attributes], "text": the page's visible text joined by newlines}.
Pillow decoding every thumbnail is the check that our TurboJPEG encoder writes files other
decoders accept.
"""
import base64
import io
import json
import re
import sys
from html.parser import HTMLParser

from PIL import Image

PREFIX = "data:image/jpeg;base64,"


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.thumbnails, self.bad_sources, self.external, self.handlers = [], [], [], []
        self.scripts, self.text, self.in_style = 0, [], False

    def handle_starttag(self, tag, attrs):
        self.scripts += tag == "script"
        self.in_style = tag == "style"
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(name)
            if name in ("href", "src", "srcset", "action", "poster") and value is not None:
                if tag == "img" and name == "src":
                    self.image(value)
                elif not value.startswith("#"):
                    self.external.append(value)

    def handle_endtag(self, tag):
        self.in_style = False

    def handle_data(self, data):
        if self.in_style:
            self.external += re.findall(r"url\(([^)]*)\)", data) + re.findall(r"@import[^;]*", data)
        elif data.strip():
            self.text.append(data.strip())

    def image(self, src):
        if not src.startswith(PREFIX):
            self.bad_sources.append(src[:80])
            return
        with Image.open(io.BytesIO(base64.b64decode(src[len(PREFIX):], validate=True))) as im:
            im.load()
            self.thumbnails.append({"format": im.format, "width": im.width, "height": im.height, "mode": im.mode})


page = Page()
with open(sys.argv[1], encoding="utf-8") as f:
    page.feed(f.read())
page.close()
json.dump({"thumbnails": page.thumbnails, "bad_sources": page.bad_sources, "external": page.external,
           "scripts": page.scripts, "event_handlers": page.handlers, "text": "\n".join(page.text)}, sys.stdout)
