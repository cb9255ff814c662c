"""multi: what the tests of several servers on one PostgreSQL database share
(tests/pg/test_multi*.py): the guard that refuses to run without the throwaway
cluster, waiting for another server to catch up, the sheets they enter, and an
initiative opened for signatures with the electors who sign it.

Each script puts tests/server on sys.path (for lib.py) and this directory too,
then `from multi import *`.
"""
import os
import sys
import time

from lib import TEST_DB_URL, check, run

__all__ = ["require_db", "poll_defaults", "poll", "poll_timed", "sheet_for", "votes_on", "town_election",
           "RULES", "name", "signer", "authority_key", "open_initiative", "figures"]

# Rules of an initiative collecting now and for years, whose threshold is far.
RULES = "preset = territories\nnational = 1000\nterritory = 1\nterritories = 2\n" \
        "opens = 2020-01-01\ncloses = 2099-01-01\nstop-at-threshold = no\n"

_POLL = {"seconds": 10.0, "every": 0.02}


def require_db():
    """Exit failing when URNE_TEST_DB_URL is not set: these tests need PostgreSQL,
    started by tests/pg/run.sh (never skipped)."""
    if not TEST_DB_URL:
        print("FAIL: URNE_TEST_DB_URL is not set: run this through tests/pg/run.sh, which starts PostgreSQL")
        sys.exit(1)


def poll_defaults(seconds, every):
    """A script's own bound and pace for poll and poll_timed: how long another
    server may take to catch up (seconds) and how often to look (every)."""
    _POLL.update(seconds=seconds, every=every)


def poll_timed(fn, seconds=None, every=None):
    """Call fn every `every` seconds until it returns a true value or `seconds`
    have passed (poll_defaults' when not given); (its last value, the seconds
    taken)."""
    seconds = _POLL["seconds"] if seconds is None else seconds
    every = _POLL["every"] if every is None else every
    start = time.monotonic()
    while True:
        v = fn()
        if v or time.monotonic() - start > seconds:
            return v, time.monotonic() - start
        time.sleep(every)


def poll(fn, seconds=None, every=None):
    """poll_timed's value alone."""
    return poll_timed(fn, seconds, every)[0]


def sheet_for(i):
    """Bureau i's sheet: the figures differ from a bureau to the next (by i
    modulo 100), so that a sheet seen elsewhere is known for its bureau's."""
    return {"inscrits": 1000, "votants": 500 + i % 100, "blancs": 1, "nuls": 1, "votes": [300, 198 + i % 100]}


def votes_on(client, i):
    """Bureau i's votes as client's server shows them (election 1), or None."""
    st, d = client.get(f"/api/elections/1/bureaux/{i}")
    return d.get("figures", {}).get("votes") if st == 200 else None


def town_election(server, title, n, per_commune):
    """An election of n bureaux (0 to n - 1, per_commune to a commune T0, T1...),
    two candidates A and B, 1,000 electors each, nothing entered, imported into
    server's database by the command line (before the server starts)."""
    native = os.path.join(server.dir, "town.csv")
    with open(native, "w") as f:
        f.write(f"# election: {title}\n# levels: commune, bureau\n")
        f.write("commune;bureau;inscrits;votants;blancs;nuls;exprimes;A;B\n")
        for i in range(n):
            f.write(f"T{i // per_commune};{i};1000;;;;;;\n")
    run("election", "import", "--db", server.db, native)


def name(i):
    """Elector i's name, of letters only (a name holds no digit): Nomaa, Nomab..."""
    return "Nom" + chr(97 + i // 26 % 26) + chr(97 + i % 26)


def signer(i):
    """What elector i signs with (open_initiative's roll holds them)."""
    return {"name": name(i), "given": "Jean", "birth": "1970-01-01", "commune": f"Ville{chr(65 + i % 7)}"}


def authority_key(server):
    """A new authority key pair, its secret in server's directory: the public key's hex."""
    return run("initiative", "keygen", "--secret-key", os.path.join(server.dir, "authority.key")).stdout.strip()


def figures(client, n=1):
    """Initiative n as client's server shows it (its counts), or {}."""
    st, d = client.get(f"/api/initiatives/{n}")
    return d if st == 200 else {}


def open_initiative(admin, com, n, title, key, electors):
    """Initiative n (the next id) created under RULES with the authority key,
    its roll of electors 0 to electors - 1 (territories T0, T1, T2 in turn)
    imported, submitted, admitted by com (a client of the commission) and opened,
    each step checked."""
    st, d = admin.post("/api/initiatives", {"title": title, "rules": RULES, "authority_key": key})
    check(st == 201 and d.get("id") == n, f"initiative {n} created: {st} {d}")
    roll = "name,given,birth,commune,territory\n" + "".join(
        f"{name(i)},Jean,1970-01-01,Ville{chr(65 + i % 7)},T{i % 3}\n" for i in range(electors))
    st, d = admin.post(f"/api/initiatives/{n}/roll", {"csv": roll})
    check(st == 200, f"initiative {n}'s roll imported: {st} {d}")
    check(admin.post(f"/api/initiatives/{n}/transition", {"event": "submit"})[0] == 200, f"{n} submitted")
    check(com.post(f"/api/initiatives/{n}/decision", {"decision": "admit"})[0] == 200, f"{n} admitted")
    check(admin.post(f"/api/initiatives/{n}/transition", {"event": "open"})[0] == 200, f"{n} opened")
