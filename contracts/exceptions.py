from mso.errors import FieldErrors


class ContractError(FieldErrors):
    """An agreement, fee run or invoice request the rules refuse; nothing was written."""
