"""Word lists of the conflict: actors, claim sources, methods, victim groups.

Each entry is `(code, regex)`. Patterns are matched case-insensitively unless they switch
case-sensitivity off themselves with `(?-i:...)` (short acronyms such as IS, SDF, FSA, which
would otherwise match ordinary words).
"""

from __future__ import annotations

_FORCE = (
    r"(?:forces?|troops?|army|soldiers?|units?|fighters?|militias?|militiamen|warplanes?|jets?|"
    r"aircraft|helicopters?|air ?force|air ?strikes?|air ?raids?|raids?|strikes?|shelling|"
    r"bombardment|bombing|artillery|drones?|military|gunmen|snipers?|tanks?|missiles?|rockets?|"
    r"planes?|positions?|offensive|operations?|attacks?)"
)

# Perpetrator / victim side. Order matters only for overlapping matches at the same position.
ACTORS: list[tuple[str, str]] = [
    (
        "coalition",
        r"\b(?:U\.?S\.?|American|Western)[- ]led\b|\b(?:international|anti-(?:IS|ISIS|ISIL|Daesh|jihadist)|US|U\.S\.|American|Western)[- ]coalition\b|\bcoalition "
        + _FORCE
        + r"|(?-i:\b(?:US|U\.S\.|American|French|British) )"
        + _FORCE
        + r"|\bPentagon\b|(?-i:\bCJTF)",
    ),
    (
        "turkey",
        r"\bTurkish(?: |-)(?:army|armed forces|"
        + _FORCE
        + r")|\bTurkey\b|\bAnkara\b|\bOperation (?:Olive Branch|Euphrates Shield|Peace Spring)",
    ),
    ("israel", r"\bIsraeli? ?(?:" + _FORCE + r")?|(?-i:\bIDF\b)"),
    (
        "iran",
        r"\bHezbollah\b|\bHizbollah\b|\bHizballah\b|\bIran(?:ian)?(?:-backed|-supported)? ?(?:"
        + _FORCE
        + r"|Revolutionary Guards?)|(?-i:\bIRGC\b)|\bRevolutionary Guards?\b|\bShiite militia(?:s|men)?\b|\bFatemiyoun\b|\bZainabiyoun\b|\bIraqi militia(?:s|men)?\b|\bIran\b",
    ),
    (
        "russia",
        r"\bRussian? ?(?:"
        + _FORCE
        + r"|Defen[cs]e Ministry|Ministry of Defen[cs]e|special forces|ally)|\bRussia\b|\bMoscow\b|\bKremlin\b",
    ),
    (
        "sdf",
        r"\bSyrian Democratic Forces\b|(?-i:\bSDF\b|\bYPG\b|\bYPJ\b|\bPKK\b|\bPYD\b)|\bKurdish(?:-led)? ?(?:"
        + _FORCE
        + r"|People's Protection Units|YPG|SDF)|\bPeople's Protection Units\b|\bKurds\b|\bAsayish\b|\bself[- ]administration\b|\bManbij Military Council\b|\bKurdish-led\b",
    ),
    (
        "islamic_state",
        r"\bIslamic State\b|(?-i:\bIS\b|\bISIS\b|\bISIL\b|\bDaesh\b|\bDaish\b|\bDAESH\b)|\bDaesh\b",
    ),
    (
        "hts",
        r"\bHa?y+a+'?t? Tahrir (?:al|Al)[- ](?:Sham|Cham)\b|\bTahrir al-Sham\b|(?-i:\bHTS\b)|\b(?:al-|Al-|al |Al )?Nusra\b|\bJabhat (?:al-)?Nusra\b|\bFateh al-Sham\b|\bFatah al-Sham\b|\bal-Qaeda\b|\bAl Qaeda\b|\bal-Qaida\b",
    ),
    (
        "opposition",
        r"\brebels?\b|\brebel (?:groups?|factions?|fighters?|forces?)\b|\bopposition (?:factions?|fighters?|forces?|groups?|militants?)\b|\b(?:the|armed|Islamist|Islamic|opposition|rebel|militant) factions\b|\bthe factions\b|\bfactions'|\bFree Syrian Army\b|(?-i:\bFSA\b|\bNLF\b|\bSNA\b)|\bNational (?:Front for Liberation|Liberation Front)\b|\bSyrian National Army\b|\bTurkish-backed (?:"
        + _FORCE
        + r"|rebels|factions|opposition)|\bJaish al-Islam\b|\bAhrar al-Sham\b|\bFaylaq al-Rahman\b|\bFree Idlib Army\b|\bJaish al-Izza\b|\bNour al-Din al-Zenki\b|\bJaish al-Fatah\b|\binsurgents?\b|\barmed opposition\b",
    ),
    (
        "syrian_government",
        r"\bregime\b|\bAssad(?:'s)? (?:"
        + _FORCE
        + r"|government|loyalists)|\bgovernment(?:'s)? (?:"
        + _FORCE
        + r")|\bSyrian (?:Arab )?(?:army|government|regime|air force|"
        + _FORCE
        + r")|(?-i:\bSAA\b|\bNDF\b)|\bthe army\b|\barmy (?:troops|units|forces)\b|\bloyalists?\b|\bloyalist (?:"
        + _FORCE
        + r")|\bpro-(?:regime|government|Assad)\b|\bTiger Forces\b|\bNational Defen[cs]e Forces\b|\bRepublican Guard\b|\bFourth Division\b|\bshabiha\b|\bbarrel bombs?\b",
    ),
]

