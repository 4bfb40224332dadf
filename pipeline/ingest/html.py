"""HTML pages: main content only, headings and list items kept as their own lines."""

from __future__ import annotations

import re

import trafilatura
from lxml import html as lxml_html

from pipeline.ingest.text import decode_bytes

DROP_TAGS = ("script", "style", "noscript", "iframe", "nav", "header", "footer", "aside",
             "form", "button", "svg", "template", "object", "embed")
BLOCK_TAGS = ("p", "div", "section", "article", "main", "li", "h1", "h2", "h3", "h4", "h5",
              "h6", "tr", "br", "blockquote", "pre", "dd", "dt", "figcaption", "td", "th")
COOKIE_HINT = re.compile(r"cookie|consent|gdpr|banner", re.IGNORECASE)


def read_html(data: bytes) -> tuple[str, str]:
    """Return (markdown-ish text, encoding) of a page's main content."""
    markup, encoding = decode_bytes(data)
    text = trafilatura.extract(
        markup,
        output_format="markdown",
        include_formatting=True,
        include_links=False,
        include_images=False,
        include_tables=True,
        include_comments=False,
        favor_recall=True,
        deduplicate=False,
    )
    if not text or not text.strip():
        text = extract_plain_text(markup)
    return text, encoding


def extract_plain_text(markup: str) -> str:
    """Fallback for pages too small for trafilatura: visible text, one block per line."""
    if not markup.strip():
        return ""
    try:
        tree = lxml_html.fromstring(markup)
    except (ValueError, lxml_html.etree.ParserError):
        return ""
    for element in list(tree.iter(*DROP_TAGS)):
        element.drop_tree()
    for element in list(tree.iter()):
        attributes = " ".join(str(element.get(a, "")) for a in ("id", "class", "role"))
        if element.getparent() is not None and COOKIE_HINT.search(attributes):
            element.drop_tree()
    lines = []
    for element in tree.iter(*BLOCK_TAGS):
        own = (element.text or "").strip()
        if element.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            own = element.text_content().strip()
            if own:
                lines.append("#" * int(element.tag[1]) + " " + own)
            continue
        if element.tag == "li":
            own = element.text_content().strip()
            if own:
                lines.append("- " + own)
            continue
        if own:
            lines.append(own)
        for child in element:
            tail = (child.tail or "").strip()
            if tail and child.tag not in BLOCK_TAGS:
                lines.append(tail)
    return "\n\n".join(lines)
