from __future__ import annotations

import re
from datetime import timedelta

from tests.conftest import SignedIn
from tests.linking import link
from wellness.models.links import Invite, Link
from wellness.services.sessions import now


async def test_invite_code_is_short_readable_and_only_its_hash_is_stored(
    signed_in: SignedIn,
) -> None:
    counselor = await signed_in("counselor")
    r = await counselor.post("/api/v1/invites")
    assert r.status_code == 201
    code = r.json()["code"]
    assert re.fullmatch(r"[A-HJKMNP-TV-Z2-9]{4}-[A-HJKMNP-TV-Z2-9]{4}", code)
    invite = await Invite.get()
    assert code not in invite.code_hash and code.replace("-", "") not in invite.code_hash
    hours = (invite.expires_at - invite.created_at).total_seconds() / 3600
    assert round(hours) == 72


async def test_only_counselors_make_invites_and_only_clients_redeem(signed_in: SignedIn) -> None:
    client = await signed_in("client")
    admin = await signed_in("admin")
    assert (await client.post("/api/v1/invites")).status_code == 403
    assert (await admin.post("/api/v1/invites")).status_code == 403
    counselor = await signed_in("counselor")
    code = (await counselor.post("/api/v1/invites")).json()["code"]
    r = await counselor.post("/api/v1/links", json={"code": code})
    assert r.status_code == 403


async def test_redeem_with_chosen_scopes_notes_off_by_default(signed_in: SignedIn) -> None:
    counselor = await signed_in("counselor", username="coach")
    client = await signed_in("client", username="robin")
    code = (await counselor.post("/api/v1/invites")).json()["code"]
    # Typed back in lower case, without the dash: still the same code.
    r = await client.post("/api/v1/links", json={"code": code.lower().replace("-", " ")})
    assert r.status_code == 201, r.text
    body = r.json()
    assert "notes" not in body["scopes"]
    assert body["with"]["display_name"] == "Coach"

    theirs = (await counselor.get("/api/v1/links")).json()["links"]
    assert [x["with"]["display_name"] for x in theirs] == ["Robin"]
    mine = (await client.get("/api/v1/links")).json()["links"]
    assert [x["with"]["display_name"] for x in mine] == ["Coach"]


async def test_a_code_works_once_and_not_after_it_expires(signed_in: SignedIn) -> None:
    counselor = await signed_in("counselor")
    first = await signed_in("client")
    second = await signed_in("client")
    code = (await counselor.post("/api/v1/invites")).json()["code"]
    assert (await first.post("/api/v1/links", json={"code": code})).status_code == 201
    r = await second.post("/api/v1/links", json={"code": code})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "code"

    code = (await counselor.post("/api/v1/invites")).json()["code"]
    await Invite.filter(redeemed_at=None).update(expires_at=now() - timedelta(minutes=1))
    r = await second.post("/api/v1/links", json={"code": code})
    assert r.status_code == 422
    assert await Link.filter(client__username=second.user["username"]).count() == 0


async def test_bad_input_names_the_field(signed_in: SignedIn) -> None:
    client = await signed_in("client")
    r = await client.post("/api/v1/links", json={"code": "ABCD-EFGH", "scopes": ["everything"]})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"].startswith("scopes")
    r = await client.post("/api/v1/links", json={"code": "ABCD-EFGH", "extra": 1})
    assert r.status_code == 422


async def test_guessing_codes_is_throttled(signed_in: SignedIn) -> None:
    client = await signed_in("client")
    statuses = [
        (await client.post("/api/v1/links", json={"code": f"AAAA-AA{n:02d}"})).status_code
        for n in range(11)
    ]
    assert statuses[:10] == [422] * 10
    assert statuses[10] == 429


async def test_linking_twice_to_the_same_counselor_is_a_conflict(signed_in: SignedIn) -> None:
    counselor = await signed_in("counselor")
    client = await signed_in("client")
    await link(counselor, client)
    code = (await counselor.post("/api/v1/invites")).json()["code"]
    assert (await client.post("/api/v1/links", json={"code": code})).status_code == 409


async def test_two_counselors_each_with_their_own_scopes(signed_in: SignedIn) -> None:
    first = await signed_in("counselor")
    second = await signed_in("counselor")
    client = await signed_in("client")
    await link(first, client, ["checkin_summary"])
    await link(second, client, ["screeners", "safety_alerts"])
    links = {x["with"]["id"]: x["scopes"] for x in
             (await client.get("/api/v1/links")).json()["links"]}
    assert links == {first.user["id"]: ["checkin_summary"],
                     second.user["id"]: ["screeners", "safety_alerts"]}


async def test_only_the_client_changes_scopes_and_either_side_ends_the_link(
    signed_in: SignedIn,
) -> None:
    counselor = await signed_in("counselor")
    client = await signed_in("client")
    stranger = await signed_in("client")
    made = await link(counselor, client)
    url = f"/api/v1/links/{made['id']}"
    assert (await counselor.patch(url, json={"scopes": ["notes"]})).status_code == 403
    assert (await stranger.patch(url, json={"scopes": ["notes"]})).status_code == 404
    r = await client.patch(url, json={"scopes": ["practice", "notes"]})
    assert r.status_code == 200
    assert r.json()["scopes"] == ["notes", "practice"]
    assert (await stranger.delete(url)).status_code == 404
    assert (await counselor.delete(url)).status_code == 204
    assert (await client.get("/api/v1/links")).json()["links"] == []
    assert (await client.delete(url)).status_code == 404
    assert (await client.patch("/api/v1/links/not-a-uuid", json={"scopes": []})).status_code == 404
