"""Validators. The checks themselves are plain functions, tested without a request."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from wtforms import ValidationError
from wtforms.validators import StopValidation

from portal.forms import messages

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_UK_POSTCODE = re.compile(r"^(GIR 0AA|[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2})$")


def nhs_number_digits(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def format_nhs_number(value: str) -> str:
    """Spaced 3-3-4, as the NHS writes it: ``485 777 3456``. Anything else is shown as it is."""
    digits = nhs_number_digits(value)
    if not re.fullmatch(r"\d{10}", digits):
        return value or ""
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def is_valid_nhs_number(value: str) -> bool:
    """10 digits with a correct modulus-11 check digit."""
    digits = nhs_number_digits(value)
    if not re.fullmatch(r"\d{10}", digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - (total % 11)
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def normalise_uk_phone(value: str) -> str | None:
    """A UK phone number as digits starting 0, or None when it is not one."""
    raw = re.sub(r"[\s().-]", "", value or "")
    if raw.startswith("+44"):
        raw = "0" + raw[3:]
    elif raw.startswith("0044"):
        raw = "0" + raw[4:]
    raw = raw.replace("(0)", "")
    if re.fullmatch(r"0[1-37-9]\d{8,9}", raw) and len(raw) in (10, 11):
        return raw
    return None


def is_uk_mobile(value: str) -> bool:
    phone = normalise_uk_phone(value)
    return phone is not None and bool(re.fullmatch(r"07\d{9}", phone))


def normalise_postcode(value: str) -> str | None:
    raw = re.sub(r"\s", "", (value or "").upper())
    if len(raw) < 5:
        return None
    candidate = f"{raw[:-3]} {raw[-3:]}"
    return candidate if _UK_POSTCODE.fullmatch(candidate) else None


def is_email(value: str) -> bool:
    return bool(_EMAIL.fullmatch((value or "").strip())) and len(value) <= 254


class Email:
    def __call__(self, form: Any, field: Any) -> None:
        if field.data and not is_email(field.data):
            raise ValidationError(str(messages.EMAIL_FORMAT))


class NHSNumber:
    def __call__(self, form: Any, field: Any) -> None:
        digits = nhs_number_digits(field.data or "")
        if not re.fullmatch(r"\d{10}", digits):
            raise ValidationError(str(messages.NHS_NUMBER_FORMAT))
        if not is_valid_nhs_number(digits):
            raise ValidationError(str(messages.NHS_NUMBER_INVALID))


class UKPhone:
    def __init__(self, mobile_only: bool = False) -> None:
        self.mobile_only = mobile_only

    def __call__(self, form: Any, field: Any) -> None:
        if not field.data:
            return
        if self.mobile_only and not is_uk_mobile(field.data):
            raise ValidationError(str(messages.MOBILE_FORMAT))
        if normalise_uk_phone(field.data) is None:
            raise ValidationError(str(messages.PHONE_FORMAT))


class UKPostcode:
    def __call__(self, form: Any, field: Any) -> None:
        if field.data and normalise_postcode(field.data) is None:
            raise ValidationError(str(messages.POSTCODE_FORMAT))


class Required:
    """Like DataRequired, but with our message and without WTForms' default."""

    field_flags = {"required": True}

    def __init__(self, message: Any) -> None:
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        data = field.data
        if data is None or (isinstance(data, str) and not data.strip()) or data == []:
            raise StopValidation(str(self.message))


class MaxLength:
    def __init__(self, max_length: int) -> None:
        self.max = max_length

    def __call__(self, form: Any, field: Any) -> None:
        if field.data and len(field.data) > self.max:
            raise ValidationError(messages.too_long(self.max))


class RealDate:
    """A date was entered, is a real one, and (with ``rule``) falls when it may; else ``message``."""

    def __init__(self, rule: Callable[[date, date], bool] | None = None, message: Any = None) -> None:
        self.rule, self.message = rule, message

    def __call__(self, form: Any, field: Any) -> None:
        if field.parse_error:
            raise StopValidation(str(messages.DATE_FORMAT))
        if field.data is None:
            raise StopValidation(str(messages.ENTER_DATE))
        if self.rule is not None and not self.rule(field.data, date.today()):
            raise StopValidation(str(self.message))


def today_or_before(message: Any) -> RealDate:
    return RealDate(lambda day, today: day <= today, message)


def after_today(message: Any) -> RealDate:
    return RealDate(lambda day, today: day > today, message)
