"""A new version of the app is offered ("Update available — reload"), never forced mid-task."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ROOT, phone, register, serve, service_worker_ready

pytestmark = pytest.mark.e2e


async def test_an_update_waits_for_the_reload_tap(browser: Any, tmp_path: Path) -> None:
    pwa = tmp_path / "pwa"
    shutil.copytree(ROOT / "static" / "pwa", pwa)
    (tmp_path / "server").mkdir()
    with serve(tmp_path / "server", static_dir=str(pwa)) as server:
        context = await phone(browser, server)
        page = await context.new_page()
        await register(page, "kai", "Kai")
        await service_worker_ready(page)
        await page.goto("/#/checkin")
        note = page.get_by_label("A note for yourself")
        await note.fill("halfway through a thought")
        await page.evaluate("() => { window.stillHere = true; }")

        sw = pwa / "sw.js"
        found = re.search(r"const VERSION = '([^']+)'", sw.read_text())
        assert found
        old = found.group(1)
        sw.write_text(sw.read_text().replace(old, "v2-update-test"))
        await page.evaluate(
            "async () => (await navigator.serviceWorker.getRegistration()).update()")

        reload = page.get_by_role("button", name="Reload")
        await page.get_by_text("An update is available.").wait_for()
        await reload.wait_for()
        await page.wait_for_timeout(1000)  # time enough for a forced reload to show itself
        assert await page.evaluate("() => window.stillHere === true")
        assert await note.input_value() == "halfway through a thought"
        assert f"wellness-shell-{old}" in await page.evaluate("() => caches.keys()")

        async with page.expect_navigation():
            await reload.click()
        assert await page.evaluate("() => window.stillHere === undefined")
        caches = await page.evaluate("() => caches.keys()")
        assert "wellness-shell-v2-update-test" in caches
        assert f"wellness-shell-{old}" not in caches
        await context.close()
