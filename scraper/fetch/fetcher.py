"""Fetching a comment page over http(s): politely, within limits, and repeatably from a cache.

Redirects are followed by hand rather than by httpx so that every hop is checked like the first: its
scheme (http/https only), its credentials (dropped), its host's robots.txt, and loops. No cookies are
kept or sent and no proxy, netrc or credential is read from the environment (``trust_env=False``).

robots.txt follows RFC 9309 (``robots``: the longest matching rule wins) and is read once per host per
``Fetcher``. A 4xx answer (401 and 403 too, unlike ``urllib.robotparser.read``) or more than five
redirects means no rules: everything is allowed.
A 429/5xx answer after the retries means the file is unavailable, so the whole site is taken as
off-limits and the fetch fails with a hint to ``--ignore-robots``. A host that cannot be reached at all
fails with the connection error itself, since the page could not be fetched either.
"""

from __future__ import annotations

import random
import re
import time
from dataclasses import dataclass, field
from http.cookiejar import CookieJar, DefaultCookiePolicy
from importlib import metadata
from pathlib import Path

import httpx

from commentscope.scraper.errors import FetchError, UsageError
from commentscope.scraper.fetch.cache import read_cached, write_cached
from commentscope.scraper.fetch.robots import Rules
from commentscope.scraper.fetch.headers import content_type, meta_charset, refuse_non_text, retry_after_seconds
from commentscope.scraper.sources import Source
from commentscope.scraper.text import looks_binary

MIB = 1024 * 1024
#: RFC 9309 asks crawlers to read at least 500 KiB of a robots.txt; the rest is ignored, not an error.
ROBOTS_MAX_BYTES = 512 * 1024
ROBOTS_FIX = "use --ignore-robots to override"
ROBOTS_IGNORED_WARNING = "robots.txt was ignored (--ignore-robots): check the site's terms before reusing this data"

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_DNS_FAILURES = ("name or service not known", "nodename nor servname", "no address associated",
                 "temporary failure in name resolution", "getaddrinfo failed")


def _package_version() -> str:
    try:
        return metadata.version("commentscope")
    except metadata.PackageNotFoundError:
        return "0"


DEFAULT_USER_AGENT = f"commentscope/{_package_version()} (+https://pypi.org/project/commentscope/)"


@dataclass(frozen=True)
class FetchOptions:
    """Limits and manners for fetching. Times are seconds; ``deadline`` bounds one URL, retries included.

    A retry waits ``backoff * 2**n`` (with jitter, at most ``backoff_max``) or the server's Retry-After;
    a Retry-After over ``retry_after_cap`` ends the fetch at once rather than hammering the site early.
    """

    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    deadline: float = 120.0
    max_bytes: int = 50 * MIB
    max_redirects: int = 5
    retries: int = 3
    backoff: float = 1.0
    backoff_max: float = 30.0
    retry_after_cap: float = 60.0
    respect_robots: bool = True
    cache_dir: Path | None = None
    offline: bool = False

    def __post_init__(self) -> None:
        if self.cache_dir is not None and not isinstance(self.cache_dir, Path):
            object.__setattr__(self, "cache_dir", Path(self.cache_dir))
        for name in ("connect_timeout", "read_timeout", "deadline", "max_bytes"):
            if not getattr(self, name) > 0:
                raise UsageError(f"fetch option {name} must be positive, not {getattr(self, name)!r}")
        for name in ("max_redirects", "retries", "backoff", "backoff_max", "retry_after_cap"):
            if getattr(self, name) < 0:
                raise UsageError(f"fetch option {name} must not be negative, not {getattr(self, name)!r}")
        if self.offline and self.cache_dir is None:
            raise UsageError("offline fetching needs a cache folder", None, "give the cache_dir a previous run filled")
        if not self.user_agent.strip():
            raise UsageError("the user agent must not be empty", None, "leave the default, which names commentscope")


@dataclass
class _Reply:
    """One final HTTP answer: status, headers, the URL it came from and (for 2xx) the body."""

    url: httpx.URL
    status: int
    reason: str
    headers: httpx.Headers
    attempts: int = 1
    body: bytes = b""


class _RedirectError(FetchError):
    """Too many redirects or a loop; robots.txt treats this as "no rules" (RFC 9309 section 2.3.1.2)."""


