"""Donations as a CSV file, safe to open in a spreadsheet."""

import csv

from django.http import HttpResponse

COLUMNS = [
    "id",
    "received_at",
    "amount",
    "currency",
    "kind",
    "origin",
    "provider_id",
    "supporter_id",
    "public_name",
    "email",
    "refunded_at",
    "excluded_reason",
    "note",
]


def spreadsheet_safe(value):
    """Keep a spreadsheet from running a cell that starts like a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def donations_csv(queryset):
    """A download of the donations, oldest first, one row each."""
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="donations.csv"'},
    )
    writer = csv.writer(response)
    writer.writerow(COLUMNS)
    for donation in queryset.select_related("supporter").order_by("received_at"):
        writer.writerow(
            spreadsheet_safe(value)
            for value in [
                donation.pk,
                donation.received_at.isoformat(),
                f"{donation.amount / 100:.2f}",
                donation.currency,
                donation.kind,
                donation.origin,
                donation.provider_id,
                donation.supporter_id,
                donation.supporter.display_name,
                donation.supporter.email,
                donation.refunded_at.isoformat() if donation.refunded_at else "",
                donation.excluded_reason,
                donation.note,
            ]
        )
    return response
