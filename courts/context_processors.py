from .access import is_ccpor_staff


def access(request) -> dict:
    return {
        "is_ccpor_staff": is_ccpor_staff(request.user)
        if hasattr(request, "user")
        else False
    }
