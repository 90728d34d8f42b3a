"""Driving the widget in a browser page, as a customer would."""

from playwright.async_api import Locator, Page


async def send(page: Page, text: str) -> None:
    """Type a message in the widget and send it."""
    await page.get_by_test_id("baton-input").fill(text)
    await page.get_by_test_id("baton-send").click()


def messages(page: Page, sender: str) -> Locator:
    """The widget's messages from one sender."""
    return page.locator(f'[data-testid="baton-message"][data-sender="{sender}"]')
