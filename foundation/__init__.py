"""What every app may use: accounts, the access audit, the outbox and plain helpers.

Imports no domain app and not the composition root (`stalking_hub`)."""
