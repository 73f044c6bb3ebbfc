"""Mail: building the messages (stdlib ``email``) and sending them over SMTP (stdlib ``smtplib``).

``Mailer`` keeps one SMTP connection (plain, STARTTLS or implicit TLS; login from the environment's credentials)
and sends one message at a time in the steps of RFC 5321: MAIL, RCPT, DATA, the message, then the end-of-data
dot. It calls ``before_commit()`` between the message and the dot: until the dot is sent no server may deliver
the message (a connection lost during DATA aborts the transaction), so everything before that point is safe to
retry; from the dot until we have read the server's 250 the server may have accepted a message we cannot record.
``copydesk.newsletter.send`` writes that boundary into the send log.

Also used for any other mail the site sends (the confirmation mail; later, mails to a reader who reported an
inaccuracy).
"""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from datetime import datetime, timezone

from copydesk.errors import MailError, describe

__all__ = ["SmtpOptions", "Mailer", "build_message", "wire_bytes"]

#: Serialisation of outgoing mail: CRLF line ends; long headers (a List-Unsubscribe URL) kept whole up to RFC 5322's
#: 998-character line limit rather than folded into encoded words that mail clients would not parse as a URL.
WIRE_POLICY = policy.SMTPUTF8.clone(max_line_length=998)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


@dataclass(frozen=True, slots=True)
class SmtpOptions:
    host: str
    port: int
    security: str  # none | starttls | tls
    username: str
    password: str
    timeout_s: float

    @classmethod
    def from_settings(cls, settings) -> "SmtpOptions":
        s = settings.smtp
        return cls(
            s.host,
            s.port,
            s.security,
            s.username,
            s.password.get_secret_value() if s.password is not None else "",
            s.timeout_s,
        )


def _header(value: str) -> str:
    return _CONTROL.sub(" ", value).strip()


def build_message(
    *,
    from_address: str,
    from_name: str,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    headers: dict[str, str] | None = None,
    id_hint: str | None = None,
) -> EmailMessage:
    """A message with a plain-text body (and an HTML alternative), Date and a Message-ID on the sender's domain."""
    msg = EmailMessage(policy=WIRE_POLICY)
    msg["From"] = Address(_header(from_name), addr_spec=from_address)
    msg["To"] = to
    msg["Subject"] = _header(subject)
    msg["Date"] = format_datetime(datetime.now(timezone.utc))
    domain = from_address.rsplit("@", 1)[-1]
    msg["Message-ID"] = make_msgid(idstring=re.sub(r"[^A-Za-z0-9.-]", "-", id_hint) if id_hint else None, domain=domain)
    for k, v in (headers or {}).items():
        msg[k] = _header(v)
    msg.set_content(text)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    return msg


def wire_bytes(msg: EmailMessage) -> bytes:
    return msg.as_bytes(policy=WIRE_POLICY)


def _dot_stuff(data: bytes) -> bytes:
    data = re.sub(rb"(?m)^\.", b"..", data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").replace(b"\n", b"\r\n"))
    return data if data.endswith(b"\r\n") else data + b"\r\n"


class Mailer:
    """``with Mailer(opts) as m: m.send(msg)``. Errors are MailError (``permanent`` for a 5xx answer)."""

    def __init__(self, opts: SmtpOptions):
        self.opts = opts
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> "Mailer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def _connect(self) -> smtplib.SMTP:
        o = self.opts
        try:
            if o.security == "tls":
                smtp = smtplib.SMTP_SSL(o.host, o.port, timeout=o.timeout_s, context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(o.host, o.port, timeout=o.timeout_s)
            smtp.ehlo()
            if o.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if o.username:
                smtp.login(o.username, o.password)
        except smtplib.SMTPAuthenticationError as exc:
            raise MailError(
                f"{o.host}:{o.port} refused the login: {exc.smtp_code} {exc.smtp_error!r}", permanent=True
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise MailError(f"cannot connect to {o.host}:{o.port}: {describe(exc)}") from None
        return smtp

    def _fail(self, step: str, code: int, resp: bytes) -> MailError:
        try:
            self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self.close()
        return MailError(f"{step}: {code} {resp.decode('utf-8', 'replace')}", permanent=code >= 500)

    def send(self, msg: EmailMessage, before_commit: Callable[[], None] = lambda: None) -> str:
        """Send one message; return the server's acceptance text. ``before_commit`` runs just before the dot."""
        sender = msg["From"].addresses[0].addr_spec
        rcpt = msg["To"].addresses[0].addr_spec
        data = _dot_stuff(wire_bytes(msg))
        if self._smtp is None:
            self._smtp = self._connect()
        smtp = self._smtp
        try:
            options = []
            if not (sender + rcpt).isascii() or not data.isascii():
                if not smtp.has_extn("smtputf8"):
                    raise MailError("the server does not accept internationalised addresses (SMTPUTF8)", permanent=True)
                options.append("SMTPUTF8")
            if smtp.has_extn("8bitmime"):
                options.append("BODY=8BITMIME")
            code, resp = smtp.mail(sender, options)
            if code != 250:
                raise self._fail("MAIL FROM", code, resp)
            code, resp = smtp.rcpt(rcpt)
            if code not in (250, 251):
                raise self._fail("RCPT TO", code, resp)
            code, resp = smtp.docmd("DATA")
            if code != 354:
                raise self._fail("DATA", code, resp)
            smtp.send(data)
            before_commit()
            smtp.send(b".\r\n")
            code, resp = smtp.getreply()
            if code != 250:
                raise self._fail("end of data", code, resp)
            return resp.decode("utf-8", "replace")
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise MailError(f"connection to {self.opts.host}:{self.opts.port} lost: {describe(exc)}") from None
