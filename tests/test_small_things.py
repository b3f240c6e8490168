"""Issue 23's small things, as the server renders them (their layout is proved in
tests/browser/test_small_things.py): a progress bar's figure beside the bar, not
in it; the overdue page's groups under headings, courts named short; the
timeline's text version before the picture, opened on a phone by its script."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from checklists.selectors.status import Progress
from courts.models import Court
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("finished", "total"), [(0, 36), (1, 36), (36, 36)])
def test_a_progress_figure_sits_beside_its_bar(finished, total):
    progress = Progress(finished=finished, total=total)
    html = render_to_string(
        "includes/progress.html", {"progress": progress, "label": "Overall progress"}
    )
    # Nothing is written in the bar (a short one cut its figure off)...
    [bar] = re.findall(r'<div class="progress-bar ([^"]*)">(.*?)</div>', html)
    assert bar[0].startswith(f"w-pct-{progress.percent}") and bar[1] == ""
    # ...the figure follows it, and the bar still says its value to a screen reader.
    assert f'<span class="progress-value" aria-hidden="true">{progress.percent}%' in (
        html
    )
    assert f'aria-valuenow="{progress.percent}"' in html


def test_the_overdue_page_heads_each_group_and_names_courts_short(
    client, start, staff_user
):
    court = Court.objects.get(county="San Luis Obispo")
    MembershipFactory(court=court)
    start(court, go_live_in=40)
    client.force_login(staff_user)
    html = client.get(reverse("dashboard:overdue")).content.decode()
    assert "<caption" not in html
    assert '<h3 class="h5 overdue-group-heading" id="overdue-group-1">' in html
    assert 'aria-labelledby="overdue-group-1"' in html
    assert (
        f'<a href="{court.get_absolute_url()}" title="{court.name}">San Luis Obispo</a>'
        in html
    )
    html = client.get(reverse("dashboard:overdue"), {"group": "court"}).content.decode()
    assert f'<a href="{court.get_absolute_url()}">{court.name}</a>' in html


def test_the_timelines_text_version_comes_before_the_picture(
    client, start, court, court_lead
):
    start(court, go_live_in=45)
    client.force_login(court_lead)
    html = client.get(court.get_absolute_url()).content.decode()
    figure = html[html.index('<figure class="timeline') :]
    assert figure.index("The timeline as text") < figure.index("<svg")
    assert "js/timeline.js" in figure
