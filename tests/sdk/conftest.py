"""tests/sdk: the application under test is imported by the tests, inside ``sim.patch_boto3()``.

``orders_app`` builds boto3 clients at import time, as real applications do, so pytest's
doctest collection must not import it outside a patch.
"""

collect_ignore = ["orders_app"]
