"""The wire: the HTTP server, request reading, ids, errors in the API's shape, injected faults."""
