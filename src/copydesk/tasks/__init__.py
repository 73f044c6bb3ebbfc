"""copydesk on Celery workers (extra `celery`): the stages of `copydesk run`, one task per item, spread over
processes and machines that share one PostgreSQL database and one broker (Redis or RabbitMQ).

    scheduler (beat) ── poll_feed(feed), each feed every interval ─┐        sweep ── what a lost message left
                                                                   v
    poll_feed ── fetch_article(entry) ── process_article(id) ── write_story(story) ── narrate ── publish
                 queue "copydesk"        queue "cluster"         queue "copydesk"
                                         (one consumer, and the
                                          database's cluster lock)

Every task calls the same `copydesk.pipeline.Desk` step that `copydesk run` calls, and every task may run twice
(``acks_late``: a message is acknowledged when its task has finished, and handed to another worker when its worker
dies): a feed is polled once per interval (``Store.claim_poll``), a stored URL is not fetched again, a processed
article is not processed again, a written story is not written again.

Start with `copydesk worker` and `copydesk scheduler` (docs/CLI.md), which configure the app from copydesk.toml.
"""

from copydesk.tasks.app import CLUSTER_QUEUE, QUEUE, app, configure
from copydesk.tasks import stages  # registers the tasks

__all__ = ["app", "configure", "stages", "QUEUE", "CLUSTER_QUEUE"]
