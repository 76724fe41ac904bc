"""Textual screens: the kiosk's (kiosk_*.py), the shared passphrase dialog, and the secretary's (admin/)."""
