"""An article's short answer, as the bot gives it."""

from knowledge_base.articles import Article


def test_the_short_answer_is_the_first_paragraph_in_plain_text() -> None:
    article = Article(
        slug="fees",
        language="en",
        title="Fees",
        body="> Go to Settings > Security: **$2.99** — see [our fees](fees).\n\n### Details\nMore.",
    )
    assert article.short_answer == "Go to Settings > Security: $2.99 — see our fees."
