"""A real SMTP server on loopback for the newsletter tests (aiosmtpd), recording every message it accepts.

``delay_rcpt_s`` makes it slow (each RCPT waits), ``hold_after_data`` makes it stop, after recording a message,
before answering 250 (the window in which a client crash leaves the sender unsure). ``in_rcpt`` and ``in_data``
are set while it waits there, so a test can kill the client at a known step.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.delay_rcpt_s = 0.0
        self.hold_after_data: threading.Event | None = None  # when set: wait on it before answering 250
        self.in_rcpt = threading.Event()
        self.in_data = threading.Event()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        envelope.rcpt_tos.append(address)
        if self.delay_rcpt_s:
            self.in_rcpt.set()
            await asyncio.sleep(self.delay_rcpt_s)
            self.in_rcpt.clear()
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content)))
        if self.hold_after_data is not None:
            self.in_data.set()
            while not self.hold_after_data.is_set():
                await asyncio.sleep(0.02)
        return "250 Message accepted for delivery"

    def parsed(self) -> list[email.message.EmailMessage]:
        with self.lock:
            return [email.message_from_bytes(m, policy=email.policy.default) for _, _, m in self.messages]

    def recipients(self) -> list[str]:
        with self.lock:
            return [r for _, rcpts, _ in self.messages for r in rcpts]


class SmtpServer:
    def __init__(self) -> None:
        self.recorder = Recorder()
        self.port = free_port()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.recorder.hold_after_data is not None:
            self.recorder.hold_after_data.set()
        self.controller.stop()
