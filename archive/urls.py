from django.contrib import admin
from django.urls import path, re_path

from archive import api, feeds, views

urlpatterns = [
    path("", views.home, name="home"),
    path("search", views.search, name="search"),
    path("search.csv", feeds.search_csv, name="search_csv"),
    path("search.atom", feeds.search_atom, name="search_atom"),
    path("search/tips/", views.search_tips, name="search_tips"),
    path("questions/<int:pk>/", views.question, name="question"),
    path("questions/<int:pk>/<str:slug>/", views.question, name="question"),
    path("members/<int:pk>/", views.member, name="member"),
    path("members/<int:pk>/<str:slug>/", views.member, name="member"),
    path("departments/<int:pk>/", views.department, name="department"),
    path("departments/<int:pk>/<str:slug>/", views.department, name="department"),
    path("api/questions", api.questions, name="api_questions"),
    re_path(r"^api/questions/(?P<pk>[^/]+)$", api.question, name="api_question"),
    re_path(r"^api/(?P<path>.*)$", api.not_found),
    path("admin/", admin.site.urls),
]

handler500 = "archive.api.server_error"
