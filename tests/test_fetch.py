"""The live fetcher against a real HTTP server on 127.0.0.1: manners, limits, retries, cache, decoding."""

from __future__ import annotations

import gzip
import socket
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from commentscope.scraper import SEED_PATH
from commentscope.scraper.errors import FetchError, UsageError
from commentscope.scraper.fetch.fetcher import (
    DEFAULT_USER_AGENT,
    FetchOptions,
    Fetcher,
    fetch_source,
    fetch_sources,
    retry_after_seconds,
)
from commentscope.scraper.fetch.cache import cache_paths
from commentscope.scraper.formats import parse_source
from tests import http_server as live
from tests.http_server import FixtureServer, Reply

#: The ``http_server`` fixture: a live server on 127.0.0.1, stopped after each test.
http_server = live.http_server

#: Small limits so every failure path finishes in well under a second or two.
FAST = dict(connect_timeout=2.0, read_timeout=2.0, deadline=10.0, backoff=0.01, backoff_max=0.05,
            retry_after_cap=3.0)
SEED = SEED_PATH.read_bytes()
TEXT_UTF8 = {"Content-Type": "text/plain; charset=utf-8"}
WIN_1252_TEXT = "<p>\u201cQuoted\u201d \u2013 na\u00efve caf\u00e9 costs \u20ac5</p>"


def fast(**changes: object) -> FetchOptions:
    return FetchOptions(**{**FAST, **changes})


def error_of(url: str, options: FetchOptions) -> str:
    with pytest.raises(FetchError) as caught:
        fetch_source(url, options)
    return str(caught.value)


# -- pages and decoding -------------------------------------------------------------------------


def test_seed_page_as_text_plain_utf8_parses_into_24_comments(http_server: FixtureServer) -> None:
    http_server.route("/thread.txt", Reply(body=SEED, headers=TEXT_UTF8))
    source = fetch_source(http_server.url("/thread.txt"), fast())
    assert source.data == SEED
    assert (source.charset, source.content_type) == ("utf-8", "text/plain")
    assert source.name == source.url == http_server.url("/thread.txt")
    assert source.warnings == []
    threads = parse_source(source)
    assert [len(thread.comments) for thread in threads] == [24]
    assert threads[0].comments[0].position == 1


def test_windows_1252_html_decodes_from_header_charset(http_server: FixtureServer) -> None:
    body = f"<html><body>{WIN_1252_TEXT}</body></html>".encode("cp1252")
    http_server.route("/w.html", Reply(body=body, headers={"Content-Type": "text/html; charset=windows-1252"}))
    source = fetch_source(http_server.url("/w.html"), fast())
    assert source.charset == "windows-1252"
    assert source.content_type == "text/html"
    assert WIN_1252_TEXT in source.text
    assert source.warnings == []


def test_latin1_label_is_read_as_windows_1252_like_browsers(http_server: FixtureServer) -> None:
    body = WIN_1252_TEXT.encode("cp1252")
    http_server.route("/l.html", Reply(body=body, headers={"Content-Type": 'text/html; charset="ISO-8859-1"'}))
    source = fetch_source(http_server.url("/l.html"), fast())
    assert source.charset == "windows-1252"
    assert source.text == WIN_1252_TEXT


def test_meta_charset_used_when_header_has_none(http_server: FixtureServer) -> None:
    body = f'<html><head><meta charset="windows-1252"></head><body>{WIN_1252_TEXT}</body></html>'.encode("cp1252")
    http_server.route("/m.html", Reply(body=body, headers={"Content-Type": "text/html"}))
    source = fetch_source(http_server.url("/m.html"), fast())
    assert source.charset == "windows-1252"
    assert WIN_1252_TEXT in source.text


@pytest.mark.parametrize("content_type", ["image/png", "application/pdf", "application/octet-stream",
                                          "video/mp4", "application/zip"])
def test_non_text_content_types_are_refused(http_server: FixtureServer, content_type: str) -> None:
    http_server.route("/file", Reply(body=b"%PDF-1.4 whatever", headers={"Content-Type": content_type}))
    message = error_of(http_server.url("/file"), fast())
    assert f"content type {content_type} is not a text page" in message


def test_empty_page_is_an_error(http_server: FixtureServer) -> None:
    http_server.route("/empty", Reply(body=b"  \n", headers=TEXT_UTF8))
    assert "the page is empty" in error_of(http_server.url("/empty"), fast())


