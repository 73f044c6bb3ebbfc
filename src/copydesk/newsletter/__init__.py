"""The newsletter: double opt-in sign-up, the daily digest by e-mail, one-click unsubscribe.

    model.py    Subscriber, SendRecord, Digest (dataclasses)
    tokens.py   signed confirmation and unsubscribe tokens; address checks (email-validator, no DNS)
    digest.py   the day's stories per set of sections -> HTML (CSS inlined) and plain text (pure)
    mail.py     messages and SMTP (stdlib), with the end-of-data boundary the send log needs
    send.py     the digest run: idempotent per (subscriber, digest) through the send log
    web.py      the served pages (sign-up, confirm, unsubscribe); forms via copydesk.web.forms

The store side is ``copydesk.store.newsletter`` (tables of migration 0006).
"""