# Who reported it: canonical name, pattern.
CLAIM_SOURCES: list[tuple[str, str]] = [
    (
        "SOHR",
        r"\bSyrian Observatory\b|(?-i:\bSOHR\b|\bSORH\b|\bOSDH\b)|\bthe Observatory\b|\b(?:war|Britain-based|UK-based|British-based|London-based|Britain based|UK based) (?:war )?monitor(?:ing group)?\b|\bthe monitor(?:ing group)?\b|\bRami Abdel?[- ]?Rahman\b|\bRami Abdulrahman\b|\bObservatory\b",
    ),
    ("OCHA", r"\bOffice for the Coordination of Humanitarian Affairs\b|(?-i:\bOCHA\b|\bOcha\b)"),
    ("UNICEF", r"(?-i:\bUNICEF\b|\bUnicef\b)"),
    ("UNHCR", r"(?-i:\bUNHCR\b)|\bUN refugee agency\b"),
    ("WHO", r"\bWorld Health Organi[sz]ation\b|(?-i:\bWHO\b)"),
    (
        "UN",
        r"\bUnited Nations\b|(?-i:\bUN\b|\bU\.N\.)|\bJan Egeland\b|\bde Mistura\b|\bGeir Pedersen\b|\bSecurity Council\b|\bCommission of Inquiry\b",
    ),
    (
        "SANA",
        r"(?-i:\bSANA\b|\bSana\b)|\bstate news agency\b|\bstate media\b|\bstate (?:television|TV)\b|\bSyrian (?:state )?(?:TV|television)\b|\bIkhbariya\b|\bofficial (?:Syrian )?news agency\b",
    ),
    (
        "Russian Defence Ministry",
        r"\bRussian (?:Defen[cs]e Ministry|Ministry of Defen[cs]e|military|General Staff)\b|\bdefen[cs]e ministry in Moscow\b|\bKonashenkov\b|\bReconciliation Cent(?:er|re)\b|\bthe ministry\b",
    ),
    (
        "Syrian army",
        r"\bSyrian army (?:said|statement|command)|\barmy (?:general )?command\b|\bmilitary source\b|\barmy statement\b",
    ),
    ("White Helmets", r"\bWhite Helmets\b|\bcivil defen[cs]e\b|\bSyria Civil Defen[cs]e\b|\brescuers\b"),
    ("SDF", r"\bSyrian Democratic Forces\b|(?-i:\bSDF\b)"),
    (
        "US-led coalition",
        r"\bcoalition (?:said|statement|spokesman)\b|(?-i:\bCJTF\b|\bCENTCOM\b)|\bPentagon\b|\bCentral Command\b",
    ),
    (
        "Turkish Defence Ministry",
        r"\bTurkish (?:Defen[cs]e Ministry|military|army|General Staff|armed forces)\b",
    ),
    ("Anadolu Agency", r"\bAnadolu\b"),
    ("Israeli military", r"\bIsraeli (?:army|military)\b|(?-i:\bIDF\b)"),
    ("Amaq", r"\bAmaq\b"),
    ("ICRC", r"\bInternational Committee of the Red Cross\b|(?-i:\bICRC\b)|\bRed Cross\b"),
    ("SARC", r"\bRed Crescent\b|(?-i:\bSARC\b)"),
    ("MSF", r"\bDoctors Without Borders\b|(?-i:\bMSF\b)|\bMedecins Sans Frontieres\b"),
    ("SAMS", r"\bSyrian American Medical Society\b|(?-i:\bSAMS\b)"),
    ("SNHR", r"\bSyrian Network for Human Rights\b|(?-i:\bSNHR\b)"),
    ("VDC", r"\bViolations Documentation Cent(?:er|re)\b|(?-i:\bVDC\b)"),
    ("LCC", r"\bLocal Coordination Committees\b|(?-i:\bLCC\b)"),
    ("Human Rights Watch", r"\bHuman Rights Watch\b|(?-i:\bHRW\b)"),
    ("Amnesty International", r"\bAmnesty International\b"),
    ("Free Idlib Army", r"\bFree Idlib Army\b"),
    ("Jaish al-Islam", r"\bJaish al-Islam\b"),
    ("activists", r"\bactivists?\b"),
    (
        "medical sources",
        r"\bmedics?\b|\bmedical (?:sources?|workers?|officials?)\b|\bdoctors?\b|\bhospital (?:sources?|officials?|director)\b",
    ),
    ("residents", r"\bresidents? said\b|\bwitnesses\b"),
]

