"""Write the acme-kb corpus: the internal knowledge base of Acme Logistics, a fictional company.

Every company, person, system, code and number below is invented by ragshift; nothing is copied
from anywhere. ``python generate.py`` rewrites corpus.jsonl, queries.jsonl, qrels/, answers.jsonl
and card.toml next to this file. Stdlib only and seeded, so the output is byte-for-byte reproducible.

Splits are made by document: all queries about one document land in the same split, and templated
queries use different phrasings in train (even-numbered variants) and test (odd-numbered variants).
Acronyms, jargon and the plain-language glosses used by paraphrase queries are consistent across the
whole corpus, so a model fine-tuned on the train split can learn them.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

SEED = 20240611
HERE = Path(__file__).resolve().parent
TEST_SHARE = 0.4
QUERY_TYPES = ("acronym", "keyword", "question", "paraphrase", "code")

# --------------------------------------------------------------------------- records


@dataclass
class Doc:
    key: str
    kind: str
    team: str
    title: str
    text: str


@dataclass
class Query:
    text: str
    qtype: str
    answer: str
    related: tuple[str, ...] = ()  # keys of partially relevant documents (grade 1)


class Pick:
    """Chooses a phrasing: train queries draw even-numbered variants, test queries odd-numbered ones."""

    def __init__(self, split: str, rng: random.Random) -> None:
        self.split = split
        self.rng = rng

    def __call__(self, *options: str) -> str:
        pool = options[0::2] if self.split == "train" or len(options) == 1 else options[1::2]
        return self.rng.choice(pool)


QueryMaker = Callable[[Pick], list[Query]]


@dataclass
class Entry:
    doc: Doc
    make_queries: QueryMaker
    cap: int  # at most this many queries are kept for the document


def fixed(*queries: tuple) -> QueryMaker:
    """Query maker for hand-written queries: ``(type, text, answer[, related keys])``."""
    return lambda _pick: [Query(q[1], q[0], q[2], tuple(q[3]) if len(q) > 3 else ()) for q in queries]


# --------------------------------------------------------------------------- the world

TIERS = {"RTO-1": "30 minutes", "RTO-3": "2 hours", "RTO-7": "8 hours", "RTO-9": "48 hours"}

TEAMS = {
    "Harbor": dict(area="warehouse systems", lead="Dana Whitfield", members=("Kofi Boateng", "Mirela Dragan", "Jonah Feld"),
                   channel="#harbor-oncall", jira="HARB", handover="Monday 10:00", rotation="weekly",
                   mission="keep every distribution center able to receive, store, pick and ship without falling back to paper",
                   ritual="a Thursday ops review with the site leads",
                   gloss=("who runs the group that builds the software the warehouse floor depends on?", "manager of the crew behind our DC floor software")),
    "Switchyard": dict(area="routing and dispatch", lead="Marcus Oyelaran", members=("Ingrid Solberg", "Tariq Nasser", "Paloma Reyes"),
                       channel="#switchyard-oncall", jira="SWY", handover="Tuesday 09:00", rotation="weekly",
                       mission="get every trailer to the right door at the right time with as few empty miles as possible",
                       ritual="a daily 08:30 dispatch huddle with the ATL-3 and DEN-2 planners",
                       gloss=("who heads the people working on truck scheduling and trip planning?", "boss of the trip-planning engineers")),
    "Keel": dict(area="data platform", lead="Priya Raghunathan", members=("Emeka Obi", "Sofia Lindgren", "Wen Zhao"),
                 channel="#keel-oncall", jira="KEEL", handover="Monday 12:00", rotation="two-week",
                 mission="give every team trustworthy shipment data, from the ledger to the warehouse tables in DataPass",
                 ritual="monthly data-quality reviews with Ballast",
                 gloss=("who is in charge of the analytics and records infrastructure group?", "who manages the folks running our databases-of-record and reporting stack")),
    "Tidewater": dict(area="carrier integrations", lead="Rafael Quintero", members=("Maeve Gallagher", "Dmitri Volkov", "Amara Nwosu"),
                      channel="#tidewater-oncall", jira="TIDE", handover="Wednesday 10:00", rotation="weekly",
                      mission="make every trucking partner easy to connect, whether they speak API, EDI or SFTP",
                      ritual="quarterly partner health reviews with the largest carriers",
                      gloss=("who leads the group that hooks up trucking partners to our systems?", "head of the trucking-partner connections engineers")),
    "Lighthouse": dict(area="site reliability and observability", lead="Lena Hovland", members=("Caleb Ortiz", "Ruth Adeyemi", "Nils Ekström"),
                       channel="#lighthouse", jira="LHO", handover="Monday 09:00", rotation="weekly incident commander",
                       mission="run the incident process, the Beam monitoring stack and the recovery tier reviews",
                       ritual="the weekly postmortem review on Fridays",
                       gloss=("who runs the uptime and monitoring group?", "who manages the people who coordinate outages")),
    "Quayside": dict(area="device fleet and warehouse hardware", lead="Tomasz Wierzbicki", members=("Farah Qureshi", "Luis Montoya", "Greta Albrecht"),
                     channel="#quayside-fleet", jira="QSD", handover="Monday 07:00", rotation="weekly",
                     mission="keep every scanner, printer, sensor and telematics unit working and up to date through FleetDeck",
                     ritual="a monthly fleet health report per site",
                     gloss=("who leads the group that looks after handhelds, printers and forklift gadgets?", "head of the hardware gadget crew for the warehouses")),
    "Beacon": dict(area="security", lead="Noor Haddad", members=("Victor Lindahl", "Keiko Mori", "Samir Bensaid"),
                   channel="#beacon-security", jira="BCN", handover="Thursday 10:00", rotation="weekly",
                   mission="protect Acme's people, sites and data, from the gatehouse to production access",
                   ritual="a weekly review of every Breakglass session",
                   gloss=("who is the head of our infosec and physical protection group?", "who leads the people who guard our data and buildings")),
    "Anchor": dict(area="IT helpdesk and end-user computing", lead="Gideon Marsh", members=("Tessa Kowalczyk", "Andre Baptiste", "Leilani Kahale"),
                   channel="#anchor-desk", jira="ANC", handover="none; business hours only", rotation="no",
                   mission="make laptops, accounts, TunnelKey and office tech just work for every employee",
                   ritual="a Friday ticket-trend review",
                   gloss=("who manages the people who fix laptops and accounts?", "boss of the computer support desk")),
    "Compass": dict(area="people operations", lead="Aiko Tanabe", members=("Harriet Bloom", "Jamal Whitaker", "Rosa Ferreira"),
                    channel="#compass-people", jira="CMP", handover="none; business hours only", rotation="no",
                    mission="hire, pay fairly, and look after everyone who works at Acme",
                    ritual="quarterly policy reviews",
                    gloss=("who heads human resources?", "who runs the HR department")),
    "Ballast": dict(area="finance", lead="Felix Brandt", members=("Olga Petrenko", "Desmond Clarke", "Mina Sato"),
                    channel="#ballast-finance", jira="BAL", handover="none; business hours only", rotation="no",
                    mission="close the books on time and make expenses, billing and carrier payments boring",
                    ritual="the month-end close on the third business day",
                    gloss=("who leads the money and accounting group?", "head of accounts and budgeting")),
    "Bulwark": dict(area="workplace safety and compliance", lead="Ewa Sadowska", members=("Thabo Nkosi", "Colm Brennan", "Lucia Ferri"),
                    channel="#bulwark-safety", jira="BLW", handover="Monday 06:00", rotation="weekly",
                    mission="send everyone home uninjured and keep every site compliant with hazmat and cold chain rules",
                    ritual="a monthly safety walk at every site",
                    gloss=("who is in charge of the health-and-safety group?", "who leads the injury prevention and compliance people")),
}


@dataclass(frozen=True)
class System:
    acr: str
    name: str
    team: str
    tier: str
    primary: str
    secondary: str
    purpose: str
    gloss: str  # plain-language description used by paraphrase queries (never the document's words)
    unit: str  # what the system processes
    store: str
    deps: str
    runbooks: tuple[str, ...]
    fallback: str  # what degraded mode does (only used by the "degraded" runbook)
    upstream: str


SYSTEMS = (
    System("SLD", "Shipment Ledger Daemon", "Keel", "RTO-3", "north-1", "south-1",
           "consumes every shipment event from the warehouses and carriers and writes it to the append-only ledger that billing, customer service and audit all read",
           "the service that keeps the permanent record of every consignment", "ledger events", "the ledger Postgres cluster",
           "WMX and CXP as producers; Ballast billing and the customer tracking pages as consumers", ("lag", "failover", "disk"), "", ""),
    System("RTE", "Route Timing Engine", "Switchyard", "RTO-3", "north-1", "west-2",
           "computes departure and arrival windows for every linehaul and last-mile route from lane speed profiles",
           "the thing that works out when each truck should leave and arrive", "route requests", "the route cache nodes",
           "ETP for predicted arrivals and SLD for shipment status", ("rollback", "disk", "restart"), "", ""),
    System("WMX", "Warehouse Management eXchange", "Harbor", "RTO-1", "south-1", "north-1",
           "is the system of record for stock locations, putaway and pick tasks in every distribution center",
           "the stock-keeping backbone that tells pickers where items live", "inventory transactions", "the WMX Oracle database",
           "PLS for labels, OWL for waves, and the XR scanner fleet", ("failover", "restart", "lag"), "", ""),
    System("PLS", "Pallet Label Service", "Harbor", "RTO-1", "south-1", "north-1",
           "renders shipping and LPN labels and sends them to the LP printer fleet",
           "the service that prints the stickers stuck on pallets", "print jobs", "the label template store",
           "WMX for pallet contents and FleetDeck for printer registration", ("certs", "restart", "lag"), "", ""),
    System("DRC", "Dock Reservation Calendar", "Harbor", "RTO-7", "north-1", "south-1",
           "lets carriers and site planners book inbound and outbound dock appointments",
           "the booking tool truckers use to reserve an unloading slot", "booking requests", "the appointments database",
           "CXP for carrier identities and the DDS door sensors", ("certs", "restart", "rollback"), "", ""),
    System("YMS", "Yard Mover Scheduler", "Switchyard", "RTO-7", "west-2", "north-1",
           "assigns trailer moves to yard shunter drivers and tracks trailer dwell time",
           "the tool that tells shunter drivers which trailer to shift next", "move orders", "the yard state store",
           "RTE for departure priorities and GHX for gate check-ins", ("rollback", "restart", "degraded"),
           "drivers keep receiving moves from the last cached yard plan", "RTE"),
    System("CXP", "Carrier Exchange Portal", "Tidewater", "RTO-3", "north-1", "south-1",
           "exchanges tenders, acceptances and status messages with external carriers over API, EDI and SFTP",
           "the website where trucking partners swap load offers and status updates with us", "partner messages", "the partner message queue",
           "carrier APIs, the EDI gateway and SLD", ("degraded", "certs", "lag"),
           "outgoing tenders are queued and partners receive 202 Accepted instead of an error", "the carrier APIs"),
    System("BLG", "Bill of Lading Generator", "Tidewater", "RTO-7", "south-1", "north-1",
           "produces the bill of lading PDF, including hazmat declarations and placards, for every outbound load",
           "the thing that produces the shipping paperwork for each truckload", "documents", "the PDF render farm",
           "WMX for load contents and the item master for hazmat classes", ("restart", "rollback", "disk"), "", ""),
    System("OWL", "Overnight Wave Loader", "Harbor", "RTO-9", "south-1", "north-1",
           "is the nightly batch that builds the next day's pick waves from open orders and publishes the Blue Sheet",
           "the job that runs while everyone sleeps and sets up the next morning's order picking", "wave jobs", "the batch host spool",
           "WMX for open orders and RTE for departure cutoffs", ("disk", "restart", "rollback"), "", ""),
    System("GHX", "Gatehouse Access eXchange", "Beacon", "RTO-1", "north-1", "south-1",
           "controls badge readers and gate barriers at every site and checks driver appointments at the gatehouse",
           "the system behind the security barrier that lets truck drivers onto the premises", "access events", "the access control database",
           "DRC for appointments and the site badge controllers", ("failover", "degraded", "certs"),
           "gate guards verify drivers against the printed daily manifest", "DRC"),
    System("FDK", "FleetDeck", "Quayside", "RTO-7", "west-2", "north-1",
           "is the mobile device management console that enrolls, configures and updates XR scanners, LP printers and FTU units",
           "the console we use to manage and push updates to the handheld gadgets", "device check-ins", "the device inventory database",
           "the enrollment CA and the firmware package repository", ("certs", "rollback", "restart"), "", ""),
    System("ETP", "ETA Predictor", "Switchyard", "RTO-9", "west-2", "north-1",
           "is a model service that predicts arrival times from traffic, weather and lane history",
           "the model that guesses when freight will turn up", "predictions", "the feature store",
           "the weather feed, traffic feed and SLD history", ("degraded", "rollback", "restart"),
           "it falls back to static lane averages and marks predictions as low confidence", "the weather feed"),
)
SYSTEM_BY_ACR = {s.acr: s for s in SYSTEMS}

# --------------------------------------------------------------------------- system overviews


def overview(s: System, rng: random.Random) -> Entry:
    team = TEAMS[s.team]
    title = rng.choice((f"{s.acr} — {s.name}", f"{s.name} ({s.acr}) overview", f"What is {s.acr}? The {s.name}"))
    kinds = ", ".join(RUNBOOK_LABELS[k] for k in s.runbooks)
    text = (
        f"{s.acr} stands for {s.name}. It {s.purpose}. "
        f"Owner: the {s.team} team ({team['channel']}), product lead {team['lead']}. "
        f"{s.acr} runs in {s.primary} with a warm standby in {s.secondary} and is classified {s.tier}, "
        f"which means it must be restored within {TIERS[s.tier]} of an outage. "
        f"Main dependencies: {s.deps}. "
        f"Dashboards are on the '{s.acr} / Golden Signals' board in Beam and logs are in the {s.acr.lower()}-* index. "
        f"The {s.acr} runbooks cover {kinds}; error codes raised by {s.acr} are documented one per page."
    )

    # other pages that state the tier or the owner answer these queries partially
    tier_pages = ("pol:rto-tiers",) + tuple(f"rb:{s.acr}:{k}" for k in ("restart", "failover") if k in s.runbooks)
    owner_pages = (f"team:{s.team}",)
    expansion_pages = ("gl:night-owl",) if s.acr == "OWL" else ()

    def queries(p: Pick) -> list[Query]:
        return [
            Query(p(f"what does {s.acr} stand for", f"{s.acr} meaning"), "acronym", s.name, expansion_pages),
            Query(p(f"{s.acr} recovery tier", f"{s.acr} RTO tier"), "acronym", s.tier, tier_pages),
            Query(p(f"Which team owns the {s.name}?", f"Who is responsible for running the {s.name}?"), "question", s.team, owner_pages),
            Query(p(f"which group looks after {s.gloss}?", f"who do I talk to about {s.gloss}?"), "paraphrase", s.team, owner_pages),
            Query(p(f"{s.name.lower()} standby region", f"{s.name.lower()} warm standby location"), "keyword", s.secondary),
        ]

    return Entry(Doc(f"ov:{s.acr}", "overview", s.team, title, text), queries, 3)


# --------------------------------------------------------------------------- runbooks

RUNBOOK_LABELS = {
    "restart": "rolling restarts", "failover": "regional failover", "lag": "backlog drains",
    "certs": "certificate rotation", "disk": "disk pressure", "rollback": "deploy rollback", "degraded": "degraded mode",
}


def _escalation(s: System, rng: random.Random) -> str:
    return rng.choice(TEAMS[s.team]["members"])


def rb_restart(s: System, rng: random.Random) -> tuple[str, str, QueryMaker]:
    a, ch = s.acr.lower(), TEAMS[s.team]["channel"]
    batch, checks, wait, person = rng.choice((1, 2, 3)), rng.choice((3, 5, 6)), rng.choice((2, 4, 5)), _escalation(s, rng)
    cmd = f"acmectl {a} restart --rolling --batch {batch}"
    title = rng.choice((f"{s.acr} runbook: rolling restart", f"Rolling restart of {s.acr} nodes"))
    text = (
        f"Alert {s.acr}HealthcheckFailing fires after {checks} consecutive failed health checks on a {s.acr} node. "
        f"A restart is the right first move when the node is alive but stuck, for example after a hung connection to {s.store}.\n"
        f"1. Post in {ch} that you are restarting {s.acr}.\n"
        f"2. Run `{cmd}` from a bastion host. Never restart every node at once: {s.acr} is {s.tier} and the rolling batch keeps capacity up.\n"
        f"3. Wait {wait} minutes per batch and watch the '{s.acr} / Golden Signals' board in Beam.\n"
        f"4. If a node fails its health check again within 30 minutes, cordon it with `acmectl {a} cordon <node>` and open a {TEAMS[s.team]['jira']} ticket.\n"
        f"Escalation: {person} is the secondary contact for {s.acr} restarts."
    )

    def queries(p: Pick) -> list[Query]:
        return [
            Query(p(f"{s.acr} rolling restart command", f"{s.acr} restart batch command"), "acronym", cmd),
            Query(p(f"How many failed health checks trigger the {s.name} restart alert?",
                    f"After how many consecutive failed health checks should I restart a {s.name} node?"), "question", f"{checks} consecutive failed health checks"),
            Query(p(f"{s.name.lower()} restart wait per batch", f"{s.name.lower()} restart minutes between batches"), "keyword", f"{wait} minutes"),
            Query(p(f"{s.gloss} is stuck, how do I bounce it one machine at a time?",
                    f"what's the safe way to turn {s.gloss} off and on again?"), "paraphrase", cmd),
            Query(p(f"{s.acr} node keeps failing after restart", f"{s.acr} cordon node"), "acronym", f"acmectl {a} cordon <node>"),
        ]

    return title, text, queries


def rb_failover(s: System, rng: random.Random) -> tuple[str, str, QueryMaker]:
    a = s.acr.lower()
    minutes, lagmax, person = rng.choice((5, 10, 15)), rng.choice((30, 60, 120)), _escalation(s, rng)
    cmd = f"acmectl {a} promote --region {s.secondary}"
    title = rng.choice((f"{s.acr} runbook: regional failover", f"Failing over {s.acr} to {s.secondary}"))
    text = (
        f"Use this runbook when {s.acr}PrimaryDown has been firing for {minutes} minutes and the {s.team} on-call agrees that "
        f"the primary region {s.primary} will not recover quickly. {s.acr} is {s.tier} ({TIERS[s.tier]} to restore), "
        "so do not wait for a root cause before failing over.\n"
        "1. Declare an incident with /incident and page the Lighthouse incident commander.\n"
        f"2. Freeze writes: `acmectl {a} freeze --reason failover`.\n"
        f"3. Confirm that replication lag to {s.secondary} is below {lagmax} seconds.\n"
        f"4. Promote the standby: `{cmd}`.\n"
        f"5. Flip the service record with `acmectl dns flip {a}` and unfreeze writes.\n"
        f"Failing back to {s.primary} is a planned change that needs a CAB ticket; never fail back in the same shift. "
        f"If promotion fails twice, page {person}."
    )

    def queries(p: Pick) -> list[Query]:
        return [
            Query(p(f"{s.acr} failover promote command", f"{s.acr} promote standby region command"), "acronym", cmd),
            Query(p(f"What is the maximum replication lag allowed before promoting the {s.name} standby?",
                    f"How far behind may the {s.name} replica be when we fail over?"), "question", f"{lagmax} seconds"),
            Query(p(f"{s.name.lower()} fail back to primary", f"{s.name.lower()} failback approval"), "keyword", "CAB ticket"),
            Query(p(f"{s.gloss} is down in the main datacenter, how do I switch to the backup site?",
                    f"move {s.gloss} over to the other location because the main one died"), "paraphrase", cmd),
            Query(p(f"{s.acr} promotion failed twice who to page", f"{s.acr} failover escalation contact"), "acronym", person),
        ]

    return title, text, queries


def rb_lag(s: System, rng: random.Random) -> tuple[str, str, QueryMaker]:
    a, ch = s.acr.lower(), TEAMS[s.team]["channel"]
    thr, workers, minutes, person = rng.choice((20_000, 50_000, 75_000, 120_000)), rng.choice((8, 12, 16)), rng.choice((15, 20, 30)), _escalation(s, rng)
    cmd = f"acmectl {a} scale --workers {workers}"
    title = rng.choice((f"{s.acr} runbook: draining a backlog of {s.unit}", f"Backlog drain for {s.acr}"))
    text = (
        f"{s.acr}BacklogHigh fires when more than {thr:,} {s.unit} are waiting for 10 minutes. "
        f"Backlogs usually come from slow writes to {s.store} or from a burst after an upstream outage.\n"
        f"1. Open the '{s.acr} / Golden Signals' board in Beam and check that the consumer count is normal.\n"
        f"2. Scale out: `{cmd}`.\n"
        f"3. If the backlog is still growing after {minutes} minutes, pause bulk producers with `acmectl {a} pause --class bulk`.\n"
        f"4. Resume producers once the backlog is under {thr // 10:,} and post a summary in {ch}.\n"
        f"Escalate to {person} if the backlog has not started to fall {minutes} minutes after scaling out."
    )

    def queries(p: Pick) -> list[Query]:
        return [
            Query(p(f"{s.acr} backlog scale out command", f"workers command for {s.acr} backlog"), "acronym", cmd),
            Query(p(f"At what backlog size does the {s.name} alert fire?", f"How many waiting {s.unit} trigger the {s.name} backlog alert?"), "question", f"{thr:,}"),
            Query(p(f"{s.name.lower()} backlog escalation", f"{s.name.lower()} queue not shrinking who to escalate"), "keyword", person),
            Query(p(f"{s.gloss} has a big pile of unprocessed work, how many extra workers should I add?",
                    f"{s.gloss} is falling behind and work is queuing up, what do I do first?"), "paraphrase", cmd),
            Query(p(f"{s.acr} pause bulk producers", f"{s.acr} backlog still growing"), "acronym", f"acmectl {a} pause --class bulk"),
        ]

    return title, text, queries


def rb_certs(s: System, rng: random.Random) -> tuple[str, str, QueryMaker]:
    a = s.acr.lower()
    days, issuer, notice = rng.choice((14, 21, 30)), rng.choice(("Acme Internal CA G2", "Acme Partner CA")), rng.choice((5, 7, 10))
    cmd = f"acmectl certs renew {a}-api"
    title = rng.choice((f"{s.acr} runbook: TLS certificate rotation", f"Rotating the {s.acr} certificates"))
    text = (
        f"{s.acr}CertExpiring fires when the TLS certificate on the {s.acr} API has fewer than {days} days left. "
        f"{s.acr} certificates are issued by the {issuer} and are valid for 90 days.\n"
        f"1. Check the current expiry with `acmectl certs show {a}-api`.\n"
        f"2. Renew: `{cmd}`.\n"
        f"3. Reload the gateway with `acmectl {a} reload --component gateway`; no restart is needed.\n"
        "4. Confirm the new serial number on the certificate panel in Beam.\n"
        "If renewal fails with an issuer error, ask Beacon in #beacon-security. "
        f"Some partners pin the {s.acr} certificate, so announce the new serial to them {notice} days before the switch."
    )

    def queries(p: Pick) -> list[Query]:
        return [
            Query(p(f"{s.acr} cert expiry alert threshold", f"{s.acr} TLS certificate days left alert"), "acronym", f"{days} days"),
            Query(p(f"Which CA issues the {s.name} certificates?", f"Who signs the TLS certificate for the {s.name}?"), "question", issuer),
            Query(p(f"{s.name.lower()} certificate renew reload gateway", f"{s.name.lower()} cert reload without restart"), "keyword", f"acmectl {a} reload --component gateway"),
            Query(p(f"the HTTPS credential on {s.gloss} is about to lapse, what do I run?",
                    f"{s.gloss} has a security cert running out soon, how to refresh it"), "paraphrase", cmd),
            Query(p(f"{s.name.lower()} pinned certificate partner notice", f"{s.name.lower()} new cert partner warning days"), "keyword", f"{notice} days"),
        ]

    return title, text, queries


def rb_disk(s: System, rng: random.Random) -> tuple[str, str, QueryMaker]:
    a = s.acr.lower()
    pct, keep, grow, person = rng.choice((80, 85, 90)), rng.choice((3, 5, 7)), rng.choice((50, 100, 200)), _escalation(s, rng)
    gc = f"acmectl {a} gc --older-than {keep}d"
    title = rng.choice((f"{s.acr} runbook: disk pressure", f"Disk full on {s.acr} hosts"))
    text = (
        f"{s.acr}DiskPressure fires when /var/lib/{a} on any {s.acr} host is more than {pct}% full. "
        f"The usual culprits are rotated logs that were never shipped and old spill files from {s.unit}.\n"
        f"1. Find the largest directories with `acmectl {a} du --top 20`.\n"
        f"2. Delete spill files older than {keep} days: `{gc}`.\n"
        f"3. If usage is still above {pct}%, grow the volume with `acmectl disk grow {a} --by {grow}G`; "
        "this needs approval from the Lighthouse on-call.\n"
        f"Never delete anything under /var/lib/{a}/wal: that is the write-ahead log and losing it means restoring from backup. "
        f"Escalation: {person}."
    )

    def queries(p: Pick) -> list[Query]:
        return [
            Query(p(f"{s.acr} disk pressure threshold", f"{s.acr} disk full alert percent"), "acronym", f"{pct}%"),
            Query(p(f"{s.name.lower()} disk cleanup old spill files", f"{s.name.lower()} garbage collect spill files"), "keyword", gc),
            Query(p(f"Who must approve growing the disk on a {s.name} host?", f"Whose approval do I need to extend the {s.name} volume?"), "question", "Lighthouse on-call"),
            Query(p(f"{s.gloss} ran out of storage space, what can I safely remove?",
                    f"storage nearly exhausted on the machines behind {s.gloss}, what should I clear?"), "paraphrase", gc),
            Query(p(f"{s.acr} which directory must never be deleted", f"{s.acr} wal directory delete"), "acronym", f"/var/lib/{a}/wal"),
        ]

    return title, text, queries


def rb_rollback(s: System, rng: random.Random) -> tuple[str, str, QueryMaker]:
    a = s.acr.lower()
    rate, window, person = rng.choice(("2%", "3%", "5%")), rng.choice((10, 15, 20)), _escalation(s, rng)
    cmd = f"acmectl deploy rollback {a} --to previous"
    title = rng.choice((f"{s.acr} runbook: rolling back a bad deploy", f"Deploy rollback for {s.acr}"))
    text = (
        f"{s.acr}ErrorRateSpike fires when more than {rate} of {s.unit} fail over {window} minutes, "
        f"and the most common cause is a fresh deploy. If anything was deployed to {s.acr} in the last two hours, roll back first and debug later.\n"
        f"1. Find the last release in #deploys or with `acmectl deploy history {a}`.\n"
        f"2. Roll back: `{cmd}`.\n"
        f"3. Pin the version with `acmectl deploy pin {a}` so the pipeline does not redeploy the bad build.\n"
        "4. Tell the author of the change and open a postmortem if customers noticed.\n"
        f"Rollbacks of {s.acr} never need CAB approval, even during the peak change freeze. Escalation: {person}."
    )

    def queries(p: Pick) -> list[Query]:
        return [
            Query(p(f"{s.acr} rollback command", f"{s.acr} revert deploy command"), "acronym", cmd),
            Query(p(f"What error rate triggers the {s.name} rollback alert?", f"At which failure percentage should I consider rolling back the {s.name}?"), "question", rate),
            Query(p(f"{s.name.lower()} pin version after rollback", f"{s.name.lower()} stop pipeline redeploying bad build"), "keyword", f"acmectl deploy pin {a}"),
            Query(p(f"the newest release of {s.gloss} broke things, how do I undo it?",
                    f"revert the latest version of {s.gloss} that is throwing errors"), "paraphrase", cmd),
            Query(p(f"{s.acr} rollback escalation", f"{s.acr} bad deploy who to call"), "acronym", person),
        ]

    return title, text, queries


def rb_degraded(s: System, rng: random.Random) -> tuple[str, str, QueryMaker]:
    a, ch = s.acr.lower(), TEAMS[s.team]["channel"]
    minutes, maxh, person = rng.choice((3, 5, 10)), rng.choice((4, 6, 12)), _escalation(s, rng)
    cmd = f"acmectl {a} mode --set degraded"
    replay = f"acmectl {a} replay --since <timestamp>"
    title = rng.choice((f"{s.acr} runbook: degraded mode during an upstream outage", f"Running {s.acr} in degraded mode"))
    text = (
        f"{s.acr}UpstreamUnavailable fires when {s.upstream} has not answered {s.acr} for {minutes} minutes. "
        f"Rather than failing, {s.acr} can run in degraded mode: {s.fallback}.\n"
        f"1. Confirm the outage on the status board of {s.upstream}.\n"
        f"2. Switch mode: `{cmd}`.\n"
        f"3. Announce it in {ch} and on the site leads' bridge.\n"
        f"4. When {s.upstream} recovers, replay the queued work with `{replay}` and set the mode back to normal.\n"
        f"Degraded mode may run for at most {maxh} hours; beyond that, escalate to {person}."
    )

    def queries(p: Pick) -> list[Query]:
        return [
            Query(p(f"{s.acr} degraded mode command", f"{s.acr} switch to degraded mode"), "acronym", cmd),
            Query(p(f"How long may the {s.name} stay in degraded mode?", f"What is the maximum time the {s.name} can run degraded?"), "question", f"{maxh} hours"),
            Query(p(f"{s.name.lower()} upstream outage replay queued work", f"{s.name.lower()} replay after upstream recovers"), "keyword", replay),
            Query(p(f"how do we keep {s.gloss} working while something it relies on is down?",
                    f"{s.gloss} can't reach what it depends on, what fallback is there?"), "paraphrase", cmd),
        ]

    return title, text, queries


RUNBOOK_BUILDERS = {
    "restart": rb_restart, "failover": rb_failover, "lag": rb_lag, "certs": rb_certs,
    "disk": rb_disk, "rollback": rb_rollback, "degraded": rb_degraded,
}


def runbooks(s: System, rng: random.Random) -> list[Entry]:
    out = []
    for kind in s.runbooks:
        title, text, queries = RUNBOOK_BUILDERS[kind](s, rng)
        out.append(Entry(Doc(f"rb:{s.acr}:{kind}", "runbook", s.team, title, text), queries, 3))
    return out


# --------------------------------------------------------------------------- error codes

# code, system, message, raised when, cause, fix (the answer to "how to fix"), fix answer, symptom paraphrases
# (train, test), runbook kind of the same system that is partially relevant (or "").
ERRORS = (
    ("ERR-4471", "PLS", "Label template not found", "a print job references a template ID that is missing from the template store",
     "templates published from the designer without the final promote step",
     "re-run `acmectl pls template promote <template-id>` and resubmit the job", "acmectl pls template promote <template-id>",
     ("the pallet sticker service says it can't find the layout for the sticker", "sticker layout missing when sending a pallet sticker"), ""),
    ("ERR-4417", "PLS", "Printer handshake timeout", "an LP printer does not answer on port 9100 within 5 seconds",
     "a printer that is powered off, out of ribbon, or on the wrong VLAN",
     "check the printer's status light, then re-register it in FleetDeck", "re-register it in FleetDeck",
     ("the sticker machine on the lane never responds when a job is sent", "pallet sticker jobs give up because the device on the lane won't answer"), "restart"),
    ("ERR-4714", "WMX", "Inventory sync conflict", "two devices confirm different quantities for the same location within one second",
     "a retried confirmation from a handheld with poor Wi-Fi",
     "open the location in WMX and accept the cycle-count quantity", "accept the cycle-count quantity",
     ("two pickers' guns reported different counts for the same shelf at the same moment", "stock system complains that two handhelds disagree on how many items a slot holds"), ""),
    ("ERR-4741", "WMX", "Location code unknown", "a scanned location barcode does not exist in the site's location master",
     "new racking labelled before its locations were loaded into WMX",
     "ask the site's WMX admin to load the location file, then rescan", "load the location file",
     ("the shelf I scanned doesn't exist according to the stock system", "brand-new racks are rejected when I scan their slot tags"), ""),
    ("ERR-2209", "SLD", "Ledger sequence gap", "an event arrives whose sequence number skips one or more numbers for the same shipment",
     "a producer that restarted and lost events still in its buffer",
     "run `acmectl sld backfill --shipment <id>` to request the missing events", "acmectl sld backfill --shipment <id>",
     ("the consignment record is missing some steps in the middle of a shipment's history", "events for one shipment skip numbers in the permanent record"), "lag"),
    ("ERR-2290", "SLD", "Duplicate shipment key", "two different shipments are created with the same shipment key",
     "manual re-creation of a cancelled shipment in CXP",
     "merge the two records with `acmectl sld merge`; never delete ledger rows", "acmectl sld merge",
     ("two separate consignments ended up with the same identifier", "a cancelled consignment was typed in again and now there are twins"), ""),
    ("ERR-3310", "RTE", "Speed profile missing for lane", "a route includes a lane that has no speed profile",
     "a new lane created in CXP before Switchyard published its profile",
     "nothing urgent: RTE falls back to the regional default profile; request a proper profile in the SWY Jira project", "regional default profile",
     ("truck timing for a brand-new corridor has no travel speeds set up", "new trucking corridor gets generic timings instead of its own"), ""),
    ("ERR-3301", "RTE", "Route graph stale", "the route graph is more than 6 hours old",
     "a failed nightly graph build",
     "rebuild the graph with `acmectl rte graph rebuild --region <region>`", "acmectl rte graph rebuild --region <region>",
     ("the road network the truck timing uses is out of date", "truck timing is using an old road map since last night"), "restart"),
    ("ERR-5120", "DRC", "Slot overlap", "a booking overlaps an existing appointment on the same door",
     "two planners editing the same door schedule at the same time",
     "the later booking is rejected; choose another door or time", "the later booking is rejected",
     ("two trucks got booked onto the same unloading bay at the same hour", "double-booked loading bay error when saving an appointment"), ""),
    ("ERR-5102", "DRC", "Carrier not onboarded", "a carrier without a completed onboarding record tries to book",
     "carrier onboarding in CXP that was never finished",
     "Tidewater completes the onboarding; until then the site can book on the carrier's behalf", "book on the carrier's behalf",
     ("a new trucking company can't reserve an unloading slot", "haulier we just signed is refused when reserving a bay"), ""),
    ("ERR-6034", "YMS", "Trailer not in yard", "a move order references a trailer that never checked in at the gate",
     "a skipped or failed GHX gate check-in",
     "check the trailer in manually on the gatehouse screen", "check the trailer in manually",
     ("the shunter was told to move a trailer the system thinks isn't on site", "yard driver gets a job for a box that supposedly never arrived"), ""),
    ("ERR-6043", "YMS", "Mover tablet offline", "a yard tablet has not sent a heartbeat for 3 minutes",
     "a dead battery or no coverage at the back of the yard",
     "nothing to do at once: YMS reassigns its open moves to the next driver automatically", "reassigns its open moves to the next driver",
     ("a shunter driver's screen lost signal at the back of the lot", "tractor driver's device went silent and their jobs vanished"), "restart"),
    ("ERR-7188", "CXP", "Tender expired", "a carrier accepts a tender after its 2-hour acceptance window",
     "a slow carrier response",
     "re-tender the load from CXP; the carrier's scorecard records a late acceptance", "re-tender the load",
     ("a trucking partner said yes to a load offer too late", "haulier accepted our load offer after the deadline"), ""),
    ("ERR-7818", "CXP", "Partner rate limit", "a partner API returns HTTP 429",
     "exceeding the partner's request quota",
     "CXP backs off automatically; if it lasts over 30 minutes, ask Tidewater to contact the carrier", "backs off automatically",
     ("a trucking partner is throttling our calls", "haulier's interface says we're calling them too often"), "lag"),
    ("ERR-8050", "BLG", "Hazmat declaration missing", "a load contains a hazmat SKU but the bill of lading lacks the placard section",
     "a SKU with no hazmat class in the item master, or a template regression",
     "dispatch is blocked until you correct the SKU's hazmat class and regenerate the document", "dispatch is blocked",
     ("the shipping paperwork for a truck with flammable goods has no dangerous-goods section", "dangerous-goods warning panel absent from a load's paperwork"), ""),
    ("ERR-8005", "BLG", "Consignee address invalid", "the consignee address fails postal validation",
     "a typo in the order, or a new building that is not yet in the postal database",
     "correct the address in the order, or apply override code AV-OK with a supervisor's approval", "AV-OK",
     ("the receiver's street address on the paperwork is rejected", "delivery address for a customer's new building won't validate on the shipping papers"), ""),
    ("ERR-9002", "OWL", "Wave cutoff passed", "orders arrive after the 02:00 wave cutoff",
     "late order drops from customers",
     "the orders roll to the next day's first wave unless a supervisor marks them hot", "roll to the next day's first wave",
     ("customer orders came in too late for tonight's picking preparation", "orders that land after the nightly deadline, what happens to them"), ""),
    ("ERR-9020", "OWL", "Zone code retired", "a wave template references a zone that is no longer active",
     "re-slotting that retired a zone without updating the templates",
     "edit the template in the wave designer and rerun with `acmectl owl rerun --site <code>`", "acmectl owl rerun --site <code>",
     ("the overnight picking setup refers to an area of the warehouse that no longer exists", "picking template points at a decommissioned aisle area"), "rollback"),
    ("ERR-1166", "GHX", "Badge not provisioned", "a badge is presented that GHX does not know",
     "new badges take up to 15 minutes to reach the site controllers",
     "wait 15 minutes; if it still fails, re-issue the badge at the GHX kiosk", "re-issue the badge at the GHX kiosk",
     ("my brand-new door pass is refused at the reader", "fresh ID card doesn't open the turnstile"), ""),
    ("ERR-1616", "GHX", "Barrier controller offline", "a gate barrier controller misses 3 heartbeats",
     "network or power loss at the gatehouse",
     "guards switch the barrier to manual and log arrivals on the printed manifest", "switch the barrier to manual",
     ("the boom at the truck entrance stopped talking to the system", "truck entrance arm not responding to the security software"), "degraded"),
    ("ERR-6610", "FDK", "Device enrollment expired", "a device checks in with an enrollment certificate older than 365 days",
     "a device that was offline for more than a year, or an expired enrollment CA",
     "factory-reset the device and re-enroll it with the site QR code", "re-enroll it with the site QR code",
     ("a handheld that sat in a drawer for a year won't talk to the management console", "the gadget console rejects an old device's identity"), "certs"),
    ("ERR-6601", "FDK", "Firmware package signature invalid", "a device rejects a firmware package whose signature does not verify",
     "a package uploaded without signing, or a corrupted upload",
     "re-upload the signed package; never disable signature checks", "never disable signature checks",
     ("handhelds refuse to install an update because it isn't trusted", "gadgets reject a software image as untrusted"), "rollback"),
    ("ERR-3880", "ETP", "Weather feed stale", "the newest weather data is more than 2 hours old",
     "expired feed credentials or a provider outage",
     "ETP switches to static lane averages and flags predictions as low confidence", "static lane averages",
     ("arrival guesses are ignoring today's forecast", "arrival model using yesterday's forecast"), "degraded"),
    ("ERR-3808", "ETP", "Insufficient history for lane", "a lane has fewer than 30 completed trips",
     "a new lane",
     "ETP uses the regional model and shows a 'new lane' badge on the prediction", "uses the regional model",
     ("arrival guesses for a corridor we just started running", "why is the freight arrival estimate for a brand-new route less precise"), ""),
)


def error_doc(row: tuple, rng: random.Random) -> Entry:
    code, acr, msg, when, cause, fix, fix_ans, sym, rel_kind = row
    s = SYSTEM_BY_ACR[acr]
    title = rng.choice((f"{code}: {msg}", f"{code} — {msg} ({acr})", f"Error {code} in {acr}: {msg}"))
    rel = (f"rb:{acr}:{rel_kind}",) if rel_kind else ()
    see = f" If the error keeps coming back, follow the {acr} runbook for {RUNBOOK_LABELS[rel_kind]}." if rel_kind else ""
    text = (
        f"{code} is raised by {acr} when {when}. The log line reads \"{code} {msg}\" and the event is counted on the "
        f"'{acr} / Golden Signals' board. Typical cause: {cause}. "
        f"Fix: {fix}. {code} alone never pages; the {s.team} on-call is paged only when more than "
        f"{rng.choice((20, 50, 100))} occur in 5 minutes.{see}"
    )

    def queries(p: Pick) -> list[Query]:
        return [
            Query(p(code, f"{code} meaning"), "code", msg),
            Query(p(f"What causes {code}?", f"Why would {acr} throw {code}?"), "question", cause, rel),
            Query(p(f"{acr} {msg.lower()} fix", f"how to resolve {msg.lower()} in {acr}"), "keyword", fix_ans, rel),
            Query(p(*sym), "paraphrase", code),
        ]

    return Entry(Doc(f"err:{code}", "error-code", s.team, title, text), queries, 3)


# --------------------------------------------------------------------------- incident postmortems

# id, date, system, severity, duration, short title, impact, root cause, cause answer, detail, detection,
# incident commander, action item, action owner, paraphrased "why" questions (train, test), related keys
INCIDENTS = (
    ("INC-2023-004", "2023-01-17", "PLS", "SEV2", "2 hours 10 minutes", "label printing outage",
     "shipping labels failed to print at RNO-1 and DEN-2 during the morning wave",
     "the TLS certificate on the label template store had expired", "certificate on the label template store had expired",
     "Renewal depended on a calendar reminder owned by an engineer who had changed teams.",
     "pickers reported blank output from the LP-44 printers before any alert fired", "Lena Hovland",
     "automate certificate renewal with 30-day expiry alerts", "Kofi Boateng",
     ("why did pallet stickers stop coming out at the Reno and Denver warehouses in January 2023?",
      "what knocked out sticker output at two of our sites in early 2023?"), ("rb:PLS:certs",)),
    ("INC-2023-011", "2023-02-08", "SLD", "SEV1", "47 minutes", "ledger schema change",
     "about 1,900 shipments were written without carrier codes and billing stopped for every customer",
     "a schema migration dropped the carrier_scac column while consumers were still writing to it", "schema migration dropped the carrier_scac column",
     "The migration had only been tested against a staging database with no live consumers.",
     "Ballast's billing reconciliation job failed at 11:05", "Caleb Ortiz",
     "require expand-and-contract migrations for the ledger database", "Emeka Obi",
     ("why did invoicing halt for all customers in February 2023?",
      "what broke the permanent consignment record in Feb 2023 so bills couldn't go out?"), ()),
    ("INC-2023-019", "2023-03-07", "WMX", "SEV1", "3 hours 5 minutes", "stalled database failover",
     "picking and putaway stopped at ATL-3 and MEM-4",
     "the automatic failover stalled because replica lag had grown past 20 minutes", "replica lag had grown past 20 minutes",
     "A long-running reindex job had been holding replication back since the previous night.",
     "WMXPrimaryDown paged the Harbor on-call at 07:12", "Ruth Adeyemi",
     "block promotion when replica lag exceeds the runbook limit and alert on lag separately", "Mirela Dragan",
     ("why couldn't pickers in Atlanta and Memphis work for three hours in March 2023?",
      "what stopped the stock-keeping backbone from switching to its backup copy in spring 2023?"), ("rb:WMX:failover",)),
    ("INC-2023-023", "2023-03-13", "DRC", "SEV3", "5 hours", "dock appointments shifted by one hour",
     "every inbound dock appointment was shown one hour off and about 140 carriers arrived at the wrong time",
     "the booking API stored local times without a time zone, so the daylight saving change moved every slot by one hour",
     "daylight saving change moved every slot by one hour",
     "Nobody had booked an appointment across a clock change since the system launched in the autumn.",
     "gate guards at SAV-1 noticed a queue of early trucks", "Nils Ekström",
     "store all appointment times in UTC", "Jonah Feld",
     ("why did truckers show up sixty minutes off their reserved unloading times in March 2023?",
      "the spring 2023 clock change scrambled carrier bookings — what went wrong?"), ()),
    ("INC-2023-030", "2023-04-20", "CXP", "SEV2", "1 hour 35 minutes", "delayed tender acceptances",
     "tender acceptances from the three largest carriers were delayed and 320 loads missed their first pickup window",
     "a partner lowered its API rate limit from 50 to 10 requests per second without notice", "lowered its API rate limit from 50 to 10 requests per second",
     "CXP retried immediately on HTTP 429 responses, which made the throttling worse.",
     "CXPBacklogHigh fired when the partner message backlog passed its threshold", "Caleb Ortiz",
     "add exponential backoff with jitter to partner retries", "Dmitri Volkov",
     ("why did trucking companies confirm loads late in April 2023?",
      "a haulier started throttling us in spring 2023 — what did they change?"), ("rb:CXP:lag", "err:ERR-7818")),
    ("INC-2023-037", "2023-05-11", "OWL", "SEV2", "3 hours 20 minutes", "late overnight wave load",
     "the nightly wave load finished 3 hours late, so the first picking wave at DEN-2 and RNO-1 started at 09:40",
     "the batch host's /var/lib/owl volume filled up with unshipped spill files", "filled up with unshipped spill files",
     "Log shipping had been broken since a host rebuild two weeks earlier, so nothing was being cleaned up.",
     "the Blue Sheet was missing at 05:30", "Ruth Adeyemi",
     "alert when log shipping from OWL hosts stops", "Jonah Feld",
     ("why was morning picking in Denver and Reno not ready until almost ten in May 2023?",
      "the job that prepares picking while everyone sleeps ran hours late in May 2023, why?"), ("rb:OWL:disk",)),
    ("INC-2023-042", "2023-06-02", "RTE", "SEV2", "2 hours 45 minutes", "wrong ETAs for Laredo lanes",
     "arrival windows for all LRD-2 lanes were off by about 40% and customers received wrong delivery promises",
     "a deploy shipped a speed profile with kilometres per hour entered as miles per hour", "kilometres per hour entered as miles per hour",
     "The profile validation only checked that values were positive.",
     "customer service escalated complaints from a retailer supplied by LRD-2", "Nils Ekström",
     "validate speed profiles against lane history before deploy", "Tariq Nasser",
     ("why were delivery promises for the Texas border site way off in June 2023?",
      "a units mix-up in mid-2023 wrecked truck timing at the border crossing warehouse — what exactly?"), ("rb:RTE:rollback",)),
    ("INC-2023-048", "2023-06-27", "GHX", "SEV1", "1 hour 30 minutes", "gate barriers offline at SAV-1",
     "gate barriers at SAV-1 stopped responding and drivers queued for 90 minutes on the port access road",
     "a firmware bug in the gatehouse network switch dropped the barrier controllers' VLAN after a power blip", "firmware bug in the gatehouse network switch",
     "The switch had not been on the patch list because it was bought by the site, not by Beacon.",
     "ERR-1616 alerts for every barrier at the site", "Lena Hovland",
     "move barrier controllers to a dedicated switch with UPS power", "Samir Bensaid",
     ("why were trucks stuck outside the Savannah site for an hour and a half in June 2023?",
      "the security boom at the port warehouse wouldn't lift for drivers in summer 2023, what was behind it?"), ("rb:GHX:degraded", "err:ERR-1616")),
    ("INC-2023-055", "2023-07-19", "FDK", "SEV3", "6 hours", "XR-220 Wi-Fi roaming drops",
     "XR-220 scanners at four sites disconnected whenever pickers walked between access points",
     "firmware 7.4.1 pushed through FleetDeck changed the fast-roaming settings", "firmware 7.4.1",
     "The release went to the whole fleet instead of the 20-device pilot group.",
     "pickers at RNO-1 reported scans failing in the back aisles", "Farah Qureshi",
     "enforce the pilot group for every firmware release", "Luis Montoya",
     ("why did the barcode guns keep losing wireless when walking between aisles in July 2023?",
      "summer 2023 handheld connectivity drops — which update was to blame?"), ("rb:FDK:rollback", "proc:xr220-rollback")),
    ("INC-2023-061", "2023-08-08", "YMS", "SEV3", "4 hours", "duplicate trailer move orders",
     "yard drivers at DEN-2 received duplicate move orders and moved 37 trailers twice",
     "clock skew of up to 9 minutes on the yard tablets made acknowledgements look stale", "clock skew of up to 9 minutes",
     "The tablets had lost their time server setting after a factory reset.",
     "a DEN-2 shift lead noticed the same trailer on two drivers' lists", "Ruth Adeyemi",
     "enforce NTP sync on yard tablets through FleetDeck", "Paloma Reyes",
     ("why were shunter drivers in Denver told to shift the same trailers twice in August 2023?",
      "trailers got shuffled twice at the Colorado yard in 2023 — why?"), ()),
    ("INC-2023-066", "2023-08-30", "BLG", "SEV2", "2 hours 30 minutes", "blank bill of lading PDFs",
     "bills of lading generated at all sites came out blank, holding 210 outbound loads at the dock",
     "an OS patch removed the font package the PDF renderer depends on", "removed the font package",
     "The renderer image was rebuilt automatically every week from the latest base image.",
     "drivers at CMH-1 refused to leave with empty paperwork", "Caleb Ortiz",
     "pin the renderer base image and test PDF output in the deploy pipeline", "Amara Nwosu",
     ("why did outbound shipping paperwork come out empty in late August 2023?",
      "trucks were held at the doors because their documents had no text on them — cause?"), ("rb:BLG:rollback",)),
    ("INC-2023-072", "2023-09-21", "SLD", "SEV2", "5 hours 15 minutes", "ledger consumer lag",
     "shipment ledger updates lagged by up to four hours and customer tracking pages showed stale status",
     "a partition rebalance storm after a broker upgrade let the backlog grow to 2.4 million messages", "partition rebalance storm",
     "Every broker was upgraded at once, so consumers kept rejoining the group.",
     "SLDBacklogHigh paged the Keel on-call", "Nils Ekström",
     "upgrade brokers one at a time with rebalancing paused", "Wen Zhao",
     ("why were customer tracking pages hours out of date in September 2023?",
      "the consignment record fell hours behind after an upgrade in Sept 2023 — why?"), ("rb:SLD:lag",)),
    ("INC-2023-079", "2023-10-12", "PLS", "SEV1", "3 hours 40 minutes", "unreadable barcodes after printer update",
     "LP-44 labels printed at the wrong resolution and carrier scanners rejected 4,100 parcels at MEM-4",
     "the LP-OS 3.9 printer firmware changed the default DPI from 300 to 203", "changed the default DPI from 300 to 203",
     "The firmware had been approved by the vendor but never tested with Acme's label templates.",
     "a carrier's hub in Memphis called about unreadable codes", "Lena Hovland",
     "hold LP-44 printers on LP-OS 3.8 until the vendor fix is verified", "Greta Albrecht",
     ("why couldn't carriers read our parcel codes in Memphis in October 2023?",
      "the shipping-lane sticker machines made fuzzy codes after an update in autumn 2023 — what changed?"), ("dev:LP-44",)),
    ("INC-2023-085", "2023-11-03", "WMX", "SEV2", "2 hours", "ghost pallets from duplicate putaways",
     "WMX created 260 ghost pallets at CMH-1 and pickers were sent to empty locations",
     "the XR-220 putaway screen double-submitted confirmations when the network was slow", "double-submitted confirmations",
     "The screen retried after 2 seconds without an idempotency key.",
     "the Blue Sheet for CMH-1 listed 260 short-picks", "Caleb Ortiz",
     "make putaway confirmations idempotent", "Kofi Boateng",
     ("why were pickers in Columbus sent to empty rack slots in November 2023?",
      "phantom inventory showed up at the Ohio site in late 2023 — root cause?"), ("gl:ghost-pallet",)),
    ("INC-2023-091", "2023-11-24", "CXP", "SEV1", "1 hour 10 minutes", "Black Friday partner portal outage",
     "carriers could not submit status updates during the Black Friday peak and 1,300 tracking events were delayed",
     "database connection pool exhaustion caused by a partner's retry loop", "connection pool exhaustion",
     "One partner retried every failed call five times with no delay.",
     "partners reported HTTP 503 errors on the status API", "Lena Hovland",
     "cap connections per partner and add a circuit breaker", "Maeve Gallagher",
     ("why couldn't trucking partners send us updates on the busiest shopping day of 2023?",
      "holiday peak 2023: the carriers' website fell over — why?"), ("rb:CXP:degraded",)),
    ("INC-2023-097", "2023-12-18", "ETP", "SEV4", "9 hours", "stale weather in ETA predictions",
     "arrival predictions ignored a winter storm across the Midwest",
     "the weather feed credentials expired and the model silently used a 3-day-old forecast", "weather feed credentials expired",
     "The feed client treated an authentication error as 'no new data'.",
     "dispatchers at CMH-1 noticed ETAs that ignored road closures", "Tariq Nasser",
     "fail loudly when the weather feed is older than 2 hours", "Ingrid Solberg",
     ("why didn't our arrival guesses account for the December 2023 snowstorm?",
      "the freight arrival model ignored the blizzard in Dec 2023 — why?"), ("err:ERR-3880",)),
    ("INC-2024-003", "2024-01-09", "DRC", "SEV2", "1 hour 50 minutes", "booking API certificate expiry",
     "carriers could not book or change dock appointments",
     "the TLS certificate on the booking API expired over a holiday weekend", "expired over a holiday weekend",
     "The renewal alert had been routed to a retired channel.",
     "carriers emailed the ATL-3 planners that the booking page showed a security warning", "Ruth Adeyemi",
     "route certificate alerts to the team on-call, not to channels", "Mirela Dragan",
     ("why couldn't trucking firms reserve unloading slots in January 2024?",
      "carriers were locked out of the slot booking site in Jan 2024 — cause?"), ("rb:DRC:certs",)),
    ("INC-2024-008", "2024-01-30", "OWL", "SEV3", "2 hours", "wave load failed on a retired zone",
     "the overnight wave load failed for PDX-1 and the site picked from a manual list",
     "a wave template still referenced zone code Z-17, which had been retired", "zone code Z-17",
     "The zone was retired during re-slotting the previous week.",
     "ERR-9020 in the OWL logs and a missing Blue Sheet for PDX-1", "Nils Ekström",
     "validate wave templates against active zones every night", "Mirela Dragan",
     ("why did the Portland site pick from a paper list one morning in January 2024?",
      "overnight picking preparation broke for the Oregon warehouse in early 2024 — why?"), ("err:ERR-9020",)),
    ("INC-2024-014", "2024-02-21", "RTE", "SEV3", "3 hours", "route cache disk pressure",
     "route requests slowed to 20 seconds and dispatchers at ATL-3 fell back to static schedules",
     "the route cache nodes ran out of disk because cache eviction was disabled in a config change", "cache eviction was disabled",
     "The config change was meant for a test cluster.",
     "RTEDiskPressure fired on all cache nodes within ten minutes", "Caleb Ortiz",
     "add a config test that eviction is enabled", "Ingrid Solberg",
     ("why did dispatchers in Atlanta have to use fixed timetables in February 2024?",
      "truck timing got sluggish in Feb 2024 because storage filled up — which setting was wrong?"), ("rb:RTE:disk",)),
    ("INC-2024-020", "2024-03-12", "GHX", "SEV2", "2 hours 20 minutes", "badge reader replication failure",
     "newly issued badges did not open doors at CMH-1 and PDX-1",
     "replication between the GHX database and the site badge controllers broke after a password rotation", "broke after a password rotation",
     "The controllers stored the old replication password locally.",
     "a wave of ERR-1166 errors from new starters", "Ruth Adeyemi",
     "move controller replication to certificate authentication", "Victor Lindahl",
     ("why did new starters' passes not open doors in Columbus and Portland in March 2024?",
      "fresh door cards didn't work at two sites in spring 2024 — why?"), ("err:ERR-1166",)),
    ("INC-2024-026", "2024-04-04", "YMS", "SEV2", "1 hour 15 minutes", "trailer priority flag lost",
     "hot lane trailers lost their priority and waited behind regular moves at ATL-3",
     "a deploy removed the priority field from the move order API", "removed the priority field",
     "The field had been marked deprecated by mistake.",
     "Switchyard dispatchers saw hot lane trailers dwelling in amber", "Nils Ekström",
     "add a contract test for the move order API", "Paloma Reyes",
     ("why did urgent trailers wait in line with ordinary ones at Atlanta in April 2024?",
      "expedited freight lost its place in the yard queue in April 2024 — why?"), ("rb:YMS:rollback",)),
    ("INC-2024-031", "2024-04-25", "SLD", "SEV3", "1 hour 40 minutes", "ledger broker disk full",
     "ledger writes paused and 85,000 events queued",
     "a broker disk filled because retention had been set to 30 days instead of 3 days", "30 days instead of 3 days",
     "The retention change was made by hand during an investigation and never reverted.",
     "SLDDiskPressure paged the Keel on-call", "Caleb Ortiz",
     "manage broker retention in code review", "Sofia Lindgren",
     ("why did writes to the shipment record pause in late April 2024?",
      "the consignment record stalled in April 2024 as storage ran out — what was misconfigured?"), ("rb:SLD:disk",)),
    ("INC-2024-037", "2024-05-16", "BLG", "SEV3", "4 hours 30 minutes", "missing hazmat placards",
     "bills of lading for Class 3 loads were generated without the placard section and 14 loads were stopped at dispatch",
     "a template regression in BLG release 5.2 dropped the placard section", "template regression in BLG release 5.2",
     "The hazmat path had no automated test.",
     "ERR-8050 blocked dispatch at ATL-3", "Ruth Adeyemi",
     "add a golden-file test for hazmat documents", "Amara Nwosu",
     ("why were flammable-goods trucks held at dispatch in May 2024?",
      "dangerous-goods warning panels vanished from shipping paperwork in May 2024 — why?"), ("err:ERR-8050",)),
    ("INC-2024-044", "2024-06-06", "FDK", "SEV2", "7 hours", "device enrollment certificate expiry",
     "about 600 XR-220 scanners could not check in with FleetDeck and stopped receiving configuration",
     "the FleetDeck enrollment CA certificate expired", "enrollment CA certificate expired",
     "The CA was created in 2021 with a three-year lifetime and was not in the certificate inventory.",
     "ERR-6610 counts rose across every site", "Lena Hovland",
     "track the enrollment CA expiry in the certificate inventory", "Farah Qureshi",
     ("why did hundreds of handhelds stop getting their settings in June 2024?",
      "the gadget management console lost contact with ~600 barcode guns in June 2024 — why?"), ("err:ERR-6610", "rb:FDK:certs")),
    ("INC-2024-050", "2024-06-27", "PLS", "SEV3", "50 minutes", "print job backlog after DNS change",
     "print jobs queued for up to 40 minutes at RNO-1",
     "a DNS change pointed printers at a decommissioned PLS endpoint", "decommissioned PLS endpoint",
     "The old endpoint had been shut down the same day as the DNS change.",
     "PLSBacklogHigh fired for RNO-1", "Caleb Ortiz",
     "keep old endpoints alive for 7 days after DNS changes", "Kofi Boateng",
     ("why did sticker jobs wait 40 minutes in Reno in June 2024?",
      "the Nevada site's sticker queue got stuck after a name-server change — cause?"), ("rb:PLS:lag",)),
    ("INC-2024-057", "2024-07-18", "WMX", "SEV3", "2 hours 30 minutes", "slow putaway after index drop",
     "putaway confirmations took up to 12 seconds at all sites",
     "a cleanup migration dropped an index on the locations table", "dropped an index on the locations table",
     "The index looked unused because it was only needed during the morning peak.",
     "pickers complained of frozen XR-220 screens", "Nils Ekström",
     "require a query plan review for index changes", "Jonah Feld",
     ("why were stow confirmations crawling across all warehouses in July 2024?",
      "the stock system went sluggish in July 2024 after a database tidy-up — what was removed?"), ()),
    ("INC-2024-063", "2024-08-08", "CXP", "SEV3", "3 hours", "partner SFTP host key rotation",
     "EDI files from one national carrier stopped arriving",
     "the partner rotated its SFTP host key and CXP rejected the new key", "rotated its SFTP host key",
     "The partner announced the change to a mailbox nobody read.",
     "Tidewater's daily file check showed no inbound files", "Ruth Adeyemi",
     "subscribe to partner change notices and verify keys out of band", "Dmitri Volkov",
     ("why did one big trucking partner's files stop coming in August 2024?",
      "haulier file transfers broke in Aug 2024 after they changed something on their server — what?"), ("rb:CXP:certs",)),
    ("INC-2024-070", "2024-08-29", "ETP", "SEV3", "1 day", "ETA model time zone bug",
     "predicted arrivals for West Coast lanes were three hours early",
     "the weekly retrain used UTC timestamps as Pacific time", "used UTC timestamps as Pacific time",
     "The feature pipeline had been moved to a new cluster with a different default time zone.",
     "PDX-1 planners flagged trucks arriving hours after their ETA", "Caleb Ortiz",
     "add time zone assertions to the training pipeline", "Ingrid Solberg",
     ("why were arrival guesses for the West Coast three hours too early in August 2024?",
      "the arrival model's retraining mixed up clocks in late summer 2024 — how?"), ("rb:ETP:rollback",)),
)

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")


def postmortem(row: tuple, rng: random.Random) -> Entry:
    (iid, date, acr, sev, duration, short, impact, cause, cause_ans, detail, detection, ic, action, owner, why, rel) = row
    s = SYSTEM_BY_ACR[acr]
    year, month, day = date.split("-")
    when = f"{MONTHS[int(month) - 1]} {year}"
    title = rng.choice((f"Postmortem {iid}: {short}", f"{iid} — {acr} {short} ({date})", f"{acr} incident {iid}: {short}"))
    if rng.random() < 0.5:
        text = (
            f"Date: {date}. Severity: {sev}. Duration: {duration}. Incident commander: {ic}.\n"
            f"Impact: {impact}.\n"
            f"Root cause: {cause}. {detail}\n"
            f"Detection: {detection}.\n"
            f"Action item: {action} (owner: {owner})."
        )
    else:
        text = (
            f"On {MONTHS[int(month) - 1]} {int(day)}, {year} {acr} had a {sev} incident lasting {duration}: {impact}. "
            f"We learned about it because {detection}. {ic} was incident commander.\n"
            f"What went wrong: {cause}. {detail}\n"
            f"Follow-up: {action}; {owner} owns this and reports progress in the Friday postmortem review."
        )

    def queries(p: Pick) -> list[Query]:
        return [
            Query(p(f"{iid} root cause", f"what caused {iid}"), "code", cause_ans, rel),
            Query(p(f"Who was incident commander for the {acr} {short} in {when}?", f"Who led the response to the {when} {short}?"), "question", ic),
            Query(p(*why), "paraphrase", cause_ans, rel),
            Query(p(f"{acr} {short} {year} action item", f"{acr} {short} follow-up owner"), "keyword", action if p.split == "train" else owner),
            Query(p(f"{sev} {acr} incident {when} duration", f"how long did the {sev} {acr} outage in {when} last"), "acronym", duration),
        ]

    return Entry(Doc(f"pm:{iid}", "postmortem", s.team, title, text), queries, 3)


# --------------------------------------------------------------------------- team charters


def team_charter(name: str, rng: random.Random) -> Entry:
    t = TEAMS[name]
    owned = [s.acr for s in SYSTEMS if s.team == name]
    systems = f"Systems owned: {', '.join(owned)}." if owned else "The team owns none of the tiered production systems."
    if t["rotation"] == "no":
        oncall = "There is no on-call rotation; requests are handled in business hours."
    else:
        oncall = f"On-call: {t['rotation']} rotation, handover every {t['handover']}."
    title = rng.choice((f"Team {name} charter", f"{name}: team charter ({t['area']})", f"About the {name} team"))
    text = (
        f"{name} is the {t['area']} team. Mission: {t['mission']}. "
        f"Lead: {t['lead']}. Members: {', '.join(t['members'])}. {systems} "
        f"Work intake: file a ticket in the {t['jira']} Jira project; urgent issues go to {t['channel']}. "
        f"{oncall} Rituals: {t['ritual']}. "
        f"New members shadow the team for {rng.choice(('two', 'three', 'four'))} weeks before joining any rotation."
    )

    lead_pages = tuple(f"ov:{acr}" for acr in owned)  # overviews name the team lead as product lead

    def queries(p: Pick) -> list[Query]:
        out = [
            Query(p(f"Who leads the {name} team?", f"Who is the manager of {name}?"), "question", t["lead"], lead_pages),
            Query(p(f"{t['jira']} jira project which team", f"tickets in {t['jira']} go to which team"), "code", name),
            Query(p(*t["gloss"]), "paraphrase", t["lead"], lead_pages),
        ]
        if t["rotation"] != "no":
            out.append(Query(p(f"{name} on-call handover", f"{name} rotation handover time"), "keyword", t["handover"]))
        return out

    return Entry(Doc(f"team:{name}", "team-charter", name, title, text), queries, 2)


# --------------------------------------------------------------------------- sites

# code, city, state (used only by paraphrase queries), manager, dock doors, square feet, hours, specialty,
# Red Dock door, Night Owl shift
SITES = (
    ("DEN-2", "Denver", "Colorado", "Hana Petrović", 48, "410,000", "24/7", "regional cross-dock hub for the Mountain West", 47, True),
    ("RNO-1", "Reno", "Nevada", "Osei Mensah", 36, "520,000", "05:00–23:00", "e-commerce each-picking with XR-22 ring scanners", 36, False),
    ("ATL-3", "Atlanta", "Georgia's capital", "Imogen Castellanos", 64, "780,000", "24/7", "the largest site, with chilled and frozen rooms", 1, True),
    ("CMH-1", "Columbus", "Ohio", "Declan Furlong", 30, "350,000", "06:00–22:00", "headquarters campus and the original CVC-310 conveyor lines", 30, False),
    ("PDX-1", "Portland", "Oregon", "Yara Lindqvist", 22, "240,000", "06:00–22:00", "West Coast retail replenishment", 22, False),
    ("LRD-2", "Laredo", "Texas", "Esteban Garza", 40, "460,000", "05:00–01:00", "cross-border freight with an on-site customs broker", 12, False),
    ("SAV-1", "Savannah", "coastal Georgia", "Bram Verhoeven", 28, "300,000", "05:00–23:00", "port drayage and container transloading", 28, False),
    ("MEM-4", "Memphis", "Tennessee", "Sunita Kale", 52, "690,000", "24/7", "parcel sortation with LP-440 print-and-apply lines", 52, True),
)


def site_page(row: tuple, rng: random.Random) -> Entry:
    code, city, state, manager, docks, sqft, hours, spec, red, owl = row
    title = rng.choice((f"{code} — {city} distribution center", f"Site profile: {code} ({city})", f"{city} DC ({code}) site guide"))
    night = "It runs a Night Owl shift." if owl else "It does not run a Night Owl shift."
    text = (
        f"{code} is Acme's {city} distribution center: {spec}. Site manager: {manager}. "
        f"The building has {docks} dock doors and {sqft} square feet of floor space. Operating hours: {hours}. {night} "
        f"Trucks check in at the GHX gatehouse; dock appointments are booked in DRC. "
        f"The Red Dock is door {red}. Visitors report to reception and receive an orange badge. "
        f"Site-specific runbooks and the Blue Sheet for {code} are pinned in the #{code.lower()}-ops channel."
    )

    def queries(p: Pick) -> list[Query]:
        return [
            Query(p(f"{code} site manager", f"who manages {code}"), "code", manager),
            Query(p(f"How many dock doors does the {city} distribution center have?", f"What is the dock door count at {code}?"), "question", f"{docks} dock doors"),
            Query(p(f"who is in charge of our warehouse in {state}?", f"boss of the {state} building"), "paraphrase", manager),
            Query(p(f"{code} red dock door number", f"{code} quarantine door"), "keyword", f"door {red}"),
        ]

    return Entry(Doc(f"site:{code}", "site", "Harbor", title, text), queries, 2)


# --------------------------------------------------------------------------- hand-written pages
# (key, kind, team, title, text, queries); a query is (type, text, answer[, related keys]).

DEVICE_PAGES = (
    ("dev:XR-202", "product-spec", "Quayside", "XR-202 handheld scanner — specification (legacy)",
     "The XR-202 is the pistol-grip handheld scanner Acme rolled out to every distribution center in 2018. It is now a legacy "
     "model: Quayside ends support on 2025-06-30 and sites are swapping it for the XR-220. Battery: 3,200 mAh removable pack "
     "(spare part BAT-202S), good for about 9 hours of scanning; a full charge takes 3.5 hours in the four-slot cradle CR-202. "
     "Weight 410 g with battery. Sealing IP54, rated for 1.2 m drops onto concrete. Imager: 1D/2D with a 4 m maximum range. "
     "Firmware runs on the 4.x line (current 4.12.7) and FleetDeck can report it but not push it. The XR-202 cannot run 7.x "
     "firmware. Known issue: the trigger switch wears out after roughly 400,000 pulls; the replacement trigger kit is TK-202.",
     (("code", "XR-202 battery hours", "about 9 hours"),
      ("question", "When does support for the XR-202 scanner end?", "2025-06-30"),
      ("paraphrase", "which spare power pack fits the old pistol-grip reader from 2018?", "BAT-202S"),
      ("keyword", "xr-202 worn trigger replacement kit", "TK-202"))),
    ("dev:XR-220", "product-spec", "Quayside", "XR-220 handheld scanner — specification",
     "The XR-220 has been Acme's standard-issue handheld scanner since 2022 and replaces the XR-202. Battery: 5,000 mAh "
     "hot-swappable pack (BAT-220H) lasting about 14 hours; it charges in 2.5 hours in cradle CR-220. Weight 365 g. "
     "Sealing IP65, rated for 1.8 m drops. Imager: 2D with a long-range mode that reads rack labels up to 12 m away from the "
     "floor. Firmware: the 7.x line, fleet baseline 7.3.9, delivered by FleetDeck. Wi-Fi 6 with fast roaming between access "
     "points. The XR-220 pairs with the XR-22 ring scanner over Bluetooth. A 60-second bridge battery keeps the scanning "
     "session alive while the main pack is swapped, so pickers do not lose their task.",
     (("code", "XR-220 battery life", "about 14 hours"),
      ("question", "What is the maximum long-range reading distance of the XR-220?", "12 m"),
      ("paraphrase", "how long does today's standard barcode gun stay on while I change its power pack?", "60-second bridge battery"),
      ("keyword", "xr-220 firmware baseline version", "7.3.9", ("proc:xr220-rollback",)))),
    ("dev:XR-2200", "product-spec", "Quayside", "XR-2200 vehicle-mount terminal — specification",
     "The XR-2200 is a vehicle-mount terminal, not a handheld: a 10-inch touchscreen computer bolted to forklifts and reach "
     "trucks. It is hardwired to the truck's 12–48 V supply and an internal backup cell keeps it running for 15 minutes when "
     "the truck is switched off. Weight 3.1 kg. Sealing IP66; with its screen heater it works down to -30 °C, which makes it "
     "the approved terminal for the ATL-3 freezer rooms. It runs the same 7.x firmware line as the XR-220 (baseline 7.3.9) but "
     "has its own fleet entry in FleetDeck. Mount: ball mount kit MK-2200. Quayside installs it together with an FTU-9 "
     "telematics unit. Do not confuse it with the XR-220 handheld or the XR-22 ring scanner.",
     (("code", "XR-2200 backup cell runtime", "15 minutes"),
      ("question", "What is the lowest temperature the XR-2200 terminal works at?", "-30 °C"),
      ("paraphrase", "which screen can be fixed onto a lift truck for use in the sub-zero rooms?", "XR-2200"),
      ("keyword", "xr-2200 mounting kit part", "MK-2200"))),
    ("dev:XR-22", "product-spec", "Quayside", "XR-22 ring scanner — specification",
     "The XR-22 is a ring scanner worn on the index finger, used for fast each-picking at RNO-1 and MEM-4. It has no screen and "
     "must pair with a host over Bluetooth: an XR-220 handheld or an XR-2200 terminal. Pairing is done by scanning the pairing "
     "barcode on the host's screen. Battery 1,100 mAh, about 6 hours, so pickers swap rings at lunch. Weight 48 g. Sealing IP54. "
     "The scan trigger is a thumb button that can be set for the left or the right hand in FleetDeck. The XR-22 is not "
     "compatible with the legacy XR-202.",
     (("code", "XR-22 weight", "48 g"),
      ("question", "Can the XR-22 ring scanner pair with an XR-202?", "not compatible with the legacy XR-202"),
      ("paraphrase", "how long does the finger-worn barcode reader last on one charge?", "about 6 hours"))),
    ("dev:LP-40", "product-spec", "Quayside", "LP-40 desktop label printer — specification",
     "The LP-40 is a small desktop thermal label printer for office, returns and packing desks. Resolution 203 dpi, print speed "
     "150 mm/s, maximum media width 108 mm. It connects over USB or Ethernet and is enrolled in FleetDeck like the industrial "
     "printers. Media: direct thermal only, so it takes no ribbon. It is not approved for LPN or shipping labels on the dock; use "
     "the LP-44 there. Calibrate after every media change: hold the feed button for 2 seconds until the light blinks twice.",
     (("code", "LP-40 resolution dpi", "203 dpi"),
      ("question", "How do I calibrate the LP-40 after loading new labels?", "hold the feed button for 2 seconds"),
      ("paraphrase", "does the little sticker printer on the packing bench need an ink ribbon?", "direct thermal only"))),
    ("dev:LP-44", "product-spec", "Quayside", "LP-44 industrial label printer — specification",
     "The LP-44 is the industrial thermal-transfer printer on every shipping lane. Resolution 300 dpi, 250 mm/s, maximum media "
     "width 114 mm, wax-resin ribbon RB-44. It receives jobs from PLS on raw port 9100. Printhead life is about 50 km of media; "
     "Quayside swaps heads when the PLS print-quality check starts failing. Firmware: stay on LP-OS 3.8 and do not upgrade to "
     "3.9 until the DPI regression from INC-2023-079 is confirmed fixed. Status light: solid red means the head is open, "
     "flashing red means the ribbon is out.",
     (("code", "LP-44 ribbon part number", "RB-44"),
      ("question", "Which firmware version should LP-44 printers stay on?", "LP-OS 3.8", ("pm:INC-2023-079",)),
      ("paraphrase", "shipping-lane sticker machine blinking red, what does that mean?", "the ribbon is out"),
      ("keyword", "lp-44 printhead life", "about 50 km of media", ("proc:lp44-printhead",)))),
    ("dev:LP-440", "product-spec", "Quayside", "LP-440 print-and-apply labeler — specification",
     "The LP-440 is a print-and-apply labeler mounted on conveyor lines at MEM-4 and ATL-3. It prints at 300 dpi and applies "
     "labels with a tamp pad at up to 35 labels per minute. Jobs come from PLS, and the CVC-330 conveyor controller tells it "
     "when a carton is in position. The minimum gap between cartons is 150 mm; below that the LP-440 skips the carton and the "
     "line records a tote bounce. It uses the same RB-44 ribbon as the LP-44 but a wider 168 mm media roll.",
     (("code", "LP-440 labels per minute", "35 labels per minute"),
      ("question", "What is the minimum carton gap for the LP-440?", "150 mm"),
      ("paraphrase", "which sites have the machine that sticks labels onto boxes automatically on the belt?", "MEM-4 and ATL-3"))),
    ("dev:FTU-9", "product-spec", "Quayside", "FTU-9 forklift telematics unit — specification",
     "The FTU-9 forklift telematics unit records who drives each forklift, impacts and utilisation. Operators log in by tapping "
     "their badge; an unbadged forklift will not start, and the unit checks that the operator holds a valid Blue Card. The impact "
     "threshold is 2.5 g: above it the truck drops to crawl speed until a supervisor clears it. The FTU-9 reports over site "
     "Wi-Fi every 30 seconds and buffers 72 hours of data offline. It is for indoor trucks only; yard tractors use the FTU-9B. "
     "Quayside installs it together with the XR-2200 terminal.",
     (("code", "FTU-9 impact threshold", "2.5 g", ("proc:ftu9-impact", "dev:FTU-9B")),
      ("question", "How often does the FTU-9 report?", "every 30 seconds"),
      ("paraphrase", "why won't the lift truck start before I tap my ID card?", "an unbadged forklift will not start"),
      ("keyword", "forklift telematics offline buffer", "72 hours"))),
    ("dev:FTU-9B", "product-spec", "Quayside", "FTU-9B outdoor telematics unit — specification",
     "The FTU-9B is the outdoor variant of the FTU-9 telematics unit, fitted to yard tractors (shunters) and outdoor forklifts. "
     "It keeps the badge login and the 2.5 g impact threshold, adds LTE cellular fallback when Wi-Fi is unavailable, and reports "
     "every 15 seconds so that YMS can track shunter positions. Sealing IP67. The LTE data plan is pooled under the Quayside "
     "cost center, and a unit that uses more than 2 GB a month is flagged in FleetDeck.",
     (("code", "FTU-9B reporting interval", "every 15 seconds"),
      ("question", "Which telematics unit has cellular fallback?", "FTU-9B"),
      ("paraphrase", "monthly mobile data allowance for the tracking box on yard tractors", "2 GB a month"))),
    ("dev:DDS-2", "product-spec", "Quayside", "DDS-2 dock door sensor — specification",
     "The DDS-2 dock door sensor combines a magnetic contact with an ultrasonic presence sensor to report whether a dock door is "
     "open and whether a trailer is backed in. Battery life is about 3 years on two CR123A cells. It reports to DRC through the "
     "site LoRa gateway every 60 seconds. Known limitation: ultrasonic readings are unreliable in heavy rain at open-sided docks. "
     "The DDS-2 is being replaced by the DDS-3 during 2024 and 2025.",
     (("code", "DDS-2 report interval", "every 60 seconds"),
      ("keyword", "dock door sensor false trailer readings rain", "ultrasonic readings are unreliable in heavy rain"),
      ("paraphrase", "what powers the older loading-bay detector and how long does it last?", "about 3 years"))),
    ("dev:DDS-3", "product-spec", "Quayside", "DDS-3 dock door sensor — specification",
     "The DDS-3 dock door sensor detects trailers with a time-of-flight laser instead of ultrasound, so rain and fog do not "
     "affect it. Battery life is about 5 years. It reports to DRC every 20 seconds over the same LoRa gateways as the DDS-2. "
     "Each DDS-3 must be calibrated after mounting: with the door open and no trailer present, press the CAL button for 5 seconds; "
     "the LED turns green when the empty-bay distance is stored.",
     (("code", "DDS-3 battery life", "about 5 years"),
      ("question", "How do I calibrate a DDS-3 after installing it?", "press the CAL button for 5 seconds", ("proc:dds3-install",)),
      ("paraphrase", "which loading-bay door detector copes with bad weather?", "DDS-3"))),
    ("dev:CVC-310", "product-spec", "Quayside", "CVC-310 conveyor controller — specification",
     "The CVC-310 conveyor controller drives up to 24 zones of accumulation conveyor and is installed on the older lines at "
     "CMH-1 and PDX-1. It has a single e-stop loop: after an e-stop, pull the mushroom button back out, then press the blue RESET "
     "key for 3 seconds. It does not talk to PLS directly, so print-and-apply labelers cannot be used on CVC-310 lines. Spare "
     "parts are no longer manufactured; Quayside keeps a pool of 6 spare boards at CMH-1.",
     (("code", "CVC-310 zones", "24 zones"),
      ("question", "How do I reset a CVC-310 after an emergency stop?", "press the blue RESET key for 3 seconds"),
      ("paraphrase", "where are the spare circuit boards for the old belt controller kept?", "CMH-1"))),
    ("dev:CVC-330", "product-spec", "Quayside", "CVC-330 conveyor controller — specification",
     "The CVC-330 conveyor controller drives up to 64 zones and is standard on the newer lines at ATL-3, MEM-4 and RNO-1. It has "
     "dual e-stop loops (A and B). After an e-stop, release the button and acknowledge the fault on the HMI before pressing "
     "RESET; the RESET key alone does nothing. The CVC-330 integrates with PLS and signals the LP-440 when a carton is in "
     "position. Zone speed is set in FleetDeck, default 0.6 m/s.",
     (("code", "CVC-330 default zone speed", "0.6 m/s"),
      ("question", "Why does pressing RESET on a CVC-330 do nothing after an e-stop?", "acknowledge the fault on the HMI", ("proc:cvc330-estop",)),
      ("paraphrase", "how many belt segments can the newer conveyor brain handle?", "64 zones"))),
)

PROCEDURE_PAGES = (
    ("proc:xr220-rollback", "procedure", "Quayside", "XR-220 firmware rollback through FleetDeck",
     "If a firmware release misbehaves on the XR-220 fleet, roll devices back in FleetDeck rather than by hand.\n"
     "1. In FleetDeck open Fleets > XR-220 > Firmware.\n"
     "2. Select the previous baseline (currently 7.3.9) and choose Stage rollback.\n"
     "3. Roll back a pilot group of 20 devices at one site first and wait 24 hours.\n"
     "4. Promote the rollback to all sites.\n"
     "Devices install the package on their next cradle charge, so a full-fleet rollback takes about one shift. Rollbacks below "
     "7.2.0 are blocked because of the bootloader change. The XR-2200 shares the 7.x line but has its own fleet entry.",
     (("keyword", "xr-220 firmware rollback pilot group size", "20 devices", ("dev:XR-220",)),
      ("question", "What is the oldest firmware an XR-220 can be rolled back to?", "7.2.0"),
      ("paraphrase", "undo a bad software update on the standard barcode guns", "Stage rollback", ("rb:FDK:rollback",)))),
    ("proc:xr202-rollback", "procedure", "Quayside", "XR-202 firmware rollback (legacy, manual)",
     "The legacy XR-202 runs 4.x firmware, which FleetDeck can report but cannot roll back. To roll back an XR-202:\n"
     "1. Copy the previous 4.x image from the Quayside file share.\n"
     "2. Save it to a microSD card as update.bin.\n"
     "3. Insert the card, hold the trigger and the power key together for 10 seconds, and confirm the update on screen.\n"
     "4. Remove the card and check the version under Settings > About.\n"
     "Do one device per site first. Never install a 7.x image on an XR-202: the device will not boot and must be returned "
     "to Quayside for repair.",
     (("keyword", "xr-202 firmware rollback sd card file name", "update.bin"),
      ("question", "What happens if you install 7.x firmware on an XR-202?", "the device will not boot"),
      ("paraphrase", "how do I downgrade the software on the old 2018 barcode gun?", "hold the trigger and the power key together for 10 seconds"))),
    ("proc:xr220-battery", "procedure", "Quayside", "XR-220 battery swaps and battery health",
     "BAT-220H packs are hot-swappable: press both release latches, slide the pack out and insert a charged one within the "
     "60 seconds covered by the bridge battery. Swap when the battery icon turns amber (below 20%). A pack is retired when "
     "FleetDeck reports its health below 80% or after 900 charge cycles, whichever comes first. Retired packs go in the yellow "
     "lithium bin in the Quayside cage, never in general waste. Sites order replacement packs through Anchor Desk form HW-31.",
     (("code", "BAT-220H retirement cycles", "900 charge cycles"),
      ("question", "Where do worn-out scanner batteries go?", "yellow lithium bin"),
      ("paraphrase", "how do I order a new power pack for my barcode gun?", "HW-31"))),
    ("proc:xr22-pairing", "procedure", "Quayside", "Pairing an XR-22 ring scanner",
     "To pair an XR-22 ring with a host, open the Pairing app on the XR-220 (or XR-2200) and scan the pairing barcode shown on "
     "the host screen with the ring; the ring beeps twice when paired. A ring pairs to one host at a time, and pairing it with a "
     "new host unpairs the old one. If pairing fails, reset the ring by holding its trigger for 15 seconds until it vibrates, "
     "then try again. Rings that still fail go back to the Quayside cage with a note of the serial number.",
     (("keyword", "ring scanner reset", "holding its trigger for 15 seconds"),
      ("question", "Can one XR-22 be paired with two hosts at once?", "A ring pairs to one host at a time"),
      ("paraphrase", "how do I connect the finger barcode reader to my handheld?", "open the Pairing app", ("dev:XR-22",)))),
    ("proc:lp44-printhead", "procedure", "Quayside", "LP-44 printhead cleaning and replacement",
     "Clean the LP-44 printhead at every ribbon change with an isopropyl cleaning pen from the IPA-70 kit: power off, open the "
     "head, wipe from the center outwards and let it dry for 30 seconds. Replace the head (part PH-44-300) when the PLS "
     "print-quality check fails 3 times in one shift even after cleaning. Always power off first: the head reaches 60 °C. "
     "Log every head swap in FleetDeck so Quayside can track head life per lane.",
     (("code", "LP-44 printhead part number", "PH-44-300"),
      ("question", "How often should the LP-44 printhead be cleaned?", "at every ribbon change"),
      ("paraphrase", "blurry codes from the shipping-lane sticker machine — when do I swap the print head?", "fails 3 times in one shift", ("dev:LP-44",)))),
    ("proc:ftu9-install", "procedure", "Quayside", "Installing an FTU-9 on a forklift",
     "Only Quayside technicians install FTU-9 units. Apply lockout-tagout on the forklift before touching its wiring. Mount the "
     "unit on the overhead guard, connect it to the ignition interlock, and register the serial in FleetDeck under the site's "
     "forklift fleet. Test by badging in with a valid Blue Card: the truck must start, and an unbadged start attempt must fail. "
     "A standard install takes 45 minutes; with an XR-2200 terminal allow 90 minutes.",
     (("keyword", "ftu-9 install time", "45 minutes"),
      ("question", "What must be done before wiring an FTU-9 into a forklift?", "lockout-tagout"),
      ("paraphrase", "after fitting the lift-truck tracking box, where do I record it?", "register the serial in FleetDeck"))),
    ("proc:ftu9-impact", "procedure", "Bulwark", "Clearing an FTU-9 impact lockout",
     "After an impact above 2.5 g the forklift runs at crawl speed. Only a shift supervisor can clear the lockout: badge in on "
     "the FTU-9, open the Impact menu, inspect the truck with checklist FS-7, and enter a reason code. If the truck is damaged, "
     "tag it out instead of clearing it. Three impacts by the same operator in 30 days trigger a Blue Card review with Bulwark.",
     (("question", "Who can clear a forklift impact lockout?", "a shift supervisor"),
      ("paraphrase", "lift truck stuck at walking pace after a bump, how do I fix it?", "open the Impact menu", ("dev:FTU-9",)),
      ("keyword", "forklift impacts 30 days review", "Blue Card review"))),
    ("proc:dds3-install", "procedure", "Quayside", "Installing DDS-3 dock door sensors",
     "Mount the DDS-3 on the left door post, 2.4 m above the dock floor, pointing into the trailer bay. Pair it with the site "
     "LoRa gateway by entering the join key printed inside the battery cover into FleetDeck. Then calibrate with the door open "
     "and no trailer present. Remove the old DDS-2 bracket and send the DDS-2 to Quayside for battery recycling. Check in DRC "
     "that the door shows 'empty' within 20 seconds.",
     (("question", "At what height is a DDS-3 mounted?", "2.4 m above the dock floor"),
      ("keyword", "dds-3 lora gateway pairing key", "join key printed inside the battery cover"))),
    ("proc:cvc330-estop", "procedure", "Quayside", "CVC-330 e-stop recovery procedure",
     "After any e-stop on a CVC-330 line: 1. Find the pressed e-stop; the HMI shows which loop (A or B) tripped. 2. Make sure "
     "the zone is clear of people and jammed cartons. 3. Release the button, acknowledge the fault on the HMI, then press RESET. "
     "4. Restart the zones from downstream to upstream so cartons do not pile up. If the line trips again within 10 minutes, "
     "call the Quayside on-call at extension 4410 and leave the line stopped.",
     (("question", "In what order should zones restart after a CVC-330 e-stop?", "from downstream to upstream"),
      ("code", "CVC-330 line trips again on-call extension", "extension 4410"),
      ("paraphrase", "the conveyor emergency button was hit twice in ten minutes, who do I call?", "extension 4410", ("dev:CVC-330",)))),
    ("proc:fleetdeck-enroll", "procedure", "Quayside", "Enrolling a new device in FleetDeck",
     "Every XR, LP and FTU device must be enrolled in FleetDeck before first use. Factory-reset the device, connect it to the "
     "ACME-STAGING Wi-Fi network, then scan the site enrollment QR code printed from FleetDeck > Sites > Enroll. The enrollment "
     "certificate is valid for 365 days and renews automatically at each check-in; a device that stays offline longer than that "
     "must be enrolled again (see ERR-6610). Enrolled devices move to the site's production Wi-Fi automatically.",
     (("keyword", "fleetdeck enrollment wifi network", "ACME-STAGING"),
      ("question", "How long is a FleetDeck enrollment certificate valid?", "365 days", ("err:ERR-6610",)),
      ("paraphrase", "setting up a brand-new handheld so the gadget console knows about it", "scan the site enrollment QR code"))),
)

POLICY_PAGES = (
    ("pol:rto-tiers", "policy", "Lighthouse", "Service recovery tiers (RTO-1 to RTO-9)",
     "Every production system at Acme has a recovery tier that says how fast it must be restored after an outage. "
     "RTO-1: 30 minutes, for systems that stop the warehouse floor or the gate (WMX, PLS, GHX). RTO-3: 2 hours, for systems "
     "whose outage delays freight but has workarounds (SLD, RTE, CXP). RTO-7: 8 hours, for planning and paperwork systems (DRC, "
     "YMS, BLG, FleetDeck). RTO-9: 48 hours, for batch and analytics (OWL, ETP). The numbers are deliberately not consecutive so "
     "that new tiers can be inserted. The tier decides paging: RTO-1 and RTO-3 page 24/7, RTO-7 pages only during site operating "
     "hours, and RTO-9 never pages and goes to the owning team's queue. Lighthouse reviews the tiers every January.",
     (("acronym", "what does RTO-7 mean", "8 hours", ("ov:DRC", "ov:YMS", "ov:BLG", "ov:FDK")),
      ("acronym", "RTO-9 paging", "never pages"),
      ("paraphrase", "how quickly must the most critical floor systems be back after they break?", "30 minutes"),
      ("question", "When are the recovery tiers reviewed?", "every January"))),
    ("pol:severity", "policy", "Lighthouse", "Incident severity levels (SEV1–SEV4)",
     "SEV1: a site cannot ship or receive, or customer data is exposed. Page the incident commander within 5 minutes, post a "
     "status update to the exec channel every 30 minutes, and publish the postmortem within 5 business days. SEV2: major "
     "degradation at one or more sites with a workaround; updates every 60 minutes; postmortem within 10 business days. SEV3: "
     "limited impact, handled by one team in business hours; a postmortem is optional but recommended. SEV4: cosmetic or "
     "internal-only issues; no postmortem. For SEV1 and SEV2 the incident commander (IC) comes from the Lighthouse IC rotation. "
     "Anyone can declare an incident with /incident in Slack. Severity can be raised by anyone but only lowered by the IC.",
     (("acronym", "SEV2 postmortem deadline", "within 10 business days"),
      ("question", "How often must SEV1 status updates be posted?", "every 30 minutes"),
      ("paraphrase", "who is allowed to downgrade how serious an outage is?", "only lowered by the IC"),
      ("keyword", "declare incident slack command", "/incident"))),
    ("pol:te-v3", "policy", "Ballast", "Travel and expense policy v3 (superseded)",
     "Version 3, effective 2022-01-01, superseded by v4 on 2024-03-01. Kept for reference when checking claims from that period. "
     "Hotels: up to $180 per night in every city. Meals: a flat per diem of $55 per day. Flights: economy for flights under "
     "6 hours, premium economy above that. Receipts: required for any expense over $25. Claims had to be filed within 60 days "
     "in Ledgerline. Mileage: $0.58 per mile. Approver: the direct manager; trips over $3,000 also needed the department head.",
     (("question", "What was the hotel limit under the old v3 travel policy?", "$180 per night"),
      ("code", "T&E v3 receipt threshold", "over $25"),
      ("paraphrase", "under the previous travel rules, how much did we get per kilometre-ish for driving our own car?", "$0.58 per mile"))),
    ("pol:te-v4", "policy", "Ballast", "Travel and expense policy v4",
     "Version 4, effective 2024-03-01, replaces v3. Hotels: up to $210 per night, or $260 in high-cost cities (New York, San "
     "Francisco, Boston). Meals: per diem of $65 per day; alcohol is not reimbursed. Flights: economy for flights under 5 hours; "
     "premium economy on longer flights only with VP approval. Receipts: required for any expense over $40. Claims must be filed "
     "in Ledgerline within 30 days, and late claims need Ballast approval. Mileage follows the federal rate, updated each "
     "January. Trips over $3,000 need department head approval in Ledgerline before booking.",
     (("question", "What is the meal per diem under the current travel policy?", "$65 per day"),
      ("keyword", "hotel cap high-cost cities", "$260"),
      ("paraphrase", "how long do I have to submit my trip costs for reimbursement?", "within 30 days"),
      ("code", "T&E v4 premium economy approval", "VP approval"))),
    ("pol:oncall-v2", "policy", "Compass", "On-call compensation policy v2 (superseded)",
     "Effective 2021-07-01 until 2023-12-31, when v3 replaced it. Engineers on a 24/7 rotation received a stipend of $300 per "
     "week of on-call. Each page handled between 22:00 and 06:00 earned an additional $50. Rotations were capped at one week in "
     "four. There was no compensatory time off. Claims were entered by hand in the payroll spreadsheet and paid one month in "
     "arrears.",
     (("question", "How much was paid per night page under on-call policy v2?", "$50"),
      ("keyword", "on-call v2 weekly stipend", "$300 per week"))),
    ("pol:oncall-v3", "policy", "Compass", "On-call compensation policy v3",
     "Effective 2024-01-01, replacing v2. Stipend: $425 per on-call week for RTO-1 and RTO-3 rotations, and $200 per week for "
     "business-hours rotations on RTO-7 systems. There is no per-page payment any more; instead an engineer who handles three or "
     "more pages between 22:00 and 06:00 in one week gets a compensatory day off, to be taken within 30 days. At most one "
     "on-call week in four; two consecutive weeks need the team lead's sign-off. Stipends are paid with the next payroll run "
     "through ShiftBoard.",
     (("acronym", "on-call stipend for an RTO-7 rotation", "$200 per week"),
      ("question", "When do I get a comp day for on-call?", "three or more pages between 22:00 and 06:00"),
      ("paraphrase", "how much extra do I earn for carrying the pager for a whole week on a critical system?", "$425"))),
    ("pol:freeze", "policy", "Lighthouse", "Peak change freeze",
     "From November 15 to January 5 every year, production changes to RTO-1 and RTO-3 systems are frozen. Exceptions: security "
     "patches rated critical by Beacon, and rollbacks, which never need approval. Any other change needs a freeze exception "
     "signed by the CAB chair, currently Lena Hovland, and by the owning team lead. Changes to RTO-7 and RTO-9 systems are "
     "allowed but must be announced in #changes 24 hours ahead. The freeze also applies to device firmware pushed by FleetDeck.",
     (("question", "When does the peak change freeze start?", "November 15", ("pol:pto",)),
      ("paraphrase", "who can sign off a release during the holiday lockdown?", "Lena Hovland"),
      ("keyword", "change freeze scanner firmware", "also applies to device firmware"))),
    ("pol:cab", "policy", "Lighthouse", "Change Advisory Board (CAB) process",
     "CAB reviews normal changes to production every Tuesday at 14:00 Central. Standard changes (pre-approved, low-risk, "
     "repeatable changes listed in the standard change catalogue) skip CAB. Normal changes need two approvals: one from the "
     "owning team and one from a CAB member outside that team. Emergency changes can be approved by the on-call incident "
     "commander and are reviewed at the next CAB. Submit changes in the CHG Jira project at least 48 hours before the meeting.",
     (("acronym", "when does CAB meet", "every Tuesday at 14:00 Central"),
      ("code", "CHG ticket lead time", "at least 48 hours"),
      ("paraphrase", "how many sign-offs does a regular production modification need?", "two approvals"))),
    ("pol:hazmat", "policy", "Bulwark", "Hazardous materials handling policy",
     "Hazmat freight must be declared on the bill of lading by BLG before it is loaded. Class 3 flammable liquids are stored only "
     "on the Red Dock, with no more than 2 pallets per bay and at least 3 m from any battery charging station. Leaking or damaged "
     "hazmat packages go straight to the Red Dock and the site's hazmat lead is called; never re-tape or repack them. Staff who "
     "handle hazmat need the HZ-1 certification, renewed every 2 years. A missing placard section blocks dispatch (ERR-8050).",
     (("question", "How many Class 3 pallets may be stored per bay?", "no more than 2 pallets per bay"),
      ("code", "HZ-1 certification renewal", "every 2 years"),
      ("paraphrase", "a drum of flammable liquid is leaking, where do I take it?", "Red Dock", ("pol:red-dock",)))),
    ("pol:red-dock", "policy", "Bulwark", "Red Dock quarantine policy",
     "The Red Dock is the quarantine dock at every site, marked with red floor paint and a red door frame. Freight goes to the "
     "Red Dock when it is damaged, leaking, suspected counterfeit, or on a customs hold. Everything placed there gets a yellow "
     "tag and a hold in WMX so it cannot be picked. Freight may stay on the Red Dock for at most 72 hours; after that the site "
     "manager decides whether to return, destroy or release it. Only the site manager or the hazmat lead can release a hold.",
     (("question", "How long can freight stay on the Red Dock?", "at most 72 hours", ("gl:yellow-tag",)),
      ("paraphrase", "who can let goods out of the quarantine bay?", "the site manager or the hazmat lead"),
      ("keyword", "red dock customs hold tag", "yellow tag", ("gl:yellow-tag",)))),
    ("pol:retention-2021", "policy", "Beacon", "Data retention policy (2021 edition, superseded)",
     "Superseded by the 2023 edition on 2023-06-01. Scanner telemetry: 30 days. Shipment ledger: 5 years. CCTV footage: 14 days. "
     "HR records: 7 years after employment ends. Email: 3 years. There were no separate rules for C3 and C4 data; everything was "
     "archived to tape at the end of its retention period. Beacon answers questions about claims from that period in #beacon-security.",
     (("question", "How long was CCTV footage kept under the 2021 retention policy?", "14 days"),
      ("keyword", "old retention policy email years", "3 years"))),
    ("pol:retention-2023", "policy", "Beacon", "Data retention policy (2023 edition)",
     "Effective 2023-06-01. Scanner and telematics telemetry (XR, FTU): 90 days. Shipment ledger (SLD): 7 years, to meet customs "
     "audit requirements. CCTV footage at sites: 30 days unless attached to an incident. HR records: 6 years after employment "
     "ends. Email and chat: 2 years. C3 and C4 data must be deleted, not archived, at the end of its retention period. Legal "
     "holds override everything above; Beacon keeps the list of holds.",
     (("question", "How long do we keep shipment ledger data?", "7 years"),
      ("keyword", "telematics telemetry retention", "90 days"),
      ("paraphrase", "how long does security camera video stick around?", "30 days"))),
    ("pol:classification", "policy", "Beacon", "Data classification (C1–C4)",
     "C1 Public: marketing material and published rates. C2 Internal: runbooks, dashboards and most of this knowledge base. "
     "C3 Confidential: customer shipment details, carrier contracts and employee records. C4 Restricted: payment data, "
     "government IDs and security keys. C3 data may be shared with carriers only under an NDA. C4 data may never leave "
     "Acme-managed systems, and copying it to a laptop needs a Beacon exception. Labels are applied in Keel's data catalogue "
     "and in document headers.",
     (("acronym", "what is C4 data", "C4 Restricted"),
      ("question", "Under what condition can C3 data be shared with carriers?", "only under an NDA"),
      ("paraphrase", "which category do haulier agreements fall under?", "C3 Confidential"))),
    ("pol:passwords", "policy", "Beacon", "Password and MFA policy",
     "Passwords must be at least 14 characters long; there is no forced rotation unless a compromise is suspected. MFA is "
     "mandatory for every account, and push approval in the Acme Authenticator app is the default. Admin and production access, "
     "including Breakglass, requires a hardware security key. Shared accounts are forbidden except for kiosk logins on the floor, "
     "which are limited to WMX pick screens. After 10 failed attempts an account locks for 15 minutes.",
     (("question", "How long must a password be?", "at least 14 characters"),
      ("keyword", "account lockout failed attempts", "After 10 failed attempts"),
      ("paraphrase", "besides my password, what do I need to get into live systems as an admin?", "hardware security key"))),
    ("pol:remote-v1", "policy", "Compass", "Remote work policy v1 (superseded)",
     "Applied from 2021 until January 2024. Office-based staff could work remotely up to 3 days per week with their manager's "
     "agreement. Site operations roles were fully on-site. New remote workers received a one-time home office stipend of $500. "
     "Working from abroad was not covered and needed case-by-case approval. Managers recorded each arrangement in Compass Hub, and "
     "the policy was reviewed once a year by Compass.",
     (("question", "What was the home office stipend in the first remote work policy?", "one-time home office stipend of $500"),
      ("keyword", "remote work v1 days per week", "up to 3 days per week"))),
    ("pol:remote-v2", "policy", "Compass", "Remote work policy v2",
     "Effective 2024-02-01. Office-based staff work from an Acme office at least 3 days per week, with Tuesday and Wednesday as "
     "anchor days for every team; remote work is allowed on the other 2 days. Fully remote arrangements need VP approval and are "
     "reviewed yearly. Home office stipend: $300 every two years. Working from abroad is limited to 20 days a year and needs "
     "Compass approval for tax reasons.",
     (("question", "What are the anchor office days?", "Tuesday and Wednesday"),
      ("paraphrase", "how many days a year can I work from another country?", "20 days a year"),
      ("keyword", "home office stipend", "$300 every two years"))),
    ("pol:pto", "policy", "Compass", "Paid time off (PTO) policy",
     "Full-time staff accrue 20 days of PTO per year (1.67 days per month), rising to 25 days after 5 years of service. Up to "
     "5 unused days carry over to the next year; the rest expire on March 31. During peak season (November 15 to January 5) site "
     "operations staff must request PTO in ShiftBoard at least 14 days ahead; the rest of the year, 3 days ahead is enough. "
     "Public holidays are separate and listed in the holiday calendar.",
     (("acronym", "PTO carryover", "Up to 5 unused days"),
      ("question", "How many PTO days do I get after five years?", "25 days"),
      ("paraphrase", "how far ahead must warehouse staff book vacation during the holiday rush?", "at least 14 days ahead"))),
    ("pol:parental", "policy", "Compass", "Parental leave policy",
     "All parents (birth, adoptive and foster) get 18 weeks of fully paid leave, to be taken within 12 months of the child's "
     "arrival. The leave can be split into up to 3 blocks. Birth parents can add up to 6 weeks of medical leave. A phased "
     "return of 4 weeks at 60% hours on full pay is available to everyone. Tell Compass at least 8 weeks before the expected date.",
     (("question", "How many weeks of paid parental leave do we get?", "18 weeks"),
      ("paraphrase", "can I break my baby leave up into several parts?", "up to 3 blocks"),
      ("keyword", "parental leave phased return", "4 weeks at 60% hours"))),
    ("pol:premiums", "policy", "Compass", "Shift premiums and overtime",
     "The Night Owl shift (22:00–06:30) earns a 12% premium on base pay; weekend shifts earn 8%, and premiums stack. Overtime "
     "beyond 40 hours a week is paid at 1.5 times base pay and needs supervisor approval in ShiftBoard before the shift. No one "
     "may work more than 12 hours of overtime per week, and double shifts are not allowed during peak season.",
     (("question", "What is the Night Owl premium?", "12%"),
      ("keyword", "overtime weekly maximum hours", "12 hours of overtime per week"),
      ("paraphrase", "extra pay for working Saturdays and Sundays", "8%"))),
    ("pol:blue-card", "policy", "Bulwark", "Forklift operator certification (Blue Card)",
     "Only holders of a valid Blue Card may drive forklifts, reach trucks or yard shunters. Initial training takes 3 days and ends "
     "with a practical test. Blue Cards are valid for 3 years; recertification is a half-day refresher booked through Compass "
     "Hub. FTU-9 units read the Blue Card status from the badge, so an expired card locks the operator out. Three FTU impact "
     "events in 30 days trigger a Blue Card review.",
     (("keyword", "blue card validity", "valid for 3 years"),
      ("question", "How long is initial forklift training?", "3 days"),
      ("paraphrase", "why does the lift truck refuse my login now that my driving certificate has lapsed?", "an expired card locks the operator out"))),
    ("pol:badges", "policy", "Beacon", "Visitor and badge policy",
     "Badges are color-coded: blue for employees, green for contractors, orange for visitors, and red for truck drivers, whose "
     "access is limited to the driver lounge. Visitors sign in at the GHX kiosk and must be escorted at all times on the "
     "warehouse floor. Contractor badges expire after 90 days. Tailgating through badge doors is a policy violation; report "
     "it to Beacon. Lost badges are reported the same way.",
     (("question", "What color badge do truck drivers get?", "red for truck drivers"),
      ("keyword", "contractor badge expiry", "90 days"),
      ("paraphrase", "what color pass does a vendor engineer working here for a month wear?", "green for contractors"))),
    ("pol:breakglass", "policy", "Beacon", "Production access and Breakglass policy",
     "Standing production access is limited to the on-call engineers of the owning team. Everyone else uses Breakglass: a "
     "time-boxed elevation requested with `acmectl breakglass request --system <acr>`, approved by the owning team's on-call, "
     "and lasting 4 hours. Every Breakglass session is recorded and reviewed weekly by Beacon. Vendors never get Breakglass; "
     "they work through a screen-shared session with an Acme engineer. Sessions cannot be extended; request a new one instead.",
     (("keyword", "breakglass session duration", "4 hours"),
      ("question", "Who approves a Breakglass request?", "the owning team's on-call"),
      ("paraphrase", "how do I ask for temporary elevated rights on a live system?", "acmectl breakglass request --system <acr>"))),
    ("pol:cold-chain", "policy", "Bulwark", "Cold chain policy for temperature-controlled freight",
     "Chilled freight is kept at 2–8 °C and frozen freight at -18 °C or below. An excursion is any reading outside the range for "
     "more than 30 minutes; the load is put on hold and the customer's QA contact decides what happens to it. Reefer trailers "
     "must be pre-cooled for 45 minutes before loading. Cold rooms exist at ATL-3 and MEM-4 only; other sites cross-dock "
     "reefer loads within 2 hours.",
     (("question", "How long must reefer trailers be pre-cooled?", "45 minutes"),
      ("paraphrase", "refrigerated goods got warm for a while — when does it count as a problem?", "more than 30 minutes"),
      ("keyword", "cold rooms which sites", "ATL-3 and MEM-4"))),
    ("pol:green-light", "policy", "Bulwark", "Dock safety: the Green Light system",
     "Every dock door has a Green Light outside. Green means the driver may move the trailer; red means someone may be inside "
     "it. Warehouse staff switch the light to red and place wheel chocks before entering a trailer. Doors without a working light "
     "use a trailer restraint hook instead. A driver who pulls away under a red light triggers a site ban for the driver's "
     "carrier for 7 days.",
     (("question", "What happens if a driver pulls away under a red dock light?", "a site ban for the driver's carrier for 7 days"),
      ("paraphrase", "the signal outside the loading bay is green, what does that mean for the trucker?", "the driver may move the trailer"))),
)

HOWTO_PAGES = (
    ("hr:laptop", "procedure", "Anchor", "Requesting a new laptop",
     "Request a laptop through Anchor Desk with form HW-12. Standard models are the Acme Standard 14 for most staff and the Acme "
     "Pro 16 for engineers and analysts, which needs the team lead's approval. Delivery takes 5 business days; same-day loaners "
     "are available at the helpdesk counter at the CMH-1 headquarters. Laptops are refreshed every 4 years. Return the old laptop "
     "within 10 days of receiving the new one; Anchor wipes it and reissues or recycles it.",
     (("code", "HW-12 form delivery time", "5 business days"),
      ("question", "How often are laptops refreshed?", "every 4 years"),
      ("paraphrase", "I need a beefier computer for engineering work, which model do I get?", "Acme Pro 16"))),
    ("hr:tunnelkey", "procedure", "Anchor", "Setting up TunnelKey (VPN)",
     "TunnelKey is Acme's VPN. Install client 3.8 or later from the Anchor software catalogue, sign in with your SSO account and "
     "approve the MFA push. The gateway is tk.acme-logistics.internal. Only internal address ranges go through TunnelKey; other "
     "traffic goes straight to the internet. Sessions drop after 12 hours and you must sign in again. If the client shows TK-401, "
     "your device certificate has expired: connect once from office Wi-Fi to renew it.",
     (("acronym", "TunnelKey gateway address", "tk.acme-logistics.internal"),
      ("code", "TK-401", "device certificate has expired"),
      ("paraphrase", "the remote-access connection from home kicks me out every evening", "Sessions drop after 12 hours"),
      ("question", "What minimum client version does TunnelKey need?", "client 3.8 or later"))),
    ("hr:mfa-reset", "procedure", "Anchor", "Resetting MFA or replacing a lost security key",
     "Call Anchor Desk at extension 4357 (HELP). The agent verifies your identity on a video call with your manager present. "
     "Lost hardware keys are deactivated immediately and a replacement ships the next business day. In the meantime Anchor "
     "issues a temporary access code valid for 24 hours; it cannot be used for Breakglass. Anchor Desk is staffed from 06:00 to "
     "22:00 Central; outside those hours the Lighthouse incident commander can approve an emergency reset.",
     (("keyword", "anchor desk phone extension", "4357"),
      ("question", "How long is a temporary MFA access code valid?", "24 hours"),
      ("paraphrase", "I left my USB login token on the train, what happens now?", "deactivated immediately"))),
    ("hr:onboarding", "procedure", "Compass", "New hire onboarding checklist",
     "Day one starts at 09:00 at the site reception. The new hire gets a badge photo, picks up a laptop from Anchor and meets "
     "their buddy, chosen by the hiring manager from the team. Week one includes 4 hours of compliance modules in Compass Hub. "
     "Warehouse roles are booked into Blue Card training in week 2. Managers hold check-ins at 30, 60 and 90 days and record "
     "them in Compass Hub.",
     (("question", "What time does a new hire's first day start?", "09:00"),
      ("keyword", "new hire blue card training week", "week 2"),
      ("paraphrase", "who picks the friendly colleague a new starter can ask informal questions?", "the hiring manager"))),
    ("hr:offboarding", "procedure", "Compass", "Offboarding a leaver",
     "The manager files the leaver form in Compass Hub at least 5 business days before the last day. Access is revoked at 17:00 "
     "local time on the last day. The laptop, badge and security key are handed back on the last day; remote staff receive a "
     "prepaid return box and have 7 days to send everything back. Final pay arrives on the next regular payroll date.",
     (("question", "When is a leaver's access revoked?", "17:00 local time on the last day"),
      ("paraphrase", "remote employee quitting — how long do they have to send back their computer?", "7 days"))),
    ("hr:expenses", "procedure", "Ballast", "Submitting expenses in Ledgerline",
     "Photograph receipts with the Ledgerline mobile app and attach them to a claim. Choose a cost center made of the site code "
     "and team key, for example DEN2-HARB. Your manager approves within 5 business days, and approved claims are paid in the "
     "weekly reimbursement run every Thursday. Corporate card transactions are imported automatically and only need a receipt "
     "and a description. Questions go to #ballast-finance.",
     (("keyword", "ledgerline cost center format", "DEN2-HARB"),
      ("question", "On which day are expense reimbursements paid?", "every Thursday"),
      ("paraphrase", "how do I get paid back for stuff I bought on a work trip?", "Ledgerline mobile app"))),
    ("hr:lost-badge", "procedure", "Beacon", "Reporting and replacing a lost badge",
     "Report a lost badge at once at the GHX kiosk or to security at the gatehouse; it is disabled within 15 minutes. A temporary "
     "badge is issued the same day. The first replacement in 12 months is free; the second costs $25, deducted from pay. A found "
     "badge must be handed to security, never back to its owner directly, so that GHX can re-enable it after a check.",
     (("question", "Is there a fee for replacing a lost badge?", "$25"),
      ("paraphrase", "my door pass went missing, how fast is it switched off?", "within 15 minutes"))),
    ("hr:shift-swap", "procedure", "Compass", "Swapping shifts in ShiftBoard",
     "Post the swap in ShiftBoard at least 48 hours before the shift; the colleague accepts it and the supervisor approves. "
     "ShiftBoard blocks swaps that would give either person more than 6 consecutive working days or less than 11 hours of rest "
     "between shifts. Night Owl swaps must be with a colleague trained for the Night Owl shift. Swaps during the peak change freeze "
     "weeks also need the site manager's approval.",
     (("keyword", "shiftboard swap notice", "at least 48 hours"),
      ("question", "What minimum rest between shifts does ShiftBoard enforce?", "11 hours of rest"),
      ("paraphrase", "I want to trade my Saturday with a coworker — how many days in a row can I end up working?", "6 consecutive working days"))),
    ("hr:datapass", "procedure", "Keel", "Requesting data warehouse access (DataPass)",
     "Access to Keel's data warehouse is requested in DataPass. Each dataset has a data steward who approves requests. C3 datasets "
     "need a written business justification and access expires after 180 days. C4 datasets are not available through DataPass "
     "at all. Service accounts for dashboards are requested by the dashboard owner, not by individual users. C2 datasets are "
     "approved automatically for all employees.",
     (("acronym", "DataPass C3 access expiry", "180 days"),
      ("question", "Who approves access to a Keel dataset?", "a data steward"),
      ("paraphrase", "I want to query shipment history for analysis, where do I ask for permission?", "DataPass"))),
    ("hr:benefits", "procedure", "Compass", "Benefits open enrollment",
     "Open enrollment runs November 1–21 each year in Compass Hub, and changes take effect on January 1. Outside the window, "
     "changes are only allowed within 30 days of a life event such as marriage, a birth, or loss of other coverage. Acme offers "
     "two health plans, Acme Core and Acme Plus; dental and vision are add-ons. Compass runs drop-in sessions at every site during "
     "the first week of the window.",
     (("question", "When is benefits open enrollment?", "November 1–21"),
      ("paraphrase", "I got married in June, can I add my spouse to my health insurance now?", "within 30 days of a life event"))),
    ("hr:payroll", "procedure", "Ballast", "Payroll calendar and timesheets",
     "Hourly staff are paid every other Friday; salaried staff are paid monthly on the last business day. Timesheets in "
     "ShiftBoard lock at Monday 10:00 after the pay period ends. Corrections after the lock go through a PAY-ADJ ticket and are "
     "paid in the next cycle. Night Owl and weekend premiums are calculated from the approved timesheet, so a missing approval "
     "delays them as well. Pay slips are published in Compass Hub two days before payday.",
     (("code", "PAY-ADJ ticket when paid", "paid in the next cycle"),
      ("question", "When do timesheets lock?", "Monday 10:00"))),
    ("hr:rooms", "procedure", "Anchor", "Booking meeting rooms in Roomie",
     "Meeting rooms are booked in Roomie. A booking is released automatically if nobody checks in on the room panel within "
     "10 minutes of the start. Rooms for more than 12 people need a reason and can be booked at most 4 weeks ahead. Recurring "
     "bookings expire after 3 months and must be renewed. Room panels and video kits are supported by Anchor; report broken "
     "equipment with the QR code on the panel.",
     (("keyword", "roomie auto release", "within 10 minutes"),
      ("paraphrase", "the conference space I reserved was given away, why?", "nobody checks in on the room panel"))),
    ("hr:phishing", "procedure", "Beacon", "Reporting a phishing email",
     "Use the Report to Beacon button in the mail client; do not forward suspicious mail. If you clicked a link or entered your "
     "password, disconnect TunnelKey, call Anchor Desk at extension 4357, and change your password from another device. Beacon "
     "replies to every report within 1 business hour. Beacon also runs a simulated phishing exercise every quarter; clicking "
     "one only enrols you in a 10-minute refresher.",
     (("question", "What should I do first if I clicked a phishing link?", "disconnect TunnelKey"),
      ("paraphrase", "a suspicious email asked for my password, how do I flag it?", "Report to Beacon button"))),
    ("hr:referral", "procedure", "Compass", "Employee referral bonus",
     "Refer candidates through Compass Hub before they apply. The bonus is $2,000 for salaried hires and $750 for hourly "
     "warehouse hires, paid after the new hire passes 90 days. Referrals of former employees within 12 months of leaving do not "
     "qualify. The referrer must still be employed at Acme when the bonus is due. Compass publishes the roles that pay a double "
     "bonus at the start of each quarter.",
     (("question", "How much is the referral bonus for a warehouse hire?", "$750"),
      ("paraphrase", "when is the reward for recommending a friend paid out?", "after the new hire passes 90 days"))),
    ("hr:transfer", "procedure", "Compass", "Applying for an internal transfer",
     "Employees can apply for internal roles after 12 months in their current role, provided their last review was at least "
     "'meets expectations'. Tell your manager before applying on the internal jobs board in Compass Hub. The hiring manager may "
     "not contact your manager for a reference until you reach the final interview. Moves between sites are treated the same "
     "way and relocation support is agreed case by case.",
     (("question", "How long do I have to be in my role before applying for an internal transfer?", "12 months"),
      ("keyword", "internal transfer manager reference timing", "final interview"))),
    ("hr:parking", "procedure", "Anchor", "Parking at ATL-3",
     "Staff parking permits for ATL-3 are requested with Anchor Desk form FAC-9. Staff park in Lot B; Lot A is reserved for "
     "carrier drivers and visitors. There are 8 EV charging spots in Lot B with a 4-hour limit. Motorcycles park by the north "
     "gate. Cars parked in Lot A without a carrier or visitor pass are towed after a warning. Night Owl staff may use the "
     "spaces nearest the staff entrance after 21:00.",
     (("code", "FAC-9 form", "parking permits for ATL-3"),
      ("question", "Where do staff park at ATL-3?", "Lot B"),
      ("keyword", "atl-3 ev charger time limit", "4-hour limit"))),
    ("hr:followme", "procedure", "Anchor", "FollowMe printing in offices",
     "Office printers use FollowMe: print to the FollowMe queue, then release the job at any office printer by tapping your "
     "badge. Unreleased jobs are deleted after 24 hours. Colour printing is charged to your cost center. FollowMe is for offices "
     "only; label printers on the floor are managed by Quayside. Out-of-toner and paper jams are reported with the QR code on the "
     "printer, which opens an Anchor Desk ticket.",
     (("keyword", "followme print job expiry", "deleted after 24 hours"),
      ("paraphrase", "print something now and pick it up at whichever office printer I walk to", "FollowMe"))),
)

GLOSSARY_PAGES = (
    ("gl:blue-sheet", "glossary", "Harbor", "Glossary: Blue Sheet",
     "The Blue Sheet is the daily exceptions report that OWL publishes at 05:30 for every site. It lists short-picks, ghost "
     "pallets, orders that missed their cutoff, and trailers that have dwelled in the yard for more than 4 hours. Shift leads "
     "go through it in the 06:00 stand-up. The name comes from the blue paper it was printed on at DEN-2 before 2019. If a "
     "site's Blue Sheet is missing, ask Harbor in #harbor-oncall.",
     (("keyword", "blue sheet publish time", "05:30"),
      ("paraphrase", "the morning list of everything that went wrong at a warehouse — what's it called?", "Blue Sheet"),
      ("question", "Where did the name Blue Sheet come from?", "the blue paper it was printed on at DEN-2"))),
    ("gl:ghost-pallet", "glossary", "Harbor", "Glossary: ghost pallet",
     "A ghost pallet is a pallet that exists in WMX but cannot be found in the building. Ghost pallets usually come from "
     "duplicate putaway confirmations or from pallets moved without a scan. When one is reported, the site runs a cycle count "
     "of the location and its neighbours; if the pallet is not found within 48 hours, the site manager writes it off.",
     (("question", "How long do we search for a ghost pallet before writing it off?", "48 hours"),
      ("paraphrase", "the system says there's a load in a rack slot but the slot is empty", "ghost pallet"))),
    ("gl:hot-lane", "glossary", "Switchyard", "Glossary: hot lane",
     "A hot lane is a carrier lane with a guaranteed dock slot and priority in RTE and YMS. Hot lane IDs start with the HL- "
     "prefix. Only Switchyard can mark a lane as hot, and each site may have at most 10 hot lanes at a time. Hot lane trailers "
     "jump the queue for yard moves. A lane loses hot status after 30 days unless Switchyard renews it.",
     (("code", "HL- lane prefix meaning", "hot lane"),
      ("question", "How many hot lanes can a site have?", "at most 10 hot lanes"),
      ("paraphrase", "who can give a trucking route top priority with a guaranteed bay?", "Only Switchyard"))),
    ("gl:night-owl", "glossary", "Compass", "Glossary: Night Owl",
     "Night Owl is the overnight shift from 22:00 to 06:30, run at DEN-2, ATL-3 and MEM-4. OWL, the Overnight Wave Loader, runs "
     "during it, and Night Owl staff handle its exceptions. The shift earns a pay premium, and swaps must be with another Night "
     "Owl-trained colleague. Night Owl leads hand over to the day shift at the 06:00 stand-up, using the Blue Sheet as the agenda. "
     "The canteen at each Night Owl site stays open until 02:00.",
     (("question", "What hours is the Night Owl shift?", "from 22:00 to 06:30", ("pol:premiums",)),
      ("paraphrase", "which of our sites run a graveyard shift?", "DEN-2, ATL-3 and MEM-4"))),
    ("gl:dwell", "glossary", "Switchyard", "Glossary: dwell clock",
     "The dwell clock is the time a trailer has spent in the yard since it checked in at the gate, as measured by YMS. It turns "
     "amber at 4 hours and red at 8 hours. For live unloads, carrier detention fees start after 2 hours, so planners watch the "
     "dwell clock closely. Trailers in red appear on the Blue Sheet and on the yard board at the gatehouse.",
     (("keyword", "dwell clock red threshold", "red at 8 hours"),
      ("paraphrase", "after how long waiting in the yard do we start owing the haulier a fee?", "after 2 hours"))),
    ("gl:tote-bounce", "glossary", "Harbor", "Glossary: tote bounce",
     "A tote bounce is a tote that a conveyor scanner rejects and sends around the recirculation loop. After 3 bounces the tote "
     "is diverted to the exception lane, where a person rescans or relabels it. The usual cause is a damaged or badly placed "
     "label. Sites with many bounces on one line should ask Quayside to check the scanner alignment, and a tote with three "
     "bounces in a day is retired.",
     (("question", "After how many bounces is a tote diverted?", "After 3 bounces"),
      ("paraphrase", "a crate keeps going round and round the belt loop, why?", "damaged or badly placed label"))),
    ("gl:lumper", "glossary", "Ballast", "Glossary: lumper ticket",
     "A lumper ticket is the receipt for a third-party unloading service paid at the dock. It must be scanned into Ledgerline "
     "within 24 hours. Site leads can approve lumper fees up to $350; higher fees need Ballast approval. The ticket must show the "
     "carrier, the trailer number and the number of pallets unloaded, and cash payments are not allowed; use the site's "
     "corporate card.",
     (("keyword", "lumper fee approval limit", "up to $350"),
      ("paraphrase", "receipt for paying outside workers to unload a truck — where does it go?", "scanned into Ledgerline"))),
    ("gl:short-ship", "glossary", "Harbor", "Glossary: short-ship",
     "A short-ship is a shipment that leaves with fewer units than ordered. It is recorded in WMX with reason code SS and the "
     "customer must be notified through CXP before the truck departs. Short-ships appear on the next morning's Blue Sheet. "
     "Repeated short-ships of the same SKU usually point to a ghost pallet or a wrong pick face, and the site runs a cycle count "
     "of the SKU.",
     (("code", "SS reason code", "short-ship"),
      ("question", "When must the customer be told about a short-ship?", "before the truck departs"))),
    ("gl:yellow-tag", "glossary", "Bulwark", "Glossary: yellow tag",
     "A yellow tag is the physical hold tag placed on inventory awaiting quality inspection or on the Red Dock. In WMX the same "
     "stock has status HOLD-Q and cannot be picked. Only QA staff or the site manager may remove a yellow tag. The tag records "
     "the date, the reason and who placed it; stock that has carried a yellow tag for more than 72 hours is escalated to the "
     "site manager.",
     (("code", "HOLD-Q status", "yellow tag"),
      ("paraphrase", "who may take off the sticker that blocks stock from being picked?", "Only QA staff or the site manager"))),
    ("gl:deadhead", "glossary", "Switchyard", "Glossary: deadhead",
     "A deadhead is a move with an empty trailer or a tractor without a trailer. RTE tracks deadhead miles per lane, and "
     "Switchyard's target is to keep them below 12% of all miles driven. Dispatchers reduce deadheads by pairing inbound and "
     "outbound loads on the same lane, and the monthly lane review lists the lanes with the most empty miles.",
     (("keyword", "deadhead miles target", "below 12%"),
      ("paraphrase", "what share of driving may be done with nothing on board?", "below 12%"))),
)

HANDWRITTEN = DEVICE_PAGES + PROCEDURE_PAGES + POLICY_PAGES + HOWTO_PAGES + GLOSSARY_PAGES


# --------------------------------------------------------------------------- assembly


def handwritten(page: tuple) -> Entry:
    key, kind, team, title, text, queries = page
    return Entry(Doc(key, kind, team, title, text), fixed(*queries), 3)


def build_entries(rng: random.Random) -> list[Entry]:
    entries = [overview(s, rng) for s in SYSTEMS]
    for s in SYSTEMS:
        entries += runbooks(s, rng)
    entries += [error_doc(row, rng) for row in ERRORS]
    entries += [postmortem(row, rng) for row in INCIDENTS]
    entries += [team_charter(name, rng) for name in TEAMS]
    entries += [site_page(row, rng) for row in SITES]
    entries += [handwritten(page) for page in HANDWRITTEN]
    return entries


def assign_splits(entries: list[Entry], rng: random.Random) -> dict[str, str]:
    """Stratified by document kind: about TEST_SHARE of each kind's documents go to test."""
    by_kind: dict[str, list[str]] = {}
    for e in entries:
        by_kind.setdefault(e.doc.kind, []).append(e.doc.key)
    split = {}
    for kind in sorted(by_kind):
        keys = sorted(by_kind[kind])
        rng.shuffle(keys)
        n_test = round(len(keys) * TEST_SHARE)
        for i, key in enumerate(keys):
            split[key] = "test" if i < n_test else "train"
    return split


