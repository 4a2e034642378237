"""A commitment's code can be corrected: its old addresses answer 301 to the new ones (`CommitmentAlias`, kept
by `Commitment.save()`), never a 404 or an old page."""

import pytest

from commitments.models import CommitmentAlias
from tests.factories import CommitmentFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


def rename(commitment, code):
    commitment.code = code
    commitment.save()
    return commitment


def test_a_rename_keeps_the_old_code_as_an_alias():
    commitment = CommitmentFactory(code="ECQTO0901")
    rename(commitment, "ECQTO0902")
    assert list(CommitmentAlias.objects.values_list("code", "commitment")) == [("ECQTO0901", commitment.pk)]
    rename(commitment, "ECQTO0903")
    assert set(commitment.aliases.values_list("code", flat=True)) == {"ECQTO0901", "ECQTO0902"}
    commitment.title = "Otro título"
    commitment.save()  # no new code: no new alias
    assert commitment.aliases.count() == 2


def test_a_code_in_use_is_never_an_alias():
    commitment = CommitmentFactory(code="ECQTO0901")
    rename(commitment, "ECQTO0902")
    rename(commitment, "ECQTO0901")  # back to the first code
    assert list(commitment.aliases.values_list("code", flat=True)) == ["ECQTO0902"]
    other = CommitmentFactory(code="ECQTO0950")
    rename(other, "ECQTO0902")  # another commitment takes the code the first one left
    assert not CommitmentAlias.objects.filter(code="ECQTO0902", commitment=commitment).exists()
    assert list(other.aliases.values_list("code", flat=True)) == ["ECQTO0950"]


def test_the_old_addresses_redirect_permanently_to_the_new_ones(client):
    milestone = MilestoneFactory(commitment=CommitmentFactory(code="ECQTO0901"))
    rename(milestone.commitment, "ECQTO0902")
    for old, new in [
        ("/compromisos/ECQTO0901/", "/compromisos/ECQTO0902/"),
        ("/compromisos/ECQTO0901/?al=2023-06-30", "/compromisos/ECQTO0902/?al=2023-06-30"),
        ("/en/compromisos/ECQTO0901/", "/en/compromisos/ECQTO0902/"),
        (
            f"/compromisos/ECQTO0901/hitos/{milestone.order}/historial/",
            f"/compromisos/ECQTO0902/hitos/{milestone.order}/historial/",
        ),
        ("/compromisos/ECQTO0901/avances.atom", "/compromisos/ECQTO0902/avances.atom"),
    ]:
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new), old
        assert client.get(new).status_code == 200, new


def test_an_unknown_code_is_still_not_found(client):
    CommitmentFactory(code="ECQTO0901")
    assert client.get("/compromisos/ECQTO0999/").status_code == 404
    assert client.get("/compromisos/ECQTO0901/hitos/7/historial/").status_code == 404  # no such milestone
