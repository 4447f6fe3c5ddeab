"""A tiny support-desk corpus with train/test splits and graded qrels, built in memory."""

from __future__ import annotations

import json
from pathlib import Path

from ragshift.harness.corpus.model import Corpus
from ragshift.harness.types import Document, Query

DOCS = {
    "pw": "To reset your password open account settings, choose security and press reset password.",
    "pw2": "To reset your password, open Account Settings, choose Security and press Reset Password!",
    "inv": "Invoices are emailed as PDF files on the first business day of every month.",
    "ref": "Refunds are returned to the original card within five to seven business days.",
    "ship": "Standard shipping takes three to five days; express shipping arrives the next day.",
    "ret": "You can return unused items within thirty days for a full refund.",
    "vpn": "Install the VPN client, sign in with your company email and choose the nearest server.",
    "wifi": "The office wifi network is called acme-guest and the password is on the reception desk.",
    "lunch": "The cafeteria serves hot lunch from noon until two o'clock on weekdays.",
    "park": "Visitors may park in the north garage; staff parking is in the south lot.",
    "hol": "The office is closed on public holidays and between Christmas and New Year.",
    "tax": "Sales tax is added at checkout based on the delivery address.",
    "gift": "Gift cards never expire and can be used for any purchase in the online store.",
    "api": "API keys are created in the developer console and expire after ninety days.",
    "2fa": "Two-factor authentication sends a six digit code to your phone when you sign in.",
    "del": "Deleting your account removes all your data permanently after a fourteen day grace period.",
    "lang": "Change the interface language in the profile menu under preferences.",
    "print": "Printers on every floor accept jobs sent from the print portal with your badge.",
    "exp": "Submit expense reports with receipts attached within sixty days of purchase.",
    "pto": "Paid time off requests must be approved by your manager two weeks in advance.",
}

TRAIN = {
    "t1": ("How do I reset my password?", {"pw": 2, "pw2": 1}),
    "t2": ("When are invoices sent?", {"inv": 2}),
    "t3": ("How long does a refund take?", {"ref": 2, "ret": 1, "gift": 0}),
    "t4": ("How fast is express shipping?", {"ship": 2}),
    "t5": ("Can I return an item I did not use?", {"ret": 2}),
    "t6": ("How do I connect to the VPN?", {"vpn": 2}),
    "t7": ("What is the guest wifi name?", {"wifi": 2}),
    "t8": ("When is lunch served?", {"lunch": 2}),
    "t9": ("Where can visitors park?", {"park": 2}),
    "t10": ("Is the office open on holidays?", {"hol": 2}),
    "t11": ("How is sales tax calculated?", {"tax": 2}),
    "t12": ("Do gift cards expire?", {"gift": 2}),
    "t13": ("How do I create an API key?", {"api": 2}),
    "t14": ("How does two-factor authentication work?", {"2fa": 2}),
    "t15": ("What happens when I delete my account?", {"del": 2}),
    "t16": ("How do I change the language?", {"lang": 2}),
}

TEST = {
    "e1": ("How can I print from my laptop?", {"print": 2}),
    "e2": ("What is the deadline for expense reports?", {"exp": 2}),
    "e3": ("How early must I request vacation?", {"pto": 2}),
    "e4": ("how do i reset my password", {"pw": 2}),
}
"""``e4`` repeats train query ``t1`` (case and punctuation aside): the leakage guard must see it."""


def make_corpus(*, leak: bool = True) -> Corpus:
    test = {k: v for k, v in TEST.items() if leak or k != "e4"}
    queries = {qid: Query(qid, text, split="train") for qid, (text, _) in TRAIN.items()}
    queries.update({qid: Query(qid, text, split="test") for qid, (text, _) in test.items()})
    qrels = {qid: dict(rel) for qid, (_, rel) in {**TRAIN, **test}.items()}
    docs = {d: Document(d, text) for d, text in DOCS.items()}
    return Corpus("desk", docs, queries, qrels)


def write_beir(corpus: Corpus, folder: Path) -> Path:
    """The corpus as a BEIR folder (corpus.jsonl, queries.jsonl with splits, qrels/<split>.tsv)."""
    (folder / "qrels").mkdir(parents=True)
    with (folder / "corpus.jsonl").open("w", encoding="utf-8") as fh:
        for d in corpus.documents.values():
            fh.write(json.dumps({"_id": d.doc_id, "title": d.title, "text": d.text}) + "\n")
    with (folder / "queries.jsonl").open("w", encoding="utf-8") as fh:
        for q in corpus.queries.values():
            fh.write(json.dumps({"_id": q.qid, "text": q.text, "metadata": {"split": q.split}}) + "\n")
    for split in corpus.splits():
        lines = ["query-id\tcorpus-id\tscore"] + [
            f"{q.qid}\t{d}\t{s}" for q in corpus.queries.values() if q.split == split
            for d, s in corpus.qrels.get(q.qid, {}).items()
        ]
        (folder / "qrels" / f"{split}.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder
