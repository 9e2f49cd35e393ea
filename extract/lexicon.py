r"""Word lists of the conflict: actors, claim sources, methods, victim groups.

Each entry is `(code, regex)`. Patterns are matched case-insensitively unless they switch
case-sensitivity off themselves with `(?-i:...)` (short acronyms such as IS, SDF, FSA, which
would otherwise match ordinary words).

All extractor patterns write word boundaries and classes as ASCII (`(?-u:\b)`, `(?-u:\s)`,
`(?-u:\w)`): Unicode-aware ones make the regex engine leave its fast DFA for a backtracking
path, which cost a factor of ~3 on the whole extractor. English news text loses nothing by it.
"""

from __future__ import annotations

_FORCE = (
    r"(?:forces?|troops?|army|soldiers?|units?|fighters?|militias?|militiamen|warplanes?|jets?|aerospace forces|aviation|"
    r"aircraft|helicopters?|air ?force|air ?strikes?|air ?raids?|raids?|strikes?|shelling|"
    r"bombardment|bombing|artillery|drones?|military|gunmen|snipers?|tanks?|missiles?|rockets?|"
    r"planes?|positions?|offensive|operations?|attacks?)"
)
# A state's armed forces, for nationality adjectives: "an American fighter" (with IS) is no state's force.
_STATE_FORCE = (
    r"(?:forces?|troops?|army|soldiers?|units?|warplanes?|jets?|fighter jets?|aircraft|helicopters?|air ?force|"
    r"air ?strikes?|air ?raids?|raids?|strikes?|drones?|military|special forces|missiles?|planes?|positions?|operations?)"
)

# An alternative that never matches (a boundary that is none). Appended to a pattern whose literals
# make the regex engine prefilter on short strings found in every sentence ("US", "U.S." in any
# case), it turns the prefilter off: the plain scan is six times faster. Matches are unchanged.
NEVER = r"(?-u:\b)(?-u:\B)(?-u:\w)"

