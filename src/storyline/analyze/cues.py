"""Words that introduce reported speech, matched on spaCy lemmas (lower case)."""

from __future__ import annotations

# Verbs of saying, writing and stance that newswriting uses to attribute words.
REPORTING_VERBS = frozenset(
    """
    say tell add state claim note explain argue insist recall reply respond answer ask
    write tweet post declare announce acknowledge admit concede confirm deny contend
    assert maintain suggest warn caution predict promise vow pledge vow swear boast brag
    complain lament grumble protest object charge accuse allege blame criticize criticise
    praise thank urge plead beg demand call describe characterize characterise dub label
    brand term joke quip laugh cry shout yell scream whisper mutter murmur sigh sob
    exclaim observe remark comment mention point report reveal disclose testify
    conclude continue begin start finish open close summarize summarise
    recount relate repeat reiterate stress emphasize emphasise underscore highlight
    agree disagree concur counter retort rebut dispute question wonder muse reflect
    speculate estimate guess figure reason advise recommend propose offer assure reassure
    inform notify announce proclaim pronounce preach lecture chant sing read
    quote cite tout hail applaud cheer welcome decry denounce condemn slam blast attack
    mock ridicule scoff dismiss rail fume snap bark growl hiss thunder roar
    concede confess apologize apologise acknowledge attest affirm aver avow
    believe think feel hope fear worry expect know
    email text message phone interview
    elaborate echo exhort boom interject chime press gush rave vent ponder put react
    express voice confide
    """.split()
)

# Verb and particle pairs that report words: "she went on", "he shot back", "they weighed in".
PHRASAL_CUES = frozenset(
    {("go", "on"), ("shoot", "back"), ("fire", "back"), ("hit", "back"), ("push", "back"), ("weigh", "in"),
     ("chime", "in"), ("cut", "in"), ("pipe", "up"), ("speak", "up"), ("speak", "out"), ("lash", "out")}
)

# Verbs that plainly report words: when another cue sits in what they report ("he said he
# believes “…”"), the words are theirs.
SAYING_VERBS = frozenset("say tell add write state claim argue insist explain note report recall tweet suggest acknowledge".split())

# Lemmas that take the speaker as an object of "to" ("according to X").
ACCORDING = "according"

# Nouns for a written or spoken text whose author is the speaker:
# "a statement from X read", "X said in a statement".
STATEMENT_NOUNS = frozenset(
    "statement release letter memo note email post tweet message announcement "
    "report communique communiqué filing order ruling speech remarks".split()
)

# Nouns for what someone said, whose owner is the speaker: "her remark that “…”".
UTTERANCE_NOUNS = STATEMENT_NOUNS | frozenset(
    "remark comment claim word promise pledge vow assertion suggestion argument quip answer warning "
    "description characterization".split()
)

# Verbs a statement noun takes as its cue: "the statement read", "the letter says".
STATEMENT_VERBS = frozenset("read say state note add continue conclude declare write".split())

# Nouns for a survey whose respondents speak through it: "In a poll released Monday, 31 percent said …".
POLL_NOUNS = frozenset("poll survey study".split())
# Nouns for a share of those asked: "a majority said", "31 percent said".
SHARE_NOUNS = frozenset("percent majority minority plurality share half third quarter".split())

# Common nouns for people, which can speak for themselves: "the spokesman said the plan is “…”".
PERSON_NOUNS = frozenset(
    """
    man woman guy person people child kid resident voter citizen supporter critic opponent
    candidate official agent aide adviser advisor spokesman spokeswoman spokesperson staffer
    lawmaker legislator congressman congresswoman senator governor mayor president leader member
    worker employee reporter journalist host anchor analyst expert activist protester student
    friend neighbor neighbour colleague relative wife husband mother father son daughter source witness
    attorney lawyer
    """.split()
)
