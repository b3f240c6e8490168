import pytest

from notifications.mentions import mentions_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_user_names_and_the_team_are_found():
    lead = UserFactory(username="alameda.lead")
    it = UserFactory(username="Pat_IT")
    found = mentions_in("@alameda.lead and @pat_it: roster attached. @CCPOR team FYI")
    assert sorted(u.username for u in found.users) == ["Pat_IT", "alameda.lead"]
    assert found.team is True
    assert {lead, it} == set(found.users)


def test_addresses_unknown_names_and_inactive_people_are_not_mentions():
    UserFactory(username="example.org")
    UserFactory(username="gone", is_active=False)
    found = mentions_in("Mail a.lee@example.org; ask @nobody-here or @gone.")
    assert found.users == [] and found.team is False


def test_trailing_punctuation_is_not_part_of_the_name():
    UserFactory(username="a.lee")
    assert [u.username for u in mentions_in("Thanks @a.lee.").users] == ["a.lee"]
    assert [u.username for u in mentions_in("(@a.lee)").users] == ["a.lee"]


def test_no_mention_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert mentions_in("Nothing here, and @ccpor.").team is True
