"""Lambda event filtering: ``FilterCriteria`` validated and compiled into a record filter.

An event source mapping may carry ``FilterCriteria = {"Filters": [{"Pattern": "<json>"}]}``.
Each ``Pattern`` is a JSON object in the EventBridge event-pattern language; a stream record
is handed to the function when it matches ANY of the filters.  :func:`compile_filter_criteria`
validates the criteria once, at CreateEventSourceMapping / UpdateEventSourceMapping time, and
compiles every pattern (:mod:`._filter_patterns`) into nested matcher closures;
:meth:`RecordFilter.matches` then runs per record on the poller's hot path without re-reading
the JSON.

AWS behaviour: rule D.1 (at most :data:`MAX_FILTERS` filters of at most
:data:`MAX_PATTERN_LENGTH` characters) and D.8 (a record passes when it matches any filter).
Differs from AWS: the quota of filters per mapping is fixed at :data:`MAX_FILTERS` (AWS raises
it to 10 on request).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from streamsim._errors import InvalidParameterValueException

from ._filter_patterns import Matcher, compile_pattern, parse_pattern, pattern_error

#: Filters per event source mapping, default quota (rule D.1; 10 with a quota increase).
MAX_FILTERS = 5
#: Characters in one ``Pattern`` string (rule D.1; botocore ``Filter.Pattern`` max 4096).
MAX_PATTERN_LENGTH = 4096
# --- public surface ----------------------------------------------------------------------------


@attrs.frozen
class RecordFilter:
    """Compiled ``FilterCriteria``: decides which stream records reach the function.

    Build one with :func:`compile_filter_criteria`.  Two filters are equal when their pattern
    strings are.

    AWS behaviour: a record is sent when it matches ANY filter (rule D.8).
    """

    _pattern_strings: tuple[str, ...]
    _matchers: tuple[Matcher, ...] = attrs.field(eq=False, repr=False)

    @property
    def patterns(self) -> dict[str, Any]:
        """The criteria as given, ``{"Filters": [{"Pattern": "<json>"}, ...]}`` (a fresh copy).

        The API layer returns this as ``FilterCriteria``.
        """
        return {"Filters": [{"Pattern": text} for text in self._pattern_strings]}

    def matches(self, event_record: Mapping[str, Any]) -> bool:
        """Return whether a Lambda event record passes any of the filters.

        Args:
            event_record: one record as it appears in the function's event (``eventName``,
                ``dynamodb`` with DynamoDB-JSON images, ...).

        >>> f = compile_filter_criteria({"Filters": [{"Pattern": '{"eventName": ["INSERT"]}'}]})
        >>> f is not None and f.matches({"eventName": "INSERT"})
        True
        >>> f is not None and f.matches({"eventName": "REMOVE"})
        False
        """
        for matcher in self._matchers:  # noqa: SIM110 - hot path: no generator per record
            if matcher(event_record, event_record):
                return True
        return False


def compile_filter_criteria(
    criteria: Mapping[str, Any] | None, *, numeric_on_n_strings: bool = False
) -> RecordFilter | None:
    """Validate Lambda ``FilterCriteria`` and compile it into a :class:`RecordFilter`.

    Args:
        criteria: ``{"Filters": [{"Pattern": "<JSON object>"}, ...]}`` as given to
            CreateEventSourceMapping / UpdateEventSourceMapping, or ``None``.
        numeric_on_n_strings: let ``numeric`` rules whose last path step is ``N`` or ``NS``
            parse those DynamoDB-JSON strings (``{"N": "101"}``) as numbers.  UNCONFIRMED
            (rule D.8, F.13): ``N`` values are JSON strings in the event and EventBridge's
            ``numeric`` only matches JSON numbers, so on AWS such a rule most probably never
            matches, hence the default False.  A simulation passes its
            ``LambdaSettings.filter_numeric_matches_n_strings``.

    Returns:
        ``None`` when there is nothing to filter on (``None``, ``{}``, no filters): every
        record passes.  Otherwise the compiled filter.

    Raises:
        InvalidParameterValueException: more than :data:`MAX_FILTERS` filters, a ``Pattern``
            that is missing, not a string, longer than :data:`MAX_PATTERN_LENGTH`, not a JSON
            object, or not a well-formed pattern.  The message names the filter and field.

    AWS behaviour: rule D.1 (limits) and D.8 (syntax); an invalid pattern is rejected when the
    mapping is created or updated, not when records arrive.

    >>> compile_filter_criteria({}) is None
    True
    >>> f = compile_filter_criteria(
    ...     {"Filters": [{"Pattern": '{"dynamodb": {"Keys": {"Id": {"N": ["101"]}}}}'}]}
    ... )
    >>> f is not None and f.matches({"dynamodb": {"Keys": {"Id": {"N": "101"}}}})
    True
    >>> compile_filter_criteria({"Filters": [{"Pattern": '{"eventName": "INSERT"}'}]})
    Traceback (most recent call last):
    ...
    streamsim._errors.InvalidParameterValueException: ...
    """
    if criteria is None:
        return None
    if not isinstance(criteria, Mapping):
        raise InvalidParameterValueException(
            f'FilterCriteria must be an object like {{"Filters": [{{"Pattern": "..."}}]}}, '
            f"got {type(criteria).__name__}"
        )
    unknown = sorted(set(criteria) - {"Filters"})
    if unknown:
        raise InvalidParameterValueException(
            f"FilterCriteria has unknown member(s) {', '.join(map(str, unknown))}; "
            "only Filters is allowed"
        )
    filters = criteria.get("Filters")
    if filters is None:
        return None
    if isinstance(filters, str | bytes) or not isinstance(filters, Sequence):
        raise InvalidParameterValueException(
            f'FilterCriteria.Filters must be a list of {{"Pattern": "..."}} objects, '
            f"got {type(filters).__name__}"
        )
    if not filters:
        return None
    if len(filters) > MAX_FILTERS:
        raise InvalidParameterValueException(
            f"FilterCriteria.Filters has {len(filters)} filters; at most {MAX_FILTERS} are "
            "allowed per event source mapping"
        )
    texts: list[str] = []
    matchers: list[Matcher] = []
    for index, entry in enumerate(filters):
        where = f"FilterCriteria.Filters[{index}].Pattern"
        if not isinstance(entry, Mapping):
            raise InvalidParameterValueException(
                f"FilterCriteria.Filters[{index}] must be an object like "
                f'{{"Pattern": "..."}}, got {type(entry).__name__}'
            )
        extra = sorted(set(entry) - {"Pattern"})
        if extra:
            raise InvalidParameterValueException(
                f"FilterCriteria.Filters[{index}] has unknown member(s) "
                f"{', '.join(map(str, extra))}; only Pattern is allowed"
            )
        text = entry.get("Pattern")
        if not isinstance(text, str):
            problem = (
                "is missing" if text is None else f"must be a string, got {type(text).__name__}"
            )
            raise pattern_error(f"{where} {problem}")
        if len(text) > MAX_PATTERN_LENGTH:
            raise InvalidParameterValueException(
                f"{where} is {len(text)} characters long; at most {MAX_PATTERN_LENGTH} are allowed"
            )
        matchers.append(compile_pattern(parse_pattern(text, where), where, numeric_on_n_strings))
        texts.append(text)
    return RecordFilter(tuple(texts), tuple(matchers))
