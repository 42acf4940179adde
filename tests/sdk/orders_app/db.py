"""The application's data layer: a module-level DynamoDB resource, as many applications have."""

import os

import boto3

dynamodb = boto3.resource("dynamodb")
orders = dynamodb.Table(os.environ.get("ORDERS_TABLE", "orders"))
audit = dynamodb.Table(os.environ.get("AUDIT_TABLE", "audit"))


def place_order(order_id: str, amount: int) -> None:
    """Write one order (the table's stream carries it to the audit handler)."""
    orders.put_item(Item={"pk": order_id, "amount": amount, "status": "placed"})
