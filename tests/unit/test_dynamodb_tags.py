"""Tags of tables (rule H.34): TagResource, UntagResource, ListTagsOfResource, CreateTable.

Through ``sim.client("dynamodb")`` and a real boto3 client (every response checked against
botocore's shapes), and the Table face's ``meta.client``.
"""

from __future__ import annotations

from typing import Any

import pytest

from streamsim import Simulation
from streamsim._errors import ResourceNotFoundException, ValidationException
from tests.sdk_support import FACES, client_for
from tests.unit.test_dynamodb_client import CheckedClient, create


@pytest.fixture(params=FACES)
def client(request: pytest.FixtureRequest) -> Any:
    return CheckedClient(client_for(Simulation(seed=4), "dynamodb", request.param))


def _arn(client: Any, **extra: Any) -> str:
    return str(create(client, **extra)["TableDescription"]["TableArn"])


def _tags(client: Any, arn: str) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in client.list_tags_of_resource(ResourceArn=arn)["Tags"]}


def test_h34_tag_untag_and_list(client: Any) -> None:
    """Tagging adds or replaces, untagging removes (absent keys are fine), listing shows all."""
    arn = _arn(client)
    assert _tags(client, arn) == {}
    client.tag_resource(
        ResourceArn=arn, Tags=[{"Key": "env", "Value": "test"}, {"Key": " ", "Value": ""}]
    )
    client.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "prod"}])
    assert _tags(client, arn) == {"env": "prod", " ": ""}
    client.untag_resource(ResourceArn=arn, TagKeys=["env", "never-set"])
    assert _tags(client, arn) == {" ": ""}


def test_h34_create_table_sets_tags(client: Any) -> None:
    """CreateTable's Tags are the new table's tags; invalid ones create no table."""
    arn = _arn(client, Tags=[{"Key": "team", "Value": "data"}])
    assert _tags(client, arn) == {"team": "data"}
    with pytest.raises(ValidationException):
        create(client, "others", Tags=[{"Key": str(i), "Value": "v"} for i in range(51)])
    with pytest.raises(ResourceNotFoundException):
        client.describe_table(TableName="others")


def test_h34_at_most_fifty_tags(client: Any) -> None:
    """A TagResource that would leave more than 50 tags is rejected and changes nothing."""
    arn = _arn(client)
    client.tag_resource(ResourceArn=arn, Tags=[{"Key": str(i), "Value": "v"} for i in range(30)])
    client.tag_resource(
        ResourceArn=arn, Tags=[{"Key": str(i), "Value": "w"} for i in range(20, 50)]
    )
    with pytest.raises(ValidationException, match="cannot exceed 50"):
        client.tag_resource(ResourceArn=arn, Tags=[{"Key": "one-more", "Value": "v"}])
    assert len(_tags(client, arn)) == 50


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        ({"Key": "k" * 129, "Value": "v"}, "Member must have length less than or equal to 128"),
        ({"Key": "k", "Value": "v" * 257}, "Member must have length less than or equal to 256"),
        ({"Key": "aws:owner", "Value": "v"}, "reserved"),
        ({"Key": "ok", "Value": "#!%^$&"}, "may hold only"),
        ({"Key": "->>;-)", "Value": "ok"}, "may hold only"),
    ],
)
def test_h34_invalid_tags_are_rejected(client: Any, tag: dict[str, str], message: str) -> None:
    """Keys and values out of length, reserved or with other characters are rejected."""
    arn = _arn(client)
    with pytest.raises(ValidationException, match=message):
        client.tag_resource(ResourceArn=arn, Tags=[{"Key": "fine", "Value": "v"}, tag])
    assert _tags(client, arn) == {}
    with pytest.raises(ValidationException):
        client.tag_resource(ResourceArn=arn, Tags=[])


def test_h34_unknown_or_malformed_arn(client: Any) -> None:
    """A table ARN naming no table is ResourceNotFound; anything else is a ValidationException."""
    arn = _arn(client)
    with pytest.raises(ResourceNotFoundException) as caught:
        client.tag_resource(ResourceArn=arn + "x", Tags=[{"Key": "x", "Value": "y"}])
    assert caught.value.message == f"Requested resource not found: ResourcArn: {arn}x not found"
    for bad in ("I_do_not_exist", "arn:not/a/good/format"):
        with pytest.raises(ValidationException):
            client.list_tags_of_resource(ResourceArn=bad)
    client.delete_table(TableName="orders")
    with pytest.raises(ResourceNotFoundException):
        client.list_tags_of_resource(ResourceArn=arn)


def test_h34_tags_through_the_table_face() -> None:
    """``table.meta.client`` tags as boto3's resource client does."""
    sim = Simulation(seed=4)
    table = sim.create_table("orders", hash_key="pk")
    client = table.meta.client
    arn = client.describe_table(TableName="orders")["Table"]["TableArn"]
    client.tag_resource(ResourceArn=arn, Tags=[{"Key": "k", "Value": "v"}])
    assert client.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "k", "Value": "v"}]


def test_h34_list_tags_is_one_page_without_next_token(client: Any) -> None:
    """All 50 tags come in one page with no NextToken, as DynamoDB answers; a NextToken it never
    issued is a ValidationException."""
    arn = _arn(client)
    tags = [{"Key": f"k{i:02}", "Value": str(i)} for i in range(50)]
    client.tag_resource(ResourceArn=arn, Tags=tags)
    out = client.list_tags_of_resource(ResourceArn=arn)
    assert out["Tags"] == tags
    assert "NextToken" not in out
    with pytest.raises(ValidationException, match="Invalid NextToken"):
        client.list_tags_of_resource(ResourceArn=arn, NextToken="k25")


def test_h34_list_tags_is_one_page_through_the_table_face() -> None:
    """``table.meta.client`` lists all 50 tags in one page too."""
    sim = Simulation(seed=4)
    table = sim.create_table("orders", hash_key="pk")
    client = table.meta.client
    arn = client.describe_table(TableName="orders")["Table"]["TableArn"]
    client.tag_resource(ResourceArn=arn, Tags=[{"Key": str(i), "Value": "v"} for i in range(50)])
    out = client.list_tags_of_resource(ResourceArn=arn)
    assert len(out["Tags"]) == 50
    assert "NextToken" not in out
