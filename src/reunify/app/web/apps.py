from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "reunify.app.web"
    label = "web"
    verbose_name = "Web interface: base layout, navigation, security headers"

    def ready(self) -> None:
        from reunify.app.web.i18n import compile_catalogs

        # The Spanish catalogue is committed as .po; its .mo is built here when missing or stale.
        compile_catalogs(quiet=True)
