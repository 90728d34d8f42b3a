"""An example of the company's records API (README, "Company records"), as the HTTP backend
expects it: GET /customers/{user_id}/records with a bearer token. Tests switch it to answer
slowly (until released) or with nonsense, and count the requests it gets."""

import asyncio
import secrets
from typing import Literal

from fastapi import FastAPI, Header, HTTPException, Response, status

from handoff.customers.records.model import CustomerRecords

Mode = Literal["up", "slow", "broken"]


class RecordsApi:
    """The example server's app and its switches."""

    def __init__(self, token: str, records: dict[str, CustomerRecords]) -> None:
        self.token = token
        self.records = records
        self.mode: Mode = "up"
        self.requests = 0
        self.port = 0  # where a test serves it
        self.released = asyncio.Event()  # a slow answer waits for it
        self.app = FastAPI()
        self.app.get("/customers/{user_id}/records")(self.customer_records)

    async def customer_records(
        self, user_id: str, authorization: str = Header(default="")
    ) -> Response:
        """The customer's records as JSON; 401 without the token; 404 for a stranger."""
        self.requests += 1
        sent = authorization.removeprefix("Bearer ")
        if not secrets.compare_digest(sent.encode(), self.token.encode()):
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Bearer token required.")
        if self.mode == "slow":
            await self.released.wait()
        if self.mode == "broken":
            return Response('{"transfers": "not a list"}', media_type="application/json")
        if user_id not in self.records:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "No such customer.")
        return Response(self.records[user_id].model_dump_json(), media_type="application/json")
