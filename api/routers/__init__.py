"""One router per resource of the HTTP API, plus the web pages."""
