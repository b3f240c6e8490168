"""What every endpoint of the API shares."""

from django.utils.cache import patch_cache_control, patch_vary_headers
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.views import APIView


class ApiView(APIView):
    # An endpoint: the method is checked first (a POST to a read endpoint is a 405
    # whoever asks), then the credentials, scope, rate limit and access; never kept
    # by a shared cache. (A comment, not a docstring: the schema would show it.)

    method_not_allowed_detail: str | None = None

    def initial(self, request, *args, **kwargs):
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            raise MethodNotAllowed(request.method, self.method_not_allowed_detail)
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ["Authorization", "Cookie"])
        patch_cache_control(response, private=True, no_store=True)
        return response


class ReadView(ApiView):
    http_method_names = ["get", "head"]
    method_not_allowed_detail = "The API is read-only: use GET."


class WriteView(ApiView):
    http_method_names = ["post"]