# -- robots.txt ---------------------------------------------------------------------------------


def test_robots_disallow_for_our_agent_is_a_fetch_error(http_server: FixtureServer) -> None:
    robots = b"User-agent: otherbot\nDisallow: /\n\nUser-agent: commentscope\nDisallow: /private/\n"
    http_server.route("/robots.txt", Reply(body=robots, headers={"Content-Type": "text/plain"}))
    http_server.route("/private/page", Reply(body=SEED, headers=TEXT_UTF8))
    http_server.route("/public/page", Reply(body=SEED, headers=TEXT_UTF8))
    message = error_of(http_server.url("/private/page"), fast())
    assert message == (f"{http_server.url('/private/page')}: forbidden by robots.txt; "
                       "use --ignore-robots to override")
    assert http_server.hits["/private/page"] == 0
    assert fetch_source(http_server.url("/public/page"), fast()).data == SEED


def test_robots_longest_match_wins_as_rfc_9309_says(http_server: FixtureServer) -> None:
    """``Allow: /comments/public/`` is longer than ``Disallow: /comments/`` and wins for what it covers,
    whatever the order (the standard library's parser takes the first match and would refuse it)."""
    robots = b"User-agent: *\nDisallow: /comments/\nAllow: /comments/public/\n"
    http_server.route("/robots.txt", Reply(body=robots, headers={"Content-Type": "text/plain"}))
    http_server.route("/comments/public/page", Reply(body=SEED, headers=TEXT_UTF8))
    http_server.route("/comments/private", Reply(body=SEED, headers=TEXT_UTF8))
    assert fetch_source(http_server.url("/comments/public/page"), fast()).data == SEED
    assert "forbidden by robots.txt" in error_of(http_server.url("/comments/private"), fast())
    assert http_server.hits["/comments/private"] == 0


def test_ignoring_robots_fetches_and_warns(http_server: FixtureServer) -> None:
    http_server.route("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /\n"))
    http_server.route("/page", Reply(body=SEED, headers=TEXT_UTF8))
    source = fetch_source(http_server.url("/page"), fast(respect_robots=False))
    assert source.data == SEED
    assert len(source.warnings) == 1
    assert "robots.txt was ignored" in source.warnings[0]
    assert http_server.hits["/robots.txt"] == 0


def test_robots_is_read_once_per_host(http_server: FixtureServer) -> None:
    http_server.route("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /admin\n"))
    http_server.route("/a", Reply(body=b"page a", headers=TEXT_UTF8))
    http_server.route("/b", Reply(body=b"page b", headers=TEXT_UTF8))
    sources = fetch_sources([http_server.url("/a"), http_server.url("/b")], fast())
    assert [source.data for source in sources] == [b"page a", b"page b"]
    assert http_server.hits["/robots.txt"] == 1


def test_missing_robots_allows_everything(http_server: FixtureServer) -> None:
    http_server.route("/page", Reply(body=b"hello", headers=TEXT_UTF8))
    assert fetch_source(http_server.url("/page"), fast()).data == b"hello"
    assert http_server.hits["/robots.txt"] == 1


def test_robots_redirect_is_followed(http_server: FixtureServer) -> None:
    http_server.route("/robots.txt", Reply(status=301, headers={"Location": "/real-robots.txt"}))
    http_server.route("/real-robots.txt", Reply(body=b"User-agent: *\nDisallow: /closed\n"))
    http_server.route("/closed", Reply(body=b"hello", headers=TEXT_UTF8))
    assert "forbidden by robots.txt" in error_of(http_server.url("/closed"), fast())
    assert http_server.hits["/closed"] == 0


def test_robots_403_means_no_rules_as_rfc_9309_says(http_server: FixtureServer) -> None:
    http_server.route("/robots.txt", Reply(status=403, body=b"no"))
    http_server.route("/page", Reply(body=b"hello", headers=TEXT_UTF8))
    assert fetch_source(http_server.url("/page"), fast()).data == b"hello"