# Perpetrator / victim side. Order matters only for overlapping matches at the same position.
ACTORS: list[tuple[str, str]] = [
    (
        "coalition",
        r"(?-u:\b)(?:U\.?S\.?|American|Western)[- ]led(?-u:\b)|(?-u:\b)(?:international|anti-(?:IS|ISIS|ISIL|Daesh|jihadist)|US|U\.S\.|American|Western)[- ]coalition(?-u:\b)|(?-u:\b)coalition "
        + _FORCE
        + r"|(?-i:(?-u:\b)(?:US|U\.S\.|American|French|British) )"
        + _STATE_FORCE
        + r"|(?-u:\b)Pentagon(?-u:\b)|(?-i:(?-u:\b)CJTF)|"
        + NEVER,
    ),
    (
        "turkey",
        r"(?-u:\b)Turkish(?: |-)(?:army|armed forces|"
        + _FORCE
        + r")|(?-u:\b)Turkey(?-u:\b)|(?-u:\b)Ankara(?-u:\b)|(?-u:\b)Operation (?:Olive Branch|Euphrates Shield|Peace Spring)",
    ),
    ("israel", r"(?-u:\b)Israeli? ?(?:" + _FORCE + r")?|(?-i:(?-u:\b)IDF(?-u:\b))"),
    (
        "iran",
        r"(?-u:\b)Hezbollah(?-u:\b)|(?-u:\b)Hizbollah(?-u:\b)|(?-u:\b)Hizballah(?-u:\b)|(?-u:\b)Iran(?:ian)?(?:-backed|-supported)? ?(?:"
        + _FORCE
        + r"|Revolutionary Guards?)|(?-i:(?-u:\b)IRGC(?-u:\b))|(?-u:\b)Revolutionary Guards?(?-u:\b)|(?-u:\b)Shiite militia(?:s|men)?(?-u:\b)|(?-u:\b)Fatemiyoun(?-u:\b)|(?-u:\b)Zainabiyoun(?-u:\b)|(?-u:\b)Iraqi militia(?:s|men)?(?-u:\b)|(?-u:\b)Iran(?-u:\b)",
    ),
    (
        "russia",
        r"(?-u:\b)Russian? ?(?:"
        + _FORCE
        + r"|Defen[cs]e Ministry|Ministry of Defen[cs]e|special forces|ally)|(?-u:\b)Russia(?-u:\b)|(?-u:\b)Russian(?: and|,) (?:Syrian|regime|government|Assad)",
    ),
    (
        "sdf",
        r"(?-u:\b)Syrian Democratic Forces(?-u:\b)|(?-i:(?-u:\b)SDF(?-u:\b)|(?-u:\b)YPG(?-u:\b)|(?-u:\b)YPJ(?-u:\b)|(?-u:\b)PKK(?-u:\b)|(?-u:\b)PYD(?-u:\b))|(?-u:\b)Kurdish(?:-led)? ?(?:"
        + _FORCE
        + r"|People'?s Protection Units|YPG|SDF)|(?-u:\b)People'?s Protection Units(?-u:\b)|(?-u:\b)Kurds(?-u:\b)|(?-u:\b)Asayish(?-u:\b)|(?-u:\b)self[- ]administration(?-u:\b)|(?-u:\b)Manbij Military Council(?-u:\b)|(?-u:\b)Kurdish-led(?-u:\b)",
    ),
    (
        "islamic_state",
        r"(?-u:\b)Islamic State(?-u:\b)|(?-i:(?-u:\b)IS(?-u:\b)|(?-u:\b)ISIS(?-u:\b)|(?-u:\b)ISIL(?-u:\b)|(?-u:\b)Daesh(?-u:\b)|(?-u:\b)Daish(?-u:\b)|(?-u:\b)DAESH(?-u:\b))|(?-u:\b)Daesh(?-u:\b)",
    ),
    (
        "hts",
        r"(?-u:\b)Ha?y+a+'?t? Tahrir (?:al|Al)[- ](?:Sham|Cham)(?-u:\b)|(?-u:\b)Tahrir al-Sham(?-u:\b)|(?-i:(?-u:\b)HTS(?-u:\b))|(?-u:\b)(?:al-|Al-|al |Al )?Nusra(?-u:\b)|(?-u:\b)Jabhat (?:al-)?Nusra(?-u:\b)|(?-u:\b)Fateh al-Sham(?-u:\b)|(?-u:\b)Fatah al-Sham(?-u:\b)|(?-u:\b)al-Qaeda(?-u:\b)|(?-u:\b)Al Qaeda(?-u:\b)|(?-u:\b)al-Qaida(?-u:\b)",
    ),
    (
        "opposition",
        r"(?-u:\b)rebels?(?-u:\b)|(?-u:\b)rebel (?:groups?|factions?|fighters?|forces?)(?-u:\b)|(?-u:\b)opposition (?:factions?|fighters?|forces?|groups?|militants?)(?-u:\b)|(?-u:\b)(?:the|armed|Islamist|Islamic|opposition|rebel|militant) factions(?-u:\b)|(?-u:\b)the factions(?-u:\b)|(?-u:\b)factions'|(?-u:\b)Free Syrian Army(?-u:\b)|(?-i:(?-u:\b)FSA(?-u:\b)|(?-u:\b)NLF(?-u:\b)|(?-u:\b)SNA(?-u:\b))|(?-u:\b)National (?:Front for Liberation|Liberation Front)(?-u:\b)|(?-u:\b)Syrian National Army(?-u:\b)|(?-u:\b)Turkish-backed (?:"
        + _FORCE
        + r"|rebels|factions|opposition)|(?-u:\b)Ja[iy]sh al-Islam(?-u:\b)|(?-u:\b)Ahrar al-Sham(?-u:\b)|(?-u:\b)Faylaq al-Rahman(?-u:\b)|(?-u:\b)Free Idlib Army(?-u:\b)|(?-u:\b)Jaish al-Izza(?-u:\b)|(?-u:\b)Nour al-Din al-Zenki(?-u:\b)|(?-u:\b)Jaish al-Fatah(?-u:\b)|(?-u:\b)insurgents?(?-u:\b)|(?-u:\b)armed opposition(?-u:\b)",
    ),
    (
        "syrian_government",
        r"(?-u:\b)regime(?-u:\b)|(?-u:\b)Assad(?:'s|s)? (?:"
        + _FORCE
        + r"|government|loyalists)|(?-u:\b)government(?:'s)? (?:"
        + _FORCE
        + r")|(?-u:\b)Syrian (?:Arab )?(?:army|government|regime|air force|"
        + _FORCE
        + r")|(?-u:\b)Syria(?:'s|s)? (?:army|regime|government|air ?force|troops|forces|soldiers|warplanes|jets|"
        r"air ?strikes|air ?raids|military)(?-u:\b)|(?-i:(?-u:\b)SAA(?-u:\b)|(?-u:\b)NDF(?-u:\b))|(?-u:\b)the army(?-u:\b)|(?-u:\b)army (?:troops|units|forces)(?-u:\b)|(?-u:\b)loyalists?(?-u:\b)|(?-u:\b)loyalist (?:"
        + _FORCE
        + r")|(?-u:\b)pro-(?:regime|government|Assad)(?-u:\b)|(?-u:\b)Tiger Forces(?-u:\b)|(?-u:\b)National Defen[cs]e Forces(?-u:\b)|(?-u:\b)Republican Guard(?-u:\b)|(?-u:\b)Fourth Division(?-u:\b)|(?-u:\b)shabiha(?-u:\b)|(?-u:\b)barrel bombs?(?-u:\b)",
    ),
]

