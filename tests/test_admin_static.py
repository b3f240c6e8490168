"""static/admin/css/forms.css overrides Django's (STATICFILES_DIRS come first): it is
Django's without the @import of widgets.css, which templates/admin/base_site.html links
instead. After a Django upgrade this test says when to copy it again."""

from pathlib import Path

import django
from django.contrib.staticfiles import finders

OURS = Path(__file__).resolve().parent.parent / "static" / "admin" / "css" / "forms.css"


def test_admin_forms_css_is_djangos_without_the_import():
    djangos = (
        Path(django.__file__).parent / "contrib/admin/static/admin/css/forms.css"
    ).read_text()
    first, rest = djangos.split("\n", 1)
    assert first == "@import url('widgets.css');"
    ours = OURS.read_text()
    assert "@import" not in ours
    assert ours.endswith(rest), "copy Django's forms.css again (without line 1)"
    assert Path(finders.find("admin/css/forms.css")) == OURS


def test_the_admin_links_widgets_css_and_the_sites_admin_styles(admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert "/static/admin/css/widgets.css" in html
    assert "/static/css/admin.css" in html
    assert "/static/js/admin.js" in html