def choose(queries: list[Query], cap: int, rng: random.Random) -> list[Query]:
    """Up to ``cap`` queries, preferring distinct query types, in a seeded order."""
    pool = list(queries)
    rng.shuffle(pool)
    chosen: list[Query] = []
    for q in pool:
        if len(chosen) < cap and q.qtype not in {c.qtype for c in chosen}:
            chosen.append(q)
    for q in pool:
        if len(chosen) < cap and q not in chosen:
            chosen.append(q)
    return chosen


def validate(entries: list[Entry], selected: dict[str, list[Query]]) -> None:
    keys = {e.doc.key for e in entries}
    titles: set[str] = set()
    texts: set[str] = set()
    for e in entries:
        words = len(e.doc.text.split())
        if not 60 <= words <= 250:
            raise ValueError(f"{e.doc.key}: {words} words, expected 60-250")
        if e.doc.title in titles:
            raise ValueError(f"duplicate title {e.doc.title!r}")
        titles.add(e.doc.title)
        for q in selected[e.doc.key]:
            if q.qtype not in QUERY_TYPES:
                raise ValueError(f"{q.text!r}: unknown query type {q.qtype!r}")
            if q.answer not in f"{e.doc.title}\n{e.doc.text}":
                raise ValueError(f"{e.doc.key}: answer {q.answer!r} of {q.text!r} is not in the document")
            missing = [k for k in q.related if k not in keys or k == e.doc.key]
            if missing:
                raise ValueError(f"{q.text!r}: bad related keys {missing}")
            if q.text.lower() in texts:
                raise ValueError(f"duplicate query {q.text!r}")
            texts.add(q.text.lower())