# Who reported it: canonical name, pattern.
CLAIM_SOURCES: list[tuple[str, str]] = [
    (
        "SOHR",
        r"(?-u:\b)Syrian Observatory(?-u:\b)|(?-i:(?-u:\b)SOHR(?-u:\b)|(?-u:\b)SORH(?-u:\b)|(?-u:\b)OSDH(?-u:\b))|(?-u:\b)the Observatory(?-u:\b)|(?-u:\b)(?:war|Britain-based|UK-based|British-based|London-based|Britain based|UK based) (?:war )?monitor(?:ing group)?(?-u:\b)|(?-u:\b)the monitor(?:ing group)?(?-u:\b)|(?-u:\b)Rami Abdel?[- ]?Rahman(?-u:\b)|(?-u:\b)Rami Abdulrahman(?-u:\b)|(?-u:\b)Observatory(?-u:\b)",
    ),
    (
        "OCHA",
        r"(?-u:\b)Office for the Coordination of Humanitarian Affairs(?-u:\b)|(?-i:(?-u:\b)OCHA(?-u:\b)|(?-u:\b)Ocha(?-u:\b))",
    ),
    ("UNICEF", r"(?-i:(?-u:\b)UNICEF(?-u:\b)|(?-u:\b)Unicef(?-u:\b))"),
    ("UNHCR", r"(?-i:(?-u:\b)UNHCR(?-u:\b))|(?-u:\b)UN refugee agency(?-u:\b)"),
    ("WHO", r"(?-u:\b)World Health Organi[sz]ation(?-u:\b)|(?-i:(?-u:\b)WHO(?-u:\b))"),
    (
        "UN",
        r"(?-u:\b)United Nations(?-u:\b)|(?-i:(?-u:\b)UN(?-u:\b)|(?-u:\b)U\.N\.)|(?-u:\b)Jan Egeland(?-u:\b)|(?-u:\b)de Mistura(?-u:\b)|(?-u:\b)Geir Pedersen(?-u:\b)|(?-u:\b)Security Council(?-u:\b)|(?-u:\b)Commission of Inquiry(?-u:\b)",
    ),
    (
        "SANA",
        r"(?-i:(?-u:\b)SANA(?-u:\b)|(?-u:\b)Sana(?-u:\b))|(?-u:\b)state news agency(?-u:\b)|(?-u:\b)state media(?-u:\b)|(?-u:\b)state (?:television|TV)(?-u:\b)|(?-u:\b)Syrian (?:state )?(?:TV|television)(?-u:\b)|(?-u:\b)Ikhbariya(?-u:\b)|(?-u:\b)official (?:Syrian )?news agency(?-u:\b)",
    ),
    (
        "Russian Defence Ministry",
        r"(?-u:\b)Russian (?:Defen[cs]e Ministry|Ministry of Defen[cs]e|military|General Staff)(?-u:\b)|(?-u:\b)defen[cs]e ministry in Moscow(?-u:\b)|(?-u:\b)Konashenkov(?-u:\b)|(?-u:\b)Reconciliation Cent(?:er|re)(?-u:\b)|(?-u:\b)the ministry(?-u:\b)",
    ),
    (
        "Syrian army",
        r"(?-u:\b)Syrian army (?:said|statement|command)|(?-u:\b)army (?:general )?command(?-u:\b)|(?-u:\b)military source(?-u:\b)|(?-u:\b)army statement(?-u:\b)",
    ),
    (
        "White Helmets",
        r"(?-u:\b)White Helmets(?-u:\b)|(?-u:\b)civil defen[cs]e(?-u:\b)|(?-u:\b)Syria Civil Defen[cs]e(?-u:\b)|(?-u:\b)rescuers(?-u:\b)",
    ),
    ("SDF", r"(?-u:\b)Syrian Democratic Forces(?-u:\b)|(?-i:(?-u:\b)SDF(?-u:\b))"),
    (
        "US-led coalition",
        r"(?-u:\b)coalition (?:said|statement|spokesman)(?-u:\b)|(?-i:(?-u:\b)CJTF(?-u:\b)|(?-u:\b)CENTCOM(?-u:\b))|(?-u:\b)Pentagon(?-u:\b)|(?-u:\b)Central Command(?-u:\b)",
    ),
    (
        "Turkish Defence Ministry",
        r"(?-u:\b)Turkish (?:Defen[cs]e Ministry|military|army|General Staff|armed forces)(?-u:\b)",
    ),
    ("Anadolu Agency", r"(?-u:\b)Anadolu(?-u:\b)"),
    ("Israeli military", r"(?-u:\b)Israeli (?:army|military)(?-u:\b)|(?-i:(?-u:\b)IDF(?-u:\b))"),
    ("Amaq", r"(?-u:\b)Amaq(?-u:\b)"),
    (
        "ICRC",
        r"(?-u:\b)International Committee of the Red Cross(?-u:\b)|(?-i:(?-u:\b)ICRC(?-u:\b))|(?-u:\b)Red Cross(?-u:\b)",
    ),
    ("SARC", r"(?-u:\b)Red Crescent(?-u:\b)|(?-i:(?-u:\b)SARC(?-u:\b))"),
    (
        "MSF",
        r"(?-u:\b)Doctors Without Borders(?-u:\b)|(?-i:(?-u:\b)MSF(?-u:\b))|(?-u:\b)Medecins Sans Frontieres(?-u:\b)",
    ),
    ("SAMS", r"(?-u:\b)Syrian American Medical Society(?-u:\b)|(?-i:(?-u:\b)SAMS(?-u:\b))"),
    ("SNHR", r"(?-u:\b)Syrian Network for Human Rights(?-u:\b)|(?-i:(?-u:\b)SNHR(?-u:\b))"),
    ("VDC", r"(?-u:\b)Violations Documentation Cent(?:er|re)(?-u:\b)|(?-i:(?-u:\b)VDC(?-u:\b))"),
    ("LCC", r"(?-u:\b)Local Coordination Committees(?-u:\b)|(?-i:(?-u:\b)LCC(?-u:\b))"),
    ("Human Rights Watch", r"(?-u:\b)Human Rights Watch(?-u:\b)|(?-i:(?-u:\b)HRW(?-u:\b))"),
    ("Amnesty International", r"(?-u:\b)Amnesty International(?-u:\b)"),
    ("Free Idlib Army", r"(?-u:\b)Free Idlib Army(?-u:\b)"),
    ("Jaish al-Islam", r"(?-u:\b)Jaish al-Islam(?-u:\b)"),
    ("activists", r"(?-u:\b)activists?(?-u:\b)"),
    (
        "medical sources",
        r"(?-u:\b)medics?(?-u:\b)|(?-u:\b)medical (?:sources?|workers?|officials?)(?-u:\b)|(?-u:\b)doctors?(?-u:\b)|(?-u:\b)hospital (?:sources?|officials?|director)(?-u:\b)",
    ),
    ("residents", r"(?-u:\b)residents? said(?-u:\b)|(?-u:\b)witnesses(?-u:\b)"),
]

