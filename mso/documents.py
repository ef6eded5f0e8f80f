"""PDF documents from HTML templates (WeasyPrint). Templates must not load anything from the
network: stylesheets are inlined in the document template and images are data URIs."""

from django.template.loader import render_to_string


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML  # imported late: Pango is only needed when a PDF is made

    html = render_to_string(template, context)
    return HTML(string=html, base_url=None).write_pdf()
