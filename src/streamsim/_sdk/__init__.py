"""The SDK bridge: real boto3, the AWS CLI and any AWS SDK talking to a simulation.

One adapter (:mod:`._adapter`) turns an HTTP request as an AWS SDK sends it (DynamoDB and
DynamoDB Streams: JSON 1.0 with ``X-Amz-Target``; Lambda: REST-JSON) into a call of the
simulation's ``sim.client(...)`` face, and the face's answer into the HTTP response AWS would
send.  Three doors share it:

* :mod:`._session`: ``sim.boto3_session()``, a boto3 session whose requests never leave the
  process (botocore's ``before-send`` event on that one session);
* :mod:`._patch`: ``sim.patch_boto3()``, for code that builds its own clients;
* :mod:`._server`: ``sim.serve()`` and ``python -m streamsim serve``, a loopback HTTP endpoint.

botocore and boto3 are optional: nothing here is imported by ``import streamsim``, and every
door says how to install them (:func:`require_sdk`) when they are missing.
"""

from __future__ import annotations

import importlib
from types import ModuleType

INSTALL_HINT = "pip install 'streamsim[boto3]'"


def require_sdk(name: str = "botocore") -> ModuleType:
    """Import ``name`` (``botocore`` or ``boto3``), or say how to install it.

    Raises:
        ModuleNotFoundError: the package is missing; the message names the extra to install.
    """
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        raise ModuleNotFoundError(
            f"streamsim's SDK bridge needs {name}, which is not installed: {INSTALL_HINT}",
            name=name,
        ) from exc
