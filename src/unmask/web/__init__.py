"""The analyst web app (FastAPI): campaigns, accounts, incidents, search, exports, a JSON API.

`serve(db, host, port)` runs it; `add_user(store_path, name, role, password)` creates a login.
"""

from unmask.web.app import create_app, serve
from unmask.web.auth import Role, add_user
from unmask.web.settings import Settings

__all__ = ["Role", "Settings", "add_user", "create_app", "serve"]
