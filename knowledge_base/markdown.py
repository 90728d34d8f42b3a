"""Markdown to safe HTML: rendered by markdown-it-py, then sanitised by nh3 (Ammonia)."""

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}

# Raw HTML in Markdown is not rendered at all; nh3 then removes whatever else is unsafe.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["table", "strikethrough"]
)


def render(markdown: str) -> str:
    """Safe HTML for a Markdown text: no script, no event handler, no javascript: link."""
    return nh3.clean(
        _markdown.render(markdown),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
