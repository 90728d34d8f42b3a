"""The public help centre, on the hub in process: a page per published article."""

from tests.support import InProcessHub


async def test_a_published_article_has_a_page_rendered_and_sanitised(
    hub_with_articles: InProcessHub,
) -> None:
    response = await hub_with_articles.client().get("/help/en/reset-password")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "<h1>Resetting &lt;your&gt; password</h1>" in page
    assert "<strong>Forgot password</strong>" in page
    assert "<script" not in page
    assert '<html lang="en">' in page
    assert "script-src 'self'" in response.headers["content-security-policy"]


async def test_drafts_and_unknown_articles_are_not_found(hub_with_articles: InProcessHub) -> None:
    visitor = hub_with_articles.client()
    assert (await visitor.get("/help/en/fees")).status_code == 404  # a draft
    assert (await visitor.get("/help/ko/reset-password")).status_code == 404
    assert (await visitor.get("/help/en/no-such-article")).status_code == 404
    assert (await visitor.get("/help/english/reset-password")).status_code == 422
    assert (await visitor.get("/help/en/Bad_Slug")).status_code == 422
