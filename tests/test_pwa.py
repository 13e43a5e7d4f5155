"""The PWA's static files: precache list, size budget, CSP-safe markup, no third-party requests."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PWA = ROOT / "static" / "pwa"
BUDGET = 80 * 1024


def precache() -> list[str]:
    sw = (PWA / "sw.js").read_text()
    block = re.search(r"const PRECACHE = \[(.*?)\];", sw, re.S)
    assert block
    return re.findall(r"'([^']+)'", block.group(1))


def local(url: str) -> Path:
    return PWA / ("index.html" if url == "/" else url.lstrip("/"))


def test_precache_names_files_that_exist_and_every_module_is_precached() -> None:
    urls = precache()
    assert len(urls) == len(set(urls))
    missing = [u for u in urls if not local(u).is_file()]
    assert missing == []
    modules = {"/" + str(p.relative_to(PWA)) for p in (PWA / "js").rglob("*.js")}
    assert modules - set(urls) == set()


def test_one_version_names_every_cache() -> None:
    sw = (PWA / "sw.js").read_text()
    assert len(re.findall(r"const VERSION = '", sw)) == 1
    names = re.findall(r"const \w+ = `\$\{PREFIX\}([a-z]+)-\$\{VERSION\}", sw)
    assert set(names) == {"shell", "content", "api"}


def test_app_shell_fits_the_budget_compressed() -> None:
    files = {*precache(), "/sw.js"}
    total = sum(len(gzip.compress(local(u).read_bytes(), 9)) for u in files)
    print(f"\napp shell: {len(files)} files, {total / 1024:.1f} KB gzip (budget 80 KB)")
    assert total <= BUDGET


def test_no_inline_script_or_style_and_no_html_injection() -> None:
    html = (PWA / "index.html").read_text()
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert "style=" not in html and "<style" not in html
    assert re.search(r"\son[a-z]+=", html) is None
    for path in PWA.rglob("*.js"):
        text = path.read_text()
        assert "innerHTML" not in text and "outerHTML" not in text, path
        assert "insertAdjacentHTML" not in text and "document.write" not in text, path
        assert "style=" not in text and "'style'" not in text, path
        assert "eval(" not in text and "new Function" not in text, path


def test_nothing_is_fetched_from_another_origin() -> None:
    for path in [*PWA.rglob("*.js"), *PWA.rglob("*.css"), PWA / "index.html"]:
        text = path.read_text()
        for url in re.findall(r"https?://[^\s'\"`)]+", text):
            # Only the SVG namespace (an identifier, never fetched) may appear.
            assert url == "http://www.w3.org/2000/svg", (path, url)
        assert "@import" not in text and "url(" not in text, path


def test_manifest_is_installable_and_discreet() -> None:
    manifest = json.loads((PWA / "manifest.webmanifest").read_text())
    assert manifest["name"] == manifest["short_name"] == "Wellness"
    assert manifest["display"] == "standalone"
    sizes = {(i["sizes"], i.get("purpose", "any")) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        data = local(icon["src"]).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert f"{width}x{height}" == icon["sizes"]


def test_version_changes_whenever_the_shell_does() -> None:
    """Installed apps only pick up a new shell when VERSION changes, so it carries a digest."""
    digest = hashlib.sha256()
    for url in sorted(precache()):
        digest.update(url.encode() + b"\0" + local(url).read_bytes())
    sw = (PWA / "sw.js").read_text()
    version = re.search(r"const VERSION = '([^']+)';", sw)
    assert version
    expected = digest.hexdigest()[:10]
    assert version.group(1).endswith(f"-{expected}"), (
        f"static/pwa changed: set VERSION in sw.js to 'v1-{expected}'")
