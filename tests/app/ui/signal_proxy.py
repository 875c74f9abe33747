"""A TCP proxy in front of livekit-server's signal port that can cut one party.

handoff-server hands its URL to every client (HANDOFF_TEST_LIVEKIT_PROXY_URL, read by
tests/app/handoff-test-server.c). Each connection's first request names the party: the
bearer token of `GET /rtc` (header or access_token parameter) is a JWT whose `sub` is
the identity.
cut(match, seconds) closes that party's open connections and refuses its new ones for
`seconds` (as a dropped network would), then lets them through again. Media (UDP/ICE)
does not pass here: only the signal connection is lost.
"""
import base64
import json
import socket
import threading
import time
import urllib.parse

import handoff_ui as ui


def _identity(head):
    """The JWT's `sub` from the Authorization header or the access_token parameter."""
    try:
        lines = head.decode("latin-1").split("\r\n")
        token = ""
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "authorization" and value.strip().lower().startswith("bearer "):
                token = value.strip()[7:].strip()
        if not token:
            query = urllib.parse.urlsplit(lines[0].split(" ")[1]).query
            token = urllib.parse.parse_qs(query).get("access_token", [""])[0]
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return claims.get("sub") or ""
    except Exception:
        return ""


class SignalProxy:
    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.url = f"ws://127.0.0.1:{self.sock.getsockname()[1]}"
        self.target = None
        self.lock = threading.Lock()
        self.conns = []          # (identity, client, upstream)
        self.blocked = {}        # match -> until (time.time())
        self.seen = []           # (identity, refused) per signal connection
        threading.Thread(target=self._accept, daemon=True).start()

    def set_target(self, ws_url):
        u = urllib.parse.urlsplit(ws_url)
        self.target = (u.hostname, u.port)

    def _is_blocked(self, ident):
        now = time.time()
        return any(m in ident and until > now for m, until in self.blocked.items())

    def _accept(self):
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client):
        head = b""
        try:
            while b"\r\n\r\n" not in head and len(head) < 65536:
                chunk = client.recv(4096)
                if not chunk:
                    raise OSError("closed")
                head += chunk
            ident = _identity(head)
            if ident and b"/rtc" in head.split(b"\r\n", 1)[0]:
                refused = self._is_blocked(ident)
                self.seen.append((ident, refused))
                if refused:
                    raise OSError("blocked")
            for _ in range(100):
                if self.target:
                    break
                time.sleep(0.1)
            upstream = socket.create_connection(self.target)
            upstream.sendall(head)
        except OSError:
            client.close()
            return
        with self.lock:
            self.conns.append((ident, client, upstream))
        threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()
        self._pump(client, upstream)

    @staticmethod
    def _pump(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self, match, seconds):
        """Drops `match`'s signal connections and refuses new ones for `seconds`."""
        self.blocked[match] = time.time() + seconds
        with self.lock:
            victims = [c for c in self.conns if match in c[0]]
            self.conns = [c for c in self.conns if match not in c[0]]
        for ident, client, upstream in victims:
            ui.log(f"proxy: cutting {ident}")
            for s in (client, upstream):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
        return len(victims)
