# How dates read across the site and the admin, in one place (settings'
# FORMAT_MODULE_PATH points here; Django's own English formats would win over
# plain DATE_FORMAT / DATETIME_FORMAT settings). Templates use |date and
# |date:"DATETIME_FORMAT"; Python uses django.utils.formats.date_format().
DATE_FORMAT = "F j, Y"
DATETIME_FORMAT = "F j, Y, H:i"
SHORT_DATETIME_FORMAT = "M j, Y H:i"
