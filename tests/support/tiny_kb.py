"""The four-document knowledge base several test corpora share, and the keyword vocabulary that ranks it."""

DOCS = {
    "d1": ("Returns policy", "Customers may return a pallet scanner within 30 days."),
    "d2": ("Firmware rollback", "To roll back scanner firmware, hold the reset key for ten seconds."),
    "d3": ("Holiday calendar", "The office closes on the first Monday of August."),
    "d4": ("VPN access", "Request VPN access through the IT portal; approval takes one day."),
}
VOCAB = ["return", "scanner", "firmware", "rollback", "reset", "office", "close", "vpn", "portal", "approval"]
