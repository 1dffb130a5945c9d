"""Korean abusive-language lexicon: regex fragments with category and severity.

``{g}`` stands for a *gap*: up to three spaces, punctuation marks or digits that people
insert to dodge filters ("씨 발", "시1발", "ㅅ.ㅂ"). Ambiguous words ("시발점", "씨 발아",
"보지 못했다", "불이 꺼져") are either excluded by look-arounds or left out on purpose:
the filter must stay quiet on ordinary administrative text.

Severity: 1 mild (비속어), 2 abusive (욕설), 3 hate, threat or sexual abuse.
"""

from __future__ import annotations

# (term, category, severity, pattern)
LEXICON: tuple[tuple[str, str, int, str], ...] = (
    # 씨발 family
    ("씨발", "profanity", 2, r"[씨씌쒸ㅆ]{g}[발빨벌뻘팔펄바빠ㅂ](?!아|효|육|달|전|생|견|표)"),
    (
        "씨발",
        "profanity",
        2,
        r"(?<![가-힣])시[발빨](?!\s?(?:점|역|택|전|표|차|버|효|육|견|생|주|령|달))",
    ),
    ("씨발", "profanity", 2, r"(?<![가-힣])시{g2}[발빨팔](?![가-힣])"),
    ("씨발", "profanity", 2, r"[ㅅㅆ][.\d]{0,2}ㅂ(?![ㅏ-ㅣ])"),
    ("씨발", "profanity", 2, r"[ㅅㅆ]{g}ㅣ{g}ㅂ{g}ㅏ{g}ㄹ"),
    ("씨발", "profanity", 2, r"(?i)(?<![a-z])tlqkf"),
    ("썅", "profanity", 2, r"썅|쌍{g}(?:놈|년)"),
    ("좆", "profanity", 2, r"좆|졷{g}같|ㅈ{g}같"),
    ("씹", "profanity", 2, r"씹{g}(?:새|쌔|세|년|놈|할|창|팔|덕|치|극혐)"),
    # insults
    (
        "개새끼",
        "insult",
        2,
        r"개{g}[새쌔섀]{g}[끼키]|개세끼|개{g}색{g}[끼기히]|개새기|ㄱ[.\d]?ㅅ[.\d]?ㄲ",
    ),
    ("개새끼", "insult", 2, r"(?i)(?<![a-z])rotoRl"),
    (
        "병신",
        "insult",
        2,
        r"(?<![가-힣])[병븅빙]신(?!년|청|고|설|규|경|축|문|호|중|체)|[병븅]{g2}[신쉰딱](?![가-힣])",
    ),
    ("병신", "insult", 2, r"(?<![ㄱ-ㅎ])ㅂ[.\d]{0,2}ㅅ(?![ㄱ-ㅎㅏ-ㅣ])|(?i)(?<![a-z])qudtls"),
    ("지랄", "insult", 2, r"지{g}랄(?!병\s?환자)|(?<![ㄱ-ㅎ])ㅈ[.\d]{0,2}ㄹ(?![ㄱ-ㅎㅏ-ㅣ])"),
    ("미친놈", "insult", 2, r"미{g}친{g}(?:놈|년|새끼|새기|것|개|X)"),
    ("닥쳐", "insult", 2, r"닥{g}[쳐처치](?:라|요)?(?![가-힣])|아가리\s?(?:닥|여물)"),
    ("엿먹어", "insult", 2, r"엿\s?(?:먹어|먹으라|같)"),
    ("염병", "insult", 2, r"[염옘]병(?!\s?(?:예방|환자|발생|관리))"),
    ("새끼", "insult", 2, r"(?:이|저|그|니|네|너)\s?(?:새끼|새기|쉐끼)"),
    ("꺼져", "insult", 1, r"꺼{g}져(?:라|버려)(?![가-힣])|(?i)(?<![a-z])rjwu"),
    ("존나", "profanity", 1, r"(?<![가-힣])(?:존나|졸라|존내|조낸|ㅈㄴ)(?![가-힣])"),
    ("미친", "insult", 1, r"(?<![ㄱ-ㅎ가-힣])ㅁ[.\d]{0,2}ㅊ(?![ㄱ-ㅎㅏ-ㅣ])"),
    ("멍청", "insult", 1, r"멍청(?:한\s?(?:놈|년|새끼)|아|이들아)"),
    # parents and family insults
    (
        "패드립",
        "hate",
        3,
        r"느금마|니{g}[애에]미|니미럴?|[애에]미\s?(?:없|뒤진|뒈진)|느그\s?(?:엄마|애미|어미)",
    ),
    # hate speech (slurs against groups)
    (
        "혐오표현",
        "hate",
        3,
        r"한남충|김치녀|된장녀|맘충|틀딱|급식충|짱깨|쪽바리|똥남아|흑형|깜둥이|"
        r"정박아|애자(?![가-힣])|장애새끼|게이새끼|메갈년|꼴페미|홍어(?:새끼|족|들)|"
        r"외노자\s?(?:새끼|놈)|조선족\s?(?:새끼|놈)",
    ),
    # threats
    (
        "위협",
        "threat",
        3,
        r"죽여\s?버(?:리|린|릴|려)|죽일\s?(?:거|꺼|테)|칼로\s?찔러|"
        r"불\s?(?:질러|싸질러)\s?버|폭파\s?(?:시켜|해\s?버|하겠)|찾아가서\s?(?:죽|패)",
    ),
    # sexual abuse
    (
        "성적모욕",
        "sexual",
        3,
        r"(?:걸레|창)년|보[빨짓]|섹스\s?하자|강간\s?(?:하|당해)|몸\s?팔(?:아|이)",
    ),
)

CATEGORY_KOREAN = {
    "profanity": "욕설",
    "insult": "모욕·비하",
    "hate": "혐오 표현",
    "threat": "위협",
    "sexual": "성적 모욕",
}