def test_robots_server_error_closes_the_site(http_server: FixtureServer) -> None:
    http_server.route("/robots.txt", Reply(status=503, body=b"down"))
    http_server.route("/page", Reply(body=b"hello", headers=TEXT_UTF8))
    message = error_of(http_server.url("/page"), fast(retries=1))
    assert "robots.txt is unavailable (HTTP 503)" in message
    assert message.endswith("use --ignore-robots to override")
    assert http_server.hits["/robots.txt"] == 2
    assert http_server.hits["/page"] == 0


# -- limits -------------------------------------------------------------------------------------


def test_slow_endpoint_times_out(http_server: FixtureServer) -> None:
    http_server.route("/slow", Reply(body=b"late", delay=5.0))
    started = time.monotonic()
    message = error_of(http_server.url("/slow"), fast(read_timeout=0.3))
    assert "timed out: the server sent nothing for 0.3 s" in message
    assert time.monotonic() - started < 2.0
    assert http_server.hits["/slow"] == 1


def test_trickling_endpoint_hits_the_deadline(http_server: FixtureServer) -> None:
    http_server.route("/drip", Reply(body=(b"x" for _ in range(100)), chunk_delay=0.1,
                                     headers=TEXT_UTF8))
    started = time.monotonic()
    message = error_of(http_server.url("/drip"), fast(read_timeout=1.0, deadline=0.6))
    assert "fetch took longer than the 0.6 s limit" in message
    assert time.monotonic() - started < 2.0


def test_oversized_streamed_body_stops_at_the_cap(http_server: FixtureServer) -> None:
    chunk, count = b"a" * 65536, 512  # 32 MiB offered, close-delimited, no Content-Length
    http_server.route("/huge", Reply(body=(chunk for _ in range(count)), headers=TEXT_UTF8))
    message = error_of(http_server.url("/huge"), fast(max_bytes=256 * 1024))
    assert "page is larger than the 262,144 bytes limit" in message
    deadline = time.monotonic() + 5
    while not http_server.aborted["/huge"] and time.monotonic() < deadline:
        time.sleep(0.02)
    assert http_server.aborted["/huge"] == 1
    assert http_server.body_finished["/huge"] == 0
    assert http_server.bytes_sent["/huge"] < len(chunk) * count // 2


def test_declared_length_over_the_cap_is_refused_before_reading(http_server: FixtureServer) -> None:
    http_server.route("/big", Reply(body=b"b" * (2 * 1024 * 1024), headers=TEXT_UTF8))
    message = error_of(http_server.url("/big"), fast(max_bytes=1024 * 1024))
    assert "page is larger than the 1 MiB limit" in message


def test_cap_applies_to_decompressed_bytes(http_server: FixtureServer) -> None:
    packed = gzip.compress(b"a" * (4 * 1024 * 1024))
    http_server.route("/bomb", Reply(body=packed, headers={**TEXT_UTF8, "Content-Encoding": "gzip"}))
    assert len(packed) < 64 * 1024
    assert "page is larger than the 1 MiB limit" in error_of(http_server.url("/bomb"), fast(max_bytes=1024 * 1024))


def test_gzip_page_is_decompressed(http_server: FixtureServer) -> None:
    http_server.route("/z", Reply(body=gzip.compress(SEED), headers={**TEXT_UTF8, "Content-Encoding": "gzip"}))
    assert fetch_source(http_server.url("/z"), fast()).data == SEED


def test_redirect_loop_is_an_error(http_server: FixtureServer) -> None:
    http_server.route("/a", Reply(status=302, headers={"Location": "/b"}))
    http_server.route("/b", Reply(status=301, headers={"Location": http_server.url("/a")}))
    message = error_of(http_server.url("/a"), fast())
    assert f"redirect loop back to {http_server.url('/a')} after 2 redirect(s)" in message
    assert (http_server.hits["/a"], http_server.hits["/b"]) == (1, 1)


def test_too_many_redirects(http_server: FixtureServer) -> None:
    for n in range(10):
        http_server.route(f"/r{n}", Reply(status=307, headers={"Location": f"/r{n + 1}"}))
    message = error_of(http_server.url("/r0"), fast(max_redirects=5))
    assert "too many redirects (more than 5)" in message
    assert http_server.hits["/r5"] == 1
    assert http_server.hits["/r6"] == 0


def test_redirect_is_followed_and_final_url_kept(http_server: FixtureServer) -> None:
    http_server.route("/old", Reply(status=301, headers={"Location": "new?x=1"}))
    http_server.route("/new?x=1", Reply(body=b"moved here", headers=TEXT_UTF8))
    source = fetch_source(http_server.url("/old"), fast())
    assert source.data == b"moved here"
    assert source.name == http_server.url("/old")
    assert source.url == http_server.url("/new?x=1")


