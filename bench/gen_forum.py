"""Typical forum messages for bench/forum.sh: French sentences of forum length with
the renderer's shortcuts in the proportions a forum sees them, each message followed
by a line holding only the byte 0x1e (bench/forum_render.c splits there). Seeded, so
every run renders the same bytes. Usage: gen_forum.py MEGABYTES > corpus.txt"""
import random
import sys

WORDS = ("le la les un une des du de et ou mais donc car que qui quoi dont où ce cette ces mon ton son notre "
         "votre leur conseil citoyen citoyenne initiative vote votes bureau section fédération commune projet "
         "assemblée coopérative débat proposition amendement budget école quartier transport logement "
         "santé culture association bénévoles réunion mardi soir salle des fêtes maire délibération "
         "pétition signature seuil élus décision collectif écologie solidarité économie sociale "
         "est sont a ont fait peut doit propose demande pense trouve voudrais aimerais rappelle "
         "très plus moins bien aussi encore déjà toujours jamais souvent ensemble pourquoi comment").split()


def sentence(rng):
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 22))]
    if rng.random() < 0.15:
        i = rng.randrange(len(words))
        words[i] = "{{" + words[i] + "}}"
    if rng.random() < 0.15:
        i = rng.randrange(len(words))
        words[i] = "{" + words[i] + "}"
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice((".", ".", ".", " ?", " !"))


def message(rng):
    paragraphs = []
    for _ in range(rng.randint(1, 4)):
        paragraphs.append(" ".join(sentence(rng) for _ in range(rng.randint(1, 5))))
    if rng.random() < 0.33:
        paragraphs[-1] += " Voir [la délibération->https://www.example.org/deliberations/%d?page=%d]." % (
            rng.randint(1, 9999), rng.randint(1, 9))
    if rng.random() < 0.2:
        paragraphs.insert(0, "<quote>" + sentence(rng) + "</quote>")
    if rng.random() < 0.05:
        paragraphs.append("<code>{{seuil}} = 0,05 * inscrits</code>")
    return "\n\n".join(paragraphs)


def main():
    target = int(float(sys.argv[1]) * 1_000_000)
    rng = random.Random(20261205)
    out, size = [], 0
    while size < target:
        m = message(rng) + "\n\x1e\n"  # one message, then its separator line
        out.append(m)
        size += len(m.encode())
    sys.stdout.write("".join(out))


main()
