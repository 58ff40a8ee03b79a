"""Copy NHS.UK frontend and htmx from node_modules into portal/static/vendor (git-ignored).

The NHS.UK stylesheet loads the Frutiger font from assets.nhs.uk; the portal makes no
request to another host, so those @font-face rules are dropped (the design system falls
back to Arial) and asset URLs are pointed at our own copy.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
VENDOR = ROOT / "portal" / "static" / "vendor"
ASSET_URL = "/static/vendor/nhsuk/assets/"


def rewrite_css(css: str) -> str:
    css = re.sub(r"@font-face\{[^}]*https?://[^}]*\}", "", css)
    css = css.replace("url(/assets/", f"url({ASSET_URL}")
    css = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css)
    if re.search(r"url\(\s*['\"]?(https?:)?//", css):
        raise SystemExit("The NHS.UK stylesheet still points at another host")
    return css


def main() -> int:
    nhsuk = NODE / "nhsuk-frontend" / "dist" / "nhsuk"
    htmx = NODE / "htmx.org" / "dist" / "htmx.min.js"
    if not nhsuk.is_dir() or not htmx.is_file():
        print("Run `npm ci` first", file=sys.stderr)
        return 1
    target = VENDOR / "nhsuk"
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    target.mkdir(parents=True)
    css = (nhsuk / "nhsuk-frontend.min.css").read_text(encoding="utf-8")
    (target / "nhsuk-frontend.min.css").write_text(rewrite_css(css), encoding="utf-8")
    js = (nhsuk / "nhsuk-frontend.min.js").read_text(encoding="utf-8")
    js = re.sub(r"//# sourceMappingURL=\S+\s*$", "", js)
    (target / "nhsuk-frontend.min.js").write_text(js, encoding="utf-8")
    shutil.copytree(nhsuk / "assets", target / "assets")
    htmx_js = re.sub(r"//# sourceMappingURL=\S+\s*$", "", htmx.read_text(encoding="utf-8"))
    (VENDOR / "htmx.min.js").write_text(htmx_js, encoding="utf-8")
    print(f"Assets copied to {VENDOR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
