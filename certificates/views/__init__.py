"""Pages of the certificates app, by who uses them: staff (issue, look up, hand over, revoke),
the printing center (queue, batches), the candidate (their certificates) and anyone (verify)."""
