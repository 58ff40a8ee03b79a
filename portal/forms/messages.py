"""Every validation message, in one place, in plain English."""

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

ENTER_EMAIL = _l("Enter your email address")
EMAIL_FORMAT = _l("Enter an email address in the correct format, like name@example.com")
ENTER_PASSWORD = _l("Enter your password")
SIGN_IN_FAILED = _l("The email address or password is not right. Check them and try again.")
ENTER_CURRENT_PASSWORD = _l("Enter your current password")
CURRENT_PASSWORD_WRONG = _l("Your current password is not right")
ENTER_NEW_PASSWORD = _l("Enter a new password")
PASSWORD_TOO_SHORT = _l("Your new password must be 12 characters or more")
PASSWORD_TOO_LONG = _l("Your new password must be 200 characters or fewer")
PASSWORD_EASY_TO_GUESS = _l(
    "This password is used by a lot of people or is easy to guess. "
    "Try 3 or 4 words that have nothing to do with each other."
)
PASSWORD_ABOUT_YOU = _l(
    "Do not use your name or email address in your password. "
    "Try 3 or 4 words that have nothing to do with you."
)
ENTER_SECOND_STEP_CODE = _l("Enter the 6-digit code from your authenticator app")
SECOND_STEP_CODE_WRONG = _l(
    "This code is not right. Enter the code your authenticator app shows now, or one of your recovery codes."
)
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


def too_long(limit: int) -> str:
    return ngettext("This must be %(num)d character or fewer", "This must be %(num)d characters or fewer", limit)


CHOOSE_ANSWER = _l("Choose an answer")
CHOOSE_MORE_HELP = _l("Choose yes or no")
CHOOSE_MEASURE = _l("Choose a questionnaire")
ENTER_DATE = _l("Enter a date")
DATE_FORMAT = _l("Enter a real date, like 27 3 2027")
DATE_IN_FUTURE = _l("The date must be in the future")
ENTER_REASON = _l("Say why it is not the right time")
CHOOSE_WHY_NOT_NOW = _l("Choose why it is not being done now")
ENTER_GOAL = _l("Write your goal in your own words")
CHOOSE_RATING = _l("Choose a number from 0 to 10")
CHOOSE_AGREEMENT = _l("Say how this goal was agreed")
ENTER_ON_BEHALF_REASON = _l("Say why this goal was set for the person")
CHOOSE_GOAL_ENDING = _l("Say if the goal was achieved or stopped")
ENTER_STOP_REASON = _l("Say why the goal was stopped")
ENTER_ENTRY = _l("Write something to add")
CHOOSE_SUPPORT_KIND = _l("Choose the kind of support")
REVIEW_WITHIN_A_YEAR = _l("The next review must be within a year from today")
CHOOSE_TWO_VERSIONS = _l("Choose two different versions to compare")
CHOOSE_ACTION_WHO = _l("Say who will do this")
ENTER_ACTION = _l("Write what will be done")
ENTER_SUMMARY = _l("Write a summary of the session")

# Carers (issue 5)
ENTER_YOUR_NAME = _l("Enter your name")
ENTER_CARER_NAME = _l("Enter the carer's name")
ENTER_RELATIONSHIP = _l("Say how you are related, like mother, partner or friend")
ENTER_THEIR_RELATIONSHIP = _l("Say how they are related, like mother, partner or friend")
CONTACT_NEEDS_PHONE = _l("Enter a phone number, or choose another way to contact you")
CONTACT_NEEDS_MOBILE = _l("Enter a mobile number, or choose another way to contact you")
CONTACT_NEEDS_EMAIL = _l("Enter an email address, or choose another way to contact you")
CONTACT_NEEDS_ADDRESS = _l("Enter your address and postcode, or choose another way to contact you")
CHOOSE_WHAT_CARER_SEES = _l("Choose what they may see, or choose Nothing")
CONSENT_NOTHING_AND_MORE = _l("You chose Nothing and something else. Choose Nothing, or the things they may see.")
ENTER_CONTRIBUTION = _l("Write something in at least one box, or ask for a carer's assessment")
CARER_ALREADY_INVITED = _l("This person is already a carer here. Check the list of carers.")

