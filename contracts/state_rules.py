"""States where a percentage-based management fee may be treated as fee-splitting.

NOT LEGAL ADVICE; CONSERVATIVE DEFAULT FOR REVIEW BY COUNSEL.

This is a default table, not a legal conclusion. "restricted" means: an agreement in that state
whose fee is a percentage of the practice's revenue (PCT_NET_COLLECTIONS, PCT_GROSS_REVENUE, or
the percentage part of HYBRID) needs a recorded legal sign-off before it is used. "allowed"
means only that this table records no specific concern; federal law (anti-kickback statute,
Stark) and fair market value still apply everywhere, and unlisted states default to "allowed".
The platform keeps its editable copy in the StateFeeRule table; this dict is its seed.

Each entry cites the public source it relies on; the citations were taken from the public pages
named beside them and should be checked against the current official text.
"""

from __future__ import annotations

import re

from contracts.fees import PERCENTAGE_MODELS, FeeModel

__all__ = [
    "ALLOWED",
    "RESTRICTED",
    "STATE_FEE_RULES",
    "is_percentage_model",
    "percentage_fee_status",
    "requires_legal_signoff",
]

RESTRICTED = "restricted"
ALLOWED = "allowed"

STATE_CODE = re.compile(r"^[A-Z]{2}$")

STATE_FEE_RULES: dict[str, str] = {
    # Florida: Fla. Stat. 458.331(1)(i) (split-fee arrangements) and 817.505 (patient
    # brokering). The Board of Medicine held a percentage management fee paid to a practice
    # management company to be an impermissible split fee: In re Petition for Declaratory
    # Statement of Magan L. Bakarania, M.D., 20 F.A.L.R. 395 (Nov. 3, 1997), affirmed in
    # PhyMatrix Management Co. v. Bakarania (Fla. 1st DCA No. 97-4534, June 25, 1999); described
    # in Novick v. Department of Health, 816 So. 2d 1237 (Fla. 5th DCA 2002)
    # (https://app.midpage.ai/document/novick-v-department-of-health-1912802) and in
    # https://corporate.findlaw.com/law-library/recent-decisions-clarify-legality-of-percentage-based-physician.html
    # (later Board statements allowed percentage fees not tied to patient generation; counsel
    # decides).
    "FL": RESTRICTED,
    # Illinois: Medical Practice Act, 225 ILCS 60/22.2(a): a licensee "may not directly or
    # indirectly divide, share or split any professional fee ... with anyone in exchange for a
    # referral or otherwise", with narrow listed exceptions (e.g. billing, administrative
    # preparation or collection services)
    # (https://lawserver.com/law/state/illinois/il-statutes/225_ilcs_60_22-2). Courts treat
    # fee-splitting contracts as void against public policy: E & B Marketing Enterprises v.
    # Ryan, 209 Ill. App. 3d 626 (1st Dist. 1991); Vine Street Clinic v. HealthLink, Inc., 222
    # Ill. 2d 276 (2006), a challenge to a network's fee set as a percentage of physicians'
    # receipts (https://law.justia.com/cases/illinois/supreme-court/2006/99790.html;
    # https://isba.org/sections/bench/newsletter/2020/09/splitdecision).
    "IL": RESTRICTED,
    # Michigan: the Public Health Code treats dividing fees for referral as an unethical
    # business practice; practitioner commentary flags percentage-of-revenue management
    # compensation (especially with marketing services) as needing careful structuring:
    # https://wachler.com/articles/2015-healthcare-law-article-archive/understanding-the-potential-risks-of-physician-practice-manageme
    # (weaker source: commentary, no case on point found; listed to be conservative).
    "MI": RESTRICTED,
    # New York: Education Law 6530(19) makes professional misconduct "any arrangement or
    # agreement whereby the amount received in payment for furnishing space, facilities,
    # equipment or personnel services used by a licensee constitutes a percentage of, or is
    # otherwise dependent upon, the income or receipts of the licensee"; also Education Law
    # 6531 and 8 NYCRR 29.1(b)(4). Applied in South Shore Neurologic Associates, P.C. v. Mobile
    # Health Management Services, Inc., 2014 NY Slip Op 06963 (2d Dept 2014)
    # (https://www.schlamstone.com/blogs/commercial/2014-10-16-second-department-affirms-decision-finding-fee-splitting-agreements-unlawful)
    # and Advanced Dental of Ardsley, PLLC v. Brown (2d Dept July 17, 2024)
    # (https://www.rivkinrounds.com/2024/07/ny-court-finds-unlawful-fee-splitting-in-practice-acquisition/).
    "NY": RESTRICTED,
    # Texas: a lay management company taking 67% of a practice's profits while controlling it
    # was held to violate the corporate-practice prohibition: Flynn Brothers, Inc. v. First
    # Medical Associates, 715 S.W.2d 782 (Tex. App.-Dallas 1986, writ ref'd n.r.e.)
    # (https://www.mondaq.com/unitedstates/x/9271/Corporate+Finance/Corporate+Practice+Of+Medicine+In+Texas).
    # Listed to be conservative: percentage fees are a corporate-practice risk factor there.
    "TX": RESTRICTED,
}


def _state_code(state: str) -> str:
    if not isinstance(state, str):
        raise TypeError("state must be a two-letter USPS code (str).")
    code = state.strip().upper()
    if not STATE_CODE.match(code):
        raise ValueError(f"{state!r} is not a two-letter USPS state code.")
    return code


def percentage_fee_status(state: str) -> str:
    """RESTRICTED or ALLOWED for a USPS state code (any case); unlisted states are
    ALLOWED. Raises ValueError for anything that is not a two-letter code, so that a typo
    ("New York") cannot silently pass as "allowed"."""
    return STATE_FEE_RULES.get(_state_code(state), ALLOWED)


def is_percentage_model(model: FeeModel | str) -> bool:
    """True for the models whose fee depends on the practice's revenue (PCT_NET_COLLECTIONS,
    PCT_GROSS_REVENUE, HYBRID). Raises ValueError for an unknown model."""
    try:
        fee_model = FeeModel(model)
    except ValueError:
        raise ValueError(f"Unknown fee model {model!r}.") from None
    return fee_model in PERCENTAGE_MODELS


def requires_legal_signoff(state: str, model: FeeModel | str) -> bool:
    """A percentage (or hybrid) fee in a restricted state needs a recorded legal sign-off."""
    return is_percentage_model(model) and percentage_fee_status(state) == RESTRICTED
