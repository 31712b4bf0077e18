"""One router per resource; `ROUTERS` is what the app includes, in order."""

from unmask.web.routes import accounts, api, auth, campaigns, exports, incidents, search, users

ROUTERS = (
    auth.router,
    campaigns.router,
    accounts.router,
    incidents.router,
    search.router,
    exports.router,
    users.router,
    api.router,
)
