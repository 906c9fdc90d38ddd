"""Messages to people when something they wait for happens (in-app, SMS, e-mail), their channel
choices, and the candidates' own password reset. See docs/messaging.md.

    from appraisal.messaging import notify, notify_many, MessageKind

The names are loaded on first use: appraisal.models registers this package's models while it is
itself still loading, so importing the services here would be circular."""

__all__ = ["MessageKind", "notify", "notify_many"]


def __getattr__(name):
    if name == "MessageKind":
        from appraisal.messaging.models import MessageKind

        return MessageKind
    if name in ("notify", "notify_many"):
        from appraisal.messaging import services

        return getattr(services, name)
    raise AttributeError(name)
