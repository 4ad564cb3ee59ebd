"""The rules: who may do what, aggregates, the outbox. No HTTP here.

Services change the session and flush; the resource layer commits once, so a
request's changes (a rating, its poem's counts, the notification and the email)
land together or not at all.
"""
