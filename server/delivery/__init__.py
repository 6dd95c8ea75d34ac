"""Application delivery: compose email rows, send them, recover lost ones, provider events.

Every email is a database row first (`server.models.Email`), then an RQ job on the
"mail" queue; the row's state (queued → sending → sent | failed) is the truth, the queue
only a means. See `sender` for the nothing-lost / nothing-sent-twice rules.
"""