REPORTING = (
    r"\b(?:said|says|saying|say|reported|reports|reporting|according to|documented|announced|"
    r"stated|told|tells|confirmed|claimed|claims|added|adding|cited|citing|quoted|statement|estimated|"
    r"recorded|counted|tally|toll|monitored|monitor|warned|noted)\b"
)
# "it said", "the source said": the figure belongs to whoever was last named as a source.
ANAPHORIC_CLAIM = (
    r"\b(?:it|he|she|they|the (?:report|source|group|monitor|ministry|agency|observatory|NGO|"
    r"organi[sz]ation|statement|body|office|spokesman|official|Britain-based group|UK-based group))"
    r" (?:said|added|reported|says|stated|noted)\b|\bthe same source\b|\baccording to the (?:report|source|group|monitor)\b"
)

# Method, in order of precedence when a sentence names several.
METHODS: list[tuple[str, str]] = [
    (
        "chemical",
        r"\bchemical\b|\bchlorine\b|\bsarin\b|\btoxic gas(?:es)?\b|\bpoison(?:ous)? gas\b|\bnerve (?:agent|gas)\b|\bgas attack\b|\bmustard gas\b|\btoxic (?:chemicals?|substances?)\b|\bsuffocation\b",
    ),
    ("suicide_bombing", r"\bsuicide\b|\bself-detonat"),
    ("barrel_bomb", r"\bbarrel[- ]bombs?\b|\bexplosive barrels?\b|\bbarrels? bombs?\b"),
    (
        "execution",
        r"\bexecut(?:ed|ion|ions|ing)\b|\bbeheaded\b|\bbeheading\b|\bfiring squad\b|\bsummarily killed\b|\bcrucified\b",
    ),
    (
        "airstrike",
        r"\bair ?strikes?\b|\bairstrikes?\b|\bair ?raids?\b|\bwarplanes?\b|\bwar planes?\b|\bjets?\b|\baircraft\b|\bhelicopters?\b|\baerial\b|\bair force\b|\bsorties\b|\bdrones?\b|\bbombing raids?\b|\bair bombardment\b|\bair attacks?\b|\bairstrike\b|\bair-strikes?\b|\braids?\b|\bbombed\b|\bplanes?\b",
    ),
    (
        "shelling",
        r"\bshell(?:s|ing|ed)?\b|\bartillery\b|\bmortars?\b|\brockets?\b|\bmissiles?\b|\bbombardment\b|\bbombarded\b|\bprojectiles?\b|\bGrad\b|\bcannons?\b|\btank fire\b|\bhell cannon\b|\bshelled\b",
    ),
    (
        "explosive_device",
        r"\bcar[- ]bombs?\b|\bbombs?\b|\bexplosions?\b|\bexplosive(?:s| device)?\b|\b(?-i:IEDs?)\b|\blandmines?\b|\bmines?\b|\bblasts?\b|\bbooby[- ]trapped\b|\bbombings?\b|\bexploded\b|\bdetonated\b",
    ),
    (
        "gunfire",
        r"\bsnipers?\b|\bgunfire\b|\bshot dead\b|\bshooting\b|\bopened fire\b|\bgunmen\b|\bbullets?\b|\bshot\b|\bgunshots?\b|\bambush(?:ed)?\b",
    ),
    (
        "airstrike",
        r"\bdrop(?:s|ped|ping)? (?:a |an )?(?:\w+ )?bombs?\b",
    ),
    (
        "siege",
        r"\bsiege\b|\bbesieged\b|\bstarvation\b|\bstarved\b|\bmalnutrition\b|\bhunger\b|\black of (?:food|medicine|medical care)\b",
    ),
]

# Victim nouns, by group.
VICTIM_NOUNS: list[tuple[str, str]] = [
    (
        "children",
        r"children|child|kids|minors|infants?|bab(?:y|ies)|boys?|girls?|schoolchildren|toddlers?|teenagers?|students|pupils",
    ),
    ("women", r"women|woman|females|mothers?"),
    (
        "combatants",
        r"fighters|militants|soldiers|troops|forces|servicemen|personnel|officers|policemen|police(?:men)?|guards|jihadis|jihadists|rebels|insurgents|gunmen|terrorists|militiamen|extremists|mercenaries|combatants|operatives|recruits|elements|pilots?|commanders|leaders|troopers|paratroopers|conscripts|snipers|members of (?:the|a|an) (?:\S+ ){0,3}(?:forces|army|group|militia|militias|factions|brigade|battalion)|(?:army|regime|government) members|soldier|fighter|militant|officer|commander|jihadist|rebel|terrorist|gunman|operative|extremist|insurgent|mercenary",
    ),
    (
        "civilians",
        r"civilians?|residents|villagers|inhabitants|passengers|worshippers|farmers|shepherds|doctors|medics|paramedics|nurses|rescuers|volunteers|journalists|refugees|displaced people|protesters|demonstrators|worshipers|workers|family members|members of (?:the same|one|a single) family|members of a family|relatives",
    ),
    (
        "people",
        r"people|persons?|individuals|others|men|man|victims|bodies|dead|deaths|lives|martyrs|citizens|Syrians|detainees|prisoners|hostages",
    ),
]
