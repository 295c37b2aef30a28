"""How rare a feature key's words are in English at large, from wordfreq's frequency lists.

Two reports that share rare words ("Qeshm", "Teixeira", "lineman") are likely about the
same event; sharing common ones ("earthquake", "patch") says less. Unlike document
frequencies, this does not depend on the size of the corpus being clustered, so a folder of
fifty articles and an archive of millions weigh a word alike.
"""

from __future__ import annotations

from functools import lru_cache

# Words below this Zipf frequency (4: about once per 100,000 words) count as rare, by how far below.
RARE_BELOW = 4.0


@lru_cache(maxsize=200_000)
def rarity(key: str) -> float:
    """``RARE_BELOW`` minus the Zipf frequency of the key's rarest word, when positive; else 0.

    Keys are "lemma", "name:lemma" or "person:ana ruiz" (a name is as rare as its rarest
    word); keys without letters (years, amounts) are not words and get 0.
    """
    from wordfreq import zipf_frequency  # here, not at import: the CLI imports clustering at start

    words = [w for w in key.split(":", 1)[-1].replace("-", " ").split() if w.isalpha()]
    if not words:
        return 0.0
    return max(0.0, RARE_BELOW - min(zipf_frequency(w, "en") for w in words))
