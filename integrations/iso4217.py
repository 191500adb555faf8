"""The ISO 4217 currency codes an event may carry.

Source: ISO 4217 List One ("current currency & funds"), the XML published by its
maintenance agency (SIX Group) on 2025-05-12: 179 codes. Compared with Debian's
iso-codes 4.15.0 (April 2023), it adds XAD (Arab Accounting Dinar), XCG (Caribbean
guilder) and ZWG (Zimbabwe Gold) and no longer holds ANG, CUC, HRK, SLL and ZWL.

Two codes of the list are left out because they name no money: XTS (reserved for
testing) and XXX (transactions where no currency is involved). Funds, precious
metals and units of account stay: a source that sends them still needs a currency
mapping to an Odoo currency before anything posts.

Each code's minor unit (the list's CcyMnrUnts) is below: the canonical reader refuses an
amount with more decimals than its currency has. XAD, added on 2025-05-12, has 2.

To update: take the newest List One, replace the set and the minor units below, and say the
date here.
"""

from __future__ import annotations

LIST_ONE_PUBLISHED = "2025-05-12"

NOT_MONEY = frozenset({"XTS", "XXX"})

LIST_ONE = frozenset(
    """
    AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL
    BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF
    DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG
    HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK
    LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN
    NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR
    SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY
    TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAD XAF XAG XAU
    XBA XBB XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XTS XUA XXX YER ZAR ZMW ZWG
    """.split()
)

ACTIVE_CURRENCIES = LIST_ONE - NOT_MONEY

# Minor units (CcyMnrUnts) of List One, 2025-05-12: how many decimals an amount of each
# currency has. Every code not named here has 2. "N.A." in the list (units of account, bond
# market units, SDR, Sucre, precious metals, XTS, XXX) is None: ISO 4217 gives them no minor
# unit, so no rule of ours refuses a decimal place for them (their Odoo currency's rounding
# decides when they post).
ZERO_DECIMAL = frozenset("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF".split())
THREE_DECIMAL = frozenset("BHD IQD JOD KWD LYD OMR TND".split())
FOUR_DECIMAL = frozenset("CLF UYW".split())
NO_MINOR_UNIT = frozenset("XAG XAU XBA XBB XBC XBD XDR XPD XPT XSU XTS XUA XXX".split())


def minor_units(code: str) -> int | None:
    """The decimals of an amount in `code` by ISO 4217 (0 for JPY, 3 for KWD), or None for
    the codes List One gives none ("N.A."). `code` must be in LIST_ONE."""
    if code not in LIST_ONE:
        raise KeyError(code)
    if code in NO_MINOR_UNIT:
        return None
    if code in ZERO_DECIMAL:
        return 0
    if code in THREE_DECIMAL:
        return 3
    if code in FOUR_DECIMAL:
        return 4
    return 2


def minor_unit_words(code: str) -> str:
    """What an error says of a currency's decimals: "no minor unit", "only 1 decimal place"."""
    places = minor_units(code)
    if not places:
        return "no minor unit"
    return f"only {places} decimal place{'s' if places > 1 else ''}"
