"""An application's answers as a state machine, settled by the database.

Information and interview come first, each once, in either order; then at most one final
answer, hired or rejection; nothing after it. Simultaneous answers are ordered by a
conditional UPDATE of the application's row: a final answer sets `final_answer` only
where it is still empty, any other answer touches the row only where it is empty, so
whichever commits second sees the first (PostgreSQL re-reads a row locked by another
transaction before updating it; SQLite has one writer at a time).
"""

from __future__ import annotations

from sqlalchemy import select, update

from server.extensions import db
from server.models import Answer, Application
from server.models.answer import FINAL_ACTIONS


def final_answer(application: Application) -> Answer | None:
    """The final answer the application got, if any."""
    return db.session.scalar(
        select(Answer)
        .where(Answer.application_id == application.id, Answer.action.in_(FINAL_ACTIONS))
        .order_by(Answer.id)
        .limit(1)
    )


def claim(application: Application, action: str) -> bool:
    """Take the application's row for `action` in this transaction; False once a final
    answer is recorded (the caller rolls back)."""
    final = action if action in FINAL_ACTIONS else Application.final_answer
    claimed = db.session.execute(
        update(Application)
        .where(Application.id == application.id, Application.final_answer.is_(None))
        .values(final_answer=final)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1
