"""extract_pdf: the paper's own words decide its kind; the user's role only breaks a tie."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from explainer.errors import UnsupportedDocument
from explainer.extract.pdf import extract_pdf
from explainer.model import DocumentKind
from explainer.read.upload import Role, Upload, read_upload
from tests import pdf_fixtures as fx

PAPERS: list[tuple[str, Callable[[], bytes], DocumentKind]] = [
    *[(f"msn-b-{layout}", lambda layout=layout: fx.msn_part_b_pdf(layout=layout), DocumentKind.MSN)
      for layout in ("cms", "plain", "classic")],
    *[(f"msn-a-{layout}", lambda layout=layout: fx.msn_part_a_pdf(layout=layout), DocumentKind.MSN)
      for layout in ("cms", "plain", "large")],
    *[(f"eob-{layout}", lambda layout=layout: fx.eob_pdf(layout=layout), DocumentKind.EOB)
      for layout in ("ruled", "advantage", "medicaid")],
    *[(f"bill-{layout}", lambda layout=layout: fx.statement_pdf(layout=layout), DocumentKind.PROVIDER_BILL)
      for layout in ("ledger", "itemized", "signed")],
]  # fmt: skip


@pytest.mark.parametrize(("name", "build", "kind"), PAPERS, ids=[paper[0] for paper in PAPERS])
@pytest.mark.parametrize("role", list(Role))
def test_the_content_decides_the_kind(
    name: str, build: Callable[[], bytes], kind: DocumentKind, role: Role
) -> None:
    document = read_upload(Upload(build(), f"{name}.pdf", role))[0]
    assert document.kind is kind
    assert document.source == f"{name}.pdf"
    assert document.lines


LEDGER = (
    ["Date", "Description", "Charges", "Payments", "Balance"],
    [["03/04/2025", "Office visit (99214)", "$150.00", "", "$150.00"],
     ["04/02/2025", "Medicare paid", "", "-$117.60", "$32.40"]],
)  # fmt: skip


@pytest.mark.parametrize(
    ("role", "kind"),
    [
        (Role.BILL, DocumentKind.PROVIDER_BILL),
        (Role.NOTICE, DocumentKind.EOB),
        (Role.AUTO, DocumentKind.PROVIDER_BILL),
    ],
)
def test_a_paper_that_says_nothing_about_itself_follows_the_role_then_its_columns(
    role: Role, kind: DocumentKind
) -> None:
    document = extract_pdf(fx.table_only_pdf(*LEDGER), "table.pdf", role)
    assert document.kind is kind
    assert document.lines[0].procedure_code == "99214"


def test_a_pdf_that_is_no_billing_paper_is_refused_kindly() -> None:
    with pytest.raises(UnsupportedDocument, match="does not look like a Medicare Summary Notice"):
        extract_pdf(
            fx.text_pdf("Grandma's soup: boil two carrots and an onion for an hour."),
            "soup.pdf",
            Role.AUTO,
        )


def test_a_paper_with_no_lines_we_can_read_says_so() -> None:
    document = extract_pdf(
        fx.text_pdf("Statement. Balance due: $30.00. Thank you."), "bill.pdf", Role.BILL
    )
    assert document.kind is DocumentKind.PROVIDER_BILL
    assert document.lines == ()
    assert document.warnings[-1].startswith("We could not find any service lines")
    assert document.statement is not None and str(document.statement.balance) == "30.00"
