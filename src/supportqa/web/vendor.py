"""plotly.js served from the installed plotly wheel, under a CSP without inline styles.

plotly.js adds its own CSS at run time as inline `<style>` elements, which `style-src 'self'`
refuses. It skips that when the page already holds an element with the id it would use and the
class `no-inline-styles`: the dashboard puts a `<link>` there, pointing at `/vendor/plotly.css`,
the same rules read out of the installed plotly.min.js. Its bundled map library injects a
stylesheet too unless an element with its id exists (we draw no maps, so a bare marker does).
Both are read from the file itself, so a plotly upgrade changes them with it; the browser tests
fail on any CSP violation if the format ever changes.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse, Response

from supportqa.api.security import public
from supportqa.errors import ConfigError

GLOBAL_STYLE_ID = "plotly.js-style-global"
"""The id plotly.js looks up before adding its global CSS rules."""
_RULES_START = '{"X,X div":'
_RULE = re.compile(r""""((?:[^"\\]|\\.)*)":(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')([,}])""")
_MAP_STYLE = re.compile(
    r'getElementById\("([0-9a-f]{16,64})"\)\)\{var \w=document\.createElement\("style"\)'
)
_CACHE = "public, max-age=86400"

router = APIRouter(include_in_schema=False)


def plotly_js() -> Path:
    """plotly.min.js as the plotly wheel ships it."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


@cache
def _source() -> str:
    return plotly_js().read_text(encoding="utf-8")


@cache
def plotly_css() -> str:
    """plotly.js's own CSS rules as a stylesheet (its selectors' `X`/`Y` expanded as it does)."""
    source = _source()
    at = source.find(_RULES_START)
    if at < 0:
        raise ConfigError(f"no CSS rules found in {plotly_js()}: this plotly.js is not supported")
    lines, at = [], at + 1
    while (found := _RULE.match(source, at)) is not None:
        selector, body = found.group(1), found.group(2) or found.group(3) or ""
        full = (" ," + selector[1:]) if selector.startswith(",") else selector
        full = full.replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier")
        lines.append(f"{full}{{{body}}}")
        at = found.end()
        if found.group(4) == "}":
            break
    return "\n".join(lines) + "\n"


@cache
def map_style_id() -> str | None:
    """The id of the map library's injected stylesheet (None if this plotly.js has none)."""
    found = _MAP_STYLE.search(_source())
    return found.group(1) if found else None


@router.get("/vendor/plotly.min.js")
def plotly_script(_: Annotated[None, Depends(public())]) -> FileResponse:
    return FileResponse(
        plotly_js(), media_type="text/javascript", headers={"Cache-Control": _CACHE}
    )


@router.get("/vendor/plotly.css")
def plotly_stylesheet(_: Annotated[None, Depends(public())]) -> Response:
    return Response(plotly_css(), media_type="text/css", headers={"Cache-Control": _CACHE})
