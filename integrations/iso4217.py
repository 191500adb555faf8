"""The ISO 4217 currency codes an event may carry.

Source: ISO 4217 List One ("current currency & funds"), the XML published by its
maintenance agency (SIX Group) on 2025-05-12: 179 codes. Compared with Debian's
iso-codes 4.15.0 (April 2023), it adds XAD (Arab Accounting Dinar), XCG (Caribbean
guilder) and ZWG (Zimbabwe Gold) and no longer holds ANG, CUC, HRK, SLL and ZWL.

Two codes of the list are left out because they name no money: XTS (reserved for
testing) and XXX (transactions where no currency is involved). Funds, precious
metals and units of account stay: a source that sends them still needs a currency
mapping to an Odoo currency before anything posts.

To update: take the newest List One, replace the set below, and say the date here.
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
