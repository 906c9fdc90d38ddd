from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The project's wiring as an app, only so that it can hold the `load_demo` command that
    collects every app's demo part."""

    name = "config"
    label = "project"
    verbose_name = "项目配置"
