from .rules import OnboardingErrors


class OnboardingError(Exception):
    """Onboarding input broke a field or Friendly PC rule. Nothing was written."""

    def __init__(self, errors: OnboardingErrors):
        self.errors = errors
        super().__init__(str(errors.as_field_dict()))
