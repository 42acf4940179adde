"""The application's Lambda handler: audits every new order through the module-level table."""

from decimal import Decimal

from . import db


def handler(event, context):
    """For each INSERT of the orders stream, write an audit row."""
    for record in event["Records"]:
        if record["eventName"] != "INSERT":
            continue
        image = record["dynamodb"]["NewImage"]
        db.audit.put_item(
            Item={
                "pk": "audit#" + image["pk"]["S"],
                "amount": Decimal(image["amount"]["N"]),
                "seq": record["dynamodb"]["SequenceNumber"],
            }
        )
    return {"batchItemFailures": []}
