"""A fake GOV.UK Notify API on 127.0.0.1, for testing the Notify adapter over real HTTP.

It checks the JSON Web Token the way Notify does (HS256, ``iss`` = the service id, ``iat``
within 30 seconds), validates the send-sms and send-email requests like Notify (a UK mobile, an
email address, a known template, every placeholder given), answers in Notify's formats
(https://docs.notifications.service.gov.uk/rest-api.html), and can be told to fail the next
requests with any of Notify's error responses.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"portal_test-{SERVICE_ID}-{SECRET}"
SMS_TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
EMAIL_TEMPLATE_ID = "5a9c2f8e-1d3b-4c6a-9e7f-0b1d2c3e4f5a"
INVITATION_SMS_TEMPLATE_ID = "0b6e1f4a-7c2d-4e8b-9a3f-5d1c2b3a4e6f"
INVITATION_EMAIL_TEMPLATE_ID = "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b"
STAFF_SMS_TEMPLATE_ID = "3c1f2e4d-6b5a-4c7e-8d9f-1a2b3c4d5e6f"
STAFF_EMAIL_TEMPLATE_ID = "7d6c5b4a-3e2f-4a1b-9c8d-7e6f5a4b3c2d"
PLACEHOLDERS = ("link", "stop_link")
# Staff messages (the risk pathway) have no stop link: they are work messages.
TEMPLATE_PLACEHOLDERS = {STAFF_SMS_TEMPLATE_ID: ("link",), STAFF_EMAIL_TEMPLATE_ID: ("link",)}
UK_MOBILE = re.compile(r"^(\+44|0044|0)7\d{9}$")


def error(status: int, kind: str, message: str) -> tuple[int, dict[str, Any]]:
    return status, {"status_code": status, "errors": [{"error": kind, "message": message}]}


# Notify's documented error responses, to queue with FakeNotify.fail_next().
RATE_LIMITED = error(429, "RateLimitError", "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds")
DAILY_LIMIT = error(429, "TooManyRequestsError", "Exceeded send limits (250000) for today")
SERVER_ERROR = error(500, "Exception", "Internal server error")
TEAM_ONLY_KEY = error(400, "BadRequestError", "Can't send to this recipient using a team-only API key")


@dataclass
class FakeNotify:
    base_url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)
    notifications: dict[str, dict[str, Any]] = field(default_factory=dict)
    failures: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    statuses: dict[str, str] = field(default_factory=dict)  # notification id -> status to report

    def fail_next(self, *responses: tuple[int, dict[str, Any]]) -> None:
        self.failures.extend(responses)

    @property
    def sent(self) -> list[dict[str, Any]]:
        return [r["body"] for r in self.requests if r["method"] == "POST"]


def _check_token(header: str) -> tuple[int, dict[str, Any]] | None:
    if not header.startswith("Bearer "):
        return error(401, "AuthError", "Unauthorized: authentication token must be provided")
    token = header.removeprefix("Bearer ")
    try:
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return error(403, "AuthError", "Invalid token: signature, api token is not valid")
    if unverified.get("iss") != SERVICE_ID:
        return error(403, "AuthError", "Invalid token: service not found")
    try:
        claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_iat": False})
    except jwt.PyJWTError:
        return error(403, "AuthError", "Invalid token: API key not found")
    if abs(time.time() - int(claims.get("iat", 0))) > 30:
        return error(403, "AuthError", "Error: Your system clock must be accurate to within 30 seconds")
    return None


def _validate(kind: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
    templates = ((SMS_TEMPLATE_ID, INVITATION_SMS_TEMPLATE_ID, STAFF_SMS_TEMPLATE_ID) if kind == "sms"
                 else (EMAIL_TEMPLATE_ID, INVITATION_EMAIL_TEMPLATE_ID, STAFF_EMAIL_TEMPLATE_ID))
    if body.get("template_id") not in templates:
        return error(400, "BadRequestError", "Template not found")
    if kind == "sms" and not UK_MOBILE.match(re.sub(r"\s", "", str(body.get("phone_number", "")))):
        return error(400, "ValidationError", "phone_number Not a UK mobile number")
    if kind == "email" and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", str(body.get("email_address", ""))):
        return error(400, "ValidationError", "email_address Not a valid email address")
    wanted = TEMPLATE_PLACEHOLDERS.get(str(body.get("template_id")), PLACEHOLDERS)
    missing = [p for p in wanted if p not in (body.get("personalisation") or {})]
    if missing:
        return error(400, "BadRequestError", f"Missing personalisation: {', '.join(missing)}")
    return None


def _handler(state: FakeNotify) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output quiet
            pass

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _common(self, method: str) -> tuple[int, dict[str, Any]] | None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}") if length else {}
            state.requests.append({"method": method, "path": self.path, "body": body,
                                   "user_agent": self.headers.get("User-agent", "")})
            problem = _check_token(self.headers.get("Authorization", ""))
            if problem is None and state.failures:
                problem = state.failures.pop(0)
            self.body = body
            return problem

        def do_POST(self) -> None:  # noqa: N802
            problem = self._common("POST")
            kind = {"/v2/notifications/sms": "sms", "/v2/notifications/email": "email"}.get(self.path)
            if problem is None and kind is None:
                problem = error(404, "ResourceNotFound", "Not found")
            if problem is None and kind is not None:
                problem = _validate(kind, self.body)
            if problem is not None:
                self._answer(*problem)
                return
            notification_id = str(uuid.uuid4())
            state.notifications[notification_id] = {"kind": kind, **self.body}
            template = {"id": self.body["template_id"], "version": 1,
                        "uri": f"{state.base_url}/v2/template/{self.body['template_id']}"}
            content: dict[str, Any] = ({"body": "…", "from_number": "NHS"} if kind == "sms"
                                       else {"body": "…", "subject": "…", "from_email": "portal@notifications.service.gov.uk",
                                             "one_click_unsubscribe_url": self.body.get("one_click_unsubscribe_url")})
            self._answer(201, {"id": notification_id, "reference": self.body.get("reference"), "content": content,
                               "uri": f"{state.base_url}/v2/notifications/{notification_id}", "template": template})

        def do_GET(self) -> None:  # noqa: N802
            problem = self._common("GET")
            match = re.fullmatch(r"/v2/notifications/([0-9a-f-]{36})", self.path)
            if problem is None and (match is None or match.group(1) not in state.notifications):
                problem = error(404, "NoResultFound", "No result found")
            if problem is not None:
                self._answer(*problem)
                return
            assert match is not None
            notification_id = match.group(1)
            stored = state.notifications[notification_id]
            self._answer(200, {"id": notification_id, "reference": stored.get("reference"),
                               "type": stored["kind"], "status": state.statuses.get(notification_id, "sending")})

    return Handler


def serve() -> Iterator[FakeNotify]:
    """Run the fake on a free port on 127.0.0.1 for as long as the generator is open."""
    state = FakeNotify()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.base_url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-notify",
                              daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