def test_redirect_to_other_scheme_is_refused(http_server: FixtureServer) -> None:
    http_server.route("/away", Reply(status=302, headers={"Location": "ftp://127.0.0.1/file"}))
    assert "only http and https URLs can be fetched, not ftp:" in error_of(http_server.url("/away"), fast())


# -- retries ------------------------------------------------------------------------------------


def test_server_error_is_retried_then_reported(http_server: FixtureServer) -> None:
    http_server.route("/broken", Reply(status=500, body=b"oops"))
    message = error_of(http_server.url("/broken"), fast(retries=3))
    assert message.startswith(f"{http_server.url('/broken')}: HTTP 500 Internal Server Error after 3 retries;")
    assert http_server.hits["/broken"] == 4


def test_429_with_retry_after_then_success(http_server: FixtureServer) -> None:
    http_server.route("/busy", lambda hit: Reply(status=429, headers={"Retry-After": "1"}) if hit == 1
                      else Reply(body=b"finally", headers=TEXT_UTF8))
    started = time.monotonic()
    source = fetch_source(http_server.url("/busy"), fast())
    assert source.data == b"finally"
    assert http_server.hits["/busy"] == 2
    assert time.monotonic() - started >= 0.95  # waited as asked, not the 0.01 s backoff


def test_retry_after_over_the_cap_gives_up_at_once(http_server: FixtureServer) -> None:
    http_server.route("/later", Reply(status=429, headers={"Retry-After": "120"}))
    message = error_of(http_server.url("/later"), fast(retry_after_cap=3))
    assert "HTTP 429 Too Many Requests; the server asks to wait 120 s, over the 3 s limit" in message
    assert http_server.hits["/later"] == 1


def test_retry_that_would_pass_the_deadline_gives_up(http_server: FixtureServer) -> None:
    http_server.route("/wait", Reply(status=503, headers={"Retry-After": "2"}))
    message = error_of(http_server.url("/wait"), fast(deadline=1.0))
    assert "HTTP 503 Service Unavailable; gave up after 1 attempt(s), as waiting 2 s more" in message
    assert http_server.hits["/wait"] == 1


def test_503_then_200(http_server: FixtureServer) -> None:
    http_server.route("/flaky", lambda hit: Reply(status=503) if hit == 1
                      else Reply(body=b"ok now", headers=TEXT_UTF8))
    assert fetch_source(http_server.url("/flaky"), fast()).data == b"ok now"
    assert http_server.hits["/flaky"] == 2


def test_404_is_not_retried(http_server: FixtureServer) -> None:
    message = error_of(http_server.url("/gone"), fast())
    assert message == f"{http_server.url('/gone')}: HTTP 404 Not Found; check the URL in a browser"
    assert http_server.hits["/gone"] == 1


def test_connection_refused_after_retries() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    message = error_of(f"http://127.0.0.1:{port}/page", fast(retries=1))
    assert f"connection refused by 127.0.0.1:{port} after 1 retry" in message


# -- cache --------------------------------------------------------------------------------------


def test_offline_reads_the_cache_after_the_server_is_gone(tmp_path) -> None:
    cache = tmp_path / "out.fetch-cache"
    body = f"<p>{WIN_1252_TEXT}</p>".encode("cp1252")
    with FixtureServer() as server:
        server.route("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /\n"))
        server.route("/c", Reply(body=body, headers={"Content-Type": "text/html; charset=windows-1252"}))
        url = server.url("/c")
        online = fetch_source(url, fast(cache_dir=cache, respect_robots=False))
    offline = fetch_source(url, fast(cache_dir=cache, offline=True))
    assert offline.data == online.data == body
    assert (offline.url, offline.charset, offline.content_type) == (online.url, "windows-1252", "text/html")
    assert offline.warnings == online.warnings
    assert "robots.txt was ignored" in offline.warnings[0]
    names = sorted(path.name for path in cache.iterdir())
    assert names == sorted(path.name for path in cache_paths(cache, url))
    assert all("127.0.0.1" not in name and len(name.split(".")[0]) == 64 for name in names)


