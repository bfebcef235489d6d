"""One router per resource."""

from jiandu.api.routes import admin, cypher, health, ledger, patterns, search, views, workbench

ROUTERS = [health.router, views.router, patterns.router, search.router, cypher.router, ledger.router, admin.router,
           workbench.router, workbench.page]
