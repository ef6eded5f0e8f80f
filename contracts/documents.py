from contracts.fees import FeeLine
from mso.documents import render_pdf


def invoice_pdf(invoice) -> bytes:
    calc = invoice.calculation
    return render_pdf(
        "contracts/invoice.html",
        {
            "invoice": invoice,
            "calc": calc,
            "agreement": calc.agreement,
            "practice": invoice.practice,
            "lines": [FeeLine.from_dict(line) for line in calc.lines],
        },
    )