def test_offline_without_a_cached_copy_fails(tmp_path) -> None:
    message = error_of("http://127.0.0.1:9/never", fast(cache_dir=tmp_path, offline=True))
    assert "was never fetched into the cache" in message
    assert message.endswith("run once without --offline to fetch it")


def test_damaged_cache_is_reported(http_server: FixtureServer, tmp_path) -> None:
    http_server.route("/d", Reply(body=b"original", headers=TEXT_UTF8))
    url = http_server.url("/d")
    fetch_source(url, fast(cache_dir=tmp_path))
    body_path, _ = cache_paths(tmp_path, url)
    body_path.write_bytes(b"tampered")
    assert "cached copy" in error_of(url, fast(cache_dir=tmp_path, offline=True))


# -- what we send -------------------------------------------------------------------------------


def test_no_cookie_is_sent_after_set_cookie(http_server: FixtureServer) -> None:
    http_server.route("/login", Reply(status=302, headers={"Set-Cookie": "session=abc; Path=/",
                                                          "Location": "/page"}))
    http_server.route("/page", Reply(body=b"hello", headers={**TEXT_UTF8, "Set-Cookie": "other=1; Path=/"}))
    with Fetcher(fast()) as fetcher:
        fetcher.fetch(http_server.url("/login"))
        fetcher.fetch(http_server.url("/page"))
    assert [request.path for request in http_server.requests] == ["/robots.txt", "/login", "/page", "/page"]
    assert all("cookie" not in request.headers for request in http_server.requests)


def test_credentials_are_stripped_and_never_sent(http_server: FixtureServer) -> None:
    http_server.route("/page", Reply(body=b"hello", headers=TEXT_UTF8))
    http_server.route("/hop", Reply(status=302, headers={"Location": f"http://bob:pw@127.0.0.1:{http_server.port}/page"}))
    url = f"http://alice:secret@127.0.0.1:{http_server.port}/page"
    source = fetch_source(url, fast())
    assert source.data == b"hello"
    assert "secret" not in source.name and "alice" not in source.name
    assert source.url == http_server.url("/page")
    assert source.warnings == [f"{http_server.url('/page')}: credentials in the URL were dropped; "
                               "commentscope never sends them"]
    fetch_source(http_server.url("/hop"), fast())
    assert len(http_server.seen("/page")) == 2
    assert all("authorization" not in request.headers for request in http_server.requests)


@pytest.mark.parametrize(("url", "shown"), [("ftp://127.0.0.1/file", "ftp:"), ("file:///etc/passwd", "file:"),
                                            ("javascript:alert(1)", "javascript:"),
                                            ("127.0.0.1/page", "a URL without a scheme")])
def test_non_http_schemes_are_refused(url: str, shown: str) -> None:
    message = error_of(url, fast())
    assert message == (f"{url}: only http and https URLs can be fetched, not {shown}; "
                       "give an http(s) URL, or save the page and give the file")


def test_user_agent_identifies_commentscope(http_server: FixtureServer) -> None:
    http_server.route("/page", Reply(body=b"hello", headers=TEXT_UTF8))
    fetch_source(http_server.url("/page"), fast())
    agents = {request.headers["user-agent"] for request in http_server.requests}
    assert agents == {DEFAULT_USER_AGENT}
    assert DEFAULT_USER_AGENT.startswith("commentscope/")
    assert DEFAULT_USER_AGENT.endswith("(+https://pypi.org/project/commentscope/)")


# -- small parts --------------------------------------------------------------------------------


def test_retry_after_parsing() -> None:
    assert retry_after_seconds("120") == 120.0
    in_a_minute = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=60), usegmt=True)
    assert 55 <= retry_after_seconds(in_a_minute) <= 60
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


@pytest.mark.parametrize("changes", [{"read_timeout": 0}, {"max_bytes": -1}, {"retries": -1},
                                     {"offline": True}, {"user_agent": " "}])
def test_bad_options_are_usage_errors(changes: dict) -> None:
    with pytest.raises(UsageError):
        fast(**changes)


def test_proxy_settings_in_the_environment_are_ignored(http_server: FixtureServer, monkeypatch) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, dead)
    http_server.route("/page", Reply(body=b"direct", headers=TEXT_UTF8))
    assert fetch_source(http_server.url("/page"), fast(retries=0)).data == b"direct"
