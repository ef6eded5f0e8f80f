from .fields import strict_strings

strict_strings()