@dataclass
class _Deadline:
    limit: float
    ends: float = field(init=False)

    def __post_init__(self) -> None:
        self.ends = time.monotonic() + self.limit

    def left(self) -> float:
        return self.ends - time.monotonic()

    def error(self, where: str) -> FetchError:
        return FetchError(f"fetch took longer than the {self.limit:g} s limit", where,
                          "the site is slow; try again later or allow more time")

    def check(self, where: str) -> None:
        if self.left() <= 0:
            raise self.error(where)


def clean_url(url: str) -> tuple[httpx.URL, list[str]]:
    """Parse an http(s) URL and drop its credentials and fragment; FetchError for anything else.

    Returns the URL to request and warnings (credentials dropped). Credentials are never sent: a
    ``user:pass@`` in a URL would otherwise become an Authorization header.
    """
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError, ValueError) as error:
        raise FetchError(f"is not a valid URL ({error})", url, "give an http(s) URL or a saved file") from None
    if parsed.scheme not in ("http", "https"):
        shown = f"{parsed.scheme}:" if parsed.scheme else "a URL without a scheme"
        raise FetchError(f"only http and https URLs can be fetched, not {shown}", _redact(url),
                         "give an http(s) URL, or save the page and give the file")
    if not parsed.host:
        raise FetchError("URL has no host", url, "give a full URL such as https://site.example/post")
    warnings = []
    if parsed.userinfo:
        warnings.append(f"{_redact(url)}: credentials in the URL were dropped; commentscope never sends them")
    return parsed.copy_with(userinfo=b"", fragment=None), warnings


def _redact(url: str) -> str:
    """The URL as given, minus any ``user:pass@`` (for names and messages)."""
    return re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#@]*@", r"\1", url.strip())


