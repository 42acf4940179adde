"""Lambda side: functions, event source mappings, filters, the poller, windows, destinations."""
