from html.parser import HTMLParser

import pytest

from knowledge_base.markdown import ALLOWED_TAGS, render

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    '[click](JaVaScRiPt:alert(1) "t")',
    "<a href='javascript:alert(1)'>x</a>",
    "<iframe src=https://evil.example></iframe>",
    '<div onmouseover="alert(1)">hover</div>',
    "![x](x onerror=alert(1))",
    "<svg><script>alert(1)</script></svg>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<style>body{display:none}</style>",
    "<<script>script>alert(1)<</script>/script>",
]


class TagCollector(HTMLParser):
    """Every element and attribute in a piece of HTML, as a browser would parse it."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))


@pytest.mark.parametrize("markdown", HOSTILE)
def test_hostile_markdown_renders_nothing_that_runs(markdown: str) -> None:
    collector = TagCollector()
    collector.feed(render(markdown))
    for tag, attributes in collector.elements:
        assert tag in ALLOWED_TAGS, tag
        assert not any(name.startswith("on") or name == "style" for name in attributes), attributes
        href = attributes.get("href", "").strip().lower()
        assert not href.startswith(("javascript:", "data:", "vbscript:")), href


def test_ordinary_markdown_keeps_its_structure() -> None:
    html = render(
        "### Steps\n\n1. Open **Profile**\n2. Tap [fees](fees)\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert "<h3>Steps</h3>" in html and "<strong>Profile</strong>" in html
    assert '<a href="fees" rel="noopener noreferrer nofollow">fees</a>' in html
    assert "<table>" in html and "<td>1</td>" in html
