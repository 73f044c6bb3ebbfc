"""Imported by the parse workers' server (``copydesk.ingest.guard``, forkserver preload): loads, once, what a parse
otherwise loads on its first call in each worker process, so a worker's first page is no slower than the rest and
does not run into the parse deadline on a busy machine. The workers fork from the server and inherit it. Nothing
else imports this module: importing it runs the warm-up."""

from copydesk.ingest.work import warm

warm()
