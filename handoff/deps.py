"""FastAPI dependencies, as Annotated aliases."""

from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from handoff.services import Services


def get_services(connection: HTTPConnection) -> Services:
    """The services the app created at startup."""
    return connection.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]
