#!/usr/bin/env python3
"""A real SMTP server for tests (aiosmtpd): it accepts every message and
writes it into an output directory, nothing is relayed.

Modes: plain; starttls (STARTTLS required before MAIL); tls (implicit TLS
from the first byte). With --user (password in $SMTP_SINK_PASSWORD) AUTH
PLAIN and LOGIN are offered and required before MAIL; in starttls mode only
after STARTTLS.

Each message n becomes <out>/<n>.eml (the raw message) and then <out>/<n>.json
({"mail_from", "rcpt_tos", "mail_options", "helo", "auth_user", "tls", "peer"}),
each written to a temporary name and renamed, the .json last: a reader
takes a message once its .json exists.

Prints "READY <port>" on stdout once it listens (--port 0 picks a free one).
"""

import argparse
import asyncio
import json
import logging
import os
import ssl
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def write_atomic(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


class Sink:
    def __init__(self, out, implicit_tls):
        self.out = out
        self.implicit_tls = implicit_tls
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        n = self.count
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        login = session.login_data
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "mail_options": list(envelope.mail_options),
            "helo": session.host_name,
            "auth_user": login.decode("utf-8", "replace") if isinstance(login, bytes) else login,
            "tls": self.implicit_tls or session.ssl is not None,
            "peer": list(session.peer) if session.peer else None,
        }
        write_atomic(os.path.join(self.out, f"{n}.eml"), raw)
        write_atomic(os.path.join(self.out, f"{n}.json"), json.dumps(meta).encode())
        return "250 2.0.0 Message accepted for delivery"


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == user.encode()
            and auth_data.password == password.encode()
        )
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    return check


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["plain", "starttls", "tls"], default="plain")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--out", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--user")
    args = parser.parse_args()

    # aiosmtpd warns about AUTH without (STARTTLS) TLS: in plain mode that is
    # the point, in tls mode the connection is encrypted anyway.
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
    os.makedirs(args.out, exist_ok=True)

    context = None
    if args.mode != "plain":
        if not (args.cert and args.key):
            parser.error("--cert and --key are needed in starttls and tls modes")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)

    handler = Sink(args.out, implicit_tls=args.mode == "tls")
    options = {
        "decode_data": False,
        "enable_SMTPUTF8": True,
        "hostname": "localhost",
        "ident": "VideoAssist test SMTP sink",
        # Implicit TLS is encryption too, though aiosmtpd only knows STARTTLS.
        "auth_require_tls": args.mode == "starttls",
    }
    if args.user is not None:
        password = os.environ.get("SMTP_SINK_PASSWORD", "")
        options.update(authenticator=authenticator(args.user, password), auth_required=True)
    if args.mode == "starttls":
        options.update(tls_context=context, require_starttls=True)

    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, **options),
        host=args.host,
        port=args.port,
        ssl=context if args.mode == "tls" else None,
    )
    port = server.sockets[0].getsockname()[1]
    print(f"READY {port}", flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
