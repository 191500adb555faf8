"""The payroll categories a pay run's journal lines carry as `account_code`.

A provider's file says what each figure is (gross pay, employer taxes...), not which
account it goes to; the console's account mapping resolves each category to an Odoo
account, per entity, like any other account code. The vocabulary is fixed here so one set
of mapping rows serves every run of every provider.

A line split by department or cost centre carries `<code>@<department>`
(`payroll.gross_wages@ENG`), which the mapping maps like any code: one row per category
and department that is split, e.g. wages of engineering to 6010 and of sales to 6020.
A GL export's lines carry the source's GL code instead of a category (it is the source's
chart of accounts the mapping translates), with the same suffix when split.
"""

from __future__ import annotations

from integrations.canonical import MAX_CODE

# Debits of a pay run: what the run costs the company.
GROSS_WAGES = "payroll.gross_wages"  # gross pay: wages, tips, bonuses... before anything is withheld
EMPLOYER_TAXES = "payroll.employer_taxes"  # the employer's own payroll taxes
EMPLOYER_BENEFITS = "payroll.employer_benefits"  # the company's contributions to benefits
REIMBURSEMENTS = "payroll.reimbursements"  # expenses paid back to employees with their pay

# Credits of a pay run: where the money goes, or is owed.
NET_PAY = "payroll.net_pay"  # what employees are paid (a bank account, or a net pay clearing account)
TAX_LIABILITIES = "payroll.tax_liabilities"  # employee taxes withheld + employer taxes, owed to agencies
DEDUCTIONS_PAYABLE = (
    "payroll.deductions_payable"  # benefit deductions and contributions, other deductions, garnishments
)
REIMBURSEMENTS_PAYABLE = "payroll.reimbursements_payable"  # reimbursements paid with net pay
CASH_TIPS = "payroll.cash_tips"  # tips employees were paid in cash: in gross pay, never paid through payroll

# A provider's funding debit (a Gusto payroll receipt): the company's bank account the
# provider took the money from. The receipt's entry debits the liabilities it settles.
COMPANY_DEBIT = "payroll.company_debit"

DEBIT_CATEGORIES = (GROSS_WAGES, EMPLOYER_TAXES, EMPLOYER_BENEFITS, REIMBURSEMENTS)
CREDIT_CATEGORIES = (NET_PAY, TAX_LIABILITIES, DEDUCTIONS_PAYABLE, REIMBURSEMENTS_PAYABLE, CASH_TIPS)
CATEGORIES = (*DEBIT_CATEGORIES, *CREDIT_CATEGORIES, COMPANY_DEBIT)

DEPARTMENT_MARK = "@"


def split_code(code: str, department: str) -> str:
    """The account code of `code`'s line for `department` ("" when the line is not split).
    ValueError when the code would not fit a journal line's account code."""
    if not department:
        return code
    split = f"{code}{DEPARTMENT_MARK}{department}"
    if len(split) > MAX_CODE:
        raise ValueError(f"{split!r} is longer than the {MAX_CODE} characters an account code may have")
    return split
