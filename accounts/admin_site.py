"""The product's admin site: Django's, with two-factor authentication where it is
required (settings.OTP_ADMIN_REQUIRED, on in production), every deletion in the
audit log, and every admin registered on it (the product's and the libraries')
answering malformed query values and ids with a page, never a server error
(`ccpor_onboard.lib.admin.InputGuards`). Installed in place of
"django.contrib.admin" (settings.DJANGO_APPS)."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.apps import AdminConfig
from django.shortcuts import redirect
from django.urls import reverse

from ccpor_onboard.lib.admin import with_input_guards


class ProductAdminSite(admin.AdminSite):
    site_header = "CCPOR Onboard administration"
    site_title = "CCPOR Onboard admin"
    # The breadcrumbs and the index lead everywhere; without the model list beside
    # every page, a change list's columns fit 1280 px whole, words unbroken.
    enable_nav_sidebar = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from audit.admin_log import delete_selected

        # Same name: replaces Django's action everywhere in this site.
        self.add_action(delete_selected, "delete_selected")

    def register(self, model_or_iterable, admin_class=None, **options):
        super().register(
            model_or_iterable,
            with_input_guards(admin_class or admin.ModelAdmin),
            **options,
        )

    @staticmethod
    def otp_required() -> bool:
        return settings.OTP_ADMIN_REQUIRED

    def has_permission(self, request) -> bool:
        if not super().has_permission(request):
            return False
        if self.otp_required():
            # Imported here: this module is loaded with the app registry.
            from .middleware import second_factor_given

            return second_factor_given(request)
        return True

    def login(self, request, extra_context=None):
        # Staff signed in with a password only: send them on to the second factor
        # (or to set it up) instead of the "not authorised" login page.
        user = request.user
        if (
            self.otp_required()
            and user.is_active
            and user.is_staff
            and not self.has_permission(request)
        ):
            from .services import user_totp_device

            query = urlencode({"next": request.GET.get("next", reverse("admin:index"))})
            if user_totp_device(user) is not None:
                return redirect(f"{reverse('accounts:otp_verify')}?{query}")
            messages.warning(
                request,
                "The admin needs two-factor authentication: set up an authenticator "
                "app first.",
            )
            return redirect(f"{reverse('accounts:otp_setup')}?{query}")
        return super().login(request, extra_context)


class ProductAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.ProductAdminSite"
