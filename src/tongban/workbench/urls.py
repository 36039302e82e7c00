from django.urls import path

from tongban.workbench.views import cases, documents, home, idonly, receive

app_name = "workbench"

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", home.LoginView.as_view(), name="login"),
    path("logout/", home.LogoutView.as_view(), name="logout"),
    path("queue/", home.queue, name="queue"),
    path("notifications/", home.notifications, name="notifications"),
    path("notifications/<int:notification_id>/read/", home.notification_read, name="notification_read"),
    path("items/search/", home.item_search_fragment, name="item_search"),
    path("receive/", receive.receive, name="receive"),
    path("id-only/", idonly.start, name="idonly_start"),
    path("id-only/<uuid:token>/", idonly.lookup, name="idonly_lookup"),
    path("validate/id-number/", receive.validate_id_number, name="validate_id_number"),
    path("cases/<str:number>/", cases.case_page, name="case"),
    path("cases/<str:number>/act/<str:action>/", cases.case_act, name="case_act"),
    path("cases/<str:number>/materials/", cases.material_add, name="material_add"),
    path("cases/<str:number>/materials/<int:material_id>/", cases.material_file, name="material_file"),
    path("cases/<str:number>/extension/", cases.extension_request, name="extension_request"),
    path("cases/<str:number>/extension/decision/", cases.extension_decide, name="extension_decide"),
    path("cases/<str:number>/rating/", cases.rating_record, name="rating_record"),
    path("cases/<str:number>/acceptance-notice.pdf", documents.acceptance_notice, name="acceptance_notice"),
    path("cases/<str:number>/correction-notice-<int:notice_id>.pdf", documents.correction_notice,
         name="correction_notice"),
    path("cases/<str:number>/refusal-decision.pdf", documents.refusal_decision, name="refusal_decision"),
]
