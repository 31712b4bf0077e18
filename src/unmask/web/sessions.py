"""The user behind a session cookie, without opening the store on every request.

Every request needs its session, and opening the store to look it up cost more than serving a kept page.
The answer is kept while the store's files stay exactly as a settled read saw them (web/db.py): a log-in,
log-out, password reset, role change or disabled user, by this app or by `unmask user` in another
process, writes to the store and so is seen on the next request, as before. Expiry is checked on every
use, since time passes without a write.
"""

from __future__ import annotations

from unmask.web.audit import utcnow
from unmask.web.auth import SessionUser, session_user, token_digest
from unmask.web.cache import ResultCache
from unmask.web.db import StoreAccess

SESSIONS = ResultCache(max_items=1024)


def kept_session(access: StoreAccess, token: str) -> SessionUser | None:
    """The enabled user of unexpired session `token`, or None."""
    user = access.cached_by_files(
        SESSIONS, (token_digest(token),), lambda store: session_user(store.con, token)
    )
    return user if user is not None and user.expires_at > utcnow() else None
