"""The lab pipeline (``python -m streamsim lab``): Kinesis -> Lambda -> DynamoDB -> Lambda.

Built on the public simulation: ``_options`` (what to run), ``_pipeline`` (building and running
it), ``_watch`` (what is observed during the run), ``_report`` (the numbers and the text) and
``_progress_bar``.  :mod:`streamsim.lab` is its public face.
"""
