import re

from django.conf import settings


class DataLicenceMiddleware:
    """Send the open-data licence as `Link: <…>; rel="license"` with every data response (API, downloads,
    feeds, calendar, sitemaps: `OPEN_DATA_URLS_REGEX`), so a client that fetched only the data still has it."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.pattern = re.compile(settings.OPEN_DATA_URLS_REGEX)
        self.link = f'<{settings.OPEN_DATA_LICENCE["url"]}>; rel="license"'

    def __call__(self, request):
        response = self.get_response(request)
        if request.method in {"GET", "HEAD"} and self.pattern.match(request.path_info) and "Link" not in response:
            response["Link"] = self.link
        return response
