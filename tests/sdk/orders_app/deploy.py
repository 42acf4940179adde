"""The application's deploy script: creates its tables and wires the stream to the handler."""

import boto3


def deploy() -> str:
    """Create both tables and the event source mapping; return the mapping's UUID."""
    client = boto3.client("dynamodb")
    for name, stream in (("orders", True), ("audit", False)):
        params = {
            "TableName": name,
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
        }
        if stream:
            params["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
        client.create_table(**params)
        client.get_waiter("table_exists").wait(TableName=name)
    arn = client.describe_table(TableName="orders")["Table"]["LatestStreamArn"]
    mapping = boto3.client("lambda").create_event_source_mapping(
        FunctionName="audit-orders", EventSourceArn=arn, StartingPosition="TRIM_HORIZON"
    )
    return mapping["UUID"]
