"""What every page shares: one jinja2 environment over this package's ``templates/`` and ``static/``, the
one path by which JSON data enters a page, the inline Vega bundle, and the hoisting of chart datasets.

Every value a template interpolates is HTML-escaped by the engine (``autoescape=True``); a missing
value is an error, not an empty string (``StrictUndefined``). Only two things reach a page unescaped:
the JSON payload, through the ``script_json`` filter, which escapes it for a ``<script
type="application/json">`` element, and the Vega bundle, whose ``</script`` is neutralised. Our own
style and script are included as template source (``{% include "static/..." %}``), not as values.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from markupsafe import Markup

from commentscope.scraper.errors import CommentscopeError

if TYPE_CHECKING:
    import jinja2

#: The package folder: templates are ``templates/<name>``, our assets ``static/<name>``.
ROOT = Path(__file__).resolve().parent
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(payload: Any) -> Markup:
    """JSON safe inside ``<script type="application/json">``: no ``</script>``, no ``<!--``, no raw
    line separators (every ``<``, ``>``, ``&``, U+2028, U+2029 becomes a ``\\u`` escape with four hex
    digits). Returned as ``Markup`` because it is already escaped for where it goes; the templates'
    ``script_json`` filter."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return Markup(re.sub("[<>&\u2028\u2029]", lambda match: _JSON_ESCAPES[match.group(0)], text))


@functools.lru_cache(maxsize=1)
def vega_bundle() -> Markup:
    """Vega, Vega-Lite and vega-embed as one inline script (``window.vegaEmbed``), matching altair's
    Vega-Lite version. Built once per process (about two seconds); the templates' ``vega_bundle()``."""
    import altair as alt
    import vl_convert

    version = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    bundle = vl_convert.javascript_bundle(vl_version=version)
    # Only ever inside JS strings or comments in the bundle; `<\/` means the same there.
    return Markup(re.sub(r"</(script)", r"<\\/\1", bundle, flags=re.IGNORECASE))


@functools.lru_cache(maxsize=1)
def environment() -> "jinja2.Environment":
    """The page environment: templates and assets loaded from the package folder, every value
    escaped, undefined names an error, the files' final newlines kept."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(ROOT), autoescape=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["script_json"] = script_json
    env.globals["vega_bundle"] = vega_bundle
    return env


def render(template: str, **context: Any) -> str:
    """``templates/<template>`` rendered with ``context``."""
    import jinja2

    try:
        return environment().get_template(f"templates/{template}").render(**context)
    except jinja2.TemplateNotFound as error:
        raise CommentscopeError(f"the page template or asset {error.name} is missing", str(ROOT),
                                "reinstall commentscope so analysis/views/templates and static are included") from None


def hoist_datasets(specs: Mapping[str, dict[str, Any]]) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Move every spec's named datasets into one shared map, so rows several views use (the
    per-comment rows) are embedded once; the page script puts them back before embedding."""
    shared: dict[str, Any] = {}
    slim: dict[str, dict[str, Any]] = {}
    for name, spec in specs.items():
        datasets = spec.get("datasets", {})
        shared.update(datasets)
        slim[name] = {**{k: v for k, v in spec.items() if k != "datasets"}, "usermeta": {"datasets": sorted(datasets)}}
    return slim, shared
