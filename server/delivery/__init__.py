"""Application delivery: compose email rows, send them, recover lost ones, provider events.

Every email is a database row first (`server.models.Email`), then named by an RQ job on
the "mail" queue — one batch job for many emails (`dispatch`, `batch`); the row's state
(pending → sending → sent | failed) is the truth, the queue only a means. See `sender` for
the nothing-lost / nothing-sent-twice rules, which `batch` applies row by row.
"""
