"""Signing out on a shared phone leaves nothing of that person behind."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import Server, fake_push_script, register, rows, service_worker_ready

pytestmark = pytest.mark.e2e

LEFT_BEHIND = """async () => {
  const stores = {};
  for (const { name } of await indexedDB.databases()) {
    const db = await new Promise((ok, fail) => { const r = indexedDB.open(name); r.onsuccess = () => ok(r.result); r.onerror = fail; });
    for (const store of db.objectStoreNames) {
      stores[`${name}/${store}`] = await new Promise((ok) => { const r = db.transaction(store).objectStore(store).count(); r.onsuccess = () => ok(r.result); });
    }
    db.close();
  }
  const api = [];
  for (const name of await caches.keys()) {
    for (const req of await (await caches.open(name)).keys()) {
      const path = new URL(req.url).pathname;
      if (path.startsWith('/api/')) api.push(path);
    }
  }
  return { stores, caches: await caches.keys(), api };
}"""

PUBLIC_CONTENT = {"/api/v1/content/bundle", "/api/v1/crisis-resources"}


async def test_sign_out_clears_data_caches_and_push(context: Any, server: Server) -> None:
    await context.grant_permissions(["notifications"])
    await context.add_init_script(fake_push_script("https://127.0.0.1:9/push/shared-phone"))
    page = await context.new_page()
    await register(page, "jordan", "Jo")
    await service_worker_ready(page)
    await page.goto("/#/checkin")
    await page.get_by_label("4 — Good").check(force=True)
    await page.get_by_role("button", name="Save check-in").click()
    await page.get_by_text("Saved").first.wait_for()
    await page.goto("/#/progress")
    await page.get_by_role("heading", name="Progress").wait_for()
    await page.goto("/#/settings")
    await page.get_by_role("button", name="Turn on notifications").click()
    await page.get_by_text("Notifications are on for this phone").wait_for()

    before = await page.evaluate(LEFT_BEHIND)
    assert any(name.startswith("wellness-api-") for name in before["caches"])
    assert sum(before["stores"].values()) > 0

    await page.get_by_test_id("signout").click()
    await page.get_by_role("heading", name="Welcome back").wait_for()

    after = await page.evaluate(LEFT_BEHIND)
    assert not any(name.startswith("wellness-api-") for name in after["caches"])
    assert set(after["api"]) <= PUBLIC_CONTENT
    assert sum(after["stores"].values()) == 0, after["stores"]
    assert rows(server, "SELECT count(*) FROM push_subscriptions") == [(0,)]
    status = await page.evaluate("async () => (await fetch('/api/v1/me')).status")
    assert status == 401

    # The next person on this phone can still reach help with no signal.
    await context.set_offline(True)
    await page.goto("/#/help")
    await page.get_by_role("link", name="Call 988").wait_for()