REPORTING = (
    r"(?-u:\b)(?:said|says|saying|say|reported|reports|reporting|according to|documented|announced|"
    r"stated|told|tells|confirmed|claimed|claims|added|adding|cited|citing|quoted|statement|estimated|"
    r"recorded|counted|tally|toll|monitored|monitor|warned|noted)(?-u:\b)"
)
# "it said", "the source said": the figure belongs to whoever was last named as a source.
ANAPHORIC_CLAIM = (
    r"(?-u:\b)(?:it|he|she|they|the (?:report|source|group|monitor|ministry|agency|observatory|NGO|"
    r"organi[sz]ation|statement|body|office|spokesman|official|Britain-based group|UK-based group))"
    r" (?:said|added|reported|says|stated|noted)(?-u:\b)|(?-u:\b)the same source(?-u:\b)|(?-u:\b)according to the (?:report|source|group|monitor)(?-u:\b)"
)

# Method, in order of precedence when a sentence names several.
METHODS: list[tuple[str, str]] = [
    (
        "chemical",
        r"(?-u:\b)chemical(?-u:\b)|(?-u:\b)chlorine(?-u:\b)|(?-u:\b)sarin(?-u:\b)|(?-u:\b)toxic gas(?:es)?(?-u:\b)|(?-u:\b)poison(?:ous)? gas(?-u:\b)|(?-u:\b)nerve (?:agent|gas)(?-u:\b)|(?-u:\b)gas attack(?-u:\b)|(?-u:\b)mustard gas(?-u:\b)|(?-u:\b)toxic (?:chemicals?|substances?)(?-u:\b)|(?-u:\b)suffocation(?-u:\b)|(?-u:\b)gass(?:ed|ing)(?-u:\b)|(?-u:\b)gas (?:attacks?|kills?|killed|killing|massacre)(?-u:\b)",
    ),
    ("suicide_bombing", r"(?-u:\b)suicide(?-u:\b)|(?-u:\b)self-detonat"),
    (
        "barrel_bomb",
        r"(?-u:\b)barrel[- ]bombs?(?-u:\b)|(?-u:\b)explosive barrels?(?-u:\b)|(?-u:\b)barrels? bombs?(?-u:\b)",
    ),
    (
        "execution",
        r"(?-u:\b)execut(?:ed|ion|ions|ing)(?-u:\b)|(?-u:\b)behead(?:s|ed|ing|ings)?(?-u:\b)|"
        # "massacred 250 troops taken hostage": killing captives is executing them
        r"(?-u:\b)(?:massacred?|slaughtered|murdered)(?-u:\s)(?:[^.;]{0,40}(?-u:\s))?(?:taken hostages?|hostages|captives|"
        r"(?:captured|abducted|kidnapped) (?:soldiers|troops|fighters|men|women|civilians|people))(?-u:\b)|"
        r"(?-u:\b)firing squad(?-u:\b)|(?-u:\b)summarily killed(?-u:\b)|(?-u:\b)crucified(?-u:\b)",
    ),
    (
        "airstrike",
        r"(?-u:\b)air ?strikes?(?-u:\b)|(?-u:\b)airstrikes?(?-u:\b)|(?-u:\b)air ?raids?(?-u:\b)|(?-u:\b)warplanes?(?-u:\b)|(?-u:\b)war planes?(?-u:\b)|(?-u:\b)jets?(?-u:\b)|(?-u:\b)aircraft(?-u:\b)|(?-u:\b)helicopters?(?-u:\b)|(?-u:\b)aerial(?-u:\b)|(?-u:\b)air force(?-u:\b)|(?-u:\b)sorties(?-u:\b)|(?-u:\b)drones?(?-u:\b)|(?-u:\b)bombing raids?(?-u:\b)|(?-u:\b)air bombardment(?-u:\b)|(?-u:\b)air attacks?(?-u:\b)|(?-u:\b)airstrike(?-u:\b)|(?-u:\b)air-strikes?(?-u:\b)|(?-u:\b)raids?(?-u:\b)|(?-u:\b)bombed(?-u:\b)|(?-u:\b)planes?(?-u:\b)|(?-u:\b)drop(?:s|ped|ping)? (?:a |an )?(?:(?-u:\w)+ )?bombs?(?-u:\b)|"
        # a state's "bombing" is from the air: "Russian bombing", "the coalition's bombing of Raqqa", "bombing campaign"
        r"(?-u:\b)(?:Russian|regime|Assad|government|coalition(?:'s|s)?|American|US|U\.S\.|French|British|Israeli|Turkish|"
        r"Syrian|army|air|aerial|heavy|intense|intensive|indiscriminate) bombing(?-u:\b)|(?-u:\b)bombing (?:campaign|runs?|sorties)(?-u:\b)",
    ),
    (
        "shelling",
        r"(?-u:\b)shell(?:s|ing|ed)?(?-u:\b)|(?-u:\b)artillery(?-u:\b)|(?-u:\b)mortars?(?-u:\b)|(?-u:\b)rockets?(?-u:\b)|(?-u:\b)missiles?(?-u:\b)|(?-u:\b)bombardment(?-u:\b)|(?-u:\b)bombarded(?-u:\b)|(?-u:\b)projectiles?(?-u:\b)|(?-u:\b)Grad(?-u:\b)|(?-u:\b)cannons?(?-u:\b)|(?-u:\b)tank fire(?-u:\b)|(?-u:\b)hell cannon(?-u:\b)|(?-u:\b)shelled(?-u:\b)",
    ),
    (
        "explosive_device",
        r"(?-u:\b)car[- ]bombs?(?-u:\b)|(?-u:\b)bombs?(?-u:\b)|(?-u:\b)explosions?(?-u:\b)|(?-u:\b)explosive(?:s| device)?(?-u:\b)|(?-u:\b)(?-i:IEDs?)(?-u:\b)|(?-u:\b)landmines?(?-u:\b)|(?-u:\b)mines?(?-u:\b)|(?-u:\b)blasts?(?-u:\b)|(?-u:\b)booby[- ]trapped(?-u:\b)|(?-u:\b)bombings?(?-u:\b)|(?-u:\b)exploded(?-u:\b)|(?-u:\b)detonated(?-u:\b)",
    ),
    (
        "gunfire",
        # "an ambush" is a tactic (mines or guns), "50 gunmen" are people: neither says how anyone died
        r"(?-u:\b)snipers?(?-u:\b)|(?-u:\b)gunfire(?-u:\b)|(?-u:\b)shot dead(?-u:\b)|(?-u:\b)shooting(?-u:\b)|(?-u:\b)opened fire(?-u:\b)|(?-u:\b)(?:by|unidentified|masked) gunmen(?-u:\b)|(?-u:\b)bullets?(?-u:\b)|(?-u:\b)shot(?-u:\b)|(?-u:\b)gunshots?(?-u:\b)",
    ),
    # "besieged neighbourhoods", "break the siege": where, not how people died; only hunger is the siege's own death
    (
        "siege",
        r"(?-u:\b)starvation(?-u:\b)|(?-u:\b)starved(?-u:\b)|(?-u:\b)malnutrition(?-u:\b)|(?-u:\b)hunger(?-u:\b)|(?-u:\b)lack of (?:food|medicine|medical care)(?-u:\b)",
    ),
]

# Victim nouns, by group.
VICTIM_NOUNS: list[tuple[str, str]] = [
    (
        "children",
        # a son or daughter is a child only when the text says so ("his two young daughters")
        r"children|child|kids|minors|infants?|bab(?:y|ies)|boys?|girls?|schoolchildren|toddlers?|teenagers?|students|pupils|"
        r"(?:young|little|small|infant|baby|teenage) (?:sons?|daughters?)",
    ),
    ("women", r"women|woman|females|mothers?|wife|wives"),
    (
        "combatants",
        r"fighters|militants|soldiers|troops|forces|servicemen|personnel|officers|policemen|police(?:men)?|guards|jihadis|jihadists|rebels|insurgents|gunmen|terrorists|militiamen|extremists|mercenaries|combatants|operatives|recruits|elements|pilots?|commanders|leaders|troopers|paratroopers|conscripts|snipers|members of (?:the|a|an) (?:\S+ ){0,3}(?:forces|army|group|militia|militias|factions|brigade|battalion|front|movement)|(?:army|regime|government) members|soldier|fighter|militant|officer|commander|jihadist|rebel|terrorist|gunman|operative|extremist|insurgent|mercenary",
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
