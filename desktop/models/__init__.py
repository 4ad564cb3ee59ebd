"""Qt item models fed page by page from the API."""
