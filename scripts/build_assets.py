"""Copy NHS.UK frontend and htmx from node_modules into portal/static/vendor, then write
fingerprinted, precompressed (gzip and brotli) copies of every linked file to portal/static/dist
(both git-ignored).

The NHS.UK stylesheet loads the Frutiger font from assets.nhs.uk; the portal makes no
request to another host, so those @font-face rules are dropped (the design system falls
back to Arial) and asset URLs are pointed at our own copy.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import posixpath
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import brotli
from mirror_css import mirror

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


# --- Fingerprinted, precompressed copies -------------------------------------------------------
# Every file the pages link to gets a copy in portal/static/dist/ (git-ignored) whose name carries a
# hash of its content, with .gz and .br beside it; the app serves those with
# "Cache-Control: public, max-age=31536000, immutable" (portal/static_files.py), so a phone downloads
# each version once. The NHS.UK images are one fingerprinted folder, because the layout passes the
# design system a folder (assetPath), not file names. References between files (the stylesheet's
# url(), portal.js importing the NHS.UK script) are rewritten to the fingerprinted names first, so
# a file's hash covers what it points at.

STATIC = ROOT / "portal" / "static"
DIST = STATIC / "dist"
MANIFEST = DIST / "manifest.json"
ASSET_DIR = "vendor/nhsuk/assets"
VENDOR_FILES = ("vendor/nhsuk/nhsuk-frontend.min.css", "vendor/nhsuk/nhsuk-frontend.rtl.min.css",
                "vendor/nhsuk/nhsuk-frontend.min.js", "vendor/htmx.min.js")


def linked_files() -> list[str]:
    """The NHS.UK stylesheet and script, htmx, and every stylesheet and script of our own."""
    own = sorted(p.relative_to(STATIC).as_posix() for folder in ("css", "js")
                 for p in (STATIC / folder).rglob("*") if p.suffix in {".css", ".js"})
    return [*VENDOR_FILES, *own]


COMPRESSIBLE = {".css", ".js", ".svg", ".json", ".ico", ".map", ".txt"}
JS_IMPORT = re.compile(r"""(\bfrom\s*|\bimport\s*\(?\s*)(["'])(\.{1,2}/[^"']+)\2""")


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def fingerprinted_name(source: str, digest: str) -> str:
    stem, dot, suffix = source.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot else f"{source}.{digest}"


def compress(path: Path) -> None:
    """Write path.gz and path.br when that saves at least 5% (as WhiteNoise's own compressor does)."""
    if path.suffix not in COMPRESSIBLE:
        return
    data = path.read_bytes()
    for suffix, packed in ((".gz", gzip.compress(data, compresslevel=9, mtime=0)),
                           (".br", brotli.compress(data, quality=11))):
        if len(packed) < len(data) * 0.95:
            path.with_name(path.name + suffix).write_bytes(packed)


def rewrite_references(source: str, text: str, fingerprinted: Callable[[str], str], asset_dir: str) -> str:
    """Point the stylesheet's images and a script's imports at the fingerprinted names."""
    text = text.replace(f"url(/static/{ASSET_DIR}/", f"url(/static/dist/{asset_dir}/")

    def resolve(match: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(source), match.group(3)))
        return f"{match.group(1)}{match.group(2)}/static/dist/{fingerprinted(target)}{match.group(2)}"

    return JS_IMPORT.sub(resolve, text) if source.endswith(".js") else text


def fingerprint() -> dict[str, object]:
    if DIST.exists():
        shutil.rmtree(DIST)
    DIST.mkdir(parents=True)
    assets = STATIC / ASSET_DIR
    folder_hash = hashlib.sha256()
    for path in sorted(p for p in assets.rglob("*") if p.is_file()):
        folder_hash.update(path.relative_to(assets).as_posix().encode() + b"\0" + path.read_bytes())
    asset_dir = f"nhsuk-assets.{folder_hash.hexdigest()[:12]}"
    shutil.copytree(assets, DIST / asset_dir)
    for path in (DIST / asset_dir).rglob("*"):
        if path.is_file():
            compress(path)
    files: dict[str, str] = {}
    sources: dict[str, str] = {}

    def fingerprinted(source: str) -> str:
        """The copy's name, writing the copy (after whatever it refers to) the first time."""
        if source not in files:
            raw = (STATIC / source).read_bytes()
            sources[source] = content_hash(raw)
            data = rewrite_references(source, raw.decode("utf-8"), fingerprinted, asset_dir).encode("utf-8")
            files[source] = fingerprinted_name(source, content_hash(data))
            target = DIST / files[source]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            compress(target)
        return files[source]

    for source in linked_files():
        fingerprinted(source)
    manifest: dict[str, object] = {"files": files, "dirs": {ASSET_DIR: asset_dir}, "sources": sources}
    MANIFEST.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    return manifest


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
    # Right-to-left pages (Arabic) link a mirrored copy instead (scripts/mirror_css.py).
    (target / "nhsuk-frontend.rtl.min.css").write_text(mirror(rewrite_css(css)), encoding="utf-8")
    js = (nhsuk / "nhsuk-frontend.min.js").read_text(encoding="utf-8")
    js = re.sub(r"//# sourceMappingURL=\S+\s*$", "", js)
    (target / "nhsuk-frontend.min.js").write_text(js, encoding="utf-8")
    shutil.copytree(nhsuk / "assets", target / "assets")
    htmx_js = re.sub(r"//# sourceMappingURL=\S+\s*$", "", htmx.read_text(encoding="utf-8"))
    (VENDOR / "htmx.min.js").write_text(htmx_js, encoding="utf-8")
    print(f"Assets copied to {VENDOR.relative_to(ROOT)}")
    fingerprint()
    print(f"Fingerprinted, compressed copies in {DIST.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
