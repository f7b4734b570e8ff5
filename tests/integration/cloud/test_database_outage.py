"""PostgreSQL going away during requests (through a TCP proxy the test cuts; the shared
server is never touched): 503 with Retry-After, /api/ready names the database, and nothing
half-written once it is back."""

from __future__ import annotations

from pathlib import Path

import attrs
from sqlalchemy.engine import make_url

from adapters.sql.database import upgrade
from config.backends import DatabasePool
from tests.http_support import api, create_project, make_settings, register
from tests.support.tcp_proxy import TcpProxy


def test_requests_during_a_database_outage_get_503_and_leave_nothing_half_written(
    tmp_path: Path, fresh_postgres_url: str
) -> None:
    upgrade(fresh_postgres_url)
    target = make_url(fresh_postgres_url)
    with TcpProxy(target.host or "127.0.0.1", target.port or 5432) as proxy:
        url = target.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        settings = attrs.evolve(make_settings(tmp_path / "data"), database_url=url)
        pool = DatabasePool(size=2, max_overflow=0, timeout_seconds=2, connect_timeout_seconds=2)
        settings = attrs.evolve(settings, backends=attrs.evolve(settings.backends, pool=pool))
        with api(settings) as client:
            headers = register(client, "outage@example.com")
            kept = create_project(client, headers, "Before")

            proxy.cut()
            for attempt in range(3):
                created = client.post(
                    "/api/projects", json={"name": f"During {attempt}"}, headers=headers
                )
                assert created.status_code == 503, created.text
                assert created.headers["retry-after"].isdigit()
                assert created.json()["error"]["code"] == "database_unavailable"
            listed = client.get("/api/projects", headers=headers)
            assert listed.status_code == 503
            joined = client.post(
                "/api/auth/register", json={"email": "late@example.com", "password": "x" * 12}
            )
            assert joined.status_code == 503
            ready = client.get("/api/ready")
            assert ready.status_code == 503
            assert ready.headers["retry-after"].isdigit()
            checks = ready.json()["error"]["details"]["checks"]
            assert checks["database"]["status"] == "down"
            assert checks["storage"]["status"] == "ok"
            assert "database" in ready.json()["error"]["message"]

            proxy.restore()
            listed = client.get("/api/projects", headers=headers)
            assert listed.status_code == 200, listed.text
            assert [p["id"] for p in listed.json()["items"]] == [kept]
            ready = client.get("/api/ready")
            assert ready.status_code == 200, ready.text
            assert ready.json()["checks"]["database"]["status"] == "ok"
            again = client.post("/api/projects", json={"name": "After"}, headers=headers)
            assert again.status_code == 201, again.text
            late = client.post(
                "/api/auth/login", json={"email": "late@example.com", "password": "x" * 12}
            )
            assert late.status_code == 401  # the refused registration left no account
