from django.urls import path

from console.sources import log_views

urlpatterns = [
    path("", log_views.endpoint_index, name="delivery-endpoints"),
    path("<str:code>/", log_views.endpoint_log, name="delivery-endpoint"),
    path("<str:code>/list/", log_views.delivery_list, name="delivery-list"),
    path("<str:code>/refused/", log_views.refusal_list, name="delivery-refusals"),
    path("<str:code>/<int:delivery_id>/", log_views.delivery_detail, name="delivery-detail"),
]
