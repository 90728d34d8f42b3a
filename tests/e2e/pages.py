"""Driving the pages in a browser: the widget as a customer, the staff login as staff."""

from playwright.async_api import Locator, Page


async def send(page: Page, text: str) -> None:
    """Type a message in the widget and send it."""
    await page.get_by_test_id("baton-input").fill(text)
    await page.get_by_test_id("baton-send").click()


def messages(page: Page, sender: str) -> Locator:
    """The widget's messages from one sender."""
    return page.locator(f'[data-testid="baton-message"][data-sender="{sender}"]')


async def log_in(page: Page, path: str, name: str, password: str) -> None:
    """Open a staff page, be sent to the login form, and log in (back on the page after)."""
    await page.goto(path)
    await page.wait_for_url(f"**/login?next={path}")
    await page.fill("#name", name)
    await page.fill("#password", password)
    await page.click("button[type=submit]")
