"""The pages people open in a browser (index, Swagger UI, ReDoc, playground) load nothing from outside the gateway:
their assets ship in packages, and a Content-Security-Policy makes the browser refuse anything else (ReDoc's
bundle, for one, fetches its logo from a CDN)."""

from fastapi.responses import HTMLResponse

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'self'"
)


def offline(page: HTMLResponse) -> HTMLResponse:
    """``page`` with the policy that keeps it on the gateway's own origin."""
    page.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return page


def offline_html(content: str) -> HTMLResponse:
    return offline(HTMLResponse(content))
