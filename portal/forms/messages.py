"""Every validation message, in one place, in plain English."""

from flask_babel import lazy_gettext as _l

ENTER_EMAIL = _l("Enter your email address")
EMAIL_FORMAT = _l("Enter an email address in the correct format, like name@example.com")
ENTER_PASSWORD = _l("Enter your password")
SIGN_IN_FAILED = _l("The email address or password is not right. Check them and try again.")
ENTER_CURRENT_PASSWORD = _l("Enter your current password")
CURRENT_PASSWORD_WRONG = _l("Your current password is not right")
ENTER_NEW_PASSWORD = _l("Enter a new password")
PASSWORD_TOO_SHORT = _l("Your new password must be 12 characters or more")
PASSWORDS_DIFFERENT = _l("The passwords do not match. Type the same password twice.")
ENTER_CODE = _l("Enter the code you were given")
CODE_NOT_RIGHT = _l(
    "This code does not work. It may be wrong, used already or more than 7 days old. "
    "Ask your key worker for a new one."
)
ENTER_NHS_NUMBER = _l("Enter your NHS number")
NHS_NUMBER_FORMAT = _l("NHS number must be 10 digits, like 999 123 4567")
NHS_NUMBER_INVALID = _l("This is not a valid NHS number. Check it and try again.")
ENTER_PHONE = _l("Enter a phone number")
PHONE_FORMAT = _l("Enter a UK phone number, like 01632 960 001 or 07700 900 982")
MOBILE_FORMAT = _l("Enter a UK mobile number, like 07700 900 982")
POSTCODE_FORMAT = _l("Enter a real postcode, like LS1 4AP")
CHOOSE_WHO = _l("Choose who you are inviting")
CHOOSE_PERSON = _l("Choose the person this is for")
TOO_LONG = _l("This must be %(max)d characters or fewer")
CHOOSE_ANSWER = _l("Choose an answer")
CHOOSE_MORE_HELP = _l("Choose yes or no")
CHOOSE_MEASURE = _l("Choose a questionnaire")
ENTER_DATE = _l("Enter a date")
DATE_FORMAT = _l("Enter a real date, like 27 3 2027")
DATE_IN_FUTURE = _l("The date must be in the future")
ENTER_REASON = _l("Say why it is not the right time")
