"""A real SMTP server on loopback for the tests (Debian's python3-aiosmtpd).

Usage: smtp_sink.py PORT [USER PASSWORD]
Prints "ready" once listening, then one JSON line per accepted message:
{"mail_from", "rcpt_tos", "data", "login"}. With USER and PASSWORD, AUTH is required (over plain
text: it is loopback) and only that login is accepted. Stops on SIGTERM or when stdin closes.
"""
import json
import signal
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Handler:
    async def handle_DATA(self, server, session, envelope):
        auth = getattr(session, "auth_data", None)
        login = auth.login.decode("utf-8", "replace") if isinstance(auth, LoginPassword) else None
        print(json.dumps({
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "data": envelope.original_content.decode("utf-8", "replace"),
            "login": login,
        }), flush=True)
        return "250 Message accepted for delivery"


def main():
    port = int(sys.argv[1])
    credentials = sys.argv[2:4]
    kwargs = {}
    if credentials:
        user, password = (c.encode() for c in credentials)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login == user and auth_data.password == password
            return AuthResult(success=ok, auth_data=auth_data if ok else None)

        kwargs = {"authenticator": authenticator, "auth_required": True, "auth_require_tls": False}
    controller = Controller(Handler(), hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    print("ready", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    done.wait()
    controller.stop()


if __name__ == "__main__":
    main()