class Fetcher:
    """A polite HTTP session for one run: robots.txt cached per host, one connection pool, no cookies."""

    def __init__(self, options: FetchOptions | None = None) -> None:
        self.options = options or FetchOptions()
        self._robots: dict[str, Rules] = {}
        self._client: httpx.Client | None = None

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def fetch(self, url: str) -> Source:
        """Fetch one page (or read it from the cache when offline) as a Source.

        ``Source.name`` is the URL as given (credentials removed), ``Source.url`` the final URL after
        redirects, ``charset`` the declared one (header, else an HTML ``<meta charset>``).
        """
        start, warnings = clean_url(url)
        name = _redact(url)
        options = self.options
        if options.offline:
            source = read_cached(options.cache_dir, str(start), name)
            source.warnings[:0] = warnings
            return source
        deadline = _Deadline(options.deadline)
        reply = self._follow(start, deadline, page=True)
        media_type, charset = content_type(reply.headers)
        if not reply.body.strip():
            raise FetchError("the page is empty", str(reply.url), "check the URL in a browser")
        if looks_binary(reply.body):
            raise FetchError("the page is binary, not text", str(reply.url),
                             "give the URL of an HTML, JSON, XML, CSV or text page")
        if charset is None and media_type in ("text/html", "application/xhtml+xml", None):
            charset = meta_charset(reply.body)
        fetch_warnings = [] if options.respect_robots else [f"{name}: {ROBOTS_IGNORED_WARNING}"]
        source = Source(name=name, data=reply.body, url=str(reply.url), charset=charset,
                        content_type=media_type, warnings=warnings + fetch_warnings)
        if options.cache_dir is not None:
            write_cached(options.cache_dir, str(start), source, fetch_warnings)
        return source

    # -- redirects, robots, retries -------------------------------------------------------------

    def _follow(self, url: httpx.URL, deadline: _Deadline, page: bool) -> _Reply:
        """Request ``url`` and follow redirects by hand; the final reply, or FetchError."""
        limit = self.options.max_redirects if page else 5
        visited = [str(url)]
        for _hop in range(limit + 1):
            if page and self.options.respect_robots:
                self._check_robots(url, deadline)
            reply = self._request(url, deadline, page)
            if reply.status not in _REDIRECT_STATUSES:
                if page and not 200 <= reply.status < 300:
                    raise _status_error(reply)
                return reply
            location = reply.headers.get("location")
            if not location:
                raise FetchError(f"HTTP {reply.status} redirect without a Location header", str(url),
                                 "the site is misconfigured; try the URL in a browser")
            url, _ = clean_url(str(url.join(location.strip())))
            if str(url) in visited:
                raise _RedirectError(f"redirect loop back to {url} after {len(visited)} redirect(s)",
                                     visited[0], "the site may need cookies or a login; save the page from a browser")
            visited.append(str(url))
        raise _RedirectError(f"too many redirects (more than {limit})", visited[0],
                             "open the URL in a browser and give the final address")

    def _check_robots(self, url: httpx.URL, deadline: _Deadline) -> None:
        origin = f"{url.scheme}://{url.netloc.decode('ascii')}"
        rules = self._robots.get(origin)
        if rules is None:
            rules = self._load_robots(httpx.URL(origin + "/robots.txt"), deadline)
            self._robots[origin] = rules
        if not rules.allows(str(url), self.options.user_agent):
            raise FetchError("forbidden by robots.txt", str(url), ROBOTS_FIX)

    def _load_robots(self, robots_url: httpx.URL, deadline: _Deadline) -> Rules:
        try:
            reply = self._follow(robots_url, deadline, page=False)
        except _RedirectError:
            reply = _Reply(robots_url, 404, "Too Many Redirects", httpx.Headers())
        if 200 <= reply.status < 300:
            return Rules(reply.body.decode("utf-8", errors="replace"))
        if 400 <= reply.status < 500 and reply.status != 429:
            return Rules(None)
        raise FetchError(f"robots.txt is unavailable (HTTP {reply.status}), so the site is taken as "
                         "off-limits (RFC 9309)", str(robots_url), f"try again later, or {ROBOTS_FIX}")

    def _request(self, url: httpx.URL, deadline: _Deadline, page: bool) -> _Reply:
        """One GET with retries on 429, 5xx and connection errors; the body is read only for 2xx."""
        options = self.options
        attempt = 0
        while True:
            deadline.check(str(url))
            try:
                reply = self._attempt(url, deadline, page)
            except _Retryable as error:
                if attempt >= options.retries:
                    raise error.final(attempt) from None
                wait, last = self._backoff(attempt), error.what
            else:
                retryable = reply.status == 429 or reply.status >= 500
                if not retryable or attempt >= options.retries:
                    reply.attempts = attempt + 1
                    return reply
                wait, last = self._retry_wait(reply, attempt), f"HTTP {reply.status} {reply.reason}"
            if wait > deadline.left():
                raise FetchError(f"{last}; gave up after {attempt + 1} attempt(s), as waiting {wait:.3g} s more "
                                 f"would pass the {options.deadline:g} s limit", str(url), "try again later")
            time.sleep(wait)
            attempt += 1

    def _backoff(self, attempt: int) -> float:
        base = min(self.options.backoff_max, self.options.backoff * 2 ** attempt)
        return base / 2 + random.uniform(0, base / 2)

    def _retry_wait(self, reply: _Reply, attempt: int) -> float:
        asked = retry_after_seconds(reply.headers.get("retry-after"))
        if asked is None:
            return self._backoff(attempt)
        if asked > self.options.retry_after_cap:
            raise FetchError(f"HTTP {reply.status} {reply.reason}; the server asks to wait {asked:g} s, over the "
                             f"{self.options.retry_after_cap:g} s limit", str(reply.url), "try again later")
        return asked

    def _attempt(self, url: httpx.URL, deadline: _Deadline, page: bool) -> _Reply:
        options = self.options
        left = max(deadline.left(), 0.001)
        timeout = httpx.Timeout(connect=min(options.connect_timeout, left), read=min(options.read_timeout, left),
                                write=min(options.read_timeout, left), pool=min(options.connect_timeout, left))
        where = str(url)
        try:
            with self._session().stream("GET", url, timeout=timeout) as response:
                reply = _Reply(url, response.status_code, response.reason_phrase, response.headers)
                if 200 <= reply.status < 300:
                    if page:
                        refuse_non_text(response.headers, where)
                    limit = options.max_bytes if page else ROBOTS_MAX_BYTES
                    reply.body = _read_body(response, where, limit, truncate=not page, deadline=deadline)
                return reply
        except httpx.TimeoutException as error:
            if deadline.left() < 0.05:
                raise deadline.error(where) from None
            if isinstance(error, (httpx.ConnectTimeout, httpx.PoolTimeout)):
                raise _Retryable(f"could not connect within {options.connect_timeout:g} s", where) from None
            raise FetchError(f"timed out: the server sent nothing for {options.read_timeout:g} s", where,
                             "the site is slow or stalled; try again later") from None
        except httpx.ConnectError as error:
            raise _connect_error(error, url) from None
        except httpx.DecodingError:
            raise FetchError("the page's compressed content is damaged", where, "try again later") from None
        except httpx.TransportError as error:
            raise _Retryable(f"connection failed ({error or type(error).__name__})", where) from None

    def _session(self) -> httpx.Client:
        if self._client is None:
            no_cookies = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
            self._client = httpx.Client(
                trust_env=False, follow_redirects=False, cookies=no_cookies,
                headers={"User-Agent": self.options.user_agent,
                         "Accept": "text/html,application/xhtml+xml,application/json,text/plain;q=0.9,*/*;q=0.5"},
            )
        return self._client


