"""Prometheus's scrape of this hub process: a bearer token (BATON_METRICS_TOKEN) if one is
set, else loopback clients only."""

import ipaddress
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status

from handoff import metrics
from handoff.api.deps import ServicesDep

router = APIRouter(tags=["metrics"])


def is_loopback(host: str) -> bool:
    """Whether a client address is this machine's loopback (IPv4, IPv6 or IPv4-mapped)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or bool(mapped and mapped.is_loopback)


async def require_scraper(request: Request, services: ServicesDep) -> None:
    """401 without the metrics token when one is set; 403 for a non-loopback client when not."""
    expected = services.settings.metrics_token.get_secret_value()
    if expected:
        scheme, _, sent = request.headers.get("Authorization", "").partition(" ")
        right = secrets.compare_digest(sent.encode(), expected.encode())
        if scheme.lower() != "bearer" or not right:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "Metrics token required.",
                headers={"WWW-Authenticate": "Bearer"},
            )
    elif not (request.client and is_loopback(request.client.host)):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Metrics answer loopback clients only.")


Scraper = Annotated[None, Depends(require_scraper)]


@router.get("/metrics", include_in_schema=False)
async def scrape(_: Scraper, services: ServicesDep) -> Response:
    """This hub's metrics, and the queue's length as Redis has it now."""
    languages = services.settings.supported_languages
    body = await metrics.exposition(services.redis, languages)
    return Response(body, media_type=metrics.MEDIA_TYPE)
