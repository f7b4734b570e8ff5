"""Publishing the web app as a static site: config.js names the API, or the run fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from entrypoints.web_config import api_origins, config_script, main, static_site_headers


def test_publish_copies_the_app_and_names_the_api(tmp_path: Path) -> None:
    out = tmp_path / "site"
    env = {"VITE_API_URL": "https://api.example.com/", "VITE_WS_URL": ""}
    assert main([str(out)], env) == 0
    assert (out / "index.html").is_file() and (out / "pages" / "run.js").is_file()
    config = (out / "config.js").read_text()
    assert 'apiUrl: "https://api.example.com"' in config and 'wsUrl: ""' in config
    assert main([str(out)], {"API_URL": "https://b.example.com"}) == 0  # replaced, not merged
    assert "b.example.com" in (out / "config.js").read_text()


def test_bad_addresses_are_refused_before_anything_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site"
    assert main([str(out)], {"API_URL": "api.example.com"}) == 2
    assert "API_URL must be an absolute http or https URL" in capsys.readouterr().err
    assert not out.exists()
    assert main([str(out)], {"API_URL": "https://a.example", "WS_URL": "https://a.example"}) == 2
    assert main([], {}) == 2


def test_the_policy_lets_the_page_reach_the_api_and_its_socket() -> None:
    assert api_origins("https://api.example.com/v") == [
        "https://api.example.com",
        "wss://api.example.com",
    ]
    assert api_origins("http://127.0.0.1:8000", "ws://127.0.0.1:9000") == [
        "http://127.0.0.1:8000",
        "ws://127.0.0.1:9000",
    ]
    assert api_origins("") == []
    policy = static_site_headers("https://api.example.com")["Content-Security-Policy"]
    assert "connect-src 'self' https://api.example.com wss://api.example.com;" in policy
    assert config_script("").count('""') == 2  # same origin as the page