class _Retryable(Exception):
    """A connection-level failure worth another try; ``final`` is the error once tries run out."""

    def __init__(self, what: str, where: str) -> None:
        super().__init__(what)
        self.what, self.where = what, where

    def final(self, retries: int) -> FetchError:
        tail = f" after {retries} retr{'y' if retries == 1 else 'ies'}" if retries else ""
        return FetchError(f"{self.what}{tail}", self.where, "check the URL and your connection, or try again later")


def fetch_source(url: str, options: FetchOptions | None = None) -> Source:
    """Fetch one http(s) URL into a Source (see ``Fetcher.fetch``); every failure is a FetchError."""
    with Fetcher(options) as fetcher:
        return fetcher.fetch(url)


def fetch_sources(urls: list[str], options: FetchOptions | None = None) -> list[Source]:
    """Fetch several URLs over one session, so each host's robots.txt is read once."""
    with Fetcher(options) as fetcher:
        return [fetcher.fetch(url) for url in urls]


# -- replies ----------------------------------------------------------------------------------


def _status_error(reply: _Reply) -> FetchError:
    what = f"HTTP {reply.status} {reply.reason}".rstrip()
    if reply.attempts > 1:
        what += f" after {reply.attempts - 1} retr{'y' if reply.attempts == 2 else 'ies'}"
    if reply.status in (401, 403):
        fix = "the site refuses scripts or needs a login; save the page from a browser and give the file"
    elif reply.status == 429:
        fix = "the site is limiting requests; try again later"
    elif reply.status >= 500:
        fix = "the site is failing; try again later"
    else:
        fix = "check the URL in a browser"
    return FetchError(what, str(reply.url), fix)


def _connect_error(error: httpx.ConnectError, url: httpx.URL) -> Exception:
    text = str(error)
    lowered = text.lower()
    if any(marker in lowered for marker in _DNS_FAILURES):
        if "temporary" in lowered:
            return _Retryable(f"host {url.host} could not be resolved (DNS)", str(url))
        return FetchError(f"host {url.host} could not be resolved (DNS)", str(url), "check the host name")
    if "certificate" in lowered or "ssl" in lowered:
        return FetchError(f"TLS failed ({text})", str(url), "check the URL; certificates are always verified")
    if "refused" in lowered:
        return _Retryable(f"connection refused by {url.host}:{url.port or _default_port(url)}", str(url))
    return _Retryable(f"could not connect ({text or type(error).__name__})", str(url))


def _default_port(url: httpx.URL) -> int:
    return 443 if url.scheme == "https" else 80


def _read_body(response: httpx.Response, where: str, limit: int, truncate: bool, deadline: _Deadline) -> bytes:
    """Stream the (decompressed) body, stopping at ``limit`` bytes: an error, or a cut when ``truncate``."""
    too_large = FetchError(f"page is larger than the {_size(limit)} limit", where,
                           "save the page from a browser and give the file, or raise the size limit")
    declared = response.headers.get("content-length", "")
    if not truncate and declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        if size + len(chunk) > limit:
            if not truncate:
                raise too_large
            chunks.append(chunk[: limit - size])
            break
        chunks.append(chunk)
        size += len(chunk)
        deadline.check(where)
    return b"".join(chunks)


def _size(count: int) -> str:
    return f"{count / MIB:g} MiB" if count >= MIB else f"{count:,} bytes"
