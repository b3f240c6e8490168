"""The product's URLs plus the baseline page of `make bench`."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from ccpor_onboard.urls import urlpatterns as product_urlpatterns


@login_required
def trivial(request):
    """The cheapest signed-in page: session, user, the site's frame and nothing else."""
    return render(request, "base.html")


urlpatterns = [path("bench/trivial/", trivial, name="bench_trivial")]
urlpatterns += product_urlpatterns
