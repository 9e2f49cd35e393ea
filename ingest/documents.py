"""Readers for one-document-per-file formats: plain text, Markdown, HTML.

Each returns a raw row (see `ingest.assemble.RAW`) with title and body as found; cleaning and
composing the final text happen for all rows at once in `ingest.assemble`.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

from ingest.decode import decode_bytes
from ingest.discover import Input
from ingest.files import Problem, load_bytes

# Fewer words than this after boilerplate removal is navigation or a stub, not an article.
MIN_ARTICLE_WORDS = 10

logging.getLogger("trafilatura").setLevel(logging.ERROR)  # it warns on every odd page


def read_document(item: Input, max_file_bytes: int) -> dict[str, Any] | Problem:
    data = load_bytes(item.path, item.relpath, max_file_bytes)
    if isinstance(data, Problem):
        return data
    text = decode_bytes(data)
    if item.fmt == "html":
        return _html(item, text)
    if item.fmt == "md":
        return _markdown(item, text)
    # The title of a plain-text file is its first non-empty line, taken after cleaning.
    return raw_row(item, title=None, body=text)


def raw_row(item: Input, *, title: str | None, body: str, **metadata: Any) -> dict[str, Any]:
    return {
        "doc_id": item.relpath,
        "source": metadata.get("source"),
        "url": metadata.get("url"),
        "title": title,
        "body": body,
        "published_date": metadata.get("published_date"),
        "source_ref": item.relpath,
        "format": item.fmt,
    }


# --- HTML -----------------------------------------------------------------------------------


def _html(item: Input, html: str) -> dict[str, Any] | Problem:
    # imported here, not with the module: trafilatura and what it imports (lxml, htmldate,
    # courlan, urllib3) cost every run ~0.1-0.2 s of start-up, and only HTML input needs them
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
            with_metadata=True,
            # Dates from the page's markup only; guessing from the body is the extractor's job.
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as err:  # trafilatura/lxml raise many types on broken markup
        return Problem(item.relpath, "no_article_text",
                       f"{item.relpath} could not be parsed as HTML ({type(err).__name__}).")
    body = doc.text if doc is not None and doc.text else ""
    if doc is None or len(re.findall(r"\w+", body)) < MIN_ARTICLE_WORDS:
        return Problem(item.relpath, "no_article_text",
                       f"{item.relpath} is an HTML page without article text (only scripts, navigation "
                       "or boilerplate were found).")
    # trafilatura puts one block element per line; the extractor expects paragraphs split by "\n\n".
    body = re.sub(r"\n+", "\n\n", body)
    return raw_row(item, title=doc.title, body=body, source=doc.sitename, url=doc.url,
                   published_date=_iso_date(doc.date))


def _iso_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


# --- Markdown -------------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_FRONT_FIELD = re.compile(r"^(title|date|published|url|source)[ \t]*:[ \t]*(.+?)[ \t]*$", re.M | re.I)
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.M)
_MARKUP: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^[ \t]*(?:```|~~~).*$", re.M), ""),  # code fences
    (re.compile(r"^[ \t]{0,3}\[[^\]]+\]:[ \t]*\S+.*$", re.M), ""),  # link reference definitions
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # [text](url)
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # [text][ref]
    (re.compile(r"<(https?://[^>\s]+)>"), r"\1"),  # autolinks
    (re.compile(r"</?[A-Za-z][^>\n]*>"), ""),  # inline HTML tags
    (re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.M), r"\1"),  # ATX headings
    (re.compile(r"^[ \t]{0,3}(?:[-*_][ \t]*){3,}$", re.M), ""),  # rules, setext underlines
    (re.compile(r"^[ \t]{0,3}=+[ \t]*$", re.M), ""),
    (re.compile(r"^[ \t]{0,3}>[ \t]?", re.M), ""),  # block quotes
    (re.compile(r"^([ \t]*)[*+][ \t]+", re.M), r"\1- "),  # bullets, one style
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # strong
    (re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])"), r"\2"),  # emphasis
    (re.compile(r"`([^`\n]+)`"), r"\1"),  # inline code
)


def markdown_to_text(markdown: str) -> str:
    for pattern, replacement in _MARKUP:
        markdown = pattern.sub(replacement, markdown)
    return markdown


def _markdown(item: Input, markdown: str) -> dict[str, Any]:
    fields: dict[str, str] = {}
    front = _FRONT_MATTER.match(markdown)
    if front:
        fields = {k.lower(): v.strip("\"'") for k, v in _FRONT_FIELD.findall(front.group(1))}
        markdown = markdown[front.end():]
    heading = _HEADING.search(markdown)
    title = fields.get("title") or (markdown_to_text(heading.group(1)) if heading else None)
    return raw_row(item, title=title, body=markdown_to_text(markdown), source=fields.get("source"),
                   url=fields.get("url"), published_date=_iso_date(fields.get("date") or fields.get("published")))