# Safety plan (issue 4)
ENTER_ANY_SAFETY_PLAN_STEP = _l("Write at least one step of the plan")

# Key workers, handover and the team report (issue 7)
CHOOSE_KEY_WORKER = _l("Choose the new key worker")
SAME_KEY_WORKER = _l("This person is already their key worker. Choose someone else.")
KEY_WORKER_NOT_REGISTERED = _l(
    "%(name)s has no professional registration recorded (NMC, GMC, HCPC or Social Work England), "
    "so cannot be a key worker. Choose someone who has one."
)
# Care teams (issue 15)
CHOOSE_CARE_TEAM_MEMBER = _l("Choose who is joining the care team")
CHOOSE_CARE_TEAM_ROLE = _l("Choose what they will do in the care team")
ENTER_CARE_TEAM_REASON = _l("Write why they are joining the care team")
ENTER_CARE_TEAM_REMOVAL_REASON = _l("Write why they are leaving the care team")
ALREADY_IN_CARE_TEAM = _l("They are already in the care team, or are the key worker. Choose someone else.")
ENTER_HANDOVER_NOTE = _l("Write what the new key worker needs to know")
HANDOVER_DATE_NOT_FUTURE = _l("The handover date must be today or in the past")
CONFIRM_TOLD_IN_PERSON = _l("Only record a choice the person told you themselves")
DISCHARGE_DATE_NOT_FUTURE = _l("The date they left must be today or in the past")
PERIOD_START_AFTER_END = _l("The start date must be on or before the end date")
CHOOSE_CARER_VALUE = _l("Choose which one is right")

# Reminders (issue 8)
CHOOSE_REMINDERS = _l("Choose how you would like to get reminders")
CHOOSE_QUIET_HOURS = _l("Choose when we should not send messages")
REMINDER_NEEDS_MOBILE = _l(
    "We do not have a UK mobile number for you. Choose email, or ask your team to add your mobile number."
)
REMINDER_NEEDS_EMAIL = _l(
    "We do not have an email address for you. Choose text message, or ask your team to add your email address."
)
INVITATION_NEEDS_MOBILE = _l("Enter their UK mobile number to send a text message, like 07700 900 982")
INVITEE_HAS_NO_MOBILE = _l(
    "There is no UK mobile number on their record. Choose email, or give them the code yourself."
)

# The risk pathway (issue 13)
CHOOSE_OUTCOME = _l("Choose what was done")
ENTER_NO_ACTION_REASON = _l("Say why no action was needed")
CHOOSE_HOW_TOLD = _l("Choose how you would like to be told")
STAFF_NEEDS_MOBILE = _l("Enter your UK mobile number to be told by text message, like 07700 900 982")
AWAY_NEEDS_START = _l("Enter the first day away, or leave both dates empty")
AWAY_END_BEFORE_START = _l("The last day away must be on or after the first day away")
CHOOSE_WORRY_URGENCY = _l("Say how urgent it feels")
CHOOSE_EXPERIENCE = _l("Select how your experience of our service was")
CHOOSE_FEEDBACK_TEAM = _l("Select which team this is about")
ENTER_YOU_SAID = _l("Enter what people said")
ENTER_WE_DID = _l("Enter what the team did")
# Staff records and caseload analysis (issue 15)
ENTER_PROFESSION = _l("Enter their profession, like mental health nurse")
REGISTRATION_FORMAT = _l(
    "Enter a registration in the right format, like NMC 12A3456E, GMC 1234567, HCPC OT12345 or "
    "Social Work England SW12345. Leave it empty if they have none."
)
ENTER_STAFF_SEARCH = _l("Enter part of a name or a registration number")
CHOOSE_PEOPLE_TO_ALLOCATE = _l("Choose at least one person to allocate")
SAME_KEY_WORKER_FOR_SOME = _l("Someone you chose already has this key worker. Untick them, or choose someone else.")
# Statement of care (issue 15)
CHOOSE_STATEMENT_PURPOSE = _l("Choose what the statement of care is for")
CHOOSE_GOAL_STILL_RIGHT = _l("Say whether the goal is still right for them")
ENTER_STATEMENT_OF_CARE = _l("Write the statement of care before you agree it")