def toml_list(items: list[str]) -> str:
    return "[" + ", ".join(json.dumps(i) for i in items) + "]"


def write(entries: list[Entry], split: dict[str, str], selected: dict[str, list[Query]]) -> None:
    doc_id = {e.doc.key: f"doc-{i:04d}" for i, e in enumerate(entries, start=1)}
    corpus_rows, query_rows, answer_rows = [], [], []
    qrels: dict[str, list[str]] = {"train": [], "test": []}
    counts: dict[str, dict[str, int]] = {"train": {}, "test": {}}
    n = 0
    for e in entries:
        d = e.doc
        corpus_rows.append({"_id": doc_id[d.key], "title": d.title, "text": d.text, "metadata": {"kind": d.kind, "team": d.team}})
        sp = split[d.key]
        for q in selected[d.key]:
            n += 1
            qid = f"q-{n:04d}"
            query_rows.append({"_id": qid, "text": q.text, "metadata": {"split": sp, "query_type": q.qtype}})
            answer_rows.append({"query_id": qid, "answers": [q.answer]})
            qrels[sp].append(f"{qid}\t{doc_id[d.key]}\t2")
            qrels[sp].extend(f"{qid}\t{doc_id[k]}\t1" for k in q.related)
            counts[sp][q.qtype] = counts[sp].get(q.qtype, 0) + 1

    def jsonl(name: str, rows: list[dict]) -> None:
        (HERE / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")

    jsonl("corpus.jsonl", corpus_rows)
    jsonl("queries.jsonl", query_rows)
    jsonl("answers.jsonl", answer_rows)
    (HERE / "qrels").mkdir(exist_ok=True)
    for sp, lines in qrels.items():
        (HERE / "qrels" / f"{sp}.tsv").write_text("query-id\tcorpus-id\tscore\n" + "".join(f"{x}\n" for x in lines), encoding="utf-8")
    kinds = sorted({e.doc.kind for e in entries})
    type_lines = "".join(
        f"[query_type_counts.{sp}]\n" + "".join(f"{t} = {counts[sp].get(t, 0)}\n" for t in QUERY_TYPES) + "\n" for sp in ("train", "test")
    )
    card = (
        'name = "acme-kb"\n'
        'description = "Internal knowledge base of Acme Logistics, a fictional logistics company: runbooks, system overviews, '
        "error codes, incident postmortems, product specs, policies, HR/IT procedures, team and site pages and a jargon glossary, "
        'full of acronyms and look-alike product codes."\n'
        'license = "Apache-2.0"\n'
        'license_note = "Synthetic: every document, query and answer was written by ragshift (generate.py); nothing is copied from any source."\n'
        'domain = "enterprise internal knowledge base (logistics)"\n'
        'language = "en"\n'
        "synthetic = true\n"
        'generator = "generate.py"\n'
        f"seed = {SEED}\n"
        'layout = "beir"\n'
        'query_type_field = "query_type"\n'
        'split_field = "split"\n'
        f"query_types = {toml_list(list(QUERY_TYPES))}\n"
        'splits = ["train", "test"]\n'
        'split_method = "by document: every query of a document is in the same split; train and test use different phrasings"\n'
        'relevance = "2 = the document that contains the gold answer, 1 = a related, partially relevant document"\n'
        'answers = "answers.jsonl: one extractive gold answer per query, verbatim in its grade-2 document"\n'
        f"document_kinds = {toml_list(kinds)}\n\n"
        "[counts]\n"
        f"documents = {len(entries)}\n"
        f"queries = {n}\n"
        f"train = {sum(counts['train'].values())}\n"
        f"test = {sum(counts['test'].values())}\n\n" + type_lines
    )
    (HERE / "card.toml").write_text(card.rstrip("\n") + "\n", encoding="utf-8")


def main() -> None:
    rng = random.Random(SEED)
    entries = build_entries(rng)
    split = assign_splits(entries, rng)
    selected = {e.doc.key: choose(e.make_queries(Pick(split[e.doc.key], rng)), e.cap, rng) for e in entries}
    validate(entries, selected)
    write(entries, split, selected)
    print(f"{len(entries)} documents, {sum(map(len, selected.values()))} queries written to {HERE}")


if __name__ == "__main__":
    main()
