"""/favicon.ico is served at the site's root (whitenoise, WHITENOISE_ROOT)."""


def test_favicon_ico_is_served_at_the_root(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\x00\x00\x01\x00")  # an ICO file's header
