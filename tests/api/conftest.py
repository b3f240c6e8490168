import jsonschema
import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from accounts.services import user_reset_api_token


@pytest.fixture(scope="session")
def openapi():
    """The OpenAPI document /api/schema/ serves, checked against the OpenAPI 3.1
    specification once."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(document)
    return document


@pytest.fixture
def conforms(openapi):
    """Assert that a response is what the schema says `method path` answers with
    its status code (the path as the schema writes it: /api/courts/{slug}/...)."""

    def _conforms(response, path: str, method: str = "get"):
        operation = openapi["paths"][path][method.lower()]
        declared = operation["responses"].get(str(response.status_code))
        assert declared, f"{response.status_code} is not declared for {method} {path}"
        schema = declared["content"]["application/json"]["schema"]
        # The document's components travel with the schema, so its $refs resolve.
        jsonschema.Draft202012Validator(
            {**schema, "components": openapi["components"]}
        ).validate(response.json())
        return response.json()

    return _conforms


@pytest.fixture
def api_token():
    """The Authorization header of a new token of the person with `scope`."""

    def _token(user, scope: str = "write") -> dict:
        token = user_reset_api_token(user=user, scope=scope)
        return {"HTTP_AUTHORIZATION": f"Token {token}"}

    return _token
