"""The workspace's parts on their own: the vault's bounds, sealing, the query string, rows."""

from __future__ import annotations

from decimal import Decimal

import pytest

from web.workspace_model import Query, from_cents, initials, page_of, to_cents
from web.workspace_seal import Ticket, seal, unseal
from web.workspace_vault import Vault, VaultClient, start_vault_process

# --- the vault ----------------------------------------------------------------------------


def test_vault_drops_expired_entries_on_any_call() -> None:
    vault = Vault()
    vault.put("a", b"x", expires_at=100.0, now=0.0)
    vault.put("b", b"y", expires_at=200.0, now=0.0)
    assert vault.get("a", now=99.9) == b"x"
    assert vault.get("b", now=100.0) == b"y"
    assert vault.blobs() == [b"y"]  # "a" went at its time, though nobody asked for it
    assert vault.sweep(now=200.0) == 0


def test_vault_is_bounded_and_drops_the_soonest_to_expire_first() -> None:
    vault = Vault(max_bytes=10, max_entries=3)
    vault.put("soon", b"12345", expires_at=50.0, now=0.0)
    vault.put("late", b"12345", expires_at=90.0, now=0.0)
    vault.put("new", b"123", expires_at=100.0, now=0.0)
    assert vault.get("soon", now=1.0) is None
    assert vault.get("late", now=1.0) == b"12345" and vault.get("new", now=1.0) == b"123"
    for key in ("w", "x", "y"):
        vault.put(key, b"1", expires_at=100.0, now=0.0)
    assert len(vault.blobs()) == 3


def test_vault_drop_forgets_at_once() -> None:
    vault = Vault()
    vault.put("a", b"x", expires_at=100.0, now=0.0)
    vault.drop("a")
    vault.drop("never-there")
    assert vault.get("a", now=0.0) is None and vault.blobs() == []


# --- sealing ------------------------------------------------------------------------------


def test_sealed_value_opens_only_with_its_key_id_and_part() -> None:
    ticket = Ticket.new()
    blob = seal({"patient": "JANE DOE"}, ticket, ".index")
    assert b"JANE" not in blob
    assert unseal(blob, ticket, ".index") == {"patient": "JANE DOE"}
    assert unseal(blob, ticket, ".claims") is None  # swapped parts fail the tag
    assert unseal(blob, Ticket.new(), ".index") is None
    assert unseal(blob, Ticket(Ticket.new().id, ticket.key), ".index") is None
    tampered = blob[:-1] + bytes([blob[-1] ^ 1])
    assert unseal(tampered, ticket, ".index") is None


def test_ticket_round_trips_through_its_cookie_and_refuses_junk() -> None:
    ticket = Ticket.new()
    assert Ticket.from_cookie(ticket.cookie_value()) == ticket
    for junk in (None, "", "abc", "a.b", "x" * 22 + "." + "!" * 43, ticket.cookie_value() + ".x"):
        assert Ticket.from_cookie(junk) is None


# --- the query string and rows ------------------------------------------------------------


def test_query_keeps_only_known_values_and_writes_only_changes() -> None:
    query = Query.from_args(
        {"q": "  doe   jane ", "show": "denied", "sort": "owes", "order": "desc", "page": "3"}
    )
    assert query == Query("doe jane", "denied", "owes", "desc", 3)
    assert query.args(page=1) == {
        "q": "doe jane",
        "show": "denied",
        "sort": "owes",
        "order": "desc",
    }
    assert Query.from_args({"show": "<script>", "sort": "x", "page": "9" * 12}) == Query()
    assert Query.from_args({"q": "z" * 500}).q == "z" * 60
    assert Query().is_plain and not Query(page=2).is_plain


@pytest.mark.parametrize(
    ("value", "cents"),
    [(Decimal("12.34"), 1234), (Decimal("-1.60"), -160), (Decimal("0"), 0), (None, None)],
)
def test_money_in_rows_is_whole_cents(value: Decimal | None, cents: int | None) -> None:
    assert to_cents(value) == cents
    assert from_cents(to_cents(value)) == value


def test_fractions_of_a_cent_are_kept_exactly() -> None:
    value = Decimal("0.005")
    assert to_cents(value) == value and from_cents(to_cents(value)) == value


def test_initials_only() -> None:
    assert initials("JANE Q DOE") == "J.Q.D."
    assert initials(None) == "" and initials("  ") == ""


def test_pages_clamp_to_what_there_is() -> None:
    rows = list(range(120))
    page = page_of(rows, 9)  # type: ignore[arg-type]
    assert (page.number, page.count, page.first, page.last, page.total) == (3, 3, 101, 120, 120)
    empty = page_of([], 1)
    assert (empty.number, empty.count, empty.first, empty.last) == (1, 1, 0, 0)


def test_the_vault_process_is_shared_and_survives_a_broken_connection() -> None:
    client, process = start_vault_process()
    try:
        client.put("a", b"sealed", expires_at=100.0, now=0.0)
        other = VaultClient(client._address, client._authkey)  # another worker's connection
        assert other.get("a", now=1.0) == b"sealed"
        assert client._connection is not None
        client._connection.close()  # e.g. the socket broke between two requests
        assert client.get("a", now=1.0) == b"sealed"
        other.drop("a")
        assert client.blobs() == []
        with pytest.raises(Exception):  # noqa: B017 - any refusal will do: no key, no vault
            VaultClient(client._address, b"wrong key" * 4).blobs()
    finally:
        process.terminate()
        process.wait(timeout=10)
